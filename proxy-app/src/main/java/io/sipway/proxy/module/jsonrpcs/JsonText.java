package io.sipway.proxy.module.jsonrpcs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for the RPC, both ways: {@link #parse} gives maps (key order kept), lists, strings, longs,
 * doubles, booleans and null; {@link #write} writes those back, compact or indented.
 */
public final class JsonText {
    private JsonText() {
    }

    /** A parse error with the offset where it was found. */
    public static final class JsonException extends IllegalArgumentException {
        JsonException(String message, int offset) {
            super(message + " at offset " + offset);
        }
    }

    public static Object parse(String text) {
        Reader r = new Reader(text);
        r.space();
        Object v = r.value();
        r.space();
        if (r.pos != text.length()) {
            throw new JsonException("text after the value", r.pos);
        }
        return v;
    }

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        void space() {
            while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
        }

        Object value() {
            if (pos >= s.length()) {
                throw new JsonException("a value expected", pos);
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> word("true", Boolean.TRUE);
                case 'f' -> word("false", Boolean.FALSE);
                case 'n' -> word("null", null);
                default -> number();
            };
        }

        private Object word(String w, Object v) {
            if (!s.startsWith(w, pos)) {
                throw new JsonException("unexpected character '" + s.charAt(pos) + "'", pos);
            }
            pos += w.length();
            return v;
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            pos++;
            space();
            if (peek() == '}') {
                pos++;
                return m;
            }
            while (true) {
                space();
                if (peek() != '"') {
                    throw new JsonException("a member name expected", pos);
                }
                String k = string();
                space();
                expect(':');
                space();
                m.put(k, value());
                space();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect('}');
                    return m;
                }
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            pos++;
            space();
            if (peek() == ']') {
                pos++;
                return l;
            }
            while (true) {
                space();
                l.add(value());
                space();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect(']');
                    return l;
                }
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw new JsonException("unexpected end", pos);
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new JsonException("'" + c + "' expected", pos);
            }
            pos++;
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            pos++;
            while (true) {
                char c = peek();
                pos++;
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = peek();
                pos++;
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw new JsonException("a short \\u escape", pos);
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException x) {
                            throw new JsonException("a bad \\u escape", pos);
                        }
                        pos += 4;
                    }
                    default -> b.append(e); // \" \\ \/
                }
            }
        }

        private Object number() {
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            String t = s.substring(start, pos);
            try {
                return t.matches("-?[0-9]+") ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw new JsonException(t.isEmpty() ? "unexpected character '" + s.charAt(start) + "'" : "a bad number " + t, start);
            }
        }
    }

    /** Compact JSON of a value made of maps, lists, strings, numbers, booleans and null. */
    public static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, -1);
        return b.toString();
    }

    /** The same, indented by two spaces per level: what {@code sipway rpc} prints. */
    public static String pretty(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, 0);
        return b.toString();
    }

    private static void newline(StringBuilder b, int level) {
        if (level >= 0) {
            b.append('\n').append("  ".repeat(level));
        }
    }

    private static void write(StringBuilder b, Object v, int level) {
        int inner = level < 0 ? -1 : level + 1;
        if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? "" : ",");
                first = false;
                newline(b, inner);
                string(b, String.valueOf(e.getKey()));
                b.append(level < 0 ? ":" : ": ");
                write(b, e.getValue(), inner);
            }
            if (!m.isEmpty()) {
                newline(b, level);
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? "" : ",");
                newline(b, inner);
                write(b, l.get(i), inner);
            }
            if (!l.isEmpty()) {
                newline(b, level);
            }
            b.append(']');
        } else if (v == null) {
            b.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else {
            string(b, v.toString());
        }
    }

    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
