package io.sipway.sip;

import java.util.List;
import java.util.Locale;

/**
 * A name-addr or addr-spec with header parameters: the value of From, To, Contact, Route,
 * Record-Route, Path (RFC 3261 20.10, 20.20, 20.39, 20.30, 20.34, RFC 3327). A Contact of
 * {@code *} is an address with {@link #isWildcard()} true and no URI.
 *
 * <p>The URI inside is found when the address is parsed and parsed itself on the first call of
 * {@link #uri()}: a proxy reads the tag of From and To on every message, their URIs rarely.
 */
public final class Address {
    private final byte[] buf;
    /** The message's cursor, used again to parse the URI on demand (no cursor per address). */
    private final Cursor cursor;
    private final int start;
    private int end;
    private int displayStart = -1;
    private int displayEnd = -1;
    private int uriStart = -1;
    private int uriEnd = -1;
    private boolean angleBrackets;
    private int paramsStart;
    private SipUri uri;

    private Address(Cursor cursor, int start, int end) {
        this.buf = cursor.buf;
        this.cursor = cursor;
        this.start = start;
        this.end = end;
    }

    /**
     * Parses the address that starts at {@code from} and ends at {@code to} or at the comma before
     * the next one, where the cursor is left.
     *
     * @param wildcardAllowed true for Contact, where the whole value may be {@code *}
     * @param what            the header's name, for error messages
     */
    static Address parse(Cursor c, int from, int to, boolean wildcardAllowed, String what) {
        byte[] buf = c.buf;
        Address a = new Address(c, from, to);
        c.reset(from, to);
        c.skipLws();
        if (c.peek() == '*' && wildcardAllowed && isWildcard(c)) {
            c.pos++;
            a.paramsStart = c.pos;
            Params.checkHeaderParams(c, what);
            a.end = c.pos;
            c.expectElementEnd(what);
            return a;
        }
        if (c.peek() == '"') {
            a.displayStart = c.quotedString("display name of ", what);
            a.displayEnd = c.pos;
            c.skipLws();
            if (c.peek() != '<') {
                throw c.error("expected '<' after the display name of " + what);
            }
            a.angleBrackets = true;
        } else if (c.peek() == '<') {
            a.angleBrackets = true;
        } else {
            // *(token LWS) followed by '<' is a display name; anything else is an addr-spec.
            int save = c.pos;
            int lastTokenEnd = -1;
            while (c.pos < c.end && Bytes.isToken(buf[c.pos])) {
                while (c.pos < c.end && Bytes.isToken(buf[c.pos])) {
                    c.pos++;
                }
                lastTokenEnd = c.pos;
                c.skipLws();
            }
            if (c.peek() == '<' && lastTokenEnd >= 0) {
                a.displayStart = save;
                a.displayEnd = lastTokenEnd;
                a.angleBrackets = true;
            } else {
                c.pos = save;
            }
        }
        if (a.angleBrackets) {
            int close = Bytes.indexOf(buf, c.pos + 1, to, '>');
            if (close < 0) {
                throw c.error("missing '>' in " + what);
            }
            a.uriStart = c.pos + 1;
            a.uriEnd = close;
            c.pos = close + 1;
        } else {
            // RFC 3261 20.10: without brackets the URI ends at ';' ',' '?' (those belong to the header)
            int uriStart = c.pos;
            while (c.pos < to) {
                byte b = buf[c.pos];
                if (b == ';' || b == ',' || b == '?' || Bytes.isLws(b)) {
                    break;
                }
                c.pos++;
            }
            if (c.pos == uriStart) {
                throw c.error(c.atEnd() ? "missing address in " + what : "invalid character " + Cursor.describe(c.peek()) + " in " + what);
            }
            a.uriStart = uriStart;
            a.uriEnd = c.pos;
        }
        if (a.uriStart >= a.uriEnd || !Bytes.isAlpha(buf[a.uriStart])) {
            throw new SipParseException("URI in " + what + " must start with a scheme", a.uriStart - c.base);
        }
        a.paramsStart = c.pos;
        Params.checkHeaderParams(c, what);
        a.end = c.pos;
        c.expectElementEnd(what);
        return a;
    }

    /** A '*' at the cursor is the wildcard only when nothing but parameters follows; "* <sip:..>" is a display name. */
    private static boolean isWildcard(Cursor c) {
        int p = c.pos + 1;
        while (p < c.end && Bytes.isLws(c.buf[p])) {
            p++;
        }
        return p >= c.end || c.buf[p] == ';' || c.buf[p] == ',';
    }

    /** True for the Contact value {@code *} (RFC 3261 10.2.2: remove all bindings). */
    public boolean isWildcard() {
        return uriStart < 0;
    }

    /** The URI (parsed on first call), or null for a wildcard Contact. */
    public SipUri uri() {
        if (uri == null && uriStart >= 0) {
            uri = SipUri.parse(cursor, uriStart, uriEnd);
        }
        return uri;
    }

    /** The URI exactly as written, or null for a wildcard Contact. */
    public String uriString() {
        return uriStart < 0 ? null : Bytes.string(buf, uriStart, uriEnd);
    }

    /** True when the URI was written inside angle brackets (name-addr). */
    public boolean isNameAddr() {
        return angleBrackets;
    }

    /** The display name as written (quotes kept for a quoted string), or null. */
    public String displayName() {
        return displayStart < 0 ? null : Bytes.string(buf, displayStart, displayEnd);
    }

    private long param0(String lowerName) {
        return Params.findHeaderParam(buf, paramsStart, end, lowerName);
    }

    /** The tag parameter (From/To), or null. */
    public String tag() {
        return Params.string(buf, param0("tag"));
    }

    /** Contact {@code expires} parameter in seconds, or -1 when absent or not a number. */
    public long expires() {
        String v = Params.string(buf, param0("expires"));
        if (v == null || v.isEmpty() || v.length() > 10) {
            return -1;
        }
        for (int i = 0; i < v.length(); i++) {
            if (!Bytes.isDigit(v.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(v);
    }

    /**
     * Contact {@code q} parameter, or -1 when absent or not a qvalue (RFC 3261 25.1:
     * {@code "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ]}).
     */
    public float q() {
        long span = param0("q");
        if (!Params.hasValue(span)) {
            return -1;
        }
        int p = Params.valueStart(span);
        int e = Params.valueEnd(span);
        byte whole = buf[p];
        if ((whole != '0' && whole != '1') || e - p > 5 || (e - p > 1 && buf[p + 1] != '.')) {
            return -1;
        }
        int thousandths = 0;
        int scale = 100;
        for (int i = p + 2; i < e; i++, scale /= 10) {
            byte d = buf[i];
            if (!Bytes.isDigit(d) || (whole == '1' && d != '0')) {
                return -1;
            }
            thousandths += (d - '0') * scale;
        }
        return whole == '1' ? 1f : thousandths / 1000f;
    }

    /** Any header parameter: its value ("" for a flag), or null. Name in any case. */
    public String param(String name) {
        return Params.string(buf, param0(name.toLowerCase(Locale.ROOT)));
    }

    public List<String> paramNames() {
        return Params.headerParamNames(buf, paramsStart, end);
    }

    /** The value exactly as written. */
    @Override
    public String toString() {
        return Bytes.string(buf, start, end).trim();
    }
}
