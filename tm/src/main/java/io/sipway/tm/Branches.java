package io.sipway.tm;

import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.sip.Via;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendListener;
import io.sipway.transport.SendStatus;
import io.sipway.transport.TrafficStats;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tm's client side: the branches of a transaction (RFC 3261 17.1 client transactions), their
 * retransmissions and final-response timers, the replies they get, the CANCELs and hop-by-hop ACKs
 * tm sends them, and the end of a leg (failure_route, the best reply). Every method runs on the
 * transaction's event loop (a reply or a send failure reported on another is handed over first),
 * so none takes a lock, and every send is made after the state change it belongs to.
 */
final class Branches {
    private static final Logger LOG = LoggerFactory.getLogger(Branches.class);

    private final TransactionLayer tm;
    private final Wire wire;
    private final Timers timers;
    private final TmStats stats;
    private final Map<String, ClientBranch> clients;
    private final TransactionLayer.Hooks hooks;
    private Upstream upstream;
    private LocalRequests local;

    Branches(TransactionLayer tm, Wire wire, Timers timers, TmStats stats, Map<String, ClientBranch> clients, TransactionLayer.Hooks hooks) {
        this.tm = tm;
        this.wire = wire;
        this.timers = timers;
        this.stats = stats;
        this.clients = clients;
        this.hooks = hooks;
    }

    void upstream(Upstream u) {
        this.upstream = u;
    }

    void local(LocalRequests l) {
        this.local = l;
    }

    /** Sends one branch of {@code st} (a client transaction in Calling or Trying); false when it could not leave. */
    boolean openBranch(ServerTransaction st, TransactionLayer.Target t) {
        String branch = tm.newBranchId();
        byte[] bytes = t.request().build(tm.via(t.to(), branch));
        SipMessage sent;
        try {
            sent = SipParser.parse(bytes);
        } catch (RuntimeException e) {
            LOG.error("branch request for {} could not be read back: {}", t.to(), e.toString());
            return false;
        }
        return open(st, branch, t.to(), bytes, sent);
    }

    /**
     * Sends the client transaction {@code branch} of {@code st}: {@code bytes} to {@code to}, read
     * back as {@code sent}; false when it could not leave. A forwarded request's branch and a
     * request tm originates ({@link LocalRequests}) alike.
     */
    boolean open(ServerTransaction st, String branch, io.sipway.transport.Destination to, byte[] bytes, SipMessage sent) {
        ClientBranch b = new ClientBranch(st, branch, st.request.methodName(), to, bytes, sent);
        // known before it leaves: a reply can come back on another event loop before send() returns
        // (it is then handed over to this loop, and runs after this branch is set up)
        clients.put(b.key(), b);
        // only a connection-oriented send can fail after it returned; UDP allocates no listener
        SendListener lateFailure = to.protocol() == Protocol.UDP ? null : (d, reason) -> onSendFailed(b, reason);
        SendStatus status = wire.send(to, bytes, lateFailure);
        // sendFailed already: the connect failed before send() returned (the listener ran on this thread)
        if (status != SendStatus.SENT && status != SendStatus.CONNECTING || b.sendFailed) {
            clients.remove(b.key(), b);
            LOG.warn("branch to {} not sent: {}", to, b.sendFailed ? "connect failed" : status);
            return false;
        }
        st.branches.add(b);
        startTimers(b, frTimer(st));
        b.opened = true;
        Tap tap = st.tap;
        if (tap != null) {
            tap.requestSent(st, to, wire.socketFor(to), bytes);
        }
        return true;
    }

