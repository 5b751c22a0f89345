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
 * Where messages go next: a request's destination from {@code $du} or a URI, a reply's by the
 * top Via (RFC 3261 18.2.2, RFC 3581), a reply to no transaction forwarded by the next Via.
 */
final class NextHops {
    private final Core core;

    NextHops(Core core) {
        this.core = core;
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
        InetSocketAddress to = resolve(host, port);
        if (to == null) {
            core.count("core:drop_replies");
            return;
        }
        MessageEditor e = m.edit();
        e.removeFirstValue(HeaderName.VIA);
        core.transport.sender().send(Destination.to(p, to), e.toBytes());
        core.count("core:fwd_replies");
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

    static InetSocketAddress resolve(String host, int port) {
        InetAddress a = HostAddresses.resolve(host);
        return a == null ? null : new InetSocketAddress(a, port);
    }

    /**
     * The next hop of a request: {@code $du} when set, else the Request-URI; protocol from the URI's
     * core.transport parameter (sips: TLS), else UDP, as Kamailio does. Null when the host does not resolve.
     */
    Destination destinationFor(MsgContext ctx, String uriText) {
        SipUri uri;
        try {
            uri = SipUri.parse(uriText);
        } catch (RuntimeException e) {
            return null;
        }
        Protocol p;
        if (uri.transport() != null) {
            p = protocolOf(uri.transport());
        } else if (uri.scheme() == SipUri.Scheme.SIPS) {
            p = Protocol.TLS;
        } else {
            p = Protocol.UDP; // as Kamailio: no core.transport parameter means UDP, whatever the request came over
        }
        String host = uri.maddr() != null ? uri.maddr() : uri.host();
        int port = uri.port() > 0 ? uri.port() : p.isSecure() ? 5061 : 5060;
        InetSocketAddress a = resolve(host, port);
        if (a == null) {
            return null;
        }
        Destination d = Destination.to(p, a);
        if (ctx.forcedSocket != null) {
            d = d.withForcedSocket(ctx.forcedSocket);
        }
        return ctx.forwardNoConnect ? d.withNoConnect() : d;
    }

}
