package io.sipway.sip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parameters as offsets into the message buffer: {@code ;name[=value]} of a header value
 * (generic-param, LWS allowed around ';' and '=') or of a URI (uri-parameter, no LWS, escapes).
 * Names compare case-insensitively; values are returned as written (quotes kept for quoted strings).
 */
final class Params {
    static final Params EMPTY = new Params(null, new int[0], 0);

    private final byte[] buf;
    private final int[] spans; // per parameter: nameStart, nameEnd, valueStart, valueEnd (value -1 when absent)
    private final int count;

    private Params(byte[] buf, int[] spans, int count) {
        this.buf = buf;
        this.spans = spans;
        this.count = count;
    }

    int size() {
        return count;
    }

    /** Index of the parameter named {@code lowerName} (lower-case ASCII), or -1. */
    int indexOf(String lowerName) {
        for (int i = 0; i < count; i++) {
            if (Bytes.regionEqualsIgnoreCase(buf, spans[4 * i], spans[4 * i + 1], lowerName)) {
                return i;
            }
        }
        return -1;
    }

    boolean has(String lowerName) {
        return indexOf(lowerName) >= 0;
    }

    /** The value of the named parameter, "" when it has no value, null when absent. */
    String value(String lowerName) {
        int i = indexOf(lowerName);
        return i < 0 ? null : valueAt(i);
    }

    String nameAt(int i) {
        return Bytes.string(buf, spans[4 * i], spans[4 * i + 1]);
    }

    String valueAt(int i) {
        int vs = spans[4 * i + 2];
        return vs < 0 ? "" : Bytes.string(buf, vs, spans[4 * i + 3]);
    }

    boolean hasValueAt(int i) {
        return spans[4 * i + 2] >= 0;
    }

    int valueStartAt(int i) {
        return spans[4 * i + 2];
    }

    int valueEndAt(int i) {
        return spans[4 * i + 3];
    }

    List<String> names() {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(nameAt(i));
        }
        return names;
    }

    /**
     * generic-param list of a header value: {@code *( SEMI token [ EQUAL gen-value ] )} where
     * gen-value = token / host / quoted-string. Stops (without consuming) at anything but ';'.
     */
    static Params parseHeaderParams(Cursor c, String what) {
        int[] spans = null;
        int n = 0;
        while (c.consumeSeparator(';')) {
            int ns = c.token("parameter name of " + what);
            int ne = c.pos;
            int vs = -1;
            int ve = -1;
            if (c.consumeSeparator('=')) {
                int p = c.peek();
                if (p == '"') {
                    vs = c.quotedString("parameter value of " + what);
                } else if (p == '[') {
                    vs = c.pos;
                    int close = Bytes.indexOf(c.buf, c.pos, c.end, ']');
                    if (close < 0) {
                        throw c.error("unterminated IPv6 reference in parameter of " + what);
                    }
                    c.pos = close + 1;
                } else if (Bytes.regionEqualsIgnoreCase(c.buf, ns, ne, "received")) {
                    // via-received = IPv4address / IPv6address: an IPv6 value has colons and no
                    // brackets in RFC 3261's grammar (RFC 5118 4.5); take it whole.
                    vs = c.pos;
                    while (c.pos < c.end && (Bytes.isToken(c.buf[c.pos]) || c.buf[c.pos] == ':')) {
                        c.pos++;
                    }
                    if (c.pos == vs) {
                        throw c.error("missing received value in " + what);
                    }
                } else {
                    vs = c.token("parameter value of " + what);
                }
                ve = c.pos;
            }
            if (spans == null) {
                spans = new int[16];
            } else if (4 * n == spans.length) {
                spans = Arrays.copyOf(spans, spans.length * 2);
            }
            spans[4 * n] = ns;
            spans[4 * n + 1] = ne;
            spans[4 * n + 2] = vs;
            spans[4 * n + 3] = ve;
            n++;
        }
        return n == 0 ? EMPTY : new Params(c.buf, spans, n);
    }

    /**
     * uri-parameters: {@code *( ";" pname [ "=" pvalue ] )}, 1*paramchar each (escapes allowed).
     * Stops at '?' or the end of the URI.
     */
    static Params parseUriParams(Cursor c) {
        int[] spans = null;
        int n = 0;
        while (c.peek() == ';') {
            c.pos++;
            int ns = c.pos;
            paramChars(c, "URI parameter name");
            int ne = c.pos;
            int vs = -1;
            int ve = -1;
            if (c.peek() == '=') {
                c.pos++;
                vs = c.pos;
                paramChars(c, "URI parameter value");
                ve = c.pos;
            }
            if (spans == null) {
                spans = new int[16];
            } else if (4 * n == spans.length) {
                spans = Arrays.copyOf(spans, spans.length * 2);
            }
            spans[4 * n] = ns;
            spans[4 * n + 1] = ne;
            spans[4 * n + 2] = vs;
            spans[4 * n + 3] = ve;
            n++;
        }
        return n == 0 ? EMPTY : new Params(c.buf, spans, n);
    }

    private static void paramChars(Cursor c, String what) {
        int start = c.pos;
        while (c.pos < c.end) {
            byte b = c.buf[c.pos];
            if (b == '%') {
                escape(c, what);
            } else if (Bytes.isParamChar(b)) {
                c.pos++;
            } else {
                break;
            }
        }
        if (c.pos == start) {
            throw c.error(c.atEnd() ? "empty " + what : "invalid character " + Cursor.describe(c.peek()) + " in " + what);
        }
    }

    /** Takes one {@code %HH} escape. */
    static void escape(Cursor c, String what) {
        if (c.pos + 2 >= c.end) {
            throw c.error("truncated escape in " + what);
        }
        if (!Bytes.isHex(c.buf[c.pos + 1]) || !Bytes.isHex(c.buf[c.pos + 2])) {
            throw c.error("invalid escape in " + what);
        }
        c.pos += 3;
    }
}
