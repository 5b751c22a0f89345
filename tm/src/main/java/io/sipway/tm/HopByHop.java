package io.sipway.tm;

import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import java.nio.charset.StandardCharsets;

/**
 * The requests tm writes itself toward a branch: the CANCEL (RFC 3261 9.1) and the ACK to a
 * negative reply (17.1.1.3), laid out as Kamailio's tm writes them.
 *
 * <p>With {@code reparse_invite=1} (the default) they are cut from the INVITE as it was sent on the
 * branch (t_msgbuilder.c build_local_reparse): its request line, first Via, From, To, Call-ID,
 * Route and Max-Forwards lines in their order, CSeq with the method replaced, Content-Length 0,
 * every other header dropped; the CANCEL's To is the one the caller sent, the ACK's the reply's.
 * With {@code reparse_invite=0} they are written from the request tm received (build_local): our
 * Via, its From, Call-ID, the To, CSeq, {@code Max-Forwards: 70}, its Route headers, the
 * {@code user_agent_header} line, Content-Length 0. A CANCEL's Reason lines come last.
 */
final class HopByHop {
    private HopByHop() {
    }

    /** tm's CANCEL of branch {@code b}; {@code reason} is its Reason header lines ("Reason: ...\r\n" each) or null. */
    static byte[] cancel(ClientBranch b, String reason, TmSettings settings) {
        SipMessage received = b.server.request;
        String to = line(received, first(received, HeaderName.TO));
        return settings.reparseInvite() ? fromSentInvite(b, "CANCEL", to, reason)
                : fromReceivedInvite(b, "CANCEL", to, reason, settings.userAgent());
    }

    /** The hop-by-hop ACK of {@code reply}, a negative final reply on branch {@code b}: To from the reply (its tag). */
    static byte[] ack(ClientBranch b, SipMessage reply, TmSettings settings) {
        String to = line(reply, first(reply, HeaderName.TO));
        return settings.reparseInvite() ? fromSentInvite(b, "ACK", to, null)
                : fromReceivedInvite(b, "ACK", to, null, settings.userAgent());
    }

    private static byte[] fromSentInvite(ClientBranch b, String method, String to, String reason) {
        SipMessage sent = b.sent;
        StringBuilder m = new StringBuilder(512);
        m.append(method).append(' ').append(sent.requestUriString()).append(" SIP/2.0\r\n");
        boolean firstVia = true;
        for (int i = 0; i < sent.headerCount(); i++) {
            switch (sent.headerType(i)) {
                case VIA -> {
                    if (firstVia) { // ours: the one value the branch request's top line holds
                        m.append(sent.headerName(i)).append(": ").append(sent.topVia()).append("\r\n");
                        firstVia = false;
                    }
                }
                case TO -> m.append(to);
                case FROM, CALL_ID, ROUTE, MAX_FORWARDS -> m.append(line(sent, i));
                case CSEQ -> m.append(sent.headerName(i)).append(": ").append(sent.cseq().number()).append(' ').append(method).append("\r\n");
                case CONTENT_LENGTH -> m.append(sent.headerName(i)).append(": 0\r\n");
                default -> {
                    // Require, Proxy-Require and everything else stay out (ac_extra_hdrs is empty)
                }
            }
        }
        return end(m, reason);
    }

    private static byte[] fromReceivedInvite(ClientBranch b, String method, String to, String reason, String userAgent) {
        SipMessage received = b.server.request;
        StringBuilder m = new StringBuilder(512);
        m.append(method).append(' ').append(b.sent.requestUriString()).append(" SIP/2.0\r\n");
        m.append("Via: ").append(b.sent.topVia()).append("\r\n");
        m.append(line(received, first(received, HeaderName.FROM)));
        m.append(line(received, first(received, HeaderName.CALL_ID)));
        m.append(to);
        int cseq = first(received, HeaderName.CSEQ);
        m.append(received.headerName(cseq)).append(": ").append(received.cseq().number()).append(' ').append(method).append("\r\n");
        m.append("Max-Forwards: 70\r\n");
        for (int i = 0; i < received.headerCount(); i++) {
            if (received.headerType(i) == HeaderName.ROUTE) {
                m.append(line(received, i));
            }
        }
        if (userAgent != null) {
            m.append(userAgent).append("\r\n");
        }
        m.append("Content-Length: 0\r\n");
        return end(m, reason);
    }

    private static byte[] end(StringBuilder m, String reason) {
        if (reason != null) {
            m.append(reason);
        }
        return m.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The index of the first header field of this type (the message has one: it was checked on arrival). */
    private static int first(SipMessage m, HeaderName type) {
        for (int i = 0; i < m.headerCount(); i++) {
            if (m.headerType(i) == type) {
                return i;
            }
        }
        throw new IllegalArgumentException("no " + type.canonicalName() + " header");
    }

    /** Header field {@code i} as a line: its name as written, its value. */
    private static String line(SipMessage m, int i) {
        return m.headerName(i) + ": " + m.headerValue(i) + "\r\n";
    }
}
