package io.sipway.tm;

import io.netty.util.concurrent.EventExecutor;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.transport.Destination;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the proxy originates (Kamailio's t_uac / t_request: dispatcher's OPTIONS probes,
 * uac_req_send, dialog's BYEs): one RFC 3261 17.1 client transaction each, run by the same code as
 * a forwarded request's branch ({@link Branches}: Timers A and E over UDP, B and F as fr_timer /
 * fr_inv_timer ending in a local 408, the ACK of a negative INVITE reply), held by a transaction
 * of tm's own whose replies go to a {@link LocalReplies} instead of upstream.
 *
 * <p>Such a transaction is held, charged and freed like any other (tm's memory budget, wt_timer
 * after its final reply, the maximum lifetime), but it is not in the table received requests are
 * matched against: a request of ours that loops back to us is a new request, never a
 * retransmission of ours. Its key is {@code "uac|" + branch}.
 */
final class LocalRequests {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRequests.class);

    private final TransactionLayer tm;
    private final Branches branches;
    private final Upstream upstream;
    private final TmStats stats;
    private final Map<String, ServerTransaction> locals;

    LocalRequests(TransactionLayer tm, Branches branches, Upstream upstream, TmStats stats, Map<String, ServerTransaction> locals) {
        this.tm = tm;
        this.branches = branches;
        this.upstream = upstream;
        this.stats = stats;
        this.locals = locals;
    }

    /**
     * Builds the request on the caller's thread (a request that does not read back is refused here,
     * with nothing held), charges it to the budget, and starts its transaction on the loop chosen for
     * it: at once when the caller is that loop, else handed over (the caller never waits).
     */
    boolean request(TransactionLayer.Target target, LocalReplies replies) {
        if (tm.closed()) {
            return false;
        }
        if (tm.full()) {
            LOG.warn("no memory left for a local request to {}: not sent", target.to());
            return false;
        }
        String branch = tm.newBranchId();
        byte[] bytes = target.request().build(tm.via(target.to(), branch));
        SipMessage sent;
        try {
            sent = SipParser.parse(bytes);
        } catch (RuntimeException e) {
            LOG.error("local request to {} could not be read back: {}", target.to(), e.toString());
            return false;
        }
        if (sent.cseq() == null || sent.topVia() == null || !sent.isRequest()) {
            LOG.error("local request to {} lacks a CSeq or Via: not sent", target.to());
            return false;
        }
        EventExecutor loop = tm.loops().forNew();
        ServerTransaction st = new ServerTransaction("uac|" + branch, loop, sent, replies);
        st.estimatedBytes = TransactionLayer.estimatedBytes(sent);
        tm.held(st);
        locals.put(st.key, st);
        stats.local.increment();
        if (loop.inEventLoop()) {
            start(st, branch, target.to(), bytes);
        } else {
            Loops.handOver(loop, () -> start(st, branch, target.to(), bytes));
        }
        return true;
    }

    /** On the transaction's loop: its cleanup timer (the maximum lifetime), then the client transaction. */
    private void start(ServerTransaction st, String branch, Destination to, byte[] bytes) {
        if (tm.closed()) {
            return;
        }
        st.cleanup = new Timers.Task(st.loop) {
            @Override
            protected void fire() {
                upstream.remove(st);
            }
        };
        tm.schedule(st.cleanup, st.invite ? TransactionLayer.MAX_INVITE_LIFETIME_MS : TransactionLayer.MAX_NON_INVITE_LIFETIME_MS);
        if (!branches.open(st, branch, to, bytes, st.request)) {
            // Kamailio's t_uac fails with E_SEND; here the caller hears it as the one final reply
            upstream.remove(st);
            tell(st, 477, null);
        }
    }

    /** A provisional reply of a local transaction's branch (100 included): Trying/Proceeding -> Proceeding, then told. */
    void provisional(ServerTransaction st, int code, SipMessage reply) {
        if (!st.state().beforeFinal()) {
            return;
        }
        st.go(ServerState.PROCEEDING);
        tell(st, code, reply);
    }

    /**
     * The final reply of a local transaction ({@code reply} null: tm's own 408 or 477): the
     * transaction completes (Accepted for an INVITE's 2xx), is told, and lingers wt_timer so that a
     * retransmitted final reply is still absorbed (and a negative one ACKed again).
     */
    void completed(ServerTransaction st, int code, SipMessage reply) {
        if (!st.state().beforeFinal()) {
            return;
        }
        st.go(code < 300 && st.invite ? ServerState.ACCEPTED : ServerState.COMPLETED);
        st.lastCode = code;
        upstream.putOnWait(st);
        tell(st, code, reply);
    }

    /** A further 2xx to a local INVITE (retransmitted, or another fork's): the caller ACKs each. */
    void another2xx(ServerTransaction st, int code, SipMessage reply) {
        tell(st, code, reply);
    }

    private void tell(ServerTransaction st, int code, SipMessage reply) {
        try {
            st.local.onReply(st.request, code, reply);
        } catch (RuntimeException e) {
            LOG.error("the callback of local request {} failed on {}: {}", st.key, code, e.toString(), e);
        }
    }
}
