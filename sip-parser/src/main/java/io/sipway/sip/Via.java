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
    private final int end;
    private final int protocolStart;
    private final int protocolEnd;
    private final int versionStart;
    private final int versionEnd;
    private final int transportStart;
    private final int transportEnd;
    private final int hostStart;
    private final int hostEnd;
    private final SipUri.HostType hostType;
    private final int port;
    private final Params params;

    private Via(byte[] buf, int start, int end, int[] spans, SipUri.HostType hostType, int port, Params params) {
        this.buf = buf;
        this.start = start;
        this.end = end;
        this.protocolStart = spans[0];
        this.protocolEnd = spans[1];
        this.versionStart = spans[2];
        this.versionEnd = spans[3];
        this.transportStart = spans[4];
        this.transportEnd = spans[5];
        this.hostStart = spans[6];
        this.hostEnd = spans[7];
        this.hostType = hostType;
        this.port = port;
        this.params = params;
    }

    /** Parses one via-parm in {@code buf[from, to)} (already split at top-level commas). */
    static Via parse(byte[] buf, int from, int to, int base) {
        Cursor c = new Cursor(buf, from, to, base);
        c.skipLws();
        int[] spans = new int[8];
        spans[0] = c.token("Via protocol name");
        spans[1] = c.pos;
        c.expectSeparator('/', "after the Via protocol name");
        spans[2] = c.token("Via protocol version");
        spans[3] = c.pos;
        c.expectSeparator('/', "after the Via protocol version");
        spans[4] = c.token("Via transport");
        spans[5] = c.pos;
        int save = c.pos;
        c.skipLws();
        if (c.pos == save) {
            throw c.error("expected white space before the Via sent-by");
        }
        spans[6] = c.pos;
        SipUri.HostType hostType = Host.parse(c, "Via sent-by");
        spans[7] = c.pos;
        int port = -1;
        if (c.consumeSeparator(':')) {
            port = Host.port(c, "Via sent-by");
        }
        Params params = Params.parseHeaderParams(c, "Via");
        c.expectEnd("Via value");
        Via via = new Via(buf, from, to, spans, hostType, port, params);
        via.checkKnownParams(base);
        return via;
    }

    /** RFC 3261 25.1: ttl is 1..3 digits, rport a port when it has a value, received an address. */
    private void checkKnownParams(int base) {
        int i = params.indexOf("rport");
        if (i >= 0 && params.hasValueAt(i)) {
            Cursor c = new Cursor(buf, params.valueStartAt(i), params.valueEndAt(i), base);
            Host.port(c, "Via rport");
            c.expectEnd("Via rport");
        }
        i = params.indexOf("ttl");
        if (i >= 0) {
            Cursor c = new Cursor(buf, params.valueStartAt(i), params.valueEndAt(i), base);
            if (!params.hasValueAt(i)) {
                throw c.error("Via ttl without a value");
            }
            c.digits("Via ttl", 3);
            c.expectEnd("Via ttl");
        }
        i = params.indexOf("branch");
        if (i >= 0 && !params.hasValueAt(i)) {
            throw new SipParseException("Via branch without a value", start - base);
        }
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
        return hostType;
    }

    /** The sent-by port, or -1 when absent. */
    public int port() {
        return port;
    }

    /** The branch parameter, or null. */
    public String branch() {
        return params.value("branch");
    }

    /** The received parameter as written (RFC 5118: an IPv6 value may come with or without brackets), or null. */
    public String received() {
        return params.value("received");
    }

    /** True when the rport parameter is present, with or without a value. */
    public boolean hasRport() {
        return params.has("rport");
    }

    /** The rport value, or -1 when rport is absent or a bare flag. */
    public int rport() {
        int i = params.indexOf("rport");
        if (i < 0 || !params.hasValueAt(i)) {
            return -1;
        }
        return Integer.parseInt(params.valueAt(i));
    }

    public String maddr() {
        return params.value("maddr");
    }

    /** The ttl value, or -1. */
    public int ttl() {
        String v = params.value("ttl");
        return v == null ? -1 : Integer.parseInt(v);
    }

    /** True when the alias parameter (RFC 5923) is present. */
    public boolean hasAlias() {
        return params.has("alias");
    }

    /** Any parameter by name, any case: its value, "" for a flag, null when absent. */
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
