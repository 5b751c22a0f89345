package io.sipway.proxy.core;

import io.sipway.cfg.CompiledScript;
import io.sipway.sip.HeaderName;
import io.sipway.sip.MessageEditor;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipUri;
import io.sipway.sip.Via;
import io.sipway.tm.Replies;
import io.sipway.tm.ServerTransaction;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests the script sends on: stateless replies (sl), stateless forwarding (core forward()),
 * and tm's t_relay with its branch set, branch_route per branch and the 477/478/500 answered when
 * no branch could leave. (The transaction itself, its timers and replies are tm's.)
 */
final class Relay {
    private final Core core;

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
        byte[] bytes = Replies.build(ctx.msg, code, reason, null, core.server, extra);
        core.transport.sender().send(ctx.replyTo, bytes);
        ctx.replied = true;
        core.count("sl:" + code / 100 + "xx_replies");
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
     * core.transport (forward_udp/tcp/tls), null keeps the URI's (none: UDP). The branch of our Via is a
     * hash of the request's own top Via, so a retransmission is forwarded with the same branch.
     * Returns 1, or -478 when the destination does not NextHops.resolve, -477 when sending failed.
     */
    long forward(MsgContext ctx, String host, int port, Protocol proto) {
        SipMessage m = ctx.msg;
        String ruri = ctx.requestUri();
        Destination to;
        if (host != null) {
            Protocol p = proto != null ? proto : Protocol.UDP;
            InetSocketAddress a = NextHops.resolve(host, port > 0 ? port : p.isSecure() ? 5061 : 5060);
            to = a == null ? null : Destination.to(p, a);
            if (to != null && ctx.forcedSocket != null) {
                to = to.withForcedSocket(ctx.forcedSocket);
            }
        } else {
            to = core.hops.destinationFor(ctx, ctx.du != null ? ctx.du : ruri);
            if (to != null && proto != null && to.protocol() != proto) {
                to = Destination.to(proto, to.address());
                if (ctx.forcedSocket != null) {
                    to = to.withForcedSocket(ctx.forcedSocket);
                }
            }
        }
        if (to == null) {
            return -478;
        }
        Via top = m.topVia();
        String seed = (top.branch() != null ? top.branch() : m.callId() + m.cseq().number()) + top.host() + top.port()
                + (m.methodName().equals("CANCEL") || m.methodName().equals("ACK") ? "INVITE" : m.methodName());
        String branch = "z9hG4bKsw" + Integer.toHexString(seed.hashCode()) + Integer.toHexString(seed.length());
        boolean sent = core.tm.forwardStateless(new TransactionLayer.Target(to, core.branchRequests.branchRequest(ctx, ruri, to)), branch);
        if (!sent) {
            return -477;
        }
        core.fwdRequests.increment();
        return 1;
    }

    /**
     * The transaction of the request in {@code ctx}, created now if need be (t_newtran, t_reply,
     * t_relay), with what {@code t_set_fr} asked for before it existed; null for a retransmission
     * (the last reply has been resent).
     */
    ServerTransaction transaction(MsgContext ctx) {
        if (ctx.st == null) {
            ctx.st = core.tm.create(ctx.msg, ctx.from, ctx.replyTo);
            if (ctx.st != null && (ctx.frInvTimeout > 0 || ctx.frTimeout > 0)) {
                core.tm.setFr(ctx.st, ctx.frInvTimeout, ctx.frTimeout);
            }
        }
        return ctx.st;
    }

    /** t_relay(): the branches of the request in {@code ctx}, through its transaction. */
    long relay(MsgContext ctx) {
        SipMessage m = ctx.msg;
        String method = m.methodName();
        if (method.equals("CANCEL")) {
            ServerTransaction invite = core.tm.inviteFor(m);
            if (invite != null) {
                core.tm.cancel(invite, m, ctx.replyTo);
                return 1;
            }
        }
        String ruri = ctx.requestUri();
        if (method.equals("ACK") || method.equals("CANCEL")) {
            Destination main = core.hops.destinationFor(ctx, ctx.du != null ? ctx.du : ruri);
            if (main == null) {
                return -478;
            }
            core.fwdRequests.increment();
            return core.tm.forwardStateless(new TransactionLayer.Target(main, core.branchRequests.branchRequest(ctx, ruri, main))) ? 1 : -477;
        }
        if (ctx.st == null && transaction(ctx) == null) {
            return 1; // a retransmission: the last reply went again
        }
        ctx.st.failureRoute = ctx.failureRoute;
        ctx.st.onReplyRoute = ctx.onReplyRoute;
        if (ctx.st.scriptState == null) {
            ctx.st.scriptState = ctx; // failure_route starts from the request as request_route left it
        }
        core.tm.sendTrying(ctx.st); // before the branches are built: DNS or a branch_route may take a while
        // t_on_branch arms one t_relay: a failure_route that forks again arms it anew (Kamailio resets it)
        CompiledScript.Entry onBranch = ctx.branchRoute == null ? null : ctx.branchRoute.entry();
        ctx.branchRoute = null;
        List<TransactionLayer.Target> targets = new ArrayList<>();
        int dropped = addBranch(ctx, onBranch, ruri, ctx.du, targets);
        for (String[] b : ctx.branches) {
            dropped += addBranch(ctx, onBranch, b[0], b[1], targets);
        }
        ctx.branches.clear();
        if (targets.isEmpty()) {
            if (dropped > 0) {
                // every branch dropped in branch_route: Kamailio's E_CFG, answered 500 when the script ends
                ctx.delayedError = 500;
                ctx.delayedReason = "I'm terribly sorry, core.server error occurred (6/TM)";
                return -6;
            }
            ctx.delayedError = 478;
            ctx.delayedReason = "Unresolvable destination (478/SL)";
            return -478;
        }
        int sent = core.tm.relay(ctx.st, targets);
        if (sent == 0) {
            ctx.delayedError = 477;
            ctx.delayedReason = "Unfortunately error on sending to next hop occurred (477/TM)";
            return -477;
        }
        core.fwdRequests.increment();
        return 1;
    }

    /**
     * One branch of a t_relay to {@code uri} (next hop {@code du}, or the URI). With a branch_route
     * armed, it runs first on a copy of the request state made for this branch alone: its changes
     * to {@code $ru}, {@code $du}, {@code $fs} and headers stay with the branch, and {@code drop}
     * cancels it. Returns 1 when the branch was dropped, else 0 (an unresolvable one is skipped).
     */
    private int addBranch(MsgContext ctx, CompiledScript.Entry onBranch, String uri, String du,
                          List<TransactionLayer.Target> targets) {
        MsgContext b = ctx;
        if (onBranch != null) {
            b = new MsgContext(ctx.msg, ctx.from);
            b.inheritChanges(ctx);
            b.shareVarsWith(ctx);
            b.ruri = uri;
            b.du = du;
            b.st = ctx.st;
            b.replyTo = ctx.replyTo;
            b.failureRoute = ctx.failureRoute;
            b.onReplyRoute = ctx.onReplyRoute;
            b.branchIndex = core.tm.branchCodes(ctx.st).size() + targets.size();
            onBranch.run(b);
            if (b.dropped()) {
                return 1;
            }
            uri = b.requestUri();
            du = b.du;
        }
        Destination d = core.hops.destinationFor(b, du != null ? du : uri);
        if (d != null) {
            targets.add(new TransactionLayer.Target(d, core.branchRequests.branchRequest(b, uri, d)));
        }
        return 0;
    }
}
