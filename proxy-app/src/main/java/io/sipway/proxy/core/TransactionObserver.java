package io.sipway.proxy.core;

import io.sipway.sip.SipMessage;
import io.sipway.tm.ServerTransaction;

/**
 * What a module follows of the transactions (Kamailio's tm callbacks as acc registers them):
 * their creation (TMCB_REQUEST_IN), each reply going upstream (TMCB_RESPONSE_OUT) and each leg
 * ending negatively before its failure_route (TMCB_ON_FAILURE). Called on the transaction's event
 * loop; the request state the script left is {@link ServerTransaction#scriptState}, a
 * {@link MsgContext} whose flags are the transaction's.
 */
public interface TransactionObserver {
    /** A transaction was created for the request of {@code ctx} (t_newtran, t_relay, t_reply...), its flags as they are now. */
    void created(MsgContext ctx);

    /**
     * A reply went upstream: a provisional or the final one (not a retransmission).
     *
     * @param reply     the reply as received, or null when tm wrote it (a local 404, 408, 487...)
     * @param branchUri the Request-URI of the branch it came from (or the branch that failed), null for none
     */
    void replied(ServerTransaction st, int code, SipMessage reply, String branchUri);

    /** The current leg ended with a negative best reply (code, reply or null, branch URI), before failure_route runs. */
    void legFailed(ServerTransaction st, int code, SipMessage reply, String branchUri);

    /**
     * A reply of a branch arrived (TMCB_RESPONSE_IN, after onreply_route): the reply to go on
     * with, the same or rewritten (uac puts back the From/To it replaced). Most observers keep it.
     */
    default SipMessage responseIn(ServerTransaction st, SipMessage reply) {
        return reply;
    }

    /** Two observers told in turn, first {@code a} then {@code b} (tm's callback list, in registration order). */
    static TransactionObserver both(TransactionObserver a, TransactionObserver b) {
        return new TransactionObserver() {
            @Override
            public void created(MsgContext ctx) {
                a.created(ctx);
                b.created(ctx);
            }

            @Override
            public void replied(ServerTransaction st, int code, SipMessage reply, String branchUri) {
                a.replied(st, code, reply, branchUri);
                b.replied(st, code, reply, branchUri);
            }

            @Override
            public void legFailed(ServerTransaction st, int code, SipMessage reply, String branchUri) {
                a.legFailed(st, code, reply, branchUri);
                b.legFailed(st, code, reply, branchUri);
            }

            @Override
            public SipMessage responseIn(ServerTransaction st, SipMessage reply) {
                return b.responseIn(st, a.responseIn(st, reply));
            }
        };
    }
}