    /**
     * The connection a branch's request waited for failed (refused, tcp_connect_timeout): the
     * request never left, so the branch ends now with a local 477, as if t_relay's send had failed
     * (Kamailio's blocking connect makes t_relay fail: "Unfortunately error on sending to next hop
     * occurred"), instead of waiting for fr_timer and answering 408. A branch already answered, timed
     * out or freed is left alone.
     */
    void onSendFailed(ClientBranch b, TrafficStats.SendFailure reason) {
        ServerTransaction st = b.server;
        if (!st.loop.inEventLoop()) { // the connecting channel's loop
            tm.loops().run(st.loop, () -> onSendFailed(b, reason));
            return;
        }
        b.sendFailed = true;
        if (!b.opened || !b.state().beforeFinal() || st.terminated()) {
            return; // openBranch sees the flag itself, or the branch has ended already
        }
        tm.cancelTimer(b.retransmission);
        tm.cancelTimer(b.finalResponseTimer);
        b.go(ClientState.TERMINATED);
        b.finalCode = 477;
        b.finalReply = null;
        LOG.warn("branch {} to {} failed: {}", b.branch, b.to, reason.label());
        branchFinal(st, b);
    }

    /**
     * A branch's timers as its request leaves: retransmission over UDP only (RFC 3261 17.1.1.2,
     * 17.1.2.2: a reliable transport retransmits for us) from T1, and the final-response timer.
     */
    void startTimers(ClientBranch b, long frMs) {
        if (b.to.protocol() == Protocol.UDP) {
            b.retransmitInterval = tm.settings().t1();
            b.retransmission = new Timers.Task(b.server.loop) {
                @Override
                protected void fire() {
                    onRetransmitTimer(b);
                }
            };
            tm.schedule(b.retransmission, b.retransmitInterval);
        }
        b.finalResponseTimer = new Timers.Task(b.server.loop) {
            @Override
            protected void fire() {
                onFinalResponseTimeout(b);
            }
        };
        startFinalResponseTimer(b, frMs);
    }

    /** (Re)starts a branch's final-response timer: {@code ms} from now. */
    private void startFinalResponseTimer(ClientBranch b, long ms) {
        b.finalResponseDeadline = timers.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        tm.schedule(b.finalResponseTimer, ms);
    }

    void restartFinalResponseTimers(ServerTransaction st, boolean inv, boolean nonInv) {
        if (st.terminated()) {
            return;
        }
        for (ClientBranch b : st.branches) {
            if (b.state().beforeFinal() && (b.onFrInv ? inv : nonInv)) {
                startFinalResponseTimer(b, b.onFrInv ? frInvTimer(st) : frTimer(st));
            }
        }
    }

    /**
     * A branch request (or tm's CANCEL) goes again over UDP while it waits: an INVITE until its
     * first provisional (17.1.1.2, Timer A, capped at T2 as Kamailio does), a non-INVITE until its
     * final reply (17.1.2.2, Timer E: T1 doubling to T2, at T2 once a provisional came).
     */
    private void onRetransmitTimer(ClientBranch b) {
        ClientState s = b.state();
        boolean retransmitting = s == ClientState.CALLING || s == ClientState.TRYING
                || s == ClientState.PROCEEDING && !b.invite;
        if (!retransmitting || b.server.terminated() || tm.closed()) {
            return;
        }
        b.retransmitInterval = Math.min(b.retransmitInterval * 2, tm.settings().t2());
        tm.schedule(b.retransmission, b.retransmitInterval);
        wire.send(b.to, b.bytes);
    }

    /**
     * fr_timer (before a provisional) or fr_inv_timer (after one, on an INVITE) ran out: the branch
     * ends with a local 408 (Kamailio's fake reply; RFC 3261 Timers B, F and 16.7's Timer C), and
     * an INVITE branch that rang is canceled. tm's own CANCEL just stops retransmitting.
     */
    private void onFinalResponseTimeout(ClientBranch b) {
        ServerTransaction st = b.server;
        if (!b.state().beforeFinal() || st.terminated() || tm.closed() || timers.nanoTime() < b.finalResponseDeadline) {
            return; // answered, freed, or restarted since this run was due
        }
        tm.cancelTimer(b.retransmission);
        b.go(ClientState.TERMINATED);
        if (b.method.equals("CANCEL")) {
            return;
        }
        b.finalCode = 408;
        b.finalReply = null;
        b.timedOut = true;
        LOG.debug("branch {} timed out", b.branch);
        if (b.invite && b.provisional > 0 && !b.cancelSent) {
            sendCancel(b, null); // Kamailio gives a CANCEL on timeout no Reason
        }
        branchFinal(st, b);
    }

