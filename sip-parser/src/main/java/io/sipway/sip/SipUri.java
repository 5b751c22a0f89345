package io.sipway.sip;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A parsed URI: {@code sip:} and {@code sips:} (RFC 3261 19.1, 25.1), {@code tel:} (RFC 3966), or
 * any other absolute URI, kept whole. Holds offsets into the buffer it was parsed from; strings are
 * made when asked for.
 */
public final class SipUri {
    /** The URI schemes a proxy tells apart. */
    public enum Scheme { SIP, SIPS, TEL, OTHER }

    /** How the host part is written. */
    public enum HostType { NAME, IPV4, IPV6 }

    private final byte[] buf;
    private final int start;
    private final int end;
    private final Scheme scheme;
    private final int schemeEnd;
    private int userStart = -1;
    private int userEnd = -1;
    private int passwordStart = -1;
    private int passwordEnd = -1;
    private int hostStart = -1;
    private int hostEnd = -1;
    private int port = -1;
    private int paramsStart;
    private int paramsEnd;
    private int headersStart = -1;

    private SipUri(byte[] buf, int start, int end, Scheme scheme, int schemeEnd) {
        this.buf = buf;
        this.start = start;
        this.end = end;
        this.scheme = scheme;
        this.schemeEnd = schemeEnd;
    }

    /** Parses a URI given as text, e.g. for a new Request-URI. */
    public static SipUri parse(String uri) {
        byte[] b = uri.getBytes(StandardCharsets.UTF_8);
        return parse(b, 0, b.length, 0);
    }

    /** Parses {@code buf[from, to)}; error offsets count from {@code base}. */
    static SipUri parse(byte[] buf, int from, int to, int base) {
        return parse(new Cursor(buf, from, to, base), from, to);
    }

    /** Parses {@code buf[from, to)} with the given cursor. */
    static SipUri parse(Cursor c, int from, int to) {
        byte[] buf = c.buf;
        c.reset(from, to);
        if (from >= to) {
            throw c.error("empty URI");
        }
        if (!Bytes.isAlpha(buf[from])) {
            throw c.error("URI must start with a scheme, found " + Cursor.describe(c.peek()));
        }
        int p = from + 1;
        while (p < to && (Bytes.isAlpha(buf[p]) || Bytes.isDigit(buf[p]) || buf[p] == '+' || buf[p] == '-' || buf[p] == '.')) {
            p++;
        }
        if (p >= to || buf[p] != ':') {
            c.pos = p;
            throw c.error("URI has no scheme (expected ':' after the scheme name)");
        }
        Scheme scheme;
        if (Bytes.regionEqualsIgnoreCase(buf, from, p, "sip")) {
            scheme = Scheme.SIP;
        } else if (Bytes.regionEqualsIgnoreCase(buf, from, p, "sips")) {
            scheme = Scheme.SIPS;
        } else if (Bytes.regionEqualsIgnoreCase(buf, from, p, "tel")) {
            scheme = Scheme.TEL;
        } else {
            scheme = Scheme.OTHER;
        }
        SipUri uri = new SipUri(buf, from, to, scheme, p);
        c.pos = p + 1;
        switch (scheme) {
            case SIP, SIPS -> uri.parseSip(c);
            case TEL -> uri.parseTel(c);
            default -> uri.parseOther(c);
        }
        return uri;
    }

    private void parseSip(Cursor c) {
        int at = Bytes.indexOf(buf, c.pos, end, '@');
        if (at >= 0) {
            userStart = c.pos;
            int p = c.pos;
            while (p < at) {
                byte b = buf[p];
                if (Bytes.isUserChar(b)) {
                    p++;
                } else if (b == ':') {
                    break;
                } else if (b == '%') {
                    c.pos = p;
                    Params.escape(c, "URI user part");
                    p = c.pos;
                } else {
                    c.pos = p;
                    throw c.error("invalid character " + Cursor.describe(b & 0xff) + " in URI user part");
                }
            }
            c.pos = p;
            userEnd = p;
            if (userEnd == userStart) {
                throw c.error("empty user part in URI");
            }
            if (c.pos < at) { // ':' password
                c.pos++;
                passwordStart = c.pos;
                while (c.pos < at) {
                    byte b = buf[c.pos];
                    if (b == '%') {
                        Params.escape(c, "URI password");
                    } else if (Bytes.isPasswordChar(b)) {
                        c.pos++;
                    } else {
                        throw c.error("invalid character " + Cursor.describe(b & 0xff) + " in URI password");
                    }
                }
                passwordEnd = c.pos;
            }
            c.pos = at + 1;
        }
        parseHostPort(c, "URI");
        paramsStart = c.pos;
        Params.checkUriParams(c);
        paramsEnd = c.pos;
        if (c.peek() == '?') {
            c.pos++;
            headersStart = c.pos;
            parseUriHeaders(c);
        }
        if (!c.atEnd()) {
            throw c.error("invalid character " + Cursor.describe(c.peek()) + " in URI");
        }
    }

