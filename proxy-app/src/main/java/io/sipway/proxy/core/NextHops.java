package io.sipway.proxy.core;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.sipway.sip.HeaderName;
import io.sipway.sip.MessageEditor;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipUri;
import io.sipway.sip.Via;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SipResolver;
import io.sipway.transport.SipTarget;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where messages go next: a request's destination from {@code $du} or a URI (RFC 3263 through the
 * transport's {@link SipResolver}: literals and cached answers at once, names without waiting), a
 * reply's by the top Via (RFC 3261 18.2.2, RFC 3581), a reply to no transaction by the next Via.
 *
 * <p>Nothing here waits: a destination is a {@link Future}, done on return for an address literal
 * or a cached name (the common case, so the caller may go on at once), otherwise completed on the
 * event loop that asked ({@link #here()}) when DNS has answered.
 */
final class NextHops {
    private final Core core;

    NextHops(Core core) {
        this.core = core;
    }

    /** The event loop running now (the one that read the message), or the caller's thread outside one (tests). */
    static EventExecutor here() {
        EventExecutor e = ThreadExecutorMap.currentExecutor();
        return e != null ? e : ImmediateEventExecutor.INSTANCE;
    }

    /** A reply to no transaction of ours: remove our Via and send it to the next one (RFC 3261 18.2.2). */
    void forwardReplyStatelessly(SipMessage m) {
        List<Via> vias = m.vias();
        if (vias.size() < 2 || !core.isMyself(vias.get(0).host(), vias.get(0).port(), null)) {
            core.count("core:drop_replies");
            return;
        }
        Via next = vias.get(1);
        Protocol p = protocolOf(next.transport());
        String host = next.received() != null ? next.received() : next.host();
        int port = next.hasRport() && next.rport() > 0 ? next.rport() : next.port() > 0 ? next.port() : p.isSecure() ? 5061 : 5060;
        MessageEditor e = m.edit();
        e.removeFirstValue(HeaderName.VIA);
        byte[] bytes = e.toBytes();
        // RFC 3261 18.2.2: the Via's sent-by with its port is A/AAAA only (RFC 3263 section 5)
        whenDone(core.resolver().resolve(host, port, p, p.isSecure(), here()), targets -> {
            if (targets == null || targets.isEmpty()) {
                core.count("core:drop_replies");
                return;
            }
            core.transport.sender().send(Destination.to(p, targets.get(0).address()), bytes);
            core.count("core:fwd_replies");
        });
    }

    /** RFC 3261 18.2.2 with RFC 3581: streams by connection; UDP to the source IP and rport (or Via port). */
    Destination replyDestination(SipMessage m, ReceiveInfo from) {
        if (from.protocol().isStream()) {
            return Destination.to(from.protocol(), from.source()).withConnectionId(from.connectionId());
        }
        Via v = m.topVia();
        int port = v.hasRport() ? from.source().getPort() : v.port() > 0 ? v.port() : 5060;
        return Destination.to(Protocol.UDP, new InetSocketAddress(from.source().getAddress(), port))
                .withForcedSocket(from.localSocket());
    }

    static Protocol protocolOf(String transport) {
        if (transport == null) {
            return Protocol.UDP;
        }
        try {
            return Protocol.of(transport.toLowerCase());
        } catch (IllegalArgumentException e) {
            return Protocol.UDP;
        }
    }

    /**
     * The next hop of a request: {@code $du} when set, else the Request-URI, through RFC 3263
     * (without {@code dns_try_naptr}, as Kamailio: the URI's transport parameter, sips: TLS, else
     * UDP); with the script's forced socket and no-connect. Null in the future when the URI is no
     * SIP URI or does not resolve.
     */
    Future<Destination> destination(MsgContext ctx, String uriText) {
        SipUri uri;
        try {
            uri = SipUri.parse(uriText);
        } catch (RuntimeException e) {
            return here().newSucceededFuture(null);
        }
        return adapt(core.resolver().resolve(uri, here()), ctx, null);
    }

    /** A host[:port] given to forward(host, port) over {@code p}: A/AAAA when a port is given, else as a URI would. */
    Future<Destination> destination(MsgContext ctx, String host, int port, Protocol p) {
        return adapt(core.resolver().resolve(host, port, p, p.isSecure(), here()), ctx, p);
    }

    /**
     * The first target as a destination with what the script asked for (null when there is none):
     * at once, with no promise in between, when the answer is known (an address, a cached name).
     */
    private static Future<Destination> adapt(Future<List<SipTarget>> targets, MsgContext ctx, Protocol force) {
        if (targets.isDone()) {
            return here().newSucceededFuture(first(targets.isSuccess() ? targets.getNow() : null, ctx, force));
        }
        io.netty.util.concurrent.Promise<Destination> out = here().newPromise();
        targets.addListener(f -> out.trySuccess(first(targets.isSuccess() ? targets.getNow() : null, ctx, force)));
        return out;
    }

    private static Destination first(List<SipTarget> list, MsgContext ctx, Protocol force) {
        if (list == null || list.isEmpty()) {
            return null;
        }
        SipTarget t = list.get(0);
        Destination d = Destination.to(force != null ? force : t.protocol(), t.address());
        if (ctx.forcedSocket != null) {
            d = d.withForcedSocket(ctx.forcedSocket);
        }
        return ctx.forwardNoConnect ? d.withNoConnect() : d;
    }

    /**
     * Runs {@code then} with the future's value (null when it failed) now if it is done, else when
     * it completes (on the executor that made it: the loop that asked).
     */
    static <T> void whenDone(Future<T> f, Consumer<T> then) {
        if (f.isDone()) {
            then.accept(f.isSuccess() ? f.getNow() : null);
        } else {
            f.addListener(x -> then.accept(f.isSuccess() ? f.getNow() : null));
        }
    }
}