    /**
     * A reply arrived: matched to its branch by the top Via branch and the CSeq method. Returns false
     * when it belongs to no branch (the core then forwards it statelessly by its Via). One read on
     * another loop than its transaction's is handed over to that loop (Kamailio's reply processes
     * take the transaction's REPLY_LOCK instead).
     */
    boolean onReply(SipMessage reply, ReceiveInfo from) {
        return onReply(reply, from, true);
    }

    /** The same; {@code hook} false: the onreply_route already ran (on a worker), the reply goes on from there. */
    boolean onReply(SipMessage reply, ReceiveInfo from, boolean hook) {
        Via v = reply.topVia();
        if (v == null || v.branch() == null || reply.cseq() == null) {
            return false;
        }
        ClientBranch b = clients.get(v.branch() + "|" + reply.cseq().methodName());
        if (b == null) {
            return false;
        }
        if (hook) {
            stats.rplReceived.increment();
        }
        if (b.server.loop.inEventLoop()) {
            onReply(b, reply, from, hook);
        } else {
            tm.loops().run(b.server.loop, () -> onReply(b, reply, from, hook));
        }
        return true;
    }

    /** A reply of branch {@code b}, on its transaction's loop. */
    private void onReply(ClientBranch b, SipMessage reply, ReceiveInfo from, boolean hook) {
        ServerTransaction st = b.server;
        int code = reply.statusCode();
        if (st.terminated()) {
            return;
        }
        if (b.method.equals("CANCEL")) {
            onCancelReply(b, code);
            return; // a reply to tm's own CANCEL is no reply of the transaction (Kamailio handles it before TMCB_RESPONSE_IN)
        }
        Tap tap = st.tap;
        if (tap != null && hook) {
            tap.replyReceived(st, reply, from);
        }
        if (hook && st.onReplyRoute != null) {
            reply = hooks.onReply(st, reply, from);
            if (reply == null || st.terminated()) {
                return;
            }
        }
        // the hop-by-hop ACK answers the reply as it came; what goes on may be rewritten (uac's restore)
        SipMessage received = reply;
        if (st.local == null) {
            reply = hooks.onResponseIn(st, reply);
        }
        b.replied = true;
        if (code < 200) {
            onProvisional(st, b, reply, code);
            return;
        }
        if (!b.state().beforeFinal()) {
            if (b.invite && code >= 300) {
                sendAck(b, received); // hop by hop (17.1.1.3): a retransmitted final reply is ACKed again
            } else if (b.invite && code < 300) {
                if (st.local != null) {
                    local.another2xx(st, code, reply); // the caller ACKs it, as it did the first
                } else {
                    upstream.sendUpstream(st, withoutTopVia(reply), code); // RFC 6026: every 2xx goes up
                }
            }
            return;
        }
        b.finalCode = code;
        b.finalReply = withoutTopVia(reply);
        b.finalMessage = reply;
        b.go(code < 300 && b.invite ? ClientState.ACCEPTED : ClientState.COMPLETED);
        tm.cancelTimer(b.retransmission);
        tm.cancelTimer(b.finalResponseTimer);
        if (b.invite && code >= 300) {
            sendAck(b, received); // hop by hop (17.1.1.3), once Completed
        }
        if (st.local != null) { // tm's own request: one branch, its final reply is the transaction's
            local.completed(st, code, reply);
            return;
        }
        if (code < 300) {
            upstream.relay(st, b.finalReply, code, reply, b);
            cancelOtherBranches(st, b, CancelReasons.forFinal(code));
            upstream.putOnWait(st);
            return;
        }
        branchFinal(st, b);
    }

