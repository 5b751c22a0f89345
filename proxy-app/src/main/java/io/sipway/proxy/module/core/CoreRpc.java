package io.sipway.proxy.module.core;

import io.sipway.proxy.core.Core;
import io.sipway.transport.Connection;
import java.net.Inet6Address;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The core's RPC commands, with the result shapes Kamailio 5.6.3 gives: core.version, core.uptime, core.tcp_list. */
final class CoreRpc {
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT);

    private CoreRpc() {
    }

    /** {@code sipway <version> (java <version>/<os>)}, as Kamailio's "kamailio 5.6.3 (x86_64/linux) ". */
    static String version() {
        return "sipway " + io.sipway.proxy.core.Signature.version() + " (java " + System.getProperty("java.version") + "/"
                + System.getProperty("os.name").toLowerCase(Locale.ROOT) + ")";
    }

    static Map<String, Object> uptime(Core core) {
        java.time.Instant now = java.time.Instant.now();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("now", CTIME.format(now.atZone(ZoneId.systemDefault())));
        m.put("up_since", CTIME.format(core.startedAt().atZone(ZoneId.systemDefault())));
        m.put("uptime", java.time.Duration.between(core.startedAt(), now).toSeconds());
        return m;
    }

    /**
     * Kamailio's fields (id, type, state, timeout, lifetime, src = the peer, dst = our side) and two
     * of Sipway's: family (IPv4, IPv6) and idle (seconds since the last read or write).
     */
    static List<Object> tcpList(Core core) {
        int lifetime = core.transport().tcpSettings().connectionLifetime();
        List<Object> out = new ArrayList<>();
        for (Connection c : core.transport().connections().connections()) {
            long idle = c.idleMillis() / 1000;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("type", c.protocol().text().toUpperCase(Locale.ROOT));
            m.put("state", c.isOpen() ? "CONN_OK" : "CONN_EOF");
            m.put("timeout", lifetime < 0 ? -1 : Math.max(0, lifetime - idle));
            m.put("lifetime", lifetime);
            m.put("src_ip", c.remote().getAddress().getHostAddress());
            m.put("src_port", c.remote().getPort());
            m.put("dst_ip", c.local().getAddress().getHostAddress());
            m.put("dst_port", c.local().getPort());
            m.put("family", c.remote().getAddress() instanceof Inet6Address ? "IPv6" : "IPv4");
            m.put("idle", idle);
            out.add(m);
        }
        return out;
    }
}
