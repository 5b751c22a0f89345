package io.sipway.tm;

import io.sipway.sip.SipMessage;

/**
 * The Reason header (RFC 3326) of the CANCELs tm sends, as Kamailio 5.6's tm writes it
 * (t_reply.c, t_cancel.c; seen on the wire with Kamailio 5.6.3):
 *
 * <table>
 * <tr><th>the branch is canceled because</th><th>Reason</th></tr>
 * <tr><td>another branch answered 200</td><td>{@code SIP;cause=200;text="Call completed elsewhere"}</td></tr>
 * <tr><td>another branch answered 2xx, or 6xx; the script or tm answered the caller (t_reply)</td><td>{@code SIP;cause=<code>}</td></tr>
 * <tr><td>the caller sent a CANCEL</td><td>that CANCEL's Reason headers, copied; none when it had none</td></tr>
 * <tr><td>the branch's own fr_inv_timer ran out</td><td>none</td></tr>
 * </table>
 *
 * A branch that had not answered when it was to be canceled gets its CANCEL when its first
 * provisional reply comes (cancel_b_method 1); by then Kamailio no longer knows why: the caller's
 * CANCEL's Reason if there was one, else {@code SIP;cause=<code>} of the final reply already sent
 * upstream (no text, even for 200), else none.
 */
final class CancelReasons {
    private CancelReasons() {
    }

    /** Why the other branches are canceled when a final {@code code} was received or sent (2xx, 6xx, a local reply). */
    static String forFinal(int code) {
        return code == 200 ? "Reason: SIP;cause=200;text=\"Call completed elsewhere\"\r\n" : cause(code);
    }

    /** The Reason lines of the caller's CANCEL, as they came (name and value); null when it had none. */
    static String copiedFrom(SipMessage cancel) {
        StringBuilder b = null;
        for (int i = 0; i < cancel.headerCount(); i++) {
            if (cancel.headerName(i).equalsIgnoreCase("Reason")) {
                if (b == null) {
                    b = new StringBuilder(64);
                }
                b.append(cancel.headerName(i)).append(": ").append(cancel.headerValue(i)).append("\r\n");
            }
        }
        return b == null ? null : b.toString();
    }

    /** The Reason of a CANCEL sent late, when the branch's first provisional reply came (see the class comment). */
    static String late(ServerTransaction st) {
        if (st.canceled) {
            return st.cancelReason;
        }
        return st.lastCode >= 200 ? cause(st.lastCode) : null;
    }

    private static String cause(int code) {
        return "Reason: SIP;cause=" + code + "\r\n";
    }
}