    /** hostport of a URI or a Via sent-by; leaves the cursor after the port. */
    private void parseHostPort(Cursor c, String what) {
        hostStart = c.pos;
        Host.parse(c, what);
        hostEnd = c.pos;
        if (c.peek() == ':') {
            c.pos++;
            port = Host.port(c, what);
        }
    }

    private void parseUriHeaders(Cursor c) {
        while (true) {
            int nameStart = c.pos;
            headerChars(c);
            if (c.pos == nameStart) {
                throw c.error("empty header name in URI headers");
            }
            if (c.peek() != '=') {
                throw c.error("expected '=' in URI header");
            }
            c.pos++;
            headerChars(c);
            if (c.peek() != '&') {
                return;
            }
            c.pos++;
        }
    }

    private static void headerChars(Cursor c) {
        while (c.pos < c.end) {
            byte b = c.buf[c.pos];
            if (b == '%') {
                Params.escape(c, "URI header");
            } else if (Bytes.isHeaderChar(b)) {
                c.pos++;
            } else {
                return;
            }
        }
    }

    private void parseTel(Cursor c) {
        userStart = c.pos;
        while (c.pos < end && buf[c.pos] != ';') {
            byte b = buf[c.pos];
            if (Bytes.isHex(b) || b == '+' || b == '*' || b == '#' || b == '-' || b == '.' || b == '(' || b == ')'
                    || b == 'p' || b == 'w' || b == 'P' || b == 'W') {
                c.pos++;
            } else if (b == '%') {
                Params.escape(c, "telephone number");
            } else {
                throw c.error("invalid character " + Cursor.describe(b & 0xff) + " in telephone number");
            }
        }
        userEnd = c.pos;
        if (userEnd == userStart) {
            throw c.error("empty telephone number");
        }
        paramsStart = c.pos;
        Params.checkUriParams(c);
        paramsEnd = c.pos;
        if (!c.atEnd()) {
            throw c.error("invalid character " + Cursor.describe(c.peek()) + " in tel URI");
        }
    }

    private void parseOther(Cursor c) {
        if (c.atEnd()) {
            throw c.error("empty URI after the scheme");
        }
        while (!c.atEnd()) {
            int b = c.peek();
            if (b <= ' ' || b == 0x7f || b == '<' || b == '>' || b == '"') {
                throw c.error("invalid character " + Cursor.describe(b) + " in URI");
            }
            c.pos++;
        }
    }

    public Scheme scheme() {
        return scheme;
    }

    /** The scheme as written, lower-cased, e.g. {@code sip}. */
    public String schemeName() {
        return Bytes.string(buf, start, schemeEnd).toLowerCase(java.util.Locale.ROOT);
    }

    /** True for {@code sip:} and {@code sips:} URIs. */
    public boolean isSip() {
        return scheme == Scheme.SIP || scheme == Scheme.SIPS;
    }

    /** The user part as written (escapes kept), or null. For tel: the number. */
    public String user() {
        return userStart < 0 ? null : Bytes.string(buf, userStart, userEnd);
    }

    /** The user part with {@code %HH} escapes decoded, or null. */
    public String userUnescaped() {
        return userStart < 0 ? null : Bytes.unescape(buf, userStart, userEnd);
    }

    public String password() {
        return passwordStart < 0 ? null : Bytes.string(buf, passwordStart, passwordEnd);
    }

    /** The host as written; an IPv6 reference keeps its brackets. Null for tel: and other schemes. */
    public String host() {
        return hostStart < 0 ? null : Bytes.string(buf, hostStart, hostEnd);
    }

    /** How the host is written, or null when the URI has no host (tel: and other schemes). */
    public HostType hostType() {
        return hostStart < 0 ? null : Host.kind(buf, hostStart, hostEnd);
    }

    /** The port, or -1 when the URI names none. */
    public int port() {
        return port;
    }

    /** The value of a URI parameter ("" for a flag such as {@code lr}), or null. Name in any case. */
    public String param(String name) {
        return Params.string(buf, param0(name.toLowerCase(java.util.Locale.ROOT)));
    }

    public boolean hasParam(String name) {
        return param0(name.toLowerCase(java.util.Locale.ROOT)) != Params.ABSENT;
    }

    public List<String> paramNames() {
        return Params.uriParamNames(buf, paramsStart, paramsEnd);
    }

    private long param0(String lowerName) {
        return Params.findUriParam(buf, paramsStart, paramsEnd, lowerName);
    }

    /** {@code transport} parameter, lower-cased, or null. */
    public String transport() {
        String t = Params.string(buf, param0("transport"));
        return t == null ? null : t.toLowerCase(java.util.Locale.ROOT);
    }

    public boolean isLooseRouter() {
        return param0("lr") != Params.ABSENT;
    }

    public String maddr() {
        return Params.string(buf, param0("maddr"));
    }

    /** The headers component after '?', as written, or null. */
    public String headers() {
        return headersStart < 0 ? null : Bytes.string(buf, headersStart, end);
    }

    /** The URI exactly as written. */
    @Override
    public String toString() {
        return Bytes.string(buf, start, end);
    }
}
