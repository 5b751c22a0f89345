package io.sipway.tm;

import io.sipway.sip.Address;
import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.Via;

/**
 * The key a request's server transaction is found by: two requests with the same key are the same
 * transaction (a retransmission, or the ACK / CANCEL of an INVITE when asked for with
 * {@code asMethod = "INVITE"}).
 *
 * <p><b>RFC 3261 branches</b> (the top Via's branch starts with the magic cookie {@code z9hG4bK} and
 * has more after it), 17.2.3: the branch, the sent-by host and port, and the method, ACK and CANCEL
 * naming the INVITE's. Kamailio's t_lookup.c compares a little more, and so does this key: the Via
 * transport (via_matching), and the Call-ID and CSeq number, which choose Kamailio's hash bucket
 * before any branch is compared. So a request that reuses another's branch with its own Call-ID or
 * CSeq is a transaction of its own, not a retransmission answered with the other's reply. A Via
 * without a port is taken as 5060 (5061 for TLS), as via_matching lets 0 match the default port.
 *
 * <p><b>Older branches</b> (RFC 2543 peers: no cookie, or the cookie alone), 17.2.3's backwards
 * compatible rule as Kamailio applies it with its defaults (ruri_matching and via1_matching on):
 * Request-URI, From (as written: its tag with it), To, Call-ID, CSeq number, the top Via as written,
 * and the method. The INVITE's key keeps only the To URI, because its ACK carries the To tag of our
 * reply and Kamailio matches a CANCEL on the To URI too (t_lookupOriginalT); any other request keeps
 * the whole To, tag included.
 */
final class TransactionKeys {
    /** RFC 3261 8.1.1.7's magic cookie. */
    static final String COOKIE = "z9hG4bK";

    private TransactionKeys() {
    }

    /**
     * The key of {@code req}'s transaction; {@code asMethod} is the method of the transaction sought
     * (the request's own, or "INVITE" for an ACK or CANCEL looking for its INVITE).
     */
    static String of(SipMessage req, String asMethod) {
        Via v = req.topVia();
        String branch = v == null ? null : v.branch();
        if (branch != null && branch.length() > COOKIE.length() && branch.startsWith(COOKIE)) {
            return rfc3261(req, v, branch, asMethod);
        }
        return rfc2543(req, v, asMethod);
    }

    private static String rfc3261(SipMessage req, Via v, String branch, String asMethod) {
        String transport = v.transport();
        int port = v.port() >= 0 ? v.port() : transport.equals("TLS") ? 5061 : 5060;
        return new StringBuilder(branch.length() + 96)
                .append(branch, COOKIE.length(), branch.length()).append('|')
                .append(v.host()).append(':').append(port).append('|').append(transport).append('|')
                .append(req.callId()).append('|').append(req.cseq().number()).append('|')
                .append(asMethod).toString();
    }

    private static String rfc2543(SipMessage req, Via v, String asMethod) {
        String to = asMethod.equals("INVITE") ? toUri(req) : req.header(HeaderName.TO);
        return new StringBuilder(256).append("2543|")
                .append(req.requestUriString()).append('|')
                .append(req.header(HeaderName.FROM)).append('|')
                .append(to).append('|')
                .append(req.callId()).append('|').append(req.cseq().number()).append('|')
                .append(v).append('|')
                .append(asMethod).toString();
    }

    /** The To URI (a To that does not parse is taken whole: it then matches only itself). */
    private static String toUri(SipMessage req) {
        try {
            Address to = req.to();
            return to == null ? null : to.uriString();
        } catch (RuntimeException e) {
            return req.header(HeaderName.TO);
        }
    }
}
