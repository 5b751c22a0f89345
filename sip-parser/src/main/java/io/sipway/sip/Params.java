package io.sipway.sip;

import java.util.ArrayList;
import java.util.List;

/**
 * Parameters ({@code ;name[=value]}) of a header value (generic-param: LWS allowed around ';' and
 * '=', values token / host / quoted-string) or of a URI (uri-parameter: no LWS, escapes allowed).
 *
 * <p>A view keeps only where its parameter list starts and ends: the list is checked once when
 * the view is parsed, and a lookup walks the few bytes again. That costs no allocation per
 * message, where an index of every parameter would cost an array per view.
 *
 * <p>A lookup answers a packed span: {@code (valueStart << 32) | valueEnd}, {@link #ABSENT} when
 * the parameter is missing; a flag parameter has {@code valueStart == valueEnd}.
 */
final class Params {
    static final long ABSENT = -1L;

    private Params() {
    }

    static int valueStart(long span) {
        return (int) (span >>> 32);
    }

    static int valueEnd(long span) {
        return (int) span;
    }

    static boolean hasValue(long span) {
        return span != ABSENT && valueStart(span) != valueEnd(span);
    }

    /** The value as text ("" for a flag), or null when absent. */
    static String string(byte[] buf, long span) {
        return span == ABSENT ? null : Bytes.string(buf, valueStart(span), valueEnd(span));
    }

    // ---- checking (once, when the view is parsed) -----------------------------------------

    /**
     * Checks a generic-param list {@code *( SEMI token [ EQUAL gen-value ] )} at the cursor and
     * stops (without consuming) at anything but ';'.
     */
    static void checkHeaderParams(Cursor c, String what) {
        while (next(c, what)) {
            // each parameter is checked by next()
        }
    }

    /**
     * Reads the next generic-param at the cursor into {@code c.nameStart/nameEnd/valueStart/valueEnd}
     * (value -1 when the parameter has none); false, without consuming, when no ';' follows.
     */
    static boolean next(Cursor c, String what) {
        if (!c.consumeSeparator(';')) {
            return false;
        }
        int ns = c.token("parameter name of ", what);
        int ne = c.pos;
        c.nameStart = ns;
        c.nameEnd = ne;
        c.valueStart = -1;
        c.valueEnd = -1;
        if (c.consumeSeparator('=')) {
            c.valueStart = c.pos;
            headerValue(c, ns, ne, what);
            c.valueEnd = c.pos;
        }
        return true;
    }

    /** Reads one gen-value at the cursor. */
    private static void headerValue(Cursor c, int ns, int ne, String what) {
        int p = c.peek();
        if (p == '"') {
            c.quotedString("parameter value of ", what);
        } else if (p == '[') {
            // host = IPv6reference: the brackets must hold an IPv6 address and nothing else, or a
            // value could hide a ',' and smuggle another Via or Route past the list split
            int close = Bytes.indexOf(c.buf, c.pos, c.end, ']');
            if (close < 0) {
                throw c.error("unterminated IPv6 reference in parameter of " + what);
            }
            if (!Host.isIpv6(c.buf, c.pos + 1, close)) {
                throw c.error("invalid IPv6 reference in parameter of " + what);
            }
            c.pos = close + 1;
        } else if (Bytes.regionEqualsIgnoreCase(c.buf, ns, ne, "received")) {
            // via-received = IPv4address / IPv6address: an IPv6 value has colons and no brackets
            // in RFC 3261's grammar (RFC 5118 4.5); take it whole.
            int vs = c.pos;
            while (c.pos < c.end && (Bytes.isToken(c.buf[c.pos]) || c.buf[c.pos] == ':')) {
                c.pos++;
            }
            if (c.pos == vs) {
                throw c.error("missing received value in " + what);
            }
        } else {
            c.token("parameter value of ", what);
        }
    }

