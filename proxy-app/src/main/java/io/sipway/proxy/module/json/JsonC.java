package io.sipway.proxy.module.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as Kamailio's json module reads and writes it, through the json-c library (0.16, Debian's for
 * Kamailio 5.6.3). Sipway's strict reader (jsonrpcs' JsonText) does not do: json-c is lenient where
 * scripts rely on it (the module's own example is {@code {'foo':'bar'}}), and what a script gets back
 * is json-c's text, which differs from a compact writer's. What this reader takes, as json-c does
 * without its strict flag:
 * <ul>
 * <li>strings and member names in double or single quotes; escapes {@code \" \\ \/ \b \f \n \r \t
 * \\uXXXX} only (a lone surrogate becomes U+FFFD); raw control characters inside strings;</li>
 * <li>{@code true}, {@code false}, {@code null}, {@code NaN}, {@code Infinity} in any letter case;</li>
 * <li>numbers with leading zeros, a bare trailing dot ({@code 1.}), a leading dot after the minus
 * ({@code -.5}); a dangling exponent ({@code 1e}, {@code 1E+}) is dropped; an integer beyond 64 bits
 * is clamped;</li>
 * <li>a comma before a closing bracket or brace; {@code /*...*&#47;} and {@code //...} comments where
 * whitespace may be;</li>
 * <li>anything after the first complete value (ignored), and at most 32 levels of nesting.</li>
 * </ul>
 * A value is a {@code Map<String, Object>} (member order kept; a repeated name replaces the value in
 * its first place), a {@code List<Object>}, a String, a Boolean, a {@link Num} or null (JSON null,
 * which json-c holds as no object at all: a member whose value is null reads as missing).
 */
final class JsonC {
    /** json-c's JSON_TOKENER_DEFAULT_DEPTH. */
    private static final int MAX_DEPTH = 32;

    private JsonC() {
    }

    /** A number with the text json-c writes for it: an integer in decimal, a real as it was written. */
    record Num(String text) {
    }

    /** Text that json-c does not take as JSON. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The first value of the text, read up to a NUL character as json-c reads a C string; a root that
     * is JSON null gives null.
     */
    static Object parse(String text) throws Invalid {
        int nul = text.indexOf('\0');
        Reader r = new Reader(nul < 0 ? text : text.substring(0, nul));
        r.space();
        Object v = r.value(0);
        r.afterRoot();
        return v;
    }

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        private boolean end() {
            return pos >= s.length();
        }

        private char peek() throws Invalid {
            if (end()) {
                throw new Invalid("unexpected end of data");
            }
            return s.charAt(pos);
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
        }

        /** Whitespace and comments before a token. */
        void space() throws Invalid {
            while (!end()) {
                char c = s.charAt(pos);
                if (isSpace(c)) {
                    pos++;
                } else if (c == '/') {
                    comment();
                } else {
                    return;
                }
            }
        }

        /** A comment at '/': one that is not ended when the text ends is an error, as the value is not either. */
        private void comment() throws Invalid {
            pos++;
            char c = peek();
            pos++;
            if (c == '*') {
                int close = s.indexOf("*/", pos);
                if (close < 0) {
                    throw new Invalid("unexpected end of data in a comment");
                }
                pos = close + 2;
            } else if (c == '/') {
                int nl = s.indexOf('\n', pos);
                if (nl < 0) {
                    throw new Invalid("unexpected end of data in a comment");
                }
                pos = nl + 1;
            } else {
                throw new Invalid("expected comment");
            }
        }

        /** After the root value json-c stops at anything but whitespace or a comment; a comment left open is fine there. */
        void afterRoot() throws Invalid {
            while (!end()) {
                char c = s.charAt(pos);
                if (isSpace(c)) {
                    pos++;
                } else if (c == '/') {
                    pos++;
                    if (end()) {
                        throw new Invalid("expected comment"); // json-c reads the string's NUL as the second character
                    }
                    char k = s.charAt(pos++);
                    if (k == '*') {
                        int close = s.indexOf("*/", pos);
                        pos = close < 0 ? s.length() : close + 2;
                    } else if (k == '/') {
                        int nl = s.indexOf('\n', pos);
                        pos = nl < 0 ? s.length() : nl + 1;
                    } else {
                        throw new Invalid("expected comment");
                    }
                } else {
                    return;
                }
            }
        }

        Object value(int depth) throws Invalid {
            char c = peek();
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                case '\'':
                    return string();
                case 't':
                case 'T':
                    word("true");
                    return Boolean.TRUE;
                case 'f':
                case 'F':
                    word("false");
                    return Boolean.FALSE;
                case 'n':
                case 'N':
                    if (matches("null")) {
                        pos += 4;
                        return null;
                    }
                    word("nan");
                    return new Num("NaN");
                case 'i':
                case 'I':
                    word("infinity");
                    return new Num("Infinity");
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw new Invalid("unexpected character '" + c + "'");
            }
        }

        private boolean matches(String w) {
            return s.regionMatches(true, pos, w, 0, w.length());
        }

        private void word(String w) throws Invalid {
            if (!matches(w)) {
                throw new Invalid(end() ? "unexpected end of data" : "unexpected word at " + pos);
            }
            pos += w.length();
        }

        private Map<String, Object> object(int depth) throws Invalid {
            Map<String, Object> m = new LinkedHashMap<>();
            pos++;
            space();
            if (peek() == '}') {
                pos++;
                return m;
            }
            while (true) {
                char q = peek();
                if (q != '"' && q != '\'') {
                    throw new Invalid("quoted object property name expected");
                }
                String key = string();
                int nul = key.indexOf('\0');
                if (nul >= 0) {
                    key = key.substring(0, nul); // json-c keeps names as C strings
                }
                space();
                if (peek() != ':') {
                    throw new Invalid("object property name separator ':' expected");
                }
                pos++;
                space();
                if (depth >= MAX_DEPTH - 1) {
                    throw new Invalid("nesting too deep");
                }
                m.put(key, value(depth + 1));
                space();
                char c = peek();
                pos++;
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    throw new Invalid("object value separator ',' expected");
                }
                space();
                if (peek() == '}') {
                    pos++;
                    return m;
                }
            }
        }

        private List<Object> array(int depth) throws Invalid {
            List<Object> l = new ArrayList<>();
            pos++;
            space();
            if (peek() == ']') {
                pos++;
                return l;
            }
            while (true) {
                if (depth >= MAX_DEPTH - 1) {
                    throw new Invalid("nesting too deep");
                }
                l.add(value(depth + 1));
                space();
                char c = peek();
                pos++;
                if (c == ']') {
                    return l;
                }
                if (c != ',') {
                    throw new Invalid("array value separator ',' expected");
                }
                space();
                if (peek() == ']') {
                    pos++;
                    return l;
                }
            }
        }

        /** A string at its opening quote, which also closes it. */
        private String string() throws Invalid {
            char quote = s.charAt(pos++);
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = peek();
                pos++;
                if (c == quote) {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = peek();
                pos++;
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> unicode(b);
                    default -> throw new Invalid("invalid string sequence");
                }
            }
        }

        /** The code unit(s) after "\\u": a high surrogate pairs with a "\\uXXXX" low one right after it, else U+FFFD. */
        private void unicode(StringBuilder b) throws Invalid {
            int u = hex4();
            while (Character.isHighSurrogate((char) u)) {
                if (!s.startsWith("\\u", pos)) {
                    b.append('\uFFFD');
                    return;
                }
                pos += 2;
                int next = hex4();
                if (Character.isLowSurrogate((char) next)) {
                    b.append((char) u).append((char) next);
                    return;
                }
                b.append('\uFFFD');
                u = next;
            }
            b.append(Character.isLowSurrogate((char) u) ? '\uFFFD' : (char) u);
        }

        private int hex4() throws Invalid {
            int u = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(peek(), 16);
                if (d < 0) {
                    throw new Invalid("invalid string sequence");
                }
                u = u * 16 + d;
                pos++;
            }
            return u;
        }

        /**
         * A number: json-c takes the characters 0-9 . + - e E with one dot before the exponent, one
         * exponent, a minus only first or right after the e, a plus only right after the e.
         */
        private Object number() throws Invalid {
            int start = pos;
            boolean dot = false;
            int exponent = -1;
            while (!end()) {
                char c = s.charAt(pos);
                int at = pos - start;
                if (c >= '0' && c <= '9') {
                    pos++;
                } else if (c == '.') {
                    if (dot || exponent >= 0) {
                        throw new Invalid("number expected");
                    }
                    dot = true;
                    pos++;
                } else if (c == 'e' || c == 'E') {
                    if (exponent >= 0) {
                        throw new Invalid("number expected");
                    }
                    exponent = at;
                    pos++;
                } else if (c == '-' || c == '+') {
                    boolean allowed = exponent >= 0 ? at == exponent + 1 : c == '-' && at == 0;
                    if (!allowed) {
                        throw new Invalid("number expected");
                    }
                    pos++;
                } else {
                    break;
                }
            }
            String t = s.substring(start, pos);
            if (t.equals("-") && !end() && (s.charAt(pos) == 'i' || s.charAt(pos) == 'I')) {
                word("infinity");
                return new Num("-Infinity");
            }
            if (exponent >= 0 && (t.length() == exponent + 1 || t.length() == exponent + 2 && !Character.isDigit(t.charAt(exponent + 1)))) {
                t = t.substring(0, exponent); // "1e" and "1E+" read as 1
            }
            String digits = t.startsWith("-") ? t.substring(1) : t;
            if (dot || exponent >= 0) {
                boolean parses = !digits.isEmpty() && (Character.isDigit(digits.charAt(0))
                        || digits.length() > 1 && digits.charAt(0) == '.' && Character.isDigit(digits.charAt(1)));
                if (!parses) {
                    throw new Invalid("number expected");
                }
                return new Num(t);
            }
            if (digits.isEmpty()) {
                throw new Invalid("number expected");
            }
            return new Num(integer(t));
        }
    }

    /** An integer as json-c keeps it: a negative one clamped to int64, a positive one to uint64. */
    private static String integer(String t) {
        java.math.BigInteger v = new java.math.BigInteger(t);
        java.math.BigInteger min = java.math.BigInteger.valueOf(Long.MIN_VALUE);
        java.math.BigInteger max = new java.math.BigInteger("18446744073709551615");
        if (v.compareTo(min) < 0) {
            v = min;
        } else if (v.compareTo(max) > 0) {
            v = max;
        }
        return v.toString();
    }

    /** json_object_to_json_string: json-c's spaced text ({@code { "a": [ 1, 2 ] }}, {@code { }}), a slash escaped. */
    static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? " " : ", ");
                first = false;
                string(b, (String) e.getKey());
                b.append(": ");
                write(b, e.getValue());
            }
            b.append(" }");
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? " " : ", ");
                write(b, l.get(i));
            }
            b.append(" ]");
        } else if (v instanceof String str) {
            string(b, str);
        } else if (v instanceof Num n) {
            b.append(n.text());
        } else if (v == null) {
            b.append("null");
        } else {
            b.append(v); // Boolean: true, false
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\b' -> b.append("\\b");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\f' -> b.append("\\f");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '/' -> b.append("\\/");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** json_object_get_string: a string as it is (up to a NUL, read as a C string), anything else as its JSON text. */
    static String text(Object v) {
        if (v instanceof String str) {
            int nul = str.indexOf('\0');
            return nul < 0 ? str : str.substring(0, nul);
        }
        return write(v);
    }
}
