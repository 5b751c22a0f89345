package io.sipway.proxy.module.rr;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.Address;
import io.sipway.sip.SipUri;
import io.sipway.transport.Protocol;
import io.sipway.transport.SendSocket;
import java.util.List;
import java.util.Locale;

/**
 * rr's loose_route(): a top Route naming us is taken off; when it carries {@code r2=on} (a double
 * Record-Route) the next one, ours too, is taken off as well and names the socket the request
 * leaves from (its host, port and transport; {@code ws} is looked for among the tcp listeners, then
 * the tls ones). A Route left over becomes {@code $du}; none: the R-URI decides. With the outbound
 * module loaded, a flow token in our Route sends the request over its flow (2; a broken token -2).
 */
final class LooseRoute {
    private LooseRoute() {
    }

    static long run(Core core, MsgContext m) {
        List<Address> routes = m.msg.routes();
        if (routes.isEmpty()) {
            return -1;
        }
        SipUri top;
        try {
            top = routes.get(0).uri();
        } catch (RuntimeException e) {
            return -1;
        }
        if (!core.isMyself(top.host(), top.port(), null)) {
            m.du = routes.get(0).uriString(); // a preloaded route to someone else: send it there
            return 1;
        }
        int useOb = 0;
        if (core.hooks().outbound() != null) {
            useOb = outbound(core, m, top);
            if (useOb < 0) {
                return -2; // FLOW_TOKEN_BROKEN
            }
        }
        int removed = 1;
        if ("on".equalsIgnoreCase(top.param("r2")) && routes.size() > 1) {
            try {
                SipUri second = routes.get(1).uri();
                if (core.isMyself(second.host(), second.port(), null)) {
                    removed = 2;
                    SendSocket out = useOb == 1 ? null : listenerFor(core, second);
                    if (out != null) {
                        m.forcedSocket = out;
                    }
                }
            } catch (RuntimeException e) {
                // a second Route that does not parse stays for the next hop
            }
        }
        m.routesToRemove = removed;
        if (removed < routes.size() && useOb != 1) {
            m.du = routes.get(removed).uriString();
        }
        RrCallbacks.run(core, m, io.sipway.proxy.module.siputils.SiputilsModule.paramsOf(routes.get(0).uriString()));
        if (useOb == 1) {
            return 2;
        }
        // loose.c after_loose: our Route was the last one; a request without a To tag (a preloaded
        // route) is then not routed by the route set (-1, NOT_RR_DRIVEN), its Route removed all the same
        return removed >= routes.size() && (m.msg.toTag() == null || m.msg.toTag().isEmpty()) ? -1 : 1;
    }

    /**
     * loose.c process_outbound: our Route's user part as a flow token. A request that did not come
     * from the flow goes back over it: the socket it arrived on is forced and $du names the peer with
     * the flow's transport (a stream finds its connection by that address). 1 when so, 0 when the
     * Route carries no token or the request came on the flow itself, -1 for a broken token.
     */
    private static int outbound(Core core, MsgContext m, SipUri top) {
        io.sipway.proxy.core.Outbound.Flow f;
        try {
            f = core.hooks().outbound().decode(top.user());
        } catch (io.sipway.proxy.core.Outbound.BrokenToken e) {
            return -1;
        }
        if (f == null || f.remote().equals(m.from.source())) {
            return 0;
        }
        Protocol family = f.protocol() == Protocol.WS ? Protocol.TCP : f.protocol() == Protocol.WSS ? Protocol.TLS : f.protocol();
        SendSocket socket = null;
        for (SendSocket s : core.transport().sockets()) {
            if (s.protocol() == family && s.local().equals(f.local())) {
                socket = s;
                break;
            }
        }
        if (socket == null) {
            return -1; // "cannot find socket from flow-token"
        }
        m.forcedSocket = socket;
        java.net.InetAddress a = f.remote().getAddress();
        String host = a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        m.du = "sip:" + host + ":" + f.remote().getPort() + ";transport=" + f.protocol().text();
        return 1;
    }

    /** The listener a Route URI of ours names: its port and transport (ws: tcp listeners, then tls ones). */
    private static SendSocket listenerFor(Core core, SipUri u) {
        String t = u.transport() == null ? "udp" : u.transport().toLowerCase(Locale.ROOT);
        List<Protocol> kinds = switch (t) {
            case "ws" -> List.of(Protocol.TCP, Protocol.TLS);
            case "wss", "tls" -> List.of(Protocol.TLS);
            case "tcp" -> List.of(Protocol.TCP);
            default -> List.of(Protocol.UDP);
        };
        int port = u.port() > 0 ? u.port() : t.equals("tls") || t.equals("wss") ? 5061 : 5060;
        for (Protocol kind : kinds) {
            for (SendSocket s : core.transport().sockets()) {
                if (s.protocol() == kind && s.local().getPort() == port && core.isMyself(u.host(), port, null)) {
                    return s;
                }
            }
        }
        return null;
    }
}
