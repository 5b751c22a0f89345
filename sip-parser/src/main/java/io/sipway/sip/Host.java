package io.sipway.sip;

/** host = hostname / IPv4address / IPv6reference, and port (RFC 3261 25.1, RFC 5118). */
final class Host {
    private Host() {
    }

    /** The kind of an already checked host {@code buf[from, to)}: computed when asked, not stored per view. */
    static SipUri.HostType kind(byte[] buf, int from, int to) {
        if (buf[from] == '[') {
            return SipUri.HostType.IPV6;
        }
        return isIpv4(buf, from, to) ? SipUri.HostType.IPV4 : SipUri.HostType.NAME;
    }

    /** Reads a host at the cursor and says which kind it is. */
    static SipUri.HostType parse(Cursor c, String what) {
        if (c.peek() == '[') {
            int close = Bytes.indexOf(c.buf, c.pos, c.end, ']');
            if (close < 0) {
                throw c.error("unterminated IPv6 reference in " + what);
            }
            if (!isIpv6(c.buf, c.pos + 1, close)) {
                throw c.error("invalid IPv6 address in " + what);
            }
            c.pos = close + 1;
            return SipUri.HostType.IPV6;
        }
        // hostname = *( domainlabel "." ) toplabel [ "." ]: labels of letters, digits and inner
        // hyphens, checked in the one pass that finds the end; a name whose last label starts with
        // a digit must be a dotted IPv4 address.
        int start = c.pos;
        byte[] b = c.buf;
        int e = c.end;
        int p = start;
        int labelStart = start;
        int lastLabelStart = start;
        boolean badLabel = false;
        while (p < e) {
            byte ch = b[p];
            if (ch == '.') {
                badLabel |= p == labelStart || b[labelStart] == '-' || b[p - 1] == '-';
                lastLabelStart = labelStart;
                labelStart = p + 1;
            } else if (!Bytes.isHostChar(ch)) {
                break;
            }
            p++;
        }
        c.pos = p;
        if (p == start) {
            throw c.error(c.atEnd() ? "missing host in " + what : "invalid character " + Cursor.describe(c.peek()) + " in host of " + what);
        }
        boolean trailingDot = labelStart == p;
        if (!trailingDot) {
            badLabel |= b[labelStart] == '-' || b[p - 1] == '-';
            lastLabelStart = labelStart;
        }
        if (badLabel || (trailingDot && p - start == 1)) {
            throw new SipParseException("invalid host name in " + what, start - c.base);
        }
        if (!Bytes.isDigit(b[lastLabelStart])) {
            return SipUri.HostType.NAME;
        }
        if (!trailingDot && isIpv4(b, start, p)) {
            return SipUri.HostType.IPV4;
        }
        throw new SipParseException("invalid IPv4 address in " + what, start - c.base);
    }

    static boolean isIpv4(byte[] b, int from, int to) {
        int parts = 0;
        int i = from;
        while (parts < 4) {
            int s = i;
            int v = 0;
            while (i < to && Bytes.isDigit(b[i]) && i - s < 3) {
                v = v * 10 + (b[i] - '0');
                i++;
            }
            if (i == s || v > 255) {
                return false;
            }
            parts++;
            if (parts < 4) {
                if (i >= to || b[i] != '.') {
                    return false;
                }
                i++;
            }
        }
        return i == to;
    }

    /** RFC 4291 text form: 8 groups, or fewer with one "::", optionally ending in dotted IPv4. */
    static boolean isIpv6(byte[] b, int from, int to) {
        int groups = 0;
        boolean doubleColon = false;
        int i = from;
        if (to - from < 2) {
            return false;
        }
        if (b[i] == ':') {
            if (b[i + 1] != ':') {
                return false;
            }
            doubleColon = true;
            i += 2;
            if (i == to) {
                return true;
            }
        }
        while (i < to) {
            int s = i;
            while (i < to && Bytes.isHex(b[i]) && i - s < 5) {
                i++;
            }
            if (i < to && b[i] == '.') { // embedded IPv4 ends the address
                if (!isIpv4(b, s, to)) {
                    return false;
                }
                groups += 2;
                i = to;
                break;
            }
            if (i == s || i - s > 4) {
                return false;
            }
            groups++;
            if (i == to) {
                break;
            }
            if (b[i] != ':') {
                return false;
            }
            i++;
            if (i < to && b[i] == ':') {
                if (doubleColon) {
                    return false;
                }
                doubleColon = true;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                return false; // trailing single colon
            }
        }
        return doubleColon ? groups <= 7 : groups == 8;
    }

    /** port = 1*DIGIT, at most 65535. */
    static int port(Cursor c, String what) {
        int start = c.pos;
        int v = 0;
        while (c.pos < c.end && Bytes.isDigit(c.buf[c.pos]) && c.pos - start < 5) {
            v = v * 10 + (c.buf[c.pos] - '0');
            c.pos++;
        }
        if (c.pos == start) {
            throw c.error(c.atEnd() ? "missing port of " + what : "invalid character " + Cursor.describe(c.peek()) + " in port of " + what);
        }
        if (v > 65535 || (c.pos < c.end && Bytes.isDigit(c.buf[c.pos]))) {
            throw new SipParseException("port out of range in " + what, start - c.base);
        }
        return v;
    }
}