    /** Checks uri-parameters {@code *( ";" pname [ "=" pvalue ] )} at the cursor; stops at '?' or the end. */
    static void checkUriParams(Cursor c) {
        while (c.peek() == ';') {
            c.pos++;
            paramChars(c, "URI parameter name");
            if (c.peek() == '=') {
                c.pos++;
                paramChars(c, "URI parameter value");
            }
        }
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

    // ---- lookups over an already checked list ---------------------------------------------

    /** Finds {@code lowerName} in the checked header parameter list {@code buf[from, to)}. */
    static long findHeaderParam(byte[] buf, int from, int to, String lowerName) {
        int p = from;
        while (true) {
            p = skipLws(buf, p, to);
            if (p >= to || buf[p] != ';') {
                return ABSENT;
            }
            p = skipLws(buf, p + 1, to);
            int ns = p;
            while (p < to && Bytes.isToken(buf[p])) {
                p++;
            }
            int ne = p;
            int vs = ne;
            int ve = ne;
            int q = skipLws(buf, p, to);
            if (q < to && buf[q] == '=') {
                vs = skipLws(buf, q + 1, to);
                ve = headerValueEnd(buf, vs, to);
                p = ve;
            }
            if (Bytes.regionEqualsIgnoreCase(buf, ns, ne, lowerName)) {
                return ((long) vs << 32) | (ve & 0xffffffffL);
            }
        }
    }

    /** End of a checked gen-value starting at {@code p}. */
    private static int headerValueEnd(byte[] buf, int p, int to) {
        if (p >= to) {
            return p;
        }
        if (buf[p] == '"') {
            p++;
            while (p < to && buf[p] != '"') {
                p += buf[p] == '\\' ? 2 : 1;
            }
            return Math.min(p + 1, to);
        }
        if (buf[p] == '[') {
            int close = Bytes.indexOf(buf, p, to, ']');
            return close < 0 ? to : close + 1;
        }
        while (p < to && (Bytes.isToken(buf[p]) || buf[p] == ':')) {
            p++;
        }
        return p;
    }

    /** Finds {@code lowerName} in the checked URI parameter list {@code buf[from, to)}. */
    static long findUriParam(byte[] buf, int from, int to, String lowerName) {
        int p = from;
        while (p < to && buf[p] == ';') {
            int ns = ++p;
            while (p < to && buf[p] != '=' && buf[p] != ';' && buf[p] != '?') {
                p++;
            }
            int ne = p;
            int vs = ne;
            int ve = ne;
            if (p < to && buf[p] == '=') {
                vs = ++p;
                while (p < to && buf[p] != ';' && buf[p] != '?') {
                    p++;
                }
                ve = p;
            }
            if (Bytes.regionEqualsIgnoreCase(buf, ns, ne, lowerName)) {
                return ((long) vs << 32) | (ve & 0xffffffffL);
            }
        }
        return ABSENT;
    }

    /** Names of the header parameters in {@code buf[from, to)}, as written. */
    static List<String> headerParamNames(byte[] buf, int from, int to) {
        List<String> names = new ArrayList<>();
        int p = from;
        while (true) {
            p = skipLws(buf, p, to);
            if (p >= to || buf[p] != ';') {
                return names;
            }
            p = skipLws(buf, p + 1, to);
            int ns = p;
            while (p < to && Bytes.isToken(buf[p])) {
                p++;
            }
            names.add(Bytes.string(buf, ns, p));
            int q = skipLws(buf, p, to);
            if (q < to && buf[q] == '=') {
                p = headerValueEnd(buf, skipLws(buf, q + 1, to), to);
            }
        }
    }

    /** Names of the URI parameters in {@code buf[from, to)}, as written. */
    static List<String> uriParamNames(byte[] buf, int from, int to) {
        List<String> names = new ArrayList<>();
        int p = from;
        while (p < to && buf[p] == ';') {
            int ns = ++p;
            while (p < to && buf[p] != '=' && buf[p] != ';' && buf[p] != '?') {
                p++;
            }
            names.add(Bytes.string(buf, ns, p));
            while (p < to && buf[p] != ';' && buf[p] != '?') {
                p++;
            }
        }
        return names;
    }

    private static int skipLws(byte[] buf, int p, int to) {
        while (p < to && Bytes.isLws(buf[p])) {
            p++;
        }
        return p;
    }
}
