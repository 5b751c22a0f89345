package io.sipway.tm;

import io.sipway.sip.SipMessage;
import io.sipway.transport.Destination;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;

/**
 * What a module sees of one transaction's traffic (Kamailio's per-transaction tm callbacks as
 * siptrace registers them: TMCB_REQUEST_SENT, TMCB_RESPONSE_IN, TMCB_RESPONSE_SENT), set on the
 * transaction as {@link ServerTransaction#tap}; a transaction without one costs a null check.
 * Called on the transaction's event loop, after the send; must not block. Retransmissions are
 * not told.
 */
public interface Tap {
    /** A branch request (or tm's CANCEL of a branch) left for {@code to} from {@code from} (null: unknown). */
    void requestSent(ServerTransaction st, Destination to, SendSocket from, byte[] bytes);

    /** A reply of one of the transaction's branches arrived (every matched one, as TMCB_RESPONSE_IN). */
    void replyReceived(ServerTransaction st, SipMessage reply, ReceiveInfo from);

    /** A reply went upstream for the first time: a relayed one or tm's own. */
    void replySent(ServerTransaction st, Destination to, byte[] bytes, int code);

    /**
     * A CANCEL of the transaction arrived from {@code from} and tm answered it {@code ok} (Kamailio's
     * TMCB_E2ECANCEL_IN, and the CANCEL's own reply); on the loop that read the CANCEL.
     */
    default void cancelReceived(ServerTransaction st, SipMessage cancel, ReceiveInfo from, byte[] ok, Destination replyTo) {
    }
}
