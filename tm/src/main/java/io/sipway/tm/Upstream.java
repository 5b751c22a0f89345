package io.sipway.tm;

import io.sipway.transport.Protocol;
import java.util.Map;

/**
 * tm's server side toward the caller: replies going up (the state changes they make: Proceeding,
 * Completed, Accepted), tm's own replies, the negative INVITE reply retransmitted until its ACK
 * (Timers G and H), the wait state (wt_timer) and freeing a transaction. Every method runs on the
 * transaction's event loop: no lock, and a reply leaves after the state change it makes.
 */
final class Upstream {
    private final TransactionLayer tm;
    private final Wire wire;
    private final TmStats stats;
    private final Map<String, ServerTransaction> servers;
    private final Map<String, ClientBranch> clients;
    private final Branches branches;
    private final TransactionLayer.Hooks hooks;

    Upstream(TransactionLayer tm, Wire wire, TmStats stats, Map<String, ServerTransaction> servers, Map<String, ClientBranch> clients,
             Branches branches, TransactionLayer.Hooks hooks) {
        this.tm = tm;
        this.wire = wire;
        this.stats = stats;
        this.servers = servers;
        this.clients = clients;
        this.branches = branches;
        this.hooks = hooks;
    }

    /**
     * A reply leaves through the server transaction: a provisional keeps it in (or moves it to)
     * Proceeding, the first final one completes it (Accepted for a 2xx to an INVITE, RFC 6026).
     * The last reply is what a retransmitted request gets again.
     */
    void sendUpstream(ServerTransaction st, byte[] reply, int code) {
        ServerState s = st.state();
        if (code < 200) {
            if (s.beforeFinal()) {
                st.go(ServerState.PROCEEDING);
                st.lastReply = reply;
                st.lastCode = Math.max(st.lastCode, code);
            }
        } else {
            if (s.beforeFinal()) {
                stats.finalReply(code); // tmx 2xx_transactions..6xx_transactions
                st.go(code < 300 && st.invite ? ServerState.ACCEPTED : ServerState.COMPLETED);
            }
            st.lastReply = reply;
            st.lastCode = Math.max(st.lastCode, code);
        }
        stats.rplSent.increment();
        wire.send(st.replyTo, reply);
        Tap tap = st.tap;
        if (tap != null) {
            tap.replySent(st, st.replyTo, reply, code);
        }
    }

    /**
     * A reply that goes upstream for the first time (not a retransmission): sent, then told to the
     * script's hooks with the reply as received (null: tm wrote it) and the branch it answers (or null).
     */
    void relay(ServerTransaction st, byte[] reply, int code, io.sipway.sip.SipMessage received, ClientBranch branch) {
        sendUpstream(st, reply, code);
        hooks.onResponseOut(st, code, received, branch == null ? null : branch.sent.requestUriString());
    }

    /** A reply tm writes from the request, with {@code extra} header lines (or null), for {@code branch} (or none). */
    void localReply(ServerTransaction st, int code, String reason, String extra, ClientBranch branch) {
        if (!st.state().beforeFinal() && code >= 200 || st.terminated()) {
            return; // a final reply was already sent
        }
        byte[] bytes = Replies.build(st.request, st.from, st.forceRport, code, reason, st.toTag, tm.settings().server(), extra);
        stats.rplGenerated.increment();
        relay(st, bytes, code, null, branch);
        if (code >= 200) {
            completed(st, code);
            branches.cancelOtherBranches(st, null, CancelReasons.forFinal(code));
        }
    }

    /**
     * The transaction sent its final reply: a negative one to an INVITE waits for its ACK
     * (retransmitted over UDP meanwhile, Timer G), anything else waits wt_timer for retransmissions
     * of the request (Timers J and L).
     */
    void completed(ServerTransaction st, int code) {
        if (st.invite && code >= 300) {
            retransmitReplyUntilAcked(st);
        } else {
            putOnWait(st);
        }
    }

    /**
     * Timer G: the negative reply to an INVITE goes again over UDP at T1, doubling to T2, until
     * its ACK (over TCP it is sent once); without an ACK within fr_timer (Timer H) the transaction
     * is freed.
     */
    private void retransmitReplyUntilAcked(ServerTransaction st) {
        tm.schedule(st.cleanup, branches.frTimer(st));
        if (st.from.protocol() != Protocol.UDP) {
            return;
        }
        st.replyInterval = tm.settings().t1();
        if (st.replyRetransmission == null) {
            st.replyRetransmission = new Timers.Task(st.loop) {
                @Override
                protected void fire() {
                    onReplyRetransmitTimer(st);
                }
            };
        }
        tm.schedule(st.replyRetransmission, st.replyInterval);
    }

    private void onReplyRetransmitTimer(ServerTransaction st) {
        if (st.state() != ServerState.COMPLETED || tm.closed()) {
            return; // ACKed (Confirmed) or freed
        }
        st.replyInterval = Math.min(st.replyInterval * 2, tm.settings().t2());
        tm.schedule(st.replyRetransmission, st.replyInterval);
        wire.send(st.replyTo, st.lastReply);
    }

    /** The transaction is complete: it lingers wt_timer for retransmissions, then goes. */
    void putOnWait(ServerTransaction st) {
        if (!st.waited) {
            st.waited = true;
            stats.waiting.increment();
        }
        tm.schedule(st.cleanup, tm.settings().wtTimer());
    }

    /** Frees the transaction: it and its branches end (Terminated) and no longer match anything. */
    void remove(ServerTransaction st) {
        if (st.terminated()) {
            return;
        }
        st.go(ServerState.TERMINATED);
        if (!st.waited) {
            st.waited = true;
            stats.waiting.increment();
        }
        stats.freed.increment();
        tm.cancelTimer(st.replyRetransmission);
        tm.cancelTimer(st.cleanup);
        for (ClientBranch b : st.branches) {
            terminate(b);
        }
        if (st.cancels != null) {
            for (ClientBranch c : st.cancels) {
                terminate(c);
            }
        }
        if (st.local != null ? tm.forgetLocal(st) : servers.remove(st.key, st)) {
            tm.released(st);
        }
    }

    private void terminate(ClientBranch b) {
        if (b.state() != ClientState.TERMINATED) {
            b.go(ClientState.TERMINATED);
        }
        tm.cancelTimer(b.retransmission);
        tm.cancelTimer(b.finalResponseTimer);
        clients.remove(b.key(), b);
    }
}
