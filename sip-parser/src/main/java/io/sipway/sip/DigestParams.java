package io.sipway.sip;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of Digest credentials in an Authorization or Proxy-Authorization header value, read
 * as Kamailio's core/parser/digest/digest_parser.c reads them: {@code name=value} or
 * {@code name="quoted value"} pairs separated by commas, names case-insensitive, backslash escapes
 * in quoted values. auth checks the credentials, sanity only that they parse.
 */
public final class DigestParams {
    private DigestParams() {
    }

    /** Whether the value's scheme (its first token) is Digest. */
    public static boolean isDigest(String value) {
        String v = value.trim();
        int sp = schemeEnd(v);
        return v.substring(0, sp).equalsIgnoreCase("Digest");
    }

    private static int schemeEnd(String v) {
        int sp = 0;
        while (sp < v.length() && !Character.isWhitespace(v.charAt(sp))) {
            sp++;
        }
        return sp;
    }

    /**
     * The parameters after the scheme (names lower-cased, quotes removed), the last of a repeated
     * name kept; null when they do not parse (a name without {@code =}, an unclosed quote, two
     * values without a comma between them).
     */
    public static Map<String, String> parse(String value) {
        String v = value.trim();
        Map<String, String> out = new HashMap<>();
        int i = schemeEnd(v);
        int n = v.length();
        while (true) {
            while (i < n && (Character.isWhitespace(v.charAt(i)) || v.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            int ns = i;
            while (i < n && (Character.isLetterOrDigit(v.charAt(i)) || v.charAt(i) == '-' || v.charAt(i) == '_')) {
                i++;
            }
            if (i == ns) {
                return null;
            }
            String name = v.substring(ns, i).toLowerCase(Locale.ROOT);
            i = skipSpaces(v, i);
            if (i >= n || v.charAt(i) != '=') {
                return null;
            }
            i = skipSpaces(v, i + 1);
            StringBuilder val = new StringBuilder();
            if (i < n && v.charAt(i) == '"') {
                i = quoted(v, i + 1, val);
                if (i < 0) {
                    return null;
                }
            } else {
                while (i < n && v.charAt(i) != ',' && !Character.isWhitespace(v.charAt(i))) {
                    val.append(v.charAt(i++));
                }
            }
            out.put(name, val.toString());
            i = skipSpaces(v, i);
            if (i < n && v.charAt(i) != ',') {
                return null;
            }
        }
    }

    private static int skipSpaces(String v, int i) {
        while (i < v.length() && Character.isWhitespace(v.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Reads a quoted value from just after its opening quote into {@code val}; the index after the closing quote, -1 when none. */
    private static int quoted(String v, int i, StringBuilder val) {
        for (; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch == '\\' && i + 1 < v.length()) {
                val.append(v.charAt(++i));
            } else if (ch == '"') {
                return i + 1;
            } else {
                val.append(ch);
            }
        }
        return -1;
    }
}