    /**
     * A 1xx on a branch: an INVITE stops retransmitting (17.1.1.2) and its final-response timer
     * becomes fr_inv_timer (restart_fr_on_each_reply 1: restarted by every provisional; 0: by the
     * first one and a higher one from 180 up, as Kamailio's reply_received); a CANCEL that waited
     * for it leaves now (9.1). A non-INVITE goes on retransmitting at T2 (17.1.2.2). Anything but
     * 100 goes up while no final reply did.
     */
    private void onProvisional(ServerTransaction st, ClientBranch b, SipMessage reply, int code) {
        if (!b.state().beforeFinal()) {
            return;
        }
        int last = b.provisional;
        b.provisional = code;
        b.go(ClientState.PROCEEDING);
        if (b.invite) {
            tm.cancelTimer(b.retransmission);
            if (tm.settings().restartFrOnEachReply() || last < code && (code >= 180 || last == 0)) {
                b.onFrInv = true;
                startFinalResponseTimer(b, frInvTimer(st));
            }
            if (b.cancelPending && !b.cancelSent) {
                sendCancel(b, CancelReasons.late(st));
            }
        } else {
            b.retransmitInterval = tm.settings().t2();
        }
        if (st.local != null) {
            local.provisional(st, code, reply); // 100 included: the caller may want to know it is heard
            return;
        }
        if (code > 100 && st.state().beforeFinal()) {
            upstream.relay(st, withoutTopVia(reply), code, reply, b);
        }
    }

    /**
     * A branch ended negatively (or timed out, or its connection failed). A 6xx cancels the other branches (RFC 3261 16.7
     * step 5, Kamailio's T_6xx) but, as in Kamailio, nothing goes up before every branch of the leg
     * has ended: then the best reply is picked, failure_route runs if armed, and the winner goes up.
     */
    private void branchFinal(ServerTransaction st, ClientBranch b) {
        if (!st.state().beforeFinal()) {
            return;
        }
        if (b.finalCode >= 600 && !st.sixx) {
            st.sixx = true;
            cancelOtherBranches(st, b, CancelReasons.forFinal(b.finalCode));
        }
        if (!st.allFinal()) {
            return;
        }
        ClientBranch best = BestReply.pick(st, tm.settings().fakedReplyPrio());
        if (best == null) {
            return;
        }
        if (st.local != null) { // no script routes for tm's own request: its caller hears the end
            local.completed(st, best.finalMessage != null ? best.finalCode : best.sendFailed ? 477 : 408, best.finalMessage);
            return;
        }
        st.sixx = false; // the failure route may fork again
        hooks.onNegativeLeg(st, best.finalCode, best.finalMessage, best.sent.requestUriString());
        if (st.failureRoute != null) {
            Object armed = st.failureRoute;
            st.failureRoute = null; // a failure route runs once per arming
            int before = st.branches.size();
            boolean forked;
            st.picked = best;
            try {
                forked = hooks.onFailure(st, armed, best.finalCode) && st.branches.size() > before;
            } finally {
                if (!st.failureDeferred) {
                    st.picked = null;
                }
            }
            if (st.failureDeferred) { // the route runs on a worker: failureRouteEnded goes on from here
                st.failureDeferred = false;
                st.deferredBest = best;
                st.deferredBefore = before;
                return;
            }
            if (forked || !st.state().beforeFinal()) {
                return; // a new leg runs, or the failure route replied itself
            }
            LOG.trace("failure route {} opened no branch", armed);
        }
        relayBest(st, best);
    }

    /**
     * A failure route run elsewhere ({@link ServerTransaction#failureRouteElsewhere()}) ended, on
     * the transaction's loop: the leg's best reply goes up as it would have after the route, unless
     * the route opened a new leg or replied itself.
     */
    void failureRouteEnded(ServerTransaction st) {
        ClientBranch best = st.deferredBest;
        if (best == null) {
            return;
        }
        st.deferredBest = null;
        if (st.picked == best) {
            st.picked = null;
        }
        if (st.branches.size() > st.deferredBefore || !st.state().beforeFinal() || st.terminated()) {
            return;
        }
        relayBest(st, best);
    }

