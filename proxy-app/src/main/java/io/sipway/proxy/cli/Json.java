package io.sipway.proxy.cli;

/** A one-line JSON object writer for command output (strings, numbers, booleans, null). */
final class Json {
    private final StringBuilder sb = new StringBuilder("{");

    Json field(String name, Object value) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        string(name);
        sb.append(':');
        if (value == null) {
            sb.append("null");
        } else if (value instanceof Number || value instanceof Boolean) {
            sb.append(value);
        } else {
            string(value.toString());
        }
        return this;
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return sb.toString() + "}";
    }
}
