package io.sipway.tm;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.sipway.sip.SipMessage;
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
 * <p>It is given what it depends on: a {@link Wire} every message leaves through, the event loops
 * transactions run on, {@link Timers} (and their clock), and the script's {@link Hooks}.
 *
 * <p>Threads: a transaction belongs to the event loop that created it ({@link ServerTransaction#loop()}).
 * Its timers fire there, replies read by another loop are handed over to it, and so are the CANCEL,
 * the ACK and any other call made for it elsewhere; a thread that is no event loop waits while its
 * call runs there. So a transaction's state has no lock, failure_route and onreply_route run on its
 * loop, and no send is made under a lock (see docs/ARCHITECTURE.md, "tm").
 */
public final class TransactionLayer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionLayer.class);
    /** Kamailio's err2reason_phrase for E_SEND, with tm's signature. */
    static final String SEND_FAILED_REASON = "Unfortunately error on sending to next hop occurred (477/TM)";

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
     * The script's part in a transaction (failure_route, onreply_route), called on the
     * transaction's event loop, no lock held; what it calls back into tm for the same transaction
     * runs at once, on that loop. A route is the opaque handle the script stored
     * in {@link ServerTransaction#failureRoute} or {@link ServerTransaction#onReplyRoute}.
     */
    public interface Hooks {
        /**
         * The current leg ended with a negative best reply on a transaction armed with a failure
         * route: run it; true when it opened new branches (the reply is then not sent upstream).
         * {@link ServerTransaction#pickedTimedOut()} and {@link ServerTransaction#pickedReplied()}
         * tell how the failed branch ended. A hook that runs the route on another thread says
         * {@link ServerTransaction#failureRouteElsewhere()} and calls {@link #failureRouteEnded} after it.
         */
        default boolean onFailure(ServerTransaction st, Object route, int code) {
            return false;
        }

        /**
         * A reply of an armed transaction (onreply_route[NAME]): the reply to go on with (the same,
         * or as the route rewrote it, e.g. nathelper's Contact alias), or null to drop it (or to hold
         * it while the route runs on another thread, which then goes on with {@link #onReplyRouted}).
         */
        default SipMessage onReply(ServerTransaction st, SipMessage reply, ReceiveInfo from) {
            return reply;
        }

        /**
         * A reply went upstream, a provisional or a final one, not a retransmission (Kamailio's
         * TMCB_RESPONSE_OUT, acc's trigger): {@code reply} as received, or null when tm wrote it;
         * {@code branchUri} the Request-URI of the branch it answers (for a local 408 or 487, the
         * branch that ended), null when it answers none (the script's t_reply).
         */
        default void onResponseOut(ServerTransaction st, int code, SipMessage reply, String branchUri) {
        }

        /**
         * The current leg ended with the negative best reply {@code code} (TMCB_ON_FAILURE): called
         * before {@link #onFailure}, whether a failure route is armed or not; {@code reply} is null
         * for a local one (timeout), {@code branchUri} the Request-URI of the branch that won.
         */
        default void onNegativeLeg(ServerTransaction st, int code, SipMessage reply, String branchUri) {
        }

        /**
         * A reply of a branch of a received request, after onreply_route (Kamailio's
         * TMCB_RESPONSE_IN, whose lumps are applied when the reply is relayed): the reply to go on
         * with, the same or rewritten (uac restores the From/To it replaced). The hop-by-hop ACK
         * of a negative reply is built from the reply as received.
         */
        default SipMessage onResponseIn(ServerTransaction st, SipMessage reply) {
            return reply;
        }
    }

    /** Kamailio's max_inv_lifetime and max_noninv_lifetime: a transaction that never completes still goes. */
    static final long MAX_INVITE_LIFETIME_MS = 180_000;
    static final long MAX_NON_INVITE_LIFETIME_MS = 32_000;

    private final Wire wire;
    private final Loops loops;
    private final Timers timers;
    private volatile TmSettings settings;
    private final Hooks hooks;
    private final Map<String, ServerTransaction> servers = new ConcurrentHashMap<>();
    /** What the held transactions are estimated to take, against {@link #limit(long)}'s budget. */
    private final java.util.concurrent.atomic.LongAdder heldBytes = new java.util.concurrent.atomic.LongAdder();
    private volatile long budget = Long.MAX_VALUE;
    private final Map<String, ClientBranch> clients = new ConcurrentHashMap<>();
    /** The transactions of requests tm originated ({@link #request}): held, but matched by no received request. */
    private final Map<String, ServerTransaction> locals = new ConcurrentHashMap<>();
    private final AtomicLong branchCounter;
    private final TmStats stats = new TmStats();
    private volatile boolean closed;
    private final Branches branches;
    private final Upstream upstream;
    private final LocalRequests local;

    /**
     * @param wire     where every message leaves
     * @param loops    the event loops transactions run on (the transport's)
     * @param timers   tm's timers and clock, running each task on its transaction's loop; closed with the layer
     * @param settings the module's parameters
     * @param hooks    the script's failure_route and onreply_route
     */
    public TransactionLayer(Wire wire, EventExecutorGroup loops, Timers timers, TmSettings settings, Hooks hooks) {
        this(wire, Loops.of(loops), timers, settings, hooks);
    }

    /**
     * A layer without event loops, for a caller that keeps to one thread (tm's tests on virtual
     * time): every transaction runs on the thread that calls, timers on the thread that lets them
     * fall due.
     */
    public TransactionLayer(Wire wire, Timers timers, TmSettings settings, Hooks hooks) {
        this(wire, Loops.none(), timers, settings, hooks);
        if (timers instanceof LoopTimers) {
            throw new IllegalArgumentException("LoopTimers run tasks on the transactions' event loops: give the loops");
        }
    }

    TransactionLayer(Wire wire, Loops loops, Timers timers, TmSettings settings, Hooks hooks) {
        this.wire = wire;
        this.loops = loops;
        this.timers = timers;
        this.settings = settings;
        this.hooks = hooks;
        this.branchCounter = new AtomicLong(timers.nanoTime() & 0xFFFFFFL);
        this.branches = new Branches(this, wire, timers, stats, clients, hooks);
        this.upstream = new Upstream(this, wire, stats, servers, clients, branches, hooks);
        branches.upstream(upstream);
        this.local = new LocalRequests(this, branches, upstream, stats, locals);
        branches.local(local);
    }

    /**
     * The production layer: messages through the transport's Sender, transactions on the
     * transport's event loops, timers on those loops ({@link LoopTimers}).
     */
    public TransactionLayer(Transport transport, TmSettings settings, Hooks hooks) {
        this(Wire.of(transport), transport.eventLoopGroup(), new LoopTimers(), settings, hooks);
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

    /** Transactions in memory now (tm:inuse_transactions), the ones tm originated included. */
    public int inUse() {
        return servers.size() + locals.size();
    }

    /**
     * Caps the memory the held transactions may take: memory, not the network, is what an overload
     * exhausts (Kamailio's is its shared memory, where a new transaction fails when none is left).
     * While the estimate is at the budget, {@link #full()} tells callers to refuse new requests;
     * the transactions already held go on to their end.
     */
    public void limit(long budgetBytes) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("a transaction memory budget must be positive: " + budgetBytes);
        }
        budget = budgetBytes;
    }

    /** Whether the held transactions take the budget {@link #limit(long)} set (a soft bound: loops race by a few). */
    public boolean full() {
        return heldBytes.sum() >= budget;
    }

    /**
     * What a transaction is estimated to hold: the request, its branch copies and the last reply,
     * each about the request's size with its parsed form, plus the fixed objects around them
     * (measured: ~5.7 KB for SIPp's 400-byte INVITE, jmap after 11,000 transactions).
     */
    static int estimatedBytes(SipMessage request) {
        return 4096 + 4 * request.length();
    }

    /** A freed transaction gives back its estimate. */
    void released(ServerTransaction st) {
        heldBytes.add(-st.estimatedBytes);
    }

    /** A transaction made now takes its estimate. */
    void held(ServerTransaction st) {
        heldBytes.add(st.estimatedBytes);
    }

    /** A transaction tm originated is freed: false when it was already. */
    boolean forgetLocal(ServerTransaction st) {
        return locals.remove(st.key, st);
    }

    /** Transactions that have not sent a final reply yet (what a clean shutdown waits for). */
    public int pending() {
        int n = 0;
        for (ServerTransaction st : servers.values()) {
            if (st.state().beforeFinal()) { // volatile: read from any thread
                n++;
            }
        }
        return n;
    }

    // ---- matching ------------------------------------------------------------------------------

    /** The key of a request's transaction ({@link TransactionKeys}); ACK and CANCEL name the INVITE's with {@code asMethod}. */
    static String key(SipMessage req, String asMethod) {
        return TransactionKeys.of(req, asMethod);
    }

    /**
     * {@code t_check_trans()}: resends the last reply to a retransmission (RFC 3261 17.2.1, 17.2.2)
     * and absorbs the ACK of a negative reply (17.2.1: Completed to Confirmed). An ACK to a 2xx is
     * not tm's (NOT_FOUND: the script forwards it end to end as a new request). Runs on any loop:
     * what it decides it reads from volatile fields; the ACK's state change goes to the
     * transaction's loop, a retransmission's reply leaves from here.
     */
    public Check check(SipMessage req, ReceiveInfo from) {
        String method = req.methodName();
        if (method.equals("ACK")) {
            ServerTransaction st = servers.get(key(req, "INVITE"));
            if (st == null || st.lastCode < 300) {
                return Check.NOT_FOUND; // an ACK to a 2xx is a new transaction
            }
            if (st.loop.inEventLoop()) {
                acked(st);
            } else {
                loops.run(st.loop, () -> acked(st));
            }
            return Check.ACK_ABSORBED; // a retransmitted ACK too
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

    /** 17.2.1: the ACK of the negative reply ends Completed (Confirmed, Timer I); a retransmitted ACK changes nothing. */
    private void acked(ServerTransaction st) {
        if (st.state() == ServerState.COMPLETED) {
            st.go(ServerState.CONFIRMED);
            cancelTimer(st.replyRetransmission);
            upstream.putOnWait(st); // Timer I
        }
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
     * Trying otherwise) on the caller's event loop; null when it already existed (a retransmission:
     * the last reply has been resent). A caller that is no event loop gets one chosen in turn, and
     * waits while the transaction is made there.
     */
    public ServerTransaction create(SipMessage req, ReceiveInfo from, Destination replyTo) {
        EventExecutor loop = loops.forNew();
        if (!loop.inEventLoop()) {
            return Loops.call(loop, () -> create(req, from, replyTo), null);
        }
        ServerTransaction st = new ServerTransaction(key(req, req.methodName()), loop, req, from, replyTo);
        ServerTransaction old = servers.putIfAbsent(st.key, st);
        if (old != null) {
            resendLastReply(old);
            return null;
        }
        st.estimatedBytes = estimatedBytes(req);
        heldBytes.add(st.estimatedBytes);
        st.cleanup = new Timers.Task(loop) {
            @Override
            protected void fire() {
                expire(st);
            }
        };
        // a transaction that never gets a final reply still ends (Kamailio's max_*_lifetime). Armed
        // after publishing: another loop that finds it now hands its work to this loop, where it
        // runs after this call, so nothing sees the transaction without its timer
        schedule(st.cleanup, st.invite ? MAX_INVITE_LIFETIME_MS : MAX_NON_INVITE_LIFETIME_MS);
        stats.created.increment();
        return st;
    }

    /** The cleanup timer: wt_timer after completion, or the maximum lifetime before it. */
    private void expire(ServerTransaction st) {
        if (closed) {
            return;
        }
        if (st.state().beforeFinal()) {
            LOG.warn("transaction {} reached its maximum lifetime without a final reply", st.key);
        }
        upstream.remove(st);
    }

    /** A retransmitted request gets the last reply again, from the loop that read it (lastReply is volatile). */
    private void resendLastReply(ServerTransaction st) {
        byte[] reply = st.lastReply;
        if (reply != null) {
            wire.send(st.replyTo, reply);
        }
    }

    // ---- forwarding ----------------------------------------------------------------------------

    /**
     * {@code t_relay()}: sends {@code 100 Trying} for an INVITE (auto_inv_100), then opens one branch
     * per target. Returns how many branches were sent; 0 means none could be (the caller answers
     * 477 or the like at the end of the script). Called from another event loop than the
     * transaction's (the script of another request), it is handed over and cannot wait for the
     * count: it answers {@code targets.size()}, and tm itself answers 477 should none leave.
     */
    public int relay(ServerTransaction st, List<Target> targets) {
        if (!st.loop.inEventLoop()) {
            if (loops.mayWait()) {
                return Loops.call(st.loop, () -> relay(st, targets), 0);
            }
            Loops.handOver(st.loop, () -> {
                if (relay(st, targets) == 0) {
                    reply(st, 477, SEND_FAILED_REASON);
                }
            });
            return targets.size();
        }
        sendTrying(st);
        st.legStart = st.branches.size();
        int sent = 0;
        for (Target t : targets) {
            if (branches.openBranch(st, t)) {
                sent++;
            }
        }
        return sent;
    }

    /**
     * {@code t_relay()} of one leg given as a {@link BranchSet}: when every next hop is known now,
     * the branches open at once and the outcome says whether any left (else the 500/478/477 tm owes,
     * which the caller answers when the script ends, as Kamailio's delayed reply); when DNS must
     * answer first, the outcome is pending and the branches open when it has, on the loop that
     * asked, tm answering itself if none can leave.
     */
    public BranchSet.Outcome relay(ServerTransaction st, BranchSet leg) {
        if (leg.known()) {
            return open(st, leg);
        }
        int[] left = {leg.branches().size()};
        for (BranchSet.Branch b : leg.branches()) {
            b.to().addListener(f -> {
                if (--left[0] == 0) { // the listeners run one at a time on the loop that asked
                    BranchSet.Outcome o = open(st, leg);
                    if (o.failed()) {
                        reply(st, o.code(), o.reason());
                    }
                }
            });
        }
        return BranchSet.Outcome.PENDING;
    }

    private BranchSet.Outcome open(ServerTransaction st, BranchSet leg) {
        List<Target> targets = leg.targets();
        if (targets.isEmpty()) {
            return leg.unsent();
        }
        return relay(st, targets) == 0 ? new BranchSet.Outcome(477, SEND_FAILED_REASON, false) : BranchSet.Outcome.SENT;
    }

    /**
     * t_relay's {@code 100 trying -- your call is important to us} for an INVITE that has no reply
     * yet (auto_inv_100), sent before its branches are built, as Kamailio's t_relay_to does.
     */
    public void sendTrying(ServerTransaction st) {
        if (!st.loop.inEventLoop()) {
            loops.run(st.loop, () -> sendTrying(st));
            return;
        }
        if (st.invite && settings.autoInv100() && st.lastCode == 0) {
            reply(st, 100, "trying -- your call is important to us");
        }
    }

    String newBranchId() {
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

    /**
     * {@code t_set_fr(fr_inv_timeout, fr_timeout)} on an existing transaction (ms; 0 keeps the
     * current value): branches opened from now on use them, and the final-response timer of every
     * branch still waiting restarts from now with its new value, as Kamailio's change_fr does.
     */
    public void setFr(ServerTransaction st, long frInv, long fr) {
        if (!st.loop.inEventLoop()) {
            loops.run(st.loop, () -> setFr(st, frInv, fr));
            return;
        }
        if (frInv > 0) {
            st.frInvTimeout = frInv;
        }
        if (fr > 0) {
            st.frTimeout = fr;
        }
        branches.restartFinalResponseTimers(st, frInv > 0, fr > 0);
    }

    /** {@code t_reset_fr()}: back to the module's fr_inv_timer and fr_timer, running timers restarted with them. */
    public void resetFr(ServerTransaction st) {
        if (!st.loop.inEventLoop()) {
            loops.run(st.loop, () -> resetFr(st));
            return;
        }
        st.frInvTimeout = 0;
        st.frTimeout = 0;
        branches.restartFinalResponseTimers(st, true, true);
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

    // ---- requests tm originates ----------------------------------------------------------------

    /**
     * Sends a request the proxy originates as a client transaction of its own (Kamailio's t_uac,
     * RFC 3261 17.1): over UDP it is retransmitted (Timer A for an INVITE until a provisional, Timer E
     * for anything else: T1 doubling to T2, at T2 after a provisional); without a final reply within
     * fr_timer (fr_inv_timer once an INVITE had a provisional) it ends with a local 408 (Timers B and
     * F; an INVITE that rang is canceled); a negative final reply to an INVITE is ACKed by the
     * transaction. Replies are matched by the branch of the Via tm puts on top, and given to
     * {@code replies} on the transaction's event loop (see {@link LocalReplies}).
     *
     * <p>{@code target.request()} is given our Via value ({@code SIP/2.0/<PROTO> <our socket for the
     * destination>;branch=z9hG4bK...}) and writes the whole request with it on top; it runs on the
     * calling thread. The transaction counts against the memory budget like a received one
     * ({@link #limit(long)}) and in {@link #inUse()}, tmx's {@code UAC_transactions} and tm.stats'
     * {@code total_local}; it is never matched by a received request.
     *
     * <p>Callable from any thread and never waits: on an event loop the transaction is that loop's
     * and the request leaves before this returns; elsewhere (a timer thread, a worker) it is handed
     * to a loop. Returns false when nothing was sent and {@code replies} will hear nothing: the
     * budget is full, the layer closed, or the request written does not read back as a request.
     * Once true, {@code replies} hears exactly one final reply (477 when the send fails).
     */
    public boolean request(Target target, LocalReplies replies) {
        return local.request(target, replies);
    }

    // ---- replies from downstream ---------------------------------------------------------------

    /**
     * A reply arrived: matched to its branch by the top Via branch and the CSeq method. Returns false
     * when it belongs to no branch (the core then forwards it statelessly by its Via). Handled on
     * its transaction's loop: read on another, it is handed over (true: it is tm's).
     */
    public boolean onReply(SipMessage reply, ReceiveInfo from) {
        return branches.onReply(reply, from);
    }

    /**
     * A reply whose onreply_route ran on another thread (a route that may wait: the hook answered
     * null, dropping it for now, and handed it to a worker) goes on as if the hook had returned
     * {@code reply}: matched to its branch again and handled on its transaction's loop.
     */
    public boolean onReplyRouted(SipMessage reply, ReceiveInfo from) {
        return branches.onReply(reply, from, false);
    }

    /**
     * The failure route that {@link ServerTransaction#failureRouteElsewhere()} sent to another
     * thread has ended: on the transaction's loop (the caller waits for it when it may), the leg's
     * best reply goes up unless the route opened a new leg or replied itself.
     */
    public void failureRouteEnded(ServerTransaction st) {
        if (!st.loop.inEventLoop()) {
            loops.run(st.loop, () -> failureRouteEnded(st));
            return;
        }
        branches.failureRouteEnded(st);
    }

    /** Kamailio's reply priority (see {@link BestReply#prio(int)}). */
    static int prio(int code) {
        return BestReply.prio(code);
    }

    static boolean better(int code, int than) {
        return BestReply.better(code, than);
    }

    // ---- replies upstream ----------------------------------------------------------------------

    /** {@code t_reply()} and tm's own replies (100, 408, 487, 477...). */
    public void reply(ServerTransaction st, int code, String reason) {
        reply(st, code, reason, null);
    }

    /** The same with header lines of its own ({@code "Name: value\r\n"} each; auth's challenge), or null. */
    public void reply(ServerTransaction st, int code, String reason, String headers) {
        if (!st.loop.inEventLoop()) {
            loops.run(st.loop, () -> reply(st, code, reason, headers));
            return;
        }
        upstream.localReply(st, code, reason, headers, null);
    }

    // ---- CANCEL and ACK ------------------------------------------------------------------------

    /**
     * A CANCEL for {@code st} (t_relay on a CANCEL): 200 to the CANCEL, CANCEL on every branch that
     * has no final reply (once it has a provisional one); the INVITE then ends with 487. The 200
     * leaves from the CANCEL's loop; the INVITE's part runs on the INVITE's.
     */
    public void cancel(ServerTransaction st, SipMessage cancel, Destination replyTo) {
        cancel(st, cancel, null, false, replyTo);
    }

    /**
     * The same for a CANCEL received from {@code from} ({@code forceRport}: the script called
     * {@code force_rport()} for it): the 200's top Via carries received and rport as Kamailio writes them.
     */
    public void cancel(ServerTransaction st, SipMessage cancel, ReceiveInfo from, boolean forceRport, Destination replyTo) {
        byte[] ok = Replies.build(cancel, from, forceRport, 200, "canceling", st.toTag, settings.server(), null);
        wire.send(replyTo, ok);
        Tap tap = st.tap;
        if (tap != null) {
            tap.cancelReceived(st, cancel, from, ok, replyTo);
        }
        // Kamailio answers the CANCEL through a transaction of its own: counted as one, done at once
        stats.created.increment();
        stats.rplGenerated.increment();
        stats.rplSent.increment();
        stats.finalReply(200);
        stats.waiting.increment();
        stats.freed.increment();
        String reason = CancelReasons.copiedFrom(cancel);
        if (st.loop.inEventLoop()) {
            canceled(st, reason);
        } else {
            loops.run(st.loop, () -> canceled(st, reason));
        }
    }

    /** The caller canceled: its CANCEL's Reason lines go on every CANCEL of the branches, now or when one rings. */
    private void canceled(ServerTransaction st, String reason) {
        st.cancelReason = reason;
        st.canceled = true;
        branches.cancelOtherBranches(st, null, reason);
    }

    // ---- cleanup -------------------------------------------------------------------------------

    /** Schedules a timer task (on its transaction's loop); nothing once the layer is closed. */
    void schedule(Timers.Task task, long delayMs) {
        if (!closed) {
            timers.schedule(task, Math.max(1, delayMs));
        }
    }

    void cancelTimer(Timers.Task t) {
        if (t != null) {
            timers.cancel(t);
        }
    }

    /** Whether {@link #close()} was called: a timer already on its way runs nothing. */
    boolean closed() {
        return closed;
    }

    Loops loops() {
        return loops;
    }

    /** Stops the timers; transactions in progress are dropped. */
    @Override
    public void close() {
        closed = true;
        timers.close();
        servers.clear();
        locals.clear();
        clients.clear();
    }

    /**
     * The final codes of the branches opened so far (for the script: t_branch_*; 0 while waiting).
     * Read on the transaction's loop; a thread that is no loop waits for it; another loop reads a
     * snapshot that may miss the latest changes.
     */
    public List<Integer> branchCodes(ServerTransaction st) {
        if (!st.loop.inEventLoop() && loops.mayWait()) {
            return Loops.call(st.loop, () -> branchCodes(st), List.of());
        }
        List<Integer> codes = new ArrayList<>();
        for (Object o : st.branches.toArray()) {
            if (o instanceof ClientBranch b) {
                codes.add(b.finalCode);
            }
        }
        return codes;
    }

    /** Runs {@code work} on the transaction's event loop: now when the caller is that loop, else handed over. */
    public void onLoop(ServerTransaction st, Runnable work) {
        if (st.loop.inEventLoop()) {
            work.run();
        } else {
            Loops.handOver(st.loop, work);
        }
    }

    /** The Request-URIs of the transaction's branches so far; on the transaction's loop ({@link #onLoop}). */
    public List<String> branchUris(ServerTransaction st) {
        List<String> uris = new ArrayList<>();
        for (ClientBranch b : st.branches) {
            uris.add(b.sent.requestUriString());
        }
        return uris;
    }

    /**
     * Kamailio's t_append_branches: new branches for a transaction still waiting for its final reply,
     * in its current leg, as if t_relay had opened them with the others (the tsilo module adds the
     * contacts that registered meanwhile). On the transaction's loop ({@link #onLoop}). Returns how
     * many left, -2 once the caller canceled, -3 once a final reply went upstream.
     */
    public int appendBranches(ServerTransaction st, List<Target> targets) {
        if (st.canceled) {
            return -2;
        }
        if (st.lastCode >= 200) {
            return -3;
        }
        int sent = 0;
        for (Target t : targets) {
            if (branches.openBranch(st, t)) {
                sent++;
            }
        }
        return sent;
    }
}
