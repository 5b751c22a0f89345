package io.sipway.proxy.core;

import io.sipway.sip.SipUri;
import io.sipway.transport.Protocol;
import io.sipway.transport.SendSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Kamailio's {@code myself}: the names and addresses this proxy answers to ({@code alias=},
 * {@code auto_aliases}, the listeners), asked by loose_route, is_myself, {@code uri == myself}
 * and the stateless reply path.
 */
final class Myself {
    private final Core core;
    private final List<Core.Alias> aliases = new ArrayList<>();
    /** Modules' checks of a host (domain's register_myself): Kamailio's register_check_self_func. */
    private final List<java.util.function.Predicate<String>> checks = new java.util.concurrent.CopyOnWriteArrayList<>();

    Myself(Core core) {
        this.core = core;
    }

    /** {@code alias=} as Kamailio writes it: {@code [proto:]host[:port]}; the host is matched without case. */
    void addAlias(String spec) {
        String s = spec.trim();
        String proto = null;
        int colon = s.indexOf(':');
        if (colon > 0 && !s.startsWith("[")) {
            String first = s.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            if (first.matches("udp|tcp|tls|sctp|ws|wss|\\*")) {
                proto = first.equals("*") ? null : first;
                s = s.substring(colon + 1);
            }
        }
        String host = s;
        int port = 0;
        int portColon = s.startsWith("[") ? s.indexOf("]:") + 1 : s.lastIndexOf(':');
        if (portColon > 0 && (s.startsWith("[") || s.indexOf(':') == portColon)) {
            host = s.substring(0, portColon);
            String p = s.substring(portColon + 1);
            port = p.equals("*") ? 0 : Integer.parseInt(p);
        }
        aliases.add(new Core.Alias(proto, host.toLowerCase(java.util.Locale.ROOT), port));
    }

    /**
     * Kamailio's {@code auto_aliases}: the reverse-DNS name of each listener's address becomes an
     * alias for its protocol and port (127.0.0.1 gives {@code localhost}).
     */
    void addAutoAliases(List<SendSocket> sockets) {
        for (SendSocket s : sockets) {
            InetAddress a = s.local().getAddress();
            if (a.isAnyLocalAddress()) {
                continue;
            }
            String name = a.getCanonicalHostName();
            if (!name.equals(a.getHostAddress())) {
                Core.Alias alias = new Core.Alias(s.protocol().text(), name.toLowerCase(java.util.Locale.ROOT), s.local().getPort());
                if (!aliases.contains(alias)) {
                    aliases.add(alias);
                }
            }
        }
    }

    /** A module's check, asked when a host is none of ours (Kamailio's register_check_self_func). */
    void addCheck(java.util.function.Predicate<String> hostCheck) {
        checks.add(hostCheck);
    }

    /** The aliases, newest first as Kamailio's banner lists them. */
    List<Core.Alias> aliases() {
        List<Core.Alias> out = new ArrayList<>(aliases);
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * Kamailio's {@code myself} test of a text: a SIP URI (its transport, none = any; its port or the
     * scheme's default) or an address (any of our ports).
     */
    boolean isMyselfText(String s) {
        if (s == null) {
            return false;
        }
        if (s.startsWith("sip:") || s.startsWith("sips:")) {
            try {
                SipUri u = SipUri.parse(s);
                int port = u.port() > 0 ? u.port() : u.scheme() == SipUri.Scheme.SIPS ? 5061 : 5060;
                return isMyself(u.host(), port, u.transport() == null ? null : NextHops.protocolOf(u.transport()));
            } catch (RuntimeException e) {
                return false;
            }
        }
        return isMyself(s, -1, null);
    }

    /** Whether host:port names one of our core.listeners or an alias (port 0: the default port; -1: any port). */
    boolean isMyself(String host, int port, Protocol p) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        boolean anyPort = port < 0;
        int wanted = port > 0 ? port : (p != null && p.isSecure()) ? 5061 : 5060;
        for (Core.Alias alias : aliases) {
            if (alias.host().equalsIgnoreCase(h) && (alias.port() == 0 || anyPort || alias.port() == wanted)
                    && (alias.proto() == null || p == null || alias.proto().equals(p.text()))) {
                return true;
            }
        }
        boolean ipv4 = HostAddresses.isIpv4(h); // the common case, per in-dialog request: compared as text
        InetAddress addr = ipv4 ? null : HostAddresses.literal(h);
        for (SendSocket s : core.listeners) {
            if (!anyPort && s.local().getPort() != wanted) {
                continue;
            }
            InetAddress local = s.local().getAddress();
            if (ipv4) {
                if (local.isAnyLocalAddress() || (local instanceof java.net.Inet4Address && io.sipway.sip.Ipv4Text.same(h, local.getAddress()))) {
                    return true;
                }
                continue;
            }
            if (addr != null && (s.local().getAddress().equals(addr) || s.local().getAddress().isAnyLocalAddress())) {
                return true;
            }
            if (addr == null && s.local().getHostString().equalsIgnoreCase(h)) {
                return true;
            }
        }
        for (java.util.function.Predicate<String> c : checks) {
            if (c.test(h)) {
                return true;
            }
        }
        return false;
    }

}
