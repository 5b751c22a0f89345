package io.sipway.proxy.module.topoh;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A SIP message as lines of text, enough for topoh's rewrites: the start line, the header fields
 * (name and value; a field nobody changed is written back byte for byte) and the body, untouched
 * (so Content-Length stays right). Folded header lines are joined when read. ISO-8859-1 keeps every
 * byte as one char.
 */
final class SipText {
    String startLine;
    final List<Field> fields = new ArrayList<>();
    private final String body;
    private final String separator;

    /** One header field: its name as written, its value, and its original line while unchanged. */
    static final class Field {
        final String name;
        String value;
        String raw;

        Field(String name, String value, String raw) {
            this.name = name;
            this.value = value;
            this.raw = raw;
        }

        void set(String v) {
            value = v;
            raw = null;
        }

        /** The canonical (long, lower-case) name: compact forms expanded. */
        String type() {
            return canonical(name);
        }
    }

    private SipText(String startLine, String body, String separator) {
        this.startLine = startLine;
        this.body = body;
        this.separator = separator;
    }

    /** The message, or null when it has no header section's end or no start line. */
    static SipText parse(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = s.indexOf("\r\n\r\n");
        String sep = "\r\n";
        if (end < 0) {
            end = s.indexOf("\n\n");
            sep = "\n";
            if (end < 0) {
                return null;
            }
        }
        String head = s.substring(0, end);
        String body = s.substring(end + 2 * sep.length());
        String[] lines = head.split(sep.equals("\r\n") ? "\r\n" : "\n", -1);
        if (lines.length == 0 || lines[0].isEmpty()) {
            return null;
        }
        SipText t = new SipText(lines[0], body, sep);
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            StringBuilder raw = new StringBuilder(line);
            while (i + 1 < lines.length && !lines[i + 1].isEmpty() && (lines[i + 1].charAt(0) == ' ' || lines[i + 1].charAt(0) == '\t')) {
                raw.append(sep).append(lines[++i]);
                line = line + " " + lines[i].trim();
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return null;
            }
            t.fields.add(new Field(line.substring(0, colon).trim(), line.substring(colon + 1).trim(), raw.toString()));
        }
        return t;
    }

    byte[] toBytes() {
        StringBuilder b = new StringBuilder(512).append(startLine).append(separator);
        for (Field f : fields) {
            b.append(f.raw != null ? f.raw : f.name + ": " + f.value).append(separator);
        }
        return b.append(separator).append(body).toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    boolean isRequest() {
        return !startLine.startsWith("SIP/");
    }

    /** The Request-URI (the start line's middle part), or null for a reply. */
    String requestUri() {
        String[] p = startLine.split(" ");
        return isRequest() && p.length == 3 ? p[1] : null;
    }

    void requestUri(String uri) {
        String[] p = startLine.split(" ");
        startLine = p[0] + " " + uri + " " + p[2];
    }

    int statusCode() {
        String[] p = startLine.split(" ");
        try {
            return p.length >= 2 ? Integer.parseInt(p[1]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The first field of this (canonical) type, or null. */
    Field first(String type) {
        for (Field f : fields) {
            if (f.type().equals(type)) {
                return f;
            }
        }
        return null;
    }

    List<Field> all(String type) {
        List<Field> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.type().equals(type)) {
                out.add(f);
            }
        }
        return out;
    }

    /** The CSeq method, upper-case, or null. */
    String cseqMethod() {
        Field f = first("cseq");
        if (f == null) {
            return null;
        }
        String[] p = f.value.trim().split("\\s+");
        return p.length == 2 ? p[1].toUpperCase(Locale.ROOT) : null;
    }

    static String canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "v" -> "via";
            case "m" -> "contact";
            case "i" -> "call-id";
            case "t" -> "to";
            case "f" -> "from";
            case "r" -> "refer-to";
            default -> n;
        };
    }

    /**
     * The comma-separated values of a header field, split where a comma is outside quotes and angle
     * brackets, each with its offsets in the field value ({@code [start, end)}, blanks trimmed).
     */
    static List<int[]> values(String v) {
        List<int[]> out = new ArrayList<>();
        boolean quoted = false;
        int angle = 0;
        int start = 0;
        for (int i = 0; i <= v.length(); i++) {
            char c = i < v.length() ? v.charAt(i) : ',';
            if (c == '"' && (i == 0 || v.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                angle++;
            } else if (!quoted && c == '>') {
                angle = Math.max(0, angle - 1);
            } else if (!quoted && angle == 0 && c == ',') {
                int s = start;
                int e = i;
                while (s < e && Character.isWhitespace(v.charAt(s))) {
                    s++;
                }
                while (e > s && Character.isWhitespace(v.charAt(e - 1))) {
                    e--;
                }
                if (e > s) {
                    out.add(new int[] {s, e});
                }
                start = i + 1;
            }
        }
        return out;
    }

    /** The URI of a name-addr or addr-spec ({@code <uri>} or a bare URI up to its header parameters), as offsets in {@code v}. */
    static int[] uriOf(String v, int from, int to) {
        int lt = v.indexOf('<', from);
        if (lt >= 0 && lt < to) {
            int gt = v.indexOf('>', lt);
            return gt < 0 || gt > to ? null : new int[] {lt + 1, gt};
        }
        int end = from;
        while (end < to && v.charAt(end) != ';' && !Character.isWhitespace(v.charAt(end))) {
            end++;
        }
        return new int[] {from, end};
    }

    /** A tag parameter of a To/From value, or null. */
    static String tag(String v) {
        int gt = v.lastIndexOf('>');
        String params = gt >= 0 ? v.substring(gt + 1) : v.substring(Math.max(0, v.indexOf(';')));
        for (String p : params.split(";")) {
            String t = p.trim();
            if (t.toLowerCase(Locale.ROOT).startsWith("tag=")) {
                return t.substring(4).trim();
            }
        }
        return null;
    }

    /** The value of parameter {@code name} in a ';'-separated list (a flag gives ""), or null. */
    static String param(String params, String name) {
        for (String p : params.split(";")) {
            String t = p.trim();
            int eq = t.indexOf('=');
            String n = (eq < 0 ? t : t.substring(0, eq)).trim();
            if (n.equalsIgnoreCase(name)) {
                return eq < 0 ? "" : t.substring(eq + 1).trim();
            }
        }
        return null;
    }
}
