package io.sipway.tm;

import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import java.nio.charset.StandardCharsets;

/** The requests tm writes itself toward a branch: the CANCEL (RFC 3261 9.1) and the ACK to a negative reply (17.1.1.3). */
final class HopByHop {
    private HopByHop() {
    }

    static byte[] cancel(ClientBranch b) {
        return build(b, "CANCEL", b.sent);
    }

    static byte[] ack(ClientBranch b, SipMessage reply) {
        return build(b, "ACK", reply);
    }

    /**
     * The branch's Request-URI, top Via, From, Call-ID, CSeq number and Route set; To from
     * {@code toSource} (the reply, for an ACK: it carries the callee's tag).
     */
    private static byte[] build(ClientBranch b, String method, SipMessage toSource) {
        SipMessage r = b.sent;
        StringBuilder m = new StringBuilder(256);
        m.append(method).append(' ').append(r.requestUriString()).append(" SIP/2.0\r\n");
        m.append("Via: ").append(r.topVia()).append("\r\n");
        appendHeader(m, r, HeaderName.FROM);
        appendHeader(m, toSource, HeaderName.TO);
        appendHeader(m, r, HeaderName.CALL_ID);
        m.append("CSeq: ").append(r.cseq().number()).append(' ').append(method).append("\r\n");
        for (String route : r.headers("Route")) {
            m.append("Route: ").append(route).append("\r\n");
        }
        // Max-Forwards as the request carried it (Kamailio's reparsed CANCEL copies the INVITE's)
        String maxForwards = r.header(HeaderName.MAX_FORWARDS);
        m.append("Max-Forwards: ").append(maxForwards != null ? maxForwards.trim() : "70").append("\r\nContent-Length: 0\r\n\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendHeader(StringBuilder m, SipMessage r, HeaderName h) {
        m.append(h.canonicalName()).append(": ").append(r.header(h)).append("\r\n");
    }
}
