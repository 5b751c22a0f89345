package io.sipway.sip;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The {@code received} (RFC 3261 18.2.1) and {@code rport} (RFC 3581) parameters a server writes into
 * the top Via of a request it received, the way Kamailio writes them (msg_translator.c):
 *
 * <ul>
 * <li>{@code received=source IP} when the Via already has a received or an rport parameter, or when
 *     its sent-by host is not the source address (a name is never "the same": no DNS is asked);</li>
 * <li>{@code rport=source port} when the Via has rport (bare or with a value) or the script called
 *     {@code force_rport()}.</li>
 * </ul>
 *
 * <p>Where they go differs: in a request sent on, a new received (and a forced rport before it) comes
 * right after sent-by; in a reply of our own, both are appended after the last parameter, rport
 * first. An existing parameter is rewritten in place in both. (Kamailio appends a second received to
 * a local reply whose Via had one, and appends to the end of the whole Via line when that line holds
 * several values; Sipway writes one received, on the top value, as RFC 3261 wants.)
 */
public final class ViaReceived {
    private ViaReceived() {
    }

    /**
     * The top Via value of {@code request} as it goes on with received/rport, or null when it stays
     * as written.
     */
    public static String forwarded(SipMessage request, InetAddress source, int sourcePort, boolean forceRport) {
        Via top = request.topVia();
        Stamp s = Stamp.of(top, source, sourcePort, forceRport);
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(top.endOffset() - top.startOffset() + 40);
        byte[] buf = top.buffer();
        int at = top.paramsStartOffset();
        append(b, buf, top.startOffset(), at);
        if (s.rportNameStart < 0 && s.rport != null) {
            b.append(';').append(s.rport);
        }
        if (s.receivedNameStart < 0 && s.received != null) {
            b.append(';').append(s.received);
        }
        s.appendParams(b, buf, at, top.endOffset());
        return b.toString();
    }

    /**
     * The value of the first Via header field of {@code request} in a reply of our own: the top value
     * with received/rport, the values after it (same field) as written; null when nothing changes.
     */
    static String inLocalReply(SipMessage request, InetAddress source, int sourcePort, boolean forceRport) {
        Via top = request.topVia();
        Stamp s = Stamp.of(top, source, sourcePort, forceRport);
        if (s == null) {
            return null;
        }
        int field = request.indexOf(HeaderName.VIA, 0);
        byte[] buf = top.buffer();
        StringBuilder b = new StringBuilder(request.valueEndAt(field) - request.valueStartAt(field) + 40);
        s.appendParams(b, buf, request.valueStartAt(field), top.endOffset());
        if (s.rportNameStart < 0 && s.rport != null) {
            b.append(';').append(s.rport);
        }
        if (s.receivedNameStart < 0 && s.received != null) {
            b.append(';').append(s.received);
        }
        append(b, buf, top.endOffset(), request.valueEndAt(field));
        return b.toString();
    }

    private static void append(StringBuilder b, byte[] buf, int from, int to) {
        b.append(Bytes.string(buf, from, to));
    }

    /** What to write ({@code name=value}, null for nothing) and where the parameters already are (-1: absent). */
    private static final class Stamp {
        String received;
        String rport;
        int receivedNameStart = -1;
        int receivedEnd;
        int rportNameStart = -1;
        int rportEnd;

        static Stamp of(Via top, InetAddress source, int sourcePort, boolean forceRport) {
            Stamp s = new Stamp();
            s.locate(top);
            boolean hasRport = s.rportNameStart >= 0;
            if (hasRport || forceRport) {
                s.rport = "rport=" + sourcePort;
            }
            if (s.receivedNameStart >= 0 || hasRport || !sameAddress(top, source)) {
                s.received = "received=" + source.getHostAddress();
            }
            return s.rport == null && s.received == null ? null : s;
        }

        /** Finds the received and rport parameters (name start to value end) of the top Via. */
        private void locate(Via top) {
            byte[] buf = top.buffer();
            Cursor c = new Cursor(buf, top.paramsStartOffset(), top.endOffset(), 0);
            while (Params.next(c, "Via")) {
                int end = c.valueStart < 0 ? c.nameEnd : c.valueEnd;
                if (Bytes.regionEqualsIgnoreCase(buf, c.nameStart, c.nameEnd, "received")) {
                    receivedNameStart = c.nameStart;
                    receivedEnd = end;
                } else if (Bytes.regionEqualsIgnoreCase(buf, c.nameStart, c.nameEnd, "rport")) {
                    rportNameStart = c.nameStart;
                    rportEnd = end;
                }
            }
        }

        /** {@code buf[from, to)} with the existing received and rport parameters rewritten, in their places. */
        void appendParams(StringBuilder b, byte[] buf, int from, int to) {
            int p = from;
            if (receivedNameStart < 0 || (rportNameStart >= 0 && rportNameStart < receivedNameStart)) {
                p = rewrite(b, buf, p, rportNameStart, rportEnd, rport);
                p = rewrite(b, buf, p, receivedNameStart, receivedEnd, received);
            } else {
                p = rewrite(b, buf, p, receivedNameStart, receivedEnd, received);
                p = rewrite(b, buf, p, rportNameStart, rportEnd, rport);
            }
            append(b, buf, p, to);
        }

        /** Copies up to a parameter found at {@code nameStart} (-1: none) and writes {@code text} for it. */
        private static int rewrite(StringBuilder b, byte[] buf, int p, int nameStart, int end, String text) {
            if (nameStart < 0) {
                return p;
            }
            append(b, buf, p, nameStart);
            b.append(text);
            return end;
        }
    }

    /** Whether the Via's sent-by host is the source address; a host name is not (Kamailio without received_dns). */
    private static boolean sameAddress(Via top, InetAddress source) {
        if (top.hostType() == SipUri.HostType.NAME) {
            return false;
        }
        if (top.hostType() == SipUri.HostType.IPV4) { // per request: compared as text, no InetAddress made
            return source instanceof java.net.Inet4Address && Ipv4Text.same(top.host(), source.getAddress());
        }
        try {
            return InetAddress.getByName(top.host()).equals(source); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
