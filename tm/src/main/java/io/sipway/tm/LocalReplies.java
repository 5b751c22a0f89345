package io.sipway.tm;

import io.sipway.sip.SipMessage;

/**
 * What hears the replies to a request tm originated ({@link TransactionLayer#request}): Kamailio's
 * t_uac callbacks (TMCB_LOCAL_RESPONSE_IN for every reply, TMCB_LOCAL_COMPLETED for the final one).
 *
 * <p>It is called on the event loop of the request's transaction, one reply at a time, no lock held:
 * it must not block (a database write, a script route that may wait: hand them to a worker). What
 * it throws is logged and does not disturb the transaction.
 */
@FunctionalInterface
public interface LocalReplies {
    /**
     * @param request the request as it was sent (our Via on top)
     * @param code    the reply's status code: provisional ones (100-199, 100 included) as they come,
     *                then exactly one final one (200-699); for an INVITE, a 2xx retransmitted or from
     *                another fork comes again, each for the caller to ACK (RFC 6026: the transaction
     *                does not ACK a 2xx)
     * @param reply   the reply as received; null for a final reply tm made itself: 408 when no final
     *                reply came within fr_timer / fr_inv_timer (Timers B and F), 477 when the request
     *                could not be sent (a failed connect)
     */
    void onReply(SipMessage request, int code, SipMessage reply);
}
