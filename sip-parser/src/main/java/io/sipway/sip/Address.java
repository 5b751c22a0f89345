package io.sipway.sip;

import java.util.List;
import java.util.Locale;

/**
 * A name-addr or addr-spec with header parameters: the value of From, To, Contact, Route,
 * Record-Route, Path (RFC 3261 20.10, 20.20, 20.39, 20.30, 20.34, RFC 3327). A Contact of
 * {@code *} is an address with {@link #isWildcard()} true and no URI.
 */
public final class Address {
    private final byte[] buf;
    private final int start;
    private final int end;
    private final int displayStart;
    private final int displayEnd;
    private final SipUri uri;
    private final boolean angleBrackets;
    private final Params params;

    private Address(byte[] buf, int start, int end, int displayStart, int displayEnd, SipUri uri,
                    boolean angleBrackets, Params params) {
        this.buf = buf;
        this.start = start;
        this.end = end;
        this.displayStart = displayStart;
        this.displayEnd = displayEnd;
        this.uri = uri;
        this.angleBrackets = angleBrackets;
        this.params = params;
    }

    /**
     * Parses one address in {@code buf[from, to)}.
     *
     * @param wildcardAllowed true for Contact, where the whole value may be {@code *}
     * @param what            the header's name, for error messages
     */
    static Address parse(byte[] buf, int from, int to, int base, boolean wildcardAllowed, String what) {
        Cursor c = new Cursor(buf, from, to, base);
        c.skipLws();
        if (c.peek() == '*' && wildcardAllowed) {
            c.pos++;
            Params params = Params.parseHeaderParams(c, what);
            c.expectEnd(what);
            return new Address(buf, from, to, -1, -1, null, false, params);
        }
        int displayStart = -1;
        int displayEnd = -1;
        boolean nameAddr = false;
        if (c.peek() == '"') {
            displayStart = c.quotedString("display name of " + what);
            displayEnd = c.pos;
            c.skipLws();
            if (c.peek() != '<') {
                throw c.error("expected '<' after the display name of " + what);
            }
            nameAddr = true;
        } else if (c.peek() == '<') {
            nameAddr = true;
        } else {
            // *(token LWS) followed by '<' is a display name; anything else is an addr-spec.
            int save = c.pos;
            int lastTokenEnd = -1;
            while (c.pos < c.end && Bytes.isToken(c.buf[c.pos])) {
                while (c.pos < c.end && Bytes.isToken(c.buf[c.pos])) {
                    c.pos++;
                }
                lastTokenEnd = c.pos;
                c.skipLws();
            }
            if (c.peek() == '<' && lastTokenEnd >= 0) {
                displayStart = save;
                displayEnd = lastTokenEnd;
                nameAddr = true;
            } else {
                c.pos = save;
            }
        }
        SipUri uri;
        if (nameAddr) {
            int open = c.pos;
            int close = Bytes.indexOf(buf, open + 1, to, '>');
            if (close < 0) {
                throw c.error("missing '>' in " + what);
            }
            uri = SipUri.parse(buf, open + 1, close, base);
            c.pos = close + 1;
        } else {
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
            uri = SipUri.parse(buf, uriStart, c.pos, base);
        }
        Params params = Params.parseHeaderParams(c, what);
        c.expectEnd(what);
        return new Address(buf, from, to, displayStart, displayEnd, uri, nameAddr, params);
    }

    /** True for the Contact value {@code *} (RFC 3261 10.2.2: remove all bindings). */
    public boolean isWildcard() {
        return uri == null;
    }

    /** The URI, or null for a wildcard Contact. */
    public SipUri uri() {
        return uri;
    }

    /** True when the URI was written inside angle brackets (name-addr). */
    public boolean isNameAddr() {
        return angleBrackets;
    }

    /** The display name as written (quotes kept for a quoted string), or null. */
    public String displayName() {
        return displayStart < 0 ? null : Bytes.string(buf, displayStart, displayEnd);
    }

    /** The tag parameter (From/To), or null. */
    public String tag() {
        return params.value("tag");
    }

    /** Contact {@code expires} parameter in seconds, or -1 when absent or not a number. */
    public long expires() {
        String v = params.value("expires");
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

    /** Contact {@code q} parameter (0..1), or -1 when absent or malformed. */
    public float q() {
        String v = params.value("q");
        if (v == null) {
            return -1;
        }
        try {
            float q = Float.parseFloat(v);
            return q >= 0 && q <= 1 ? q : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Any header parameter: its value ("" for a flag), or null. Name in any case. */
    public String param(String name) {
        return params.value(name.toLowerCase(Locale.ROOT));
    }

    public List<String> paramNames() {
        return params.names();
    }

    /** The value exactly as written. */
    @Override
    public String toString() {
        return Bytes.string(buf, start, end).trim();
    }
}
