package io.sipway.tm;

import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.sip.Via;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import io.sipway.transport.SendStatus;
import io.sipway.transport.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kamailio's tm for a proxy: server transactions for requests handled statefully ({@link ServerState}),
 * one client transaction per branch ({@link ClientState}), retransmissions over UDP (T1 doubling up
 * to T2), final-response timers ({@code fr_timer}, {@code fr_inv_timer}) ending in a local 408,
 * best-reply selection, CANCEL through the INVITE transaction, hop-by-hop ACK of negative INVITE
 * replies, and absorption of retransmitted requests.
 *
 * <p>It is given what it depends on: a {@link Wire} every message leaves through, {@link Timers}
 * (and their clock), and the script's {@link Hooks}. State is guarded by each server transaction's
 * monitor; timer tasks take it when they run (see docs/ARCHITECTURE.md, "tm").
 */
public final class TransactionLayer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionLayer.class);

    /** What {@code t_check_trans()} found. */
    public enum Check { NOT_FOUND, RETRANSMISSION, ACK_ABSORBED, FOUND_FOR_CANCEL }

    /** Builds the request of one branch with the given Via value on top of the others. */
    @FunctionalInterface
    public interface BranchRequest {
        byte[] build(String via);
    }

    /** A branch to open: where it goes and how its request is written. */
    public record Target(Destination to, BranchRequest request) {
    }

    /**
     * The script's part in a transaction (failure_route, onreply_route), called on I/O or timer
     * threads with the transaction's monitor held. A route is the opaque handle the script stored
     * in {@link ServerTransaction#failureRoute} or {@link ServerTransaction#onReplyRoute}.
     */
    public interface Hooks {
        /**
         * The current leg ended with a negative best reply on a transaction armed with a failure
         * route: run it; true when it opened new branches (the reply is then not sent upstream).
         * {@link ServerTransaction#pickedTimedOut()} and {@link ServerTransaction#pickedReplied()}
         * tell how the failed branch ended.
         */
        default boolean onFailure(ServerTransaction st, Object route, int code) {
            return false;
        }

        /**
         * A reply of an armed transaction (onreply_route[NAME]): the reply to go on with (the same,
         * or as the route rewrote it, e.g. nathelper's Contact alias), or null to drop it.
         */
        default SipMessage onReply(ServerTransaction st, SipMessage reply, ReceiveInfo from) {
            return reply;
        }
    }

    /** Kamailio's max_inv_lifetime and max_noninv_lifetime: a transaction that never completes still goes. */
    static final long MAX_INVITE_LIFETIME_MS = 180_000;
    static final long MAX_NON_INVITE_LIFETIME_MS = 32_000;

    private final Wire wire;
    private final Timers timers;
    private volatile TmSettings settings;
    private final Hooks hooks;
    private final Map<String, ServerTransaction> servers = new ConcurrentHashMap<>();
    private final Map<String, ClientBranch> clients = new ConcurrentHashMap<>();
    private final AtomicLong branchCounter;
    private final TmStats stats = new TmStats();
    private volatile boolean closed;

    /**
     * @param wire     where every message leaves
     * @param timers   tm's timers and clock; closed with the layer
     * @param settings the module's parameters
     * @param hooks    the script's failure_route and onreply_route
     */
    public TransactionLayer(Wire wire, Timers timers, TmSettings settings, Hooks hooks) {
        this.wire = wire;
        this.timers = timers;
        this.settings = settings;
        this.hooks = hooks;
        this.branchCounter = new AtomicLong(timers.nanoTime() & 0xFFFFFFL);
    }

    /** The production layer: messages through the transport's Sender, timers on a {@link WheelTimers}. */
    public TransactionLayer(Transport transport, TmSettings settings, Hooks hooks) {
        this(Wire.of(transport), new WheelTimers(), settings, hooks);
    }

    public TmSettings settings() {
        return settings;
    }

    public void settings(TmSettings s) {
        this.settings = s;
    }

    /**
     * Kamailio's statistics by name (KAMAILIO.md 4.5), "tm:" or "tmx:" before it: tmx's
     * {@code UAS_transactions}, {@code UAC_transactions}, {@code 2xx_transactions}..{@code 6xx_transactions},
     * {@code inuse_transactions}, {@code active_transactions}, {@code rpl_received}, {@code rpl_absorbed},
     * {@code rpl_generated}, {@code rpl_relayed}, {@code rpl_sent}; the older tmx names
     * {@code received_replies}, {@code relayed_replies}, {@code local_replies}; and RPC tm.stats'
     * {@code current}, {@code waiting}, {@code total}, {@code total_local}, {@code created},
     * {@code freed}, {@code delayed_free}, {@code 2xx}..{@code 6xx}. 0 for a name it does not know.
     * Read by name, never called per message.
     */
    public long stat(String name) {
        return stats.stat(name);
    }

    /** Transactions in memory now (tm:inuse_transactions). */
    public int inUse() {
        return servers.size();
    }

    /** Transactions that have not sent a final reply yet (what a clean shutdown waits for). */
    public int pending() {
        int n = 0;
        for (ServerTransaction st : servers.values()) {
            synchronized (st) {
                if (st.stateHeld().beforeFinal()) {
                    n++;
                }
            }
        }
        return n;
    }

    // ---- matching ------------------------------------------------------------------------------

    /** The RFC 3261 17.2.3 key of a request; ACK and CANCEL name the INVITE's with {@code asMethod}. */
    static String key(SipMessage req, String asMethod) {
        Via v = req.topVia();
        String branch = v == null ? null : v.branch();
        if (branch != null && v.hasRfc3261Branch()) {
            return branch + "|" + v.host() + ":" + v.port() + "|" + asMethod;
        }
        // RFC 2543 peers: Call-ID, CSeq number, From tag and the top Via as written
        return req.callId() + "|" + req.cseq().number() + "|" + req.fromTag() + "|" + v + "|" + asMethod;
    }

    /**
     * {@code t_check_trans()}: resends the last reply to a retransmission (RFC 3261 17.2.1, 17.2.2)
     * and absorbs the ACK of a negative reply (17.2.1: Completed to Confirmed). An ACK to a 2xx is
     * not tm's (NOT_FOUND: the script forwards it end to end as a new request).
     */
    public Check check(SipMessage req, ReceiveInfo from) {
        String method = req.methodName();
        if (method.equals("ACK")) {
            ServerTransaction st = servers.get(key(req, "INVITE"));
            if (st == null) {
                return Check.NOT_FOUND;
            }
            synchronized (st) {
                if (st.lastCode >= 300) {
                    if (st.stateHeld() == ServerState.COMPLETED) {
                        st.go(ServerState.CONFIRMED);
                        cancelTimer(st.replyRetransmission);
                        putOnWait(st); // Timer I
                    }
                    return Check.ACK_ABSORBED; // a retransmitted ACK too
                }
            }
            return Check.NOT_FOUND; // an ACK to a 2xx is a new transaction
        }
        ServerTransaction st = servers.get(key(req, method));
        if (st != null) {
            resendLastReply(st);
            return Check.RETRANSMISSION;
        }
        if (method.equals("CANCEL") && servers.containsKey(key(req, "INVITE"))) {
            return Check.FOUND_FOR_CANCEL;
        }
        return Check.NOT_FOUND;
    }

    /** The INVITE transaction a CANCEL names, or null. */
    public ServerTransaction inviteFor(SipMessage cancel) {
        return servers.get(key(cancel, "INVITE"));
    }

    /** The transaction of this request, or null. */
    public ServerTransaction find(SipMessage req) {
        return servers.get(key(req, req.methodName()));
    }

    /**
     * {@code t_newtran()}: the transaction for {@code req}, created now (Proceeding for an INVITE,
     * Trying otherwise); null when it already existed (a retransmission: the last reply has been resent).
     */
    public ServerTransaction create(SipMessage req, ReceiveInfo from, Destination replyTo) {
        ServerTransaction st = new ServerTransaction(key(req, req.methodName()), req, from, replyTo);
        ServerTransaction old = servers.putIfAbsent(st.key, st);
        if (old != null) {
            resendLastReply(old);
            return null;
        }
        stats.created.increment();
        st.cleanup = new Timers.Task() {
            @Override
            public void run() {
                expire(st);
            }
        };
        synchronized (st) {
            // a transaction that never gets a final reply still ends (Kamailio's max_*_lifetime)
            schedule(st.cleanup, st.invite ? MAX_INVITE_LIFETIME_MS : MAX_NON_INVITE_LIFETIME_MS);
        }
        return st;
    }

    /** The cleanup timer: wt_timer after completion, or the maximum lifetime before it. */
    private void expire(ServerTransaction st) {
        synchronized (st) {
            if (st.stateHeld().beforeFinal()) {
                LOG.warn("transaction {} reached its maximum lifetime without a final reply", st.key);
            }
        }
        remove(st);
    }

    private void resendLastReply(ServerTransaction st) {
        byte[] reply;
        synchronized (st) {
            reply = st.lastReply;
        }
        if (reply != null) {
            wire.send(st.replyTo, reply);
        }
    }

    // ---- forwarding ----------------------------------------------------------------------------

    /**
     * {@code t_relay()}: sends {@code 100 Trying} for an INVITE (auto_inv_100), then opens one branch
     * per target. Returns how many branches were sent; 0 means none could be (the caller answers
     * 477 or the like at the end of the script).
     */
    public int relay(ServerTransaction st, List<Target> targets) {
        synchronized (st) {
            sendTrying(st);
            st.legStart = st.branches.size();
            int sent = 0;
            for (Target t : targets) {
                if (openBranch(st, t)) {
                    sent++;
                }
            }
            return sent;
        }
    }

    /**
     * t_relay's {@code 100 trying -- your call is important to us} for an INVITE that has no reply
     * yet (auto_inv_100), sent before its branches are built, as Kamailio's t_relay_to does.
     */
    public void sendTrying(ServerTransaction st) {
        synchronized (st) {
            if (st.invite && settings.autoInv100() && st.lastCode == 0) {
                reply(st, 100, "trying -- your call is important to us");
            }
        }
    }

    private String newBranchId() {
        return "z9hG4bK" + Long.toHexString(branchCounter.incrementAndGet()) + ".sw";
    }

    /** The Via a message to {@code d} carries: our socket as sent-by, and a branch. */
    String via(Destination d, String branch) {
        SendSocket s = wire.socketFor(d);
        Protocol p = d.protocol();
        String host;
        int port;
        if (s != null) {
            InetSocketAddress a = s.local();
            host = a.getAddress() instanceof java.net.Inet6Address ? "[" + a.getAddress().getHostAddress() + "]" : a.getAddress().getHostAddress();
            port = a.getPort();
        } else {
            host = "0.0.0.0";
            port = 5060;
        }
        return "SIP/2.0/" + p.text().toUpperCase() + " " + host + ":" + port + ";branch=" + branch;
    }

    private boolean openBranch(ServerTransaction st, Target t) {
        String branch = newBranchId();
        byte[] bytes = t.request().build(via(t.to(), branch));
        SipMessage sent;
        try {
            sent = SipParser.parse(bytes);
        } catch (RuntimeException e) {
            LOG.error("branch request for {} could not be read back: {}", t.to(), e.toString());
            return false;
        }
        ClientBranch b = new ClientBranch(st, branch, st.request.methodName(), t.to(), bytes, sent);
        // known before it leaves: a reply can come back on another event loop before send() returns
        // (it then waits for this transaction's monitor, held here)
        clients.put(b.key(), b);
        SendStatus status = wire.send(t.to(), bytes);
        if (status != SendStatus.SENT && status != SendStatus.CONNECTING) {
            clients.remove(b.key(), b);
            LOG.warn("branch to {} not sent: {}", t.to(), status);
            return false;
        }
        st.branches.add(b);
        startTimers(b, frTimer(st));
        return true;
    }

    /**
     * A branch's timers as its request leaves: retransmission over UDP only (RFC 3261 17.1.1.2,
     * 17.1.2.2: a reliable transport retransmits for us) from T1, and the final-response timer.
     */
    private void startTimers(ClientBranch b, long frMs) {
        if (b.to.protocol() == Protocol.UDP) {
            b.retransmitInterval = settings.t1();
            b.retransmission = new Timers.Task() {
                @Override
                public void run() {
                    onRetransmitTimer(b);
                }
            };
            schedule(b.retransmission, b.retransmitInterval);
        }
        b.finalResponseTimer = new Timers.Task() {
            @Override
            public void run() {
                onFinalResponseTimeout(b);
            }
        };
        startFinalResponseTimer(b, frMs);
    }

    private long frTimer(ServerTransaction st) {
        return st.frTimeout > 0 ? st.frTimeout : settings.frTimer();
    }

    private long frInvTimer(ServerTransaction st) {
        return st.frInvTimeout > 0 ? st.frInvTimeout : settings.frInvTimer();
    }

    /** (Re)starts a branch's final-response timer: {@code ms} from now. */
    private void startFinalResponseTimer(ClientBranch b, long ms) {
        b.finalResponseDeadline = timers.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        schedule(b.finalResponseTimer, ms);
    }

    /**
     * {@code t_set_fr(fr_inv_timeout, fr_timeout)} on an existing transaction (ms; 0 keeps the
     * current value): branches opened from now on use them, and the final-response timer of every
     * branch still waiting restarts from now with its new value, as Kamailio's change_fr does.
     */
    public void setFr(ServerTransaction st, long frInv, long fr) {
        synchronized (st) {
            if (frInv > 0) {
                st.frInvTimeout = frInv;
            }
            if (fr > 0) {
                st.frTimeout = fr;
            }
            restartFinalResponseTimers(st, frInv > 0, fr > 0);
        }
    }

    /** {@code t_reset_fr()}: back to the module's fr_inv_timer and fr_timer, running timers restarted with them. */
    public void resetFr(ServerTransaction st) {
        synchronized (st) {
            st.frInvTimeout = 0;
            st.frTimeout = 0;
            restartFinalResponseTimers(st, true, true);
        }
    }

    private void restartFinalResponseTimers(ServerTransaction st, boolean inv, boolean nonInv) {
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
        synchronized (b.server) {
            ClientState s = b.state();
            boolean retransmitting = s == ClientState.CALLING || s == ClientState.TRYING
                    || s == ClientState.PROCEEDING && !b.invite;
            if (!retransmitting || b.server.terminated()) {
                return;
            }
            wire.send(b.to, b.bytes);
            b.retransmitInterval = Math.min(b.retransmitInterval * 2, settings.t2());
            schedule(b.retransmission, b.retransmitInterval);
        }
    }

    /** An end-to-end ACK (to a 2xx) or other request forwarded without a transaction, with its own Via. */
    public boolean forwardStateless(Target t) {
        return forwardStateless(t, newBranchId());
    }

    /**
     * Sends a request on without a transaction, under our Via with the given branch (a stateless
     * proxy derives it from the request, so a retransmission leaves with the same one: RFC 3261 16.11).
     */
    public boolean forwardStateless(Target t, String branch) {
        byte[] bytes = t.request().build(via(t.to(), branch));
        SendStatus status = wire.send(t.to(), bytes);
        return status == SendStatus.SENT || status == SendStatus.CONNECTING;
    }

    /**
     * fr_timer (before a provisional) or fr_inv_timer (after one, on an INVITE) ran out: the branch
     * ends with a local 408 (Kamailio's fake reply; RFC 3261 Timers B, F and 16.7's Timer C), and
     * an INVITE branch that rang is canceled. tm's own CANCEL just stops retransmitting.
     */
    private void onFinalResponseTimeout(ClientBranch b) {
        ServerTransaction st = b.server;
        synchronized (st) {
            if (!b.state().beforeFinal() || st.terminated() || timers.nanoTime() < b.finalResponseDeadline) {
                return; // answered, freed, or restarted since this run was due
            }
            cancelTimer(b.retransmission);
            b.go(ClientState.TERMINATED);
            if (b.method.equals("CANCEL")) {
                return;
            }
            if (b.invite && b.provisional > 0 && !b.cancelSent) {
                sendCancel(b);
            }
            b.finalCode = 408;
            b.finalReply = null;
            b.timedOut = true;
            LOG.debug("branch {} timed out", b.branch);
            branchFinal(st, b);
        }
    }

    // ---- replies from downstream ---------------------------------------------------------------

    /**
     * A reply arrived: matched to its branch by the top Via branch and the CSeq method. Returns false
     * when it belongs to no branch (the core then forwards it statelessly by its Via).
     */
    public boolean onReply(SipMessage reply, ReceiveInfo from) {
        Via v = reply.topVia();
        if (v == null || v.branch() == null || reply.cseq() == null) {
            return false;
        }
        ClientBranch b = clients.get(v.branch() + "|" + reply.cseq().methodName());
        if (b == null) {
            return false;
        }
        stats.rplReceived.increment();
        ServerTransaction st = b.server;
        int code = reply.statusCode();
        synchronized (st) {
            if (st.terminated()) {
                return true;
            }
            if (b.method.equals("CANCEL")) {
                onCancelReply(b, code);
                return true;
            }
            if (st.onReplyRoute != null) {
                reply = hooks.onReply(st, reply, from);
                if (reply == null) {
                    return true;
                }
            }
            b.replied = true;
            if (code < 200) {
                onProvisional(st, b, reply, code);
                return true;
            }
            if (b.invite && code >= 300) {
                sendAck(b, reply); // hop by hop (17.1.1.3), also for a retransmitted final reply
            }
            if (!b.state().beforeFinal()) {
                if (code < 300 && b.invite) {
                    sendUpstream(st, withoutTopVia(reply), code); // RFC 6026: every 2xx goes up
                }
                return true;
            }
            b.finalCode = code;
            b.finalReply = withoutTopVia(reply);
            b.finalMessage = reply;
            b.go(code < 300 && b.invite ? ClientState.ACCEPTED : ClientState.COMPLETED);
            cancelTimer(b.retransmission);
            cancelTimer(b.finalResponseTimer);
            if (code < 300) {
                sendUpstream(st, b.finalReply, code);
                cancelOtherBranches(st, b);
                putOnWait(st);
                return true;
            }
            branchFinal(st, b);
            return true;
        }
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
            cancelTimer(b.retransmission);
            if (settings.restartFrOnEachReply() || last < code && (code >= 180 || last == 0)) {
                b.onFrInv = true;
                startFinalResponseTimer(b, frInvTimer(st));
            }
            if (b.cancelPending && !b.cancelSent) {
                sendCancel(b);
            }
        } else {
            b.retransmitInterval = settings.t2();
        }
        if (code > 100 && st.stateHeld().beforeFinal()) {
            sendUpstream(st, withoutTopVia(reply), code);
        }
    }

    /**
     * A branch ended negatively (or timed out). A 6xx cancels the other branches (RFC 3261 16.7
     * step 5, Kamailio's T_6xx) but, as in Kamailio, nothing goes up before every branch of the leg
     * has ended: then the best reply is picked, failure_route runs if armed, and the winner goes up.
     */
    private void branchFinal(ServerTransaction st, ClientBranch b) {
        if (!st.stateHeld().beforeFinal()) {
            return;
        }
        if (b.finalCode >= 600 && !st.sixx) {
            st.sixx = true;
            cancelOtherBranches(st, b);
        }
        if (!st.allFinal()) {
            return;
        }
        ClientBranch best = BestReply.pick(st, settings.fakedReplyPrio());
        if (best == null) {
            return;
        }
        st.sixx = false; // the failure route may fork again
        if (st.failureRoute != null) {
            Object armed = st.failureRoute;
            st.failureRoute = null; // a failure route runs once per arming
            int before = st.branches.size();
            boolean forked;
            st.picked = best;
            try {
                forked = hooks.onFailure(st, armed, best.finalCode) && st.branches.size() > before;
            } finally {
                st.picked = null;
            }
            if (forked || !st.stateHeld().beforeFinal()) {
                return; // a new leg runs, or the failure route replied itself
            }
            LOG.trace("failure route {} opened no branch", armed);
        }
        relayBest(st, best);
    }

    /**
     * The winner of a leg goes upstream as Kamailio's relay_reply sends it: a local 408 (487 when
     * canceled) for a branch that timed out; a 503 becomes {@code 500 Service Unavailable}
     * (remap_503_500, RFC 3261 16.7 step 6); a 401/407 when several branches challenged becomes a
     * local reply carrying every WWW-Authenticate and Proxy-Authenticate of them
     * (aggregate_challenges, RFC 3261 16.7 step 7); anything else is relayed as received.
     */
    private void relayBest(ServerTransaction st, ClientBranch best) {
        int code = best.finalCode;
        if (best.finalMessage == null) {
            if (st.canceled && st.invite) {
                reply(st, 487, "Request Terminated");
            } else {
                reply(st, 408, "Request Timeout");
            }
            return;
        }
        if (code == 503 && settings.remap503To500()) {
            localReply(st, 500, "Service Unavailable", null);
            return;
        }
        if ((code == 401 || code == 407) && settings.aggregateChallenges()) {
            String challenges = BestReply.challenges(st);
            if (challenges != null) {
                localReply(st, code, code == 401 ? "Unauthorized" : "Proxy Authentication Required", challenges);
                return;
            }
        }
        sendUpstream(st, best.finalReply, code);
        completed(st, code);
    }

    /** Kamailio's reply priority (see {@link BestReply#prio(int)}). */
    static int prio(int code) {
        return BestReply.prio(code);
    }

    static boolean better(int code, int than) {
        return BestReply.better(code, than);
    }

    private byte[] withoutTopVia(SipMessage reply) {
        io.sipway.sip.MessageEditor e = reply.edit();
        e.removeFirstValue(HeaderName.VIA);
        return e.toBytes();
    }

    // ---- replies upstream ----------------------------------------------------------------------

    /**
     * A reply leaves through the server transaction: a provisional keeps it in (or moves it to)
     * Proceeding, the first final one completes it (Accepted for a 2xx to an INVITE, RFC 6026).
     * The last reply is what a retransmitted request gets again.
     */
    private void sendUpstream(ServerTransaction st, byte[] reply, int code) {
        ServerState s = st.stateHeld();
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
    }

    /** {@code t_reply()} and tm's own replies (100, 408, 487, 477...). */
    public void reply(ServerTransaction st, int code, String reason) {
        localReply(st, code, reason, null);
    }

    /** A reply tm writes from the request, with {@code extra} header lines (or null). */
    private void localReply(ServerTransaction st, int code, String reason, String extra) {
        synchronized (st) {
            if (!st.stateHeld().beforeFinal() && code >= 200 || st.terminated()) {
                return; // a final reply was already sent
            }
            byte[] bytes = Replies.build(st.request, code, reason, st.toTag, settings.server(), extra);
            stats.rplGenerated.increment();
            sendUpstream(st, bytes, code);
            if (code >= 200) {
                completed(st, code);
                cancelOtherBranches(st, null);
            }
        }
    }

    /**
     * The transaction sent its final reply: a negative one to an INVITE waits for its ACK
     * (retransmitted over UDP meanwhile, Timer G), anything else waits wt_timer for retransmissions
     * of the request (Timers J and L).
     */
    private void completed(ServerTransaction st, int code) {
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
        schedule(st.cleanup, frTimer(st));
        if (st.from.protocol() != Protocol.UDP) {
            return;
        }
        st.replyInterval = settings.t1();
        if (st.replyRetransmission == null) {
            st.replyRetransmission = new Timers.Task() {
                @Override
                public void run() {
                    onReplyRetransmitTimer(st);
                }
            };
        }
        schedule(st.replyRetransmission, st.replyInterval);
    }

    private void onReplyRetransmitTimer(ServerTransaction st) {
        synchronized (st) {
            if (st.stateHeld() != ServerState.COMPLETED) {
                return; // ACKed (Confirmed) or freed
            }
            wire.send(st.replyTo, st.lastReply);
            st.replyInterval = Math.min(st.replyInterval * 2, settings.t2());
            schedule(st.replyRetransmission, st.replyInterval);
        }
    }

    // ---- CANCEL and ACK ------------------------------------------------------------------------

    /**
     * A CANCEL for {@code st} (t_relay on a CANCEL): 200 to the CANCEL, CANCEL on every branch that
     * has no final reply (once it has a provisional one); the INVITE then ends with 487.
     */
    public void cancel(ServerTransaction st, SipMessage cancel, Destination replyTo) {
        wire.send(replyTo, Replies.build(cancel, 200, "canceling", st.toTag, settings.server(), null));
        // Kamailio answers the CANCEL through a transaction of its own: counted as one, done at once
        stats.created.increment();
        stats.rplGenerated.increment();
        stats.rplSent.increment();
        stats.finalReply(200);
        stats.waiting.increment();
        stats.freed.increment();
        synchronized (st) {
            st.canceled = true;
            cancelOtherBranches(st, null);
        }
    }

    /**
     * Every INVITE branch still waiting, but {@code except}, is canceled: at once when it had a
     * provisional reply, else as soon as one comes (RFC 3261 9.1; Kamailio's cancel_b_method 1:
     * the INVITE goes on being retransmitted meanwhile).
     */
    private void cancelOtherBranches(ServerTransaction st, ClientBranch except) {
        for (ClientBranch b : st.branches) {
            if (b != except && b.invite && b.state().beforeFinal() && !b.cancelSent) {
                if (b.provisional > 0) {
                    sendCancel(b);
                } else {
                    b.cancelPending = true;
                }
            }
        }
    }

    /** tm's CANCEL of a branch: a non-INVITE client transaction of its own (same branch, method CANCEL). */
    private void sendCancel(ClientBranch b) {
        b.cancelSent = true;
        byte[] bytes = HopByHop.cancel(b);
        ClientBranch c = new ClientBranch(b.server, b.branch, "CANCEL", b.to, bytes, null);
        clients.put(c.key(), c);
        if (b.server.cancels == null) {
            b.server.cancels = new ArrayList<>(2);
        }
        b.server.cancels.add(c);
        wire.send(b.to, bytes);
        startTimers(c, frTimer(b.server));
    }

    /** A reply to a CANCEL of ours ends it there (it is not relayed); the INVITE's own reply (487) follows. */
    private void onCancelReply(ClientBranch c, int code) {
        if (!c.state().beforeFinal()) {
            return;
        }
        if (code < 200) {
            c.go(ClientState.PROCEEDING);
            c.retransmitInterval = settings.t2();
            return;
        }
        c.finalCode = code;
        c.go(ClientState.COMPLETED);
        cancelTimer(c.retransmission);
        cancelTimer(c.finalResponseTimer);
    }

    /** The hop-by-hop ACK to a negative INVITE reply (RFC 3261 17.1.1.3). */
    private void sendAck(ClientBranch b, SipMessage reply) {
        wire.send(b.to, HopByHop.ack(b, reply));
    }

    // ---- cleanup -------------------------------------------------------------------------------

    /** The transaction is complete: it lingers wt_timer for retransmissions, then goes. */
    private void putOnWait(ServerTransaction st) {
        if (!st.waited) {
            st.waited = true;
            stats.waiting.increment();
        }
        schedule(st.cleanup, settings.wtTimer());
    }

    /** Frees the transaction: it and its branches end (Terminated) and no longer match anything. */
    private void remove(ServerTransaction st) {
        synchronized (st) {
            if (st.terminated()) {
                return;
            }
            st.go(ServerState.TERMINATED);
            if (!st.waited) {
                st.waited = true;
                stats.waiting.increment();
            }
            stats.freed.increment();
            cancelTimer(st.replyRetransmission);
            cancelTimer(st.cleanup);
            for (ClientBranch b : st.branches) {
                terminate(b);
            }
            if (st.cancels != null) {
                for (ClientBranch c : st.cancels) {
                    terminate(c);
                }
            }
        }
        servers.remove(st.key, st);
    }

    private void terminate(ClientBranch b) {
        if (b.state() != ClientState.TERMINATED) {
            b.go(ClientState.TERMINATED);
        }
        cancelTimer(b.retransmission);
        cancelTimer(b.finalResponseTimer);
        clients.remove(b.key(), b);
    }

    /** Schedules a timer task (called with its transaction's monitor held); nothing once the layer is closed. */
    private void schedule(Timers.Task task, long delayMs) {
        if (!closed) {
            timers.schedule(task, Math.max(1, delayMs));
        }
    }

    private void cancelTimer(Timers.Task t) {
        if (t != null) {
            timers.cancel(t);
        }
    }

    /** Stops the timers; transactions in progress are dropped. */
    @Override
    public void close() {
        closed = true;
        timers.close();
        servers.clear();
        clients.clear();
    }

    /** Branches opened so far for the transaction (for the script: t_branch_*). */
    public List<Integer> branchCodes(ServerTransaction st) {
        synchronized (st) {
            List<Integer> codes = new ArrayList<>();
            for (ClientBranch b : st.branches) {
                codes.add(b.finalCode);
            }
            return codes;
        }
    }
}
