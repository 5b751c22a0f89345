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
 * the tls ones). A Route left over becomes {@code $du}; none: the R-URI decides.
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
        int removed = 1;
        if ("on".equalsIgnoreCase(top.param("r2")) && routes.size() > 1) {
            try {
                SipUri second = routes.get(1).uri();
                if (core.isMyself(second.host(), second.port(), null)) {
                    removed = 2;
                    SendSocket out = listenerFor(core, second);
                    if (out != null) {
                        m.forcedSocket = out;
                    }
                }
            } catch (RuntimeException e) {
                // a second Route that does not parse stays for the next hop
            }
        }
        m.routesToRemove = removed;
        if (removed < routes.size()) {
            m.du = routes.get(removed).uriString();
        }
        // rr's callbacks (uac's restore of From/To) run when our Route has parameters, as loose.c's after_loose
        String params = io.sipway.proxy.module.siputils.SiputilsModule.paramsOf(routes.get(0).uriString());
        if (params != null && !params.isEmpty()) {
            core.looseRouted(m, params);
        }
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
