package io.sipway.sip;

import java.util.List;
import java.util.Locale;

/**
 * One Via value (RFC 3261 20.42): {@code SIP/2.0/UDP host:port;branch=...;received=...;rport}.
 * LWS is allowed around the slashes of the sent-protocol and around ';' and '='.
 */
public final class Via {
    private final byte[] buf;
    private final int start;
    private int end;
    private int protocolStart;
    private int protocolEnd;
    private int versionStart;
    private int versionEnd;
    private int transportStart;
    private int transportEnd;
    private int hostStart;
    private int hostEnd;
    private int port = -1;
    private int paramsStart;
    private int branchStart = -1;
    private int branchEnd = -1;
    private String branch;

    private Via(byte[] buf, int start, int end) {
        this.buf = buf;
        this.start = start;
        this.end = end;
    }

    /**
     * Parses the via-parm that starts at {@code from} and ends at {@code to} or at the comma before
     * the next one, where the cursor is left.
     */
    static Via parse(Cursor c, int from, int to) {
        Via via = new Via(c.buf, from, to);
        c.reset(from, to);
        c.skipLws();
        via.protocolStart = c.token("Via protocol name");
        via.protocolEnd = c.pos;
        c.expectSeparator('/', "after the Via protocol name");
        via.versionStart = c.token("Via protocol version");
        via.versionEnd = c.pos;
        c.expectSeparator('/', "after the Via protocol version");
        // Kamailio's parse_via knows SIP/2.0 only (any case): another version is a malformed Via
        if (!Bytes.regionEqualsIgnoreCase(c.buf, via.protocolStart, via.protocolEnd, "sip")
                || !Bytes.regionEquals(c.buf, via.versionStart, via.versionEnd, "2.0")) {
            throw new SipParseException("Via protocol must be SIP/2.0", via.protocolStart - c.base);
        }
        via.transportStart = c.token("Via transport");
        via.transportEnd = c.pos;
        int save = c.pos;
        c.skipLws();
        if (c.pos == save) {
            throw c.error("expected white space before the Via sent-by");
        }
        via.hostStart = c.pos;
        Host.parse(c, "Via sent-by");
        via.hostEnd = c.pos;
        if (c.consumeSeparator(':')) {
            via.port = Host.port(c, "Via sent-by");
        }
        via.paramsStart = c.pos;
        // One pass over the parameters checks the ones with a grammar of their own (RFC 3261 25.1)
        // and remembers where the branch is: the transaction layer asks for it on every message.
        while (Params.next(c, "Via")) {
            byte[] b = c.buf;
            int ns = c.nameStart;
            int ne = c.nameEnd;
            if (Bytes.regionEqualsIgnoreCase(b, ns, ne, "branch")) {
                if (c.valueStart < 0) {
                    throw new SipParseException("Via branch without a value", ns - c.base);
                }
                if (via.branchStart >= 0) {
                    throw new SipParseException("Via has more than one branch", ns - c.base);
                }
                via.branchStart = c.valueStart;
                via.branchEnd = c.valueEnd;
            } else if (Bytes.regionEqualsIgnoreCase(b, ns, ne, "rport")) {
                if (c.valueStart >= 0) {
                    checkNumber(c, 5, 65535, "Via rport");
                }
            } else if (Bytes.regionEqualsIgnoreCase(b, ns, ne, "ttl")) {
                if (c.valueStart < 0) {
                    throw new SipParseException("Via ttl without a value", ns - c.base);
                }
                checkNumber(c, 3, 255, "Via ttl");
            }
        }
        via.end = c.pos;
        c.expectElementEnd("Via value");
        return via;
    }

    /** The value just read by Params.next must be 1*maxDigits DIGIT, no larger than {@code max}. */
    private static void checkNumber(Cursor c, int maxDigits, int max, String what) {
        int v = 0;
        for (int p = c.valueStart; p < c.valueEnd; p++) {
            byte d = c.buf[p];
            if (!Bytes.isDigit(d) || p - c.valueStart >= maxDigits) {
                throw new SipParseException("invalid " + what, p - c.base);
            }
            v = v * 10 + (d - '0');
        }
        if (v > max) {
            throw new SipParseException(what + " out of range", c.valueStart - c.base);
        }
    }

    /** Where this value starts and ends in the message buffer, and where its parameters start (after sent-by). */
    int startOffset() {
        return start;
    }

    int endOffset() {
        return end;
    }

    int paramsStartOffset() {
        return paramsStart;
    }

    byte[] buffer() {
        return buf;
    }

    private long param0(String lowerName) {
        return Params.findHeaderParam(buf, paramsStart, end, lowerName);
    }

    /** Protocol name, normally {@code SIP}. */
    public String protocolName() {
        return Bytes.string(buf, protocolStart, protocolEnd);
    }

    /** Protocol version, normally {@code 2.0}. */
    public String protocolVersion() {
        return Bytes.string(buf, versionStart, versionEnd);
    }

    /** The transport, upper-cased as the RFC writes it: UDP, TCP, TLS, SCTP, WS, WSS, ... */
    public String transport() {
        return Bytes.string(buf, transportStart, transportEnd).toUpperCase(Locale.ROOT);
    }

    /** The sent-by host as written (an IPv6 reference keeps its brackets). */
    public String host() {
        return Bytes.string(buf, hostStart, hostEnd);
    }

    public SipUri.HostType hostType() {
        return Host.kind(buf, hostStart, hostEnd);
    }

    /** The sent-by port, or -1 when absent. */
    public int port() {
        return port;
    }

    /** The branch parameter, or null. */
    public String branch() {
        if (branch == null && branchStart >= 0) {
            branch = Bytes.string(buf, branchStart, branchEnd);
        }
        return branch;
    }

    /** The received parameter as written (RFC 5118: an IPv6 value may come with or without brackets), or null. */
    public String received() {
        return Params.string(buf, param0("received"));
    }

    /** True when the rport parameter is present, with or without a value. */
    public boolean hasRport() {
        return param0("rport") != Params.ABSENT;
    }

    /** The rport value, or -1 when rport is absent or a bare flag. */
    public int rport() {
        long span = param0("rport");
        return Params.hasValue(span) ? Integer.parseInt(Params.string(buf, span)) : -1;
    }

    public String maddr() {
        return Params.string(buf, param0("maddr"));
    }

    /** The ttl value, or -1. */
    public int ttl() {
        long span = param0("ttl");
        return span == Params.ABSENT ? -1 : Integer.parseInt(Params.string(buf, span));
    }

    /** True when the branch starts with RFC 3261's magic cookie {@code z9hG4bK} (section 8.1.1.7). */
    public boolean hasRfc3261Branch() {
        return branchEnd - branchStart >= 7 && Bytes.regionEquals(buf, branchStart, branchStart + 7, "z9hG4bK");
    }

    /** True when the alias parameter (RFC 5923) is present. */
    public boolean hasAlias() {
        return param0("alias") != Params.ABSENT;
    }

    /** Any parameter by name, any case: its value, "" for a flag, null when absent. */
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