    /**
     * The winner of a leg goes upstream as Kamailio's relay_reply sends it: a local 408 (487 when
     * canceled) for a branch that timed out, a local 477 for one whose connection failed (487 when
     * canceled); a 503 becomes {@code 500 Service Unavailable}
     * (remap_503_500, RFC 3261 16.7 step 6); a 401/407 when several branches challenged becomes a
     * local reply carrying every WWW-Authenticate and Proxy-Authenticate of them
     * (aggregate_challenges, RFC 3261 16.7 step 7); anything else is relayed as received.
     */
    private void relayBest(ServerTransaction st, ClientBranch best) {
        int code = best.finalCode;
        if (best.finalMessage == null) {
            if (best.sendFailed && !(st.canceled && st.invite)) {
                upstream.localReply(st, 477, TransactionLayer.SEND_FAILED_REASON, null, best);
            } else if (st.canceled && st.invite) {
                upstream.localReply(st, 487, "Request Terminated", null, best);
            } else {
                upstream.localReply(st, 408, "Request Timeout", null, best);
            }
            return;
        }
        if (code == 503 && tm.settings().remap503To500()) {
            upstream.localReply(st, 500, "Service Unavailable", null, best);
            return;
        }
        if ((code == 401 || code == 407) && tm.settings().aggregateChallenges()) {
            String challenges = BestReply.challenges(st);
            if (challenges != null) {
                upstream.localReply(st, code, code == 401 ? "Unauthorized" : "Proxy Authentication Required", challenges, best);
                return;
            }
        }
        upstream.relay(st, best.finalReply, code, best.finalMessage, best);
        upstream.completed(st, code);
    }

    private byte[] withoutTopVia(SipMessage reply) {
        io.sipway.sip.MessageEditor e = reply.edit();
        e.removeFirstValue(HeaderName.VIA);
        return e.toBytes();
    }

    /**
     * Every INVITE branch still waiting, but {@code except}, is canceled: at once when it had a
     * provisional reply, with {@code reason} (Reason lines, or null: {@link CancelReasons}), else as
     * soon as one comes (RFC 3261 9.1; Kamailio's cancel_b_method 1: the INVITE goes on being
     * retransmitted meanwhile).
     */
    void cancelOtherBranches(ServerTransaction st, ClientBranch except, String reason) {
        for (ClientBranch b : st.branches) {
            if (b != except && b.invite && b.state().beforeFinal() && !b.cancelSent) {
                if (b.provisional > 0) {
                    sendCancel(b, reason);
                } else {
                    b.cancelPending = true;
                }
            }
        }
    }

    /** tm's CANCEL of a branch: a non-INVITE client transaction of its own (same branch, method CANCEL). */
    private void sendCancel(ClientBranch b, String reason) {
        b.cancelSent = true;
        byte[] bytes = HopByHop.cancel(b, reason, tm.settings());
        ClientBranch c = new ClientBranch(b.server, b.branch, "CANCEL", b.to, bytes, null);
        clients.put(c.key(), c);
        if (b.server.cancels == null) {
            b.server.cancels = new ArrayList<>(2);
        }
        b.server.cancels.add(c);
        startTimers(c, frTimer(b.server));
        wire.send(b.to, bytes);
        Tap tap = b.server.tap;
        if (tap != null) {
            tap.requestSent(b.server, b.to, wire.socketFor(b.to), bytes);
        }
    }

    /** A reply to a CANCEL of ours ends it there (it is not relayed); the INVITE's own reply (487) follows. */
    private void onCancelReply(ClientBranch c, int code) {
        if (!c.state().beforeFinal()) {
            return;
        }
        if (code < 200) {
            c.go(ClientState.PROCEEDING);
            c.retransmitInterval = tm.settings().t2();
            return;
        }
        c.finalCode = code;
        c.go(ClientState.COMPLETED);
        tm.cancelTimer(c.retransmission);
        tm.cancelTimer(c.finalResponseTimer);
    }

    /** The hop-by-hop ACK to a negative INVITE reply (RFC 3261 17.1.1.3). */
    private void sendAck(ClientBranch b, SipMessage reply) {
        wire.send(b.to, HopByHop.ack(b, reply, tm.settings()));
    }

    long frTimer(ServerTransaction st) {
        return st.frTimeout > 0 ? st.frTimeout : tm.settings().frTimer();
    }

    long frInvTimer(ServerTransaction st) {
        return st.frInvTimeout > 0 ? st.frInvTimeout : tm.settings().frInvTimer();
    }
}
