package io.sipway.proxy.module.kex;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.location.LocationStore;
import io.sipway.proxy.module.RpcExport;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.Connection;
import io.sipway.transport.ConnectionStats;
import io.sipway.transport.TrafficStats;
import io.sipway.transport.Transport;
import io.sipway.transport.WebSocketCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** kex's stats.get_statistics: every counter as Kamailio names it, "group:name = value". */
public final class StatsRpc {
    private static final String[] TMX_STATS = {"2xx_transactions", "3xx_transactions", "4xx_transactions", "5xx_transactions",
        "6xx_transactions", "UAC_transactions", "UAS_transactions", "active_transactions", "inuse_transactions",
        "rpl_absorbed", "rpl_generated", "rpl_received", "rpl_relayed", "rpl_sent"};

    private StatsRpc() {
    }

    /** Every statistic as Kamailio names it, "group:name" to its value, sorted by group then name. */
    public static Map<String, Long> allStatistics(Core core) {
        Map<String, Long> all = new java.util.TreeMap<>(core.stats());
        TransactionLayer tm = core.tm();
        for (String name : TMX_STATS) {
            all.put("tmx:" + name, tm.stat(name));
        }
        all.keySet().removeIf(k -> k.startsWith("tm:"));
        int connections = core.transport().connections().size();
        int webSockets = 0;
        for (Connection c : core.transport().connections().connections()) {
            webSockets += c.protocol().isWebSocket() ? 1 : 0;
        }
        all.put("tcp:current_opened_connections", (long) connections);
        all.put("websocket:ws_current_connections", (long) webSockets);
        connectionCounters(core.transport(), all);
        long users = 0;
        long now = System.currentTimeMillis();
        for (Map.Entry<String, LocationStore> t : core.locationTables().entrySet()) {
            long u = 0;
            long n = 0;
            for (String aor : t.getValue().aors()) {
                int k = t.getValue().bindings(aor, now).size();
                u += k > 0 ? 1 : 0;
                n += k;
            }
            all.put("usrloc:" + t.getKey() + "_users", u);
            all.put("usrloc:" + t.getKey() + "_contacts", n);
            users += u;
        }
        all.put("usrloc:registered_users", users);
        return all;
    }

    /**
     * What bounded the connections, as Kamailio's tcp group names it where it has the counter
     * (con_reset, send_timeout, sendq_full, local_reject, connect_failed), else in sipway's group.
     */
    private static void connectionCounters(Transport transport, Map<String, Long> all) {
        ConnectionStats ended = transport.connectionStats();
        TrafficStats traffic = transport.traffic();
        all.put("tcp:con_reset", ended.count(ConnectionStats.Event.PEER_RESET));
        all.put("tcp:send_timeout", traffic.failures(TrafficStats.SendFailure.SEND_TIMEOUT));
        all.put("tcp:sendq_full", traffic.failures(TrafficStats.SendFailure.WRITE_QUEUE_FULL));
        all.put("tcp:connect_failed", traffic.failures(TrafficStats.SendFailure.CONNECT_FAILED));
        all.put("tcp:local_reject", transport.refusedConnections());
        all.put("sipway:tcp_msg_read_timeout", ended.count(ConnectionStats.Event.READ_TIMEOUT));
        all.put("sipway:tcp_evicted", ended.count(ConnectionStats.Event.EVICTED));
        all.put("sipway:tls_handshake_failed", ended.count(ConnectionStats.Event.TLS_HANDSHAKE_FAILED));
        all.put("sipway:tls_handshake_timeout", ended.count(ConnectionStats.Event.TLS_HANDSHAKE_TIMEOUT));
        all.put("sipway:ws_connection_not_found", traffic.failures(TrafficStats.SendFailure.CONNECTION_NOT_FOUND));
        WebSocketCounters ws = transport.webSocketCounters();
        all.put("websocket:ws_successful_handshakes", ws.successfulHandshakes());
        all.put("websocket:ws_failed_handshakes", ws.failedHandshakes());
        all.put("sipway:http_request_timeouts", ws.httpRequestTimeouts());
        all.put("sipway:http_requests_refused", ws.httpRequestsRefused());
        all.put("sipway:ws_message_timeouts", ws.messageTimeouts());
        all.put("sipway:ws_frame_errors", ws.frameErrors());
        all.put("sipway:ws_pongs_skipped", ws.pongsSkipped());
    }

    /** {@code all}, a group ({@code tmx:}), or a statistic's name: "group:name = value" lines. */
    static List<Object> statistics(Core core, List<Object> params) throws RpcExport.RpcException {
        if (params.isEmpty()) {
            throw new RpcExport.RpcException(400, "Invalid Parameters: all, a group (tmx:) or a statistic's name");
        }
        Map<String, Long> all = allStatistics(core);
        List<Object> out = new ArrayList<>();
        for (Object p : params) {
            String want = String.valueOf(p);
            for (Map.Entry<String, Long> e : all.entrySet()) {
                String k = e.getKey();
                boolean match = want.equals("all") || (want.endsWith(":") && k.startsWith(want))
                        || (!want.contains(":") && k.substring(k.indexOf(':') + 1).equals(want));
                if (match) {
                    out.add(k + " = " + e.getValue());
                }
            }
        }
        return out;
    }
}
