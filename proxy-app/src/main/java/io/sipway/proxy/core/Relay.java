package io.sipway.proxy.core;

import io.netty.util.concurrent.Future;
import io.sipway.cfg.CompiledScript;
import io.sipway.sip.LocalReply;
import io.sipway.sip.SipMessage;
import io.sipway.sip.Via;
import io.sipway.tm.BranchSet;
import io.sipway.tm.ServerTransaction;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests the script sends on: stateless replies (sl), stateless forwarding (core forward()),
 * and tm's t_relay with its branch set, branch_route per branch and the 477/478/500 answered when
 * no branch could leave. (The transaction itself, its timers and replies are tm's.)
 */
final class Relay {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.sipway.tm");
    private static final long REFUSAL_LOG_INTERVAL_NS = 10_000_000_000L;
    private final Core core;
    private volatile long lastRefusalLog;

    Relay(Core core) {
        this.core = core;
    }

    /** A stateless reply (sl_send_reply) to the request of {@code ctx}. */
    void statelessReply(MsgContext ctx, int code, String reason) {
        statelessReply(ctx, code, reason, null);
    }

    /** The same with header lines of its own ({@code "Name: value\r\n"} each), e.g. the registrar's Contacts. */
    void statelessReply(MsgContext ctx, int code, String reason, String headers) {
        String extra = core.sipWarning ? warning(ctx) + (headers == null ? "" : headers) : headers;
        InetSocketAddress src = ctx.from.source();
        byte[] bytes = LocalReply.to(ctx.msg).receivedFrom(src.getAddress(), src.getPort(), ctx.forceRport)
                .server(core.server).headers(extra).build(code, reason);
        core.transport.sender().send(ctx.replyTo, bytes);
        ctx.replied = true;
        core.count("sl:" + code / 100 + "xx_replies");
        java.util.function.BiConsumer<MsgContext, byte[]> tap = core.hooks().statelessReplyTap();
        if (tap != null) {
            tap.accept(ctx, bytes);
        }
    }

    /**
     * Kamailio's sip_warning header: {@code 392 ip:port "Noisy feedback tells: ..."} with the
     * receiving socket, the request's source, its URIs and how many Vias it had.
     */
    private static String warning(MsgContext ctx) {
        InetSocketAddress local = ctx.from.localSocket().local();
        InetSocketAddress src = ctx.from.source();
        String in = ctx.msg.requestUriString();
        String out = ctx.requestUri();
        return "Warning: 392 " + local.getAddress().getHostAddress() + ":" + local.getPort()
                + " \"Noisy feedback tells: pid=" + ProcessHandle.current().pid()
                + " req_src_ip=" + src.getAddress().getHostAddress() + " req_src_port=" + src.getPort()
                + " in_uri=" + in + " out_uri=" + out + " via_cnt==" + ctx.msg.vias().size() + "\"\r\n";
    }

    /**
     * Core {@code forward()}: the request leaves statelessly, with the script's changes, to
     * {@code host:port} when given, else to {@code $du} or the Request-URI; {@code proto} forces the
     * transport (forward_udp/tcp/tls), null keeps the URI's (none: UDP). The branch of our Via is a
     * hash of the request's own top Via, so a retransmission is forwarded with the same branch.
     * Returns 1, or -478 when the destination does not resolve, -477 when sending failed; when DNS
     * has not answered yet, 1, and the request leaves (or is dropped, counted) when it does.
     */
    long forward(MsgContext ctx, String host, int port, Protocol proto) {
        String ruri = ctx.requestUri();
        Future<Destination> to = host != null ? core.hops.destination(ctx, host, port, proto != null ? proto : Protocol.UDP)
                : core.hops.destination(ctx, ctx.du != null ? ctx.du : ruri);
        String branch = statelessBranch(ctx.msg);
        if (to.isDone()) {
            return forwardTo(ctx, ruri, withProtocol(to.getNow(), proto, ctx), branch);
        }
        MsgContext frozen = frozen(ctx); // the script goes on; what leaves is the request as it is now
        to.addListener(f -> forwardTo(frozen, ruri, withProtocol(to.isSuccess() ? to.getNow() : null, proto, frozen), branch));
        return 1;
    }

    private long forwardTo(MsgContext ctx, String ruri, Destination to, String branch) {
        if (to == null) {
            core.count("core:drop_requests");
            return -478;
        }
        TransactionLayer.Target target = new TransactionLayer.Target(to, core.branchRequests.branchRequest(ctx, ruri, to));
        if (!(branch == null ? core.tm.forwardStateless(target) : core.tm.forwardStateless(target, branch))) {
            return -477;
        }
        core.fwdRequests.increment();
        return 1;
    }

    /** forward_udp/tcp/tls: the destination with the protocol they force. */
    private static Destination withProtocol(Destination d, Protocol proto, MsgContext ctx) {
        if (d == null || proto == null || d.protocol() == proto) {
            return d;
        }
        Destination forced = Destination.to(proto, d.address());
        return ctx.forcedSocket != null ? forced.withForcedSocket(ctx.forcedSocket) : forced;
    }

    /** A deterministic Via branch for a stateless forward: the same for a retransmission, an ACK or CANCEL its INVITE's. */
    private static String statelessBranch(SipMessage m) {
        Via top = m.topVia();
        String seed = (top.branch() != null ? top.branch() : m.callId() + m.cseq().number()) + top.host() + top.port()
                + (m.methodName().equals("CANCEL") || m.methodName().equals("ACK") ? "INVITE" : m.methodName());
        return "z9hG4bKsw" + Integer.toHexString(seed.hashCode()) + Integer.toHexString(seed.length());
    }

    /** A copy of the request state for a send that waits on DNS while the script goes on changing ctx. */
    private static MsgContext frozen(MsgContext ctx) {
        MsgContext f = new MsgContext(ctx.msg, ctx.from);
        f.inheritChanges(ctx);
        f.du = ctx.du;
        f.st = ctx.st;
        f.replyTo = ctx.replyTo;
        return f;
    }

    /**
     * The transaction of the request in {@code ctx}, created now if need be (t_newtran, t_reply,
     * t_relay), with what {@code t_set_fr} asked for before it existed; null for a retransmission
     * (the last reply has been resent).
     */
    ServerTransaction transaction(MsgContext ctx) {
        if (ctx.st == null) {
            if (core.tm.full() && core.tm.find(ctx.msg) == null) {
                refuseForMemory(ctx);
                return null;
            }
            ctx.st = core.tm.create(ctx.msg, ctx.from, ctx.replyTo);
            if (ctx.st == null) {
                return null;
            }
            ctx.st.forceRport(ctx.forceRport);
            if (ctx.frInvTimeout > 0 || ctx.frTimeout > 0) {
                core.tm.setFr(ctx.st, ctx.frInvTimeout, ctx.frTimeout);
            }
            // failure_route starts from the request as request_route left it; its flags are the transaction's (acc)
            ctx.st.scriptState = ctx;
            ctx.st.tap = ctx.tmTap;
            TransactionObserver o = core.hooks().transactionObserver();
            if (o != null) {
                o.created(ctx);
            }
        }
        return ctx.st;
    }

    /**
     * tm holds as much as its memory budget allows (an overload): the request gets no transaction,
     * the function fails with E_OUT_OF_MEM as Kamailio's does when shared memory is exhausted (the
     * script's sl_reply_error then answers 500), and the calls already held go on.
     */
    private void refuseForMemory(MsgContext ctx) {
        ctx.serError = Core.E_OUT_OF_MEM;
        core.transactionsRefused.increment();
        long now = System.nanoTime();
        long last = lastRefusalLog;
        if (last == 0 || now - last > REFUSAL_LOG_INTERVAL_NS) { // one line per interval, not one per request
            lastRefusalLog = now;
            LOG.warn("tm: the transactions' memory budget is reached: new requests are refused until some end "
                    + "({} so far, statistic core:transactions_refused)", core.transactionsRefused.sum());
        }
    }

    /** One branch as the script made it: the request state it leaves with, its URI and its next hop. */
    private record Pending(MsgContext state, String uri, String path, Future<Destination> to) {
    }

    /**
     * t_relay(): the branches of the request in {@code ctx}, through its transaction. The script's
     * part is here (the branch set: the R-URI's branch and append_branch ones, branch_route on a copy
     * of the request state per branch); tm sends them ({@link TransactionLayer#relay(ServerTransaction,
     * BranchSet)}): at once when every next hop is known, the failure then the script's (-478, -477,
     * answered when the script ends); else when DNS answers, t_relay returning 1 and tm answering
     * 478/477 itself if none can leave.
     */
    long relay(MsgContext ctx) {
        SipMessage m = ctx.msg;
        String method = m.methodName();
        if (method.equals("CANCEL")) {
            ServerTransaction invite = core.tm.inviteFor(m);
            if (invite != null) {
                core.tm.cancel(invite, m, ctx.from, ctx.forceRport, ctx.replyTo);
                return 1;
            }
        }
        String ruri = ctx.requestUri();
        if (method.equals("ACK") || method.equals("CANCEL")) {
            Future<Destination> main = core.hops.destination(ctx, ctx.du != null ? ctx.du : ruri);
            if (main.isDone()) {
                return forwardTo(ctx, ruri, main.getNow(), null);
            }
            MsgContext frozen = frozen(ctx);
            main.addListener(f -> forwardTo(frozen, ruri, main.isSuccess() ? main.getNow() : null, null));
            return 1;
        }
        if (!m.hasEndOfHeaders()) {
            // Kamailio's t_newtran cannot clone a message whose header block has no end: t_relay fails
            // (the default script's sl_reply_error() then answers 500 "... (1/SL)")
            LOG.error("t_newtran(): EoH not parsed ({} from {})", method, ctx.from.source());
            return -1;
        }
        if (ctx.st == null && transaction(ctx) == null) {
            // refused for memory (false: the script answers), else a retransmission: the last reply went again
            return ctx.serError == Core.E_OUT_OF_MEM ? Core.E_OUT_OF_MEM : 1;
        }
        ctx.st.failureRoute = ctx.failureRoute;
        ctx.st.onReplyRoute = ctx.onReplyRoute;
        core.tm.sendTrying(ctx.st); // before the branches are built: DNS or a branch_route may take a while
        // t_on_branch arms one t_relay: a failure_route that forks again arms it anew (Kamailio resets it)
        CompiledScript.Entry onBranch = ctx.branchRoute == null ? null : ctx.branchRoute.entry();
        ctx.branchRoute = null;
        List<Pending> pending = new ArrayList<>();
        int dropped = addBranch(ctx, onBranch, ruri, ctx.du, ctx.pathVector, pending);
        for (String[] b : ctx.branches) {
            dropped += addBranch(ctx, onBranch, b[0], b[1], b.length > 2 ? b[2] : null, pending);
        }
        ctx.branches.clear();
        boolean known = true;
        for (Pending b : pending) {
            known &= b.to().isDone();
        }
        List<BranchSet.Branch> leg = new ArrayList<>();
        for (Pending b : pending) {
            // a branch that waits for DNS leaves as the request is now: the script goes on changing ctx
            MsgContext state = known || b.state() != ctx ? b.state() : frozen(ctx);
            leg.add(new BranchSet.Branch(b.to(), d -> core.branchRequests.branchRequest(state, b.uri(), b.path(), d)));
        }
        BranchSet.Outcome outcome = core.tm.relay(ctx.st, new BranchSet(leg, dropped));
        if (outcome.failed()) {
            ctx.delayedError = outcome.code();
            ctx.delayedReason = outcome.reason();
        } else {
            core.fwdRequests.increment();
        }
        return outcome.scriptResult();
    }

    /**
     * One branch of a t_relay to {@code uri} (next hop {@code du}, or the URI). With a branch_route
     * armed, it runs first on a copy of the request state made for this branch alone: its changes
     * to {@code $ru}, {@code $du}, {@code $fs} and headers stay with the branch, and {@code drop}
     * cancels it. Returns 1 when the branch was dropped, else 0.
     */
    private int addBranch(MsgContext ctx, CompiledScript.Entry onBranch, String uri, String du, String path, List<Pending> branches) {
        MsgContext b = ctx;
        if (onBranch != null) {
            b = new MsgContext(ctx.msg, ctx.from);
            b.inheritChanges(ctx);
            b.shareVarsWith(ctx);
            b.ruri = uri;
            b.du = du;
            b.pathVector = path;
            b.st = ctx.st;
            b.replyTo = ctx.replyTo;
            b.failureRoute = ctx.failureRoute;
            b.onReplyRoute = ctx.onReplyRoute;
            b.branchIndex = core.tm.branchCodes(ctx.st).size() + branches.size();
            onBranch.run(b);
            if (b.dropped()) {
                return 1;
            }
            uri = b.requestUri();
            du = b.du;
            path = b.pathVector;
        }
        branches.add(new Pending(b, uri, path, core.hops.destination(b, du != null ? du : uri)));
        return 0;
    }
}
