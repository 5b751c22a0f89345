package io.sipway.tm;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.sip.Via;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import io.sipway.transport.SendStatus;
import io.sipway.transport.TrafficStats;
import io.sipway.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kamailio's tm for a proxy: server transactions for requests handled statefully, one client
 * transaction per branch, retransmissions over UDP (T1 doubling up to T2), final-response timers
 * ({@code fr_timer}, {@code fr_inv_timer}) ending in a local 408, best-reply selection, CANCEL
 * through the INVITE transaction, hop-by-hop ACK of negative INVITE replies, and absorption of
 * retransmitted requests. Every message leaves through the transport's Sender.
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

    private final Transport transport;
    private volatile TmSettings settings;
    private final Hooks hooks;
    private final HashedWheelTimer timer = new HashedWheelTimer(r -> {
        Thread t = new Thread(r, "sipway-tm-timer");
        t.setDaemon(true);
        return t;
    }, 10, TimeUnit.MILLISECONDS);
    private final Map<String, ServerTransaction> servers = new ConcurrentHashMap<>();
    private final Map<String, ClientBranch> clients = new ConcurrentHashMap<>();
    private final AtomicLong branchCounter = new AtomicLong(System.nanoTime() & 0xFFFFFFL);
    private final Map<String, LongAdder> stats = new ConcurrentHashMap<>();
    // held counters: per-transaction events do not look their counter up by name (Kamailio's t_stats)
    /** Transactions created (tm.stats "total"/"created", tmx UAS_transactions). */
    private final LongAdder created = counter("tm:UAS_transactions");
    /** Transactions tm itself originated (tmx UAC_transactions, tm.stats "total_local"): Sipway has no t_uac, so none. */
    private final LongAdder local = counter("tm:UAC_transactions");
    private final LongAdder freed = counter("tm:freed");
    /** Transactions gone to the wait state (or ended without it): "waiting" and "active" derive from it. */
    private final LongAdder waiting = new LongAdder();
    private final LongAdder rplReceived = counter("tm:rpl_received");
    private final LongAdder rplSent = counter("tm:rpl_sent");
    private final LongAdder rplGenerated = counter("tm:rpl_generated");
    private final LongAdder[] byClass = {null, null, counter("tm:2xx_transactions"), counter("tm:3xx_transactions"),
            counter("tm:4xx_transactions"), counter("tm:5xx_transactions"), counter("tm:6xx_transactions")};
    private volatile boolean closed;

    public TransactionLayer(Transport transport, TmSettings settings, Hooks hooks) {
        this.transport = transport;
        this.settings = settings;
        this.hooks = hooks;
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
        String n = name.startsWith("tmx:") ? name.substring(4) : name.startsWith("tm:") ? name.substring(3) : name;
        long sent = rplSent.sum();
        long generated = rplGenerated.sum();
        return switch (n) {
            case "total", "created" -> created.sum();
            case "total_local" -> local.sum();
            case "inuse_transactions", "current" -> created.sum() - freed.sum();
            case "active_transactions" -> created.sum() - waiting.sum();
            case "waiting" -> waiting.sum() - freed.sum();
            case "delayed_free" -> 0;
            case "rpl_relayed", "relayed_replies" -> sent - generated;
            case "rpl_absorbed" -> rplReceived.sum() - (sent - generated);
            case "received_replies" -> rplReceived.sum();
            case "local_replies" -> generated;
            case "2xx", "3xx", "4xx", "5xx", "6xx" -> byClass[n.charAt(0) - '0'].sum();
            default -> {
                LongAdder a = stats.get("tm:" + n);
                yield a == null ? 0 : a.sum();
            }
        };
    }

    private LongAdder counter(String name) {
        return stats.computeIfAbsent(name, k -> new LongAdder());
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
                if (st.lastCode < 200 && !st.removed) {
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

    /** {@code t_check_trans()}: also resends the last reply to a retransmission and absorbs an ACK to a negative reply. */
    public Check check(SipMessage req, ReceiveInfo from) {
        String method = req.methodName();
        if (method.equals("ACK")) {
            ServerTransaction st = servers.get(key(req, "INVITE"));
            if (st == null) {
                return Check.NOT_FOUND;
            }
            synchronized (st) {
                if (st.lastCode >= 300) {
                    st.acked = true;
                    cancelTimer(st.replyRetransmission);
                    putOnWait(st);
                    return Check.ACK_ABSORBED;
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
     * {@code t_newtran()}: the transaction for {@code req}, created now; null when it already existed
     * (a retransmission: the last reply has been resent).
     */
    public ServerTransaction create(SipMessage req, ReceiveInfo from, Destination replyTo) {
        ServerTransaction st = new ServerTransaction(key(req, req.methodName()), req, from, replyTo);
        ServerTransaction old = servers.putIfAbsent(st.key, st);
        if (old != null) {
            resendLastReply(old);
            return null;
        }
        created.increment();
        // a transaction that never gets a final reply still ends (Kamailio's max_*_lifetime)
        st.cleanup = schedule(t -> expire(st), st.invite ? 180 : 32, TimeUnit.SECONDS);
        return st;
    }

    private void expire(ServerTransaction st) {
        synchronized (st) {
            if (st.lastCode < 200) {
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
            transport.sender().send(st.replyTo, reply);
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
        SendSocket s = transport.sendSocketFor(d);
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
        SendStatus status = transport.sender().send(t.to(), bytes, (d, reason) -> onLateSendFailure(b, reason));
        // sendFailed: the connect failed before send() returned (the listener ran on this thread)
        if (status != SendStatus.SENT && status != SendStatus.CONNECTING || b.sendFailed) {
            clients.remove(b.key(), b);
            LOG.warn("branch to {} not sent: {}", t.to(), b.sendFailed ? "connect failed" : status);
            return false;
        }
        st.branches.add(b);
        b.opened = true;
        if (t.to().protocol() == Protocol.UDP) {
            b.retransmitInterval = settings.t1();
            scheduleRetransmission(b);
        }
        startFinalResponseTimer(b, frTimer(st));
        return true;
    }

    private long frTimer(ServerTransaction st) {
        return st.frTimeout > 0 ? st.frTimeout : settings.frTimer();
    }

    private long frInvTimer(ServerTransaction st) {
        return st.frInvTimeout > 0 ? st.frInvTimeout : settings.frInvTimer();
    }

    private void startFinalResponseTimer(ClientBranch b, long ms) {
        cancelTimer(b.finalResponseTimer);
        b.finalResponseTimer = schedule(x -> onFinalResponseTimeout(b), ms, TimeUnit.MILLISECONDS);
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
        for (ClientBranch b : st.branches) {
            if (b.finalCode == 0 && !st.removed && (b.onFrInv ? inv : nonInv)) {
                startFinalResponseTimer(b, b.onFrInv ? frInvTimer(st) : frTimer(st));
            }
        }
    }

    private void scheduleRetransmission(ClientBranch b) {
        b.retransmission = schedule(t -> {
            synchronized (b.server) {
                boolean stop = b.finalCode >= 200 || (b.provisional > 0 && b.method.equals("INVITE"));
                if (stop || b.server.removed) {
                    return;
                }
                transport.sender().send(b.to, b.bytes);
                b.retransmitInterval = Math.min(b.retransmitInterval * 2, settings.t2());
                scheduleRetransmission(b);
            }
        }, b.retransmitInterval, TimeUnit.MILLISECONDS);
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
        SendStatus status = transport.sender().send(t.to(), bytes);
        return status == SendStatus.SENT || status == SendStatus.CONNECTING;
    }

    /**
     * The connection a branch's request waited for failed (refused, tcp_connect_timeout): the
     * request never left, so the branch ends now with a local 477, as if t_relay's send had failed
     * (Kamailio's blocking connect makes t_relay fail: "Unfortunately error on sending to next hop
     * occurred"), instead of waiting for fr_timer and answering 408.
     */
    private void onLateSendFailure(ClientBranch b, TrafficStats.SendFailure reason) {
        ServerTransaction st = b.server;
        synchronized (st) {
            b.sendFailed = true;
            if (!b.opened || b.finalCode >= 200 || st.removed) {
                return; // openBranch sees the flag itself, or the branch has ended already
            }
            clients.remove(b.key(), b);
            cancelTimer(b.retransmission);
            cancelTimer(b.finalResponseTimer);
            b.finalCode = 477;
            b.finalReply = null;
            LOG.warn("branch {} to {} failed: {}", b.branch, b.to, reason.label());
            branchFinal(st, b);
        }
    }

    private void onFinalResponseTimeout(ClientBranch b) {
        ServerTransaction st = b.server;
        synchronized (st) {
            if (b.finalCode >= 200 || st.removed) {
                return;
            }
            if (b.method.equals("INVITE") && b.provisional > 0 && !b.cancelSent) {
                sendCancel(b);
            }
            b.finalCode = 408;
            b.finalReply = null;
            b.timedOut = true;
            cancelTimer(b.retransmission);
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
        rplReceived.increment();
        ServerTransaction st = b.server;
        int code = reply.statusCode();
        synchronized (st) {
            if (st.removed) {
                return true;
            }
            if (b.method.equals("CANCEL")) {
                // the reply to a CANCEL of ours ends it here; the INVITE's own reply (487) follows
                if (code >= 200) {
                    b.finalCode = code;
                    cancelTimer(b.retransmission);
                }
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
                if (b.finalCode == 0) {
                    int last = b.provisional;
                    b.provisional = code;
                    if (b.method.equals("INVITE")) {
                        cancelTimer(b.retransmission);
                        // restart_fr_on_each_reply=1: every provisional restarts fr_inv_timer; 0: only the
                        // first one and a higher one from 180 up (Kamailio's reply_received)
                        if (settings.restartFrOnEachReply() || last < code && (code >= 180 || last == 0)) {
                            b.onFrInv = true;
                            startFinalResponseTimer(b, frInvTimer(st));
                        }
                        if (b.cancelPending && !b.cancelSent) {
                            sendCancel(b);
                        }
                    } else {
                        b.retransmitInterval = settings.t2(); // RFC 3261 17.1.2.2: non-INVITE goes on at T2
                    }
                    if (code > 100 && st.lastCode < 200) {
                        sendUpstream(st, withoutTopVia(reply), code);
                    }
                }
                return true;
            }
            if (b.method.equals("INVITE") && code >= 300) {
                sendAck(b, reply); // hop by hop, also for a retransmitted final reply
            }
            if (b.finalCode >= 200) {
                if (code < 300 && b.method.equals("INVITE")) {
                    sendUpstream(st, withoutTopVia(reply), code); // RFC 6026: every 2xx goes up
                }
                return true;
            }
            b.finalCode = code;
            b.finalReply = withoutTopVia(reply);
            b.finalMessage = reply;
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
     * A branch ended negatively (or timed out). A 6xx cancels the other branches (RFC 3261 16.7
     * step 5, Kamailio's T_6xx) but, as in Kamailio, nothing goes up before every branch of the leg
     * has ended: then the best reply is picked, failure_route runs if armed, and the winner goes up.
     */
    private void branchFinal(ServerTransaction st, ClientBranch b) {
        if (st.lastCode >= 200) {
            return;
        }
        if (b.finalCode >= 600 && !st.sixx) {
            st.sixx = true;
            cancelOtherBranches(st, b);
        }
        if (!st.allFinal()) {
            return;
        }
        ClientBranch best = null;
        for (int i = st.legStart; i < st.branches.size(); i++) {
            ClientBranch c = st.branches.get(i);
            if (c.finalCode >= 200 && (best == null || prio(c) < prio(best))) {
                best = c;
            }
        }
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
            if (forked || st.lastCode >= 200) {
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
            if (best.sendFailed && !(st.canceled && st.invite)) {
                reply(st, 477, SEND_FAILED_REASON);
            } else if (st.canceled && st.invite) {
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
            String challenges = challenges(st);
            if (challenges != null) {
                localReply(st, code, code == 401 ? "Unauthorized" : "Proxy Authentication Required", challenges);
                return;
            }
        }
        sendUpstream(st, best.finalReply, code);
        if (st.invite) {
            retransmitReplyUntilAcked(st);
        } else {
            putOnWait(st);
        }
    }

    /**
     * The WWW-Authenticate and Proxy-Authenticate header lines of every 401 and 407 received in the
     * current leg, in branch order, as received; null when fewer than two branches challenged (the
     * one challenge is then relayed as it came).
     */
    private static String challenges(ServerTransaction st) {
        int challenged = 0;
        StringBuilder lines = new StringBuilder();
        for (int i = st.legStart; i < st.branches.size(); i++) {
            ClientBranch c = st.branches.get(i);
            if (c.finalMessage == null || c.finalCode != 401 && c.finalCode != 407) {
                continue;
            }
            challenged++;
            SipMessage m = c.finalMessage;
            for (int h = 0; h < m.headerCount(); h++) {
                HeaderName type = m.headerType(h);
                if (type == HeaderName.WWW_AUTHENTICATE || type == HeaderName.PROXY_AUTHENTICATE) {
                    lines.append(m.headerName(h)).append(": ").append(m.headerValue(h)).append("\r\n");
                }
            }
        }
        return challenged > 1 ? lines.toString() : null;
    }

    /**
     * Kamailio's reply priority (t_reply.c get_prio); the lowest wins, the first branch on a tie:
     * 2xx {@code xx}, 6xx {@code 1000+xx}, 3xx {@code 3000+xx}, 4xx {@code 4000+k} where k is xx for
     * the replies a caller can act on (401, 407, 415, 420, 484) and 100+xx for the others, 5xx
     * {@code 5000+xx}, any other class {@code 10000+code}.
     */
    static int prio(int code) {
        int cls = code / 100;
        int xx = code % 100;
        return switch (cls) {
            case 2 -> xx;
            case 3 -> 3000 + xx;
            case 4 -> 4000 + (xx == 1 || xx == 7 || xx == 15 || xx == 20 || xx == 84 ? xx : 100 + xx);
            case 5 -> 5000 + xx;
            case 6 -> 1000 + xx;
            default -> 10000 + code;
        };
    }

    /** The priority of a branch's final reply; a local one (timeout) is penalised by faked_reply_prio. */
    private int prio(ClientBranch c) {
        return prio(c.finalCode) + (c.finalMessage == null ? settings.fakedReplyPrio() : 0);
    }

    static boolean better(int code, int than) {
        return prio(code) < prio(than);
    }

    private byte[] withoutTopVia(SipMessage reply) {
        io.sipway.sip.MessageEditor e = reply.edit();
        e.removeFirstValue(HeaderName.VIA);
        return e.toBytes();
    }

    private void sendUpstream(ServerTransaction st, byte[] reply, int code) {
        if (code >= 200 && st.lastCode < 200) {
            byClass[Math.min(6, code / 100)].increment(); // tmx 2xx_transactions..6xx_transactions
        }
        if (code >= 200 || st.lastCode < 200) {
            st.lastReply = reply;
            st.lastCode = Math.max(st.lastCode, code);
        }
        rplSent.increment();
        transport.sender().send(st.replyTo, reply);
    }

    /** {@code t_reply()} and tm's own replies (100, 408, 487, 477...). */
    public void reply(ServerTransaction st, int code, String reason) {
        localReply(st, code, reason, null);
    }

    /** A reply tm writes from the request, with {@code extra} header lines (or null). */
    private void localReply(ServerTransaction st, int code, String reason, String extra) {
        synchronized (st) {
            if (st.lastCode >= 200 && code >= 200) {
                return; // a final reply was already sent
            }
            byte[] bytes = Replies.build(st.request, code, reason, st.toTag, settings.server(), extra);
            rplGenerated.increment();
            sendUpstream(st, bytes, code);
            if (code >= 200) {
                if (code >= 300 && st.invite) {
                    retransmitReplyUntilAcked(st);
                } else {
                    putOnWait(st);
                }
                cancelOtherBranches(st, null);
            }
        }
    }

    private void retransmitReplyUntilAcked(ServerTransaction st) {
        if (st.from.protocol() != Protocol.UDP) {
            scheduleCleanup(st, frTimer(st));
            return;
        }
        long[] interval = {settings.t1()};
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(frTimer(st));
        Runnable[] again = new Runnable[1];
        again[0] = () -> st.replyRetransmission = schedule(t -> {
            synchronized (st) {
                if (st.acked || st.removed) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    scheduleCleanup(st, 0);
                    return;
                }
                transport.sender().send(st.replyTo, st.lastReply);
                interval[0] = Math.min(interval[0] * 2, settings.t2());
                again[0].run();
            }
        }, interval[0], TimeUnit.MILLISECONDS);
        again[0].run();
    }

    // ---- CANCEL and ACK ------------------------------------------------------------------------

    /**
     * A CANCEL for {@code st} (t_relay on a CANCEL): 200 to the CANCEL, CANCEL on every branch that
     * has no final reply (once it has a provisional one); the INVITE then ends with 487.
     */
    public void cancel(ServerTransaction st, SipMessage cancel, Destination replyTo) {
        transport.sender().send(replyTo, Replies.build(cancel, 200, "canceling", st.toTag, settings.server(), null));
        // Kamailio answers the CANCEL through a transaction of its own: counted as one, done at once
        created.increment();
        rplGenerated.increment();
        rplSent.increment();
        byClass[2].increment();
        waiting.increment();
        freed.increment();
        synchronized (st) {
            st.canceled = true;
            for (ClientBranch b : st.branches) {
                if (b.finalCode < 200 && !b.cancelSent) {
                    if (b.provisional > 0) {
                        sendCancel(b);
                    } else {
                        b.cancelPending = true;
                    }
                }
            }
        }
    }

    private void cancelOtherBranches(ServerTransaction st, ClientBranch except) {
        for (ClientBranch b : st.branches) {
            if (b != except && b.finalCode < 200 && b.method.equals("INVITE") && !b.cancelSent) {
                if (b.provisional > 0) {
                    sendCancel(b);
                } else {
                    b.cancelPending = true;
                }
            }
        }
    }

    private void sendCancel(ClientBranch b) {
        b.cancelSent = true;
        byte[] bytes = hopByHop(b, "CANCEL", b.sent);
        ClientBranch c = new ClientBranch(b.server, b.branch, "CANCEL", b.to, bytes, null);
        c.provisional = 1; // nothing of ours waits on a CANCEL's provisional
        clients.put(c.key(), c);
        transport.sender().send(b.to, bytes);
        if (b.to.protocol() == Protocol.UDP) {
            c.retransmitInterval = settings.t1();
            scheduleCancelRetransmission(c);
        }
    }

    private void scheduleCancelRetransmission(ClientBranch c) {
        c.retransmission = schedule(t -> {
            synchronized (c.server) {
                if (c.finalCode >= 200 || c.server.removed || clients.get(c.key()) != c) {
                    return;
                }
                transport.sender().send(c.to, c.bytes);
                c.retransmitInterval = Math.min(c.retransmitInterval * 2, settings.t2());
                scheduleCancelRetransmission(c);
            }
        }, c.retransmitInterval, TimeUnit.MILLISECONDS);
    }

    /** The hop-by-hop ACK to a negative INVITE reply (RFC 3261 17.1.1.3). */
    private void sendAck(ClientBranch b, SipMessage reply) {
        transport.sender().send(b.to, hopByHop(b, "ACK", reply));
    }

    /**
     * A CANCEL or ACK for a branch (RFC 3261 9.1, 17.1.1.3): the branch's Request-URI, top Via,
     * From, Call-ID, CSeq number and Route set; To from {@code toSource} (the reply, for an ACK).
     */
    private static byte[] hopByHop(ClientBranch b, String method, SipMessage toSource) {
        SipMessage r = b.sent;
        StringBuilder m = new StringBuilder(256);
        m.append(method).append(' ').append(r.requestUriString()).append(" SIP/2.0\r\n");
        m.append("Via: ").append(r.topVia()).append("\r\n");
        appendHeader(m, r, HeaderName.FROM);
        appendHeader(m, toSource, HeaderName.TO);
        appendHeader(m, r, HeaderName.CALL_ID);
        m.append("CSeq: ").append(r.cseq().number()).append(' ').append(method).append("\r\n");
        for (String route : r.headers("Route")) {
            m.append("Route: ").append(route).append("\r\n");
        }
        // Max-Forwards as the request carried it (Kamailio's reparsed CANCEL copies the INVITE's)
        String maxForwards = r.header(HeaderName.MAX_FORWARDS);
        m.append("Max-Forwards: ").append(maxForwards != null ? maxForwards.trim() : "70").append("\r\nContent-Length: 0\r\n\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendHeader(StringBuilder m, SipMessage r, HeaderName h) {
        m.append(h.canonicalName()).append(": ").append(r.header(h)).append("\r\n");
    }

    // ---- cleanup -------------------------------------------------------------------------------

    /** The transaction is complete: it lingers wt_timer for retransmissions, then goes. */
    private void putOnWait(ServerTransaction st) {
        if (!st.waited) {
            st.waited = true;
            waiting.increment();
        }
        scheduleCleanup(st, settings.wtTimer());
    }

    private void scheduleCleanup(ServerTransaction st, long afterMs) {
        cancelTimer(st.cleanup);
        st.cleanup = schedule(t -> remove(st), Math.max(1, afterMs), TimeUnit.MILLISECONDS);
    }

    private void remove(ServerTransaction st) {
        synchronized (st) {
            if (st.removed) {
                return;
            }
            st.removed = true;
            if (!st.waited) {
                st.waited = true;
                waiting.increment();
            }
            freed.increment();
            cancelTimer(st.replyRetransmission);
            for (ClientBranch b : st.branches) {
                cancelTimer(b.retransmission);
                cancelTimer(b.finalResponseTimer);
                clients.remove(b.key(), b);
                clients.remove(b.branch + "|CANCEL");
            }
        }
        servers.remove(st.key, st);
    }

    /** A timer task; null once the layer is closed (a message still in flight then just ends). */
    private Timeout schedule(io.netty.util.TimerTask task, long delay, TimeUnit unit) {
        if (closed) {
            return null;
        }
        try {
            return timer.newTimeout(task, delay, unit);
        } catch (IllegalStateException stopped) {
            return null;
        }
    }

    private static void cancelTimer(Timeout t) {
        if (t != null) {
            t.cancel();
        }
    }

    /** Stops the timers; transactions in progress are dropped. */
    @Override
    public void close() {
        closed = true;
        timer.stop();
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
