package io.sipway.proxy.ops;

import io.sipway.proxy.Proxy;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.Connection;
import io.sipway.transport.ConnectionStats;
import io.sipway.transport.Protocol;
import io.sipway.transport.TrafficStats;
import java.net.Inet6Address;
import java.util.Map;
import java.util.TreeMap;

/**
 * The proxy's counters in Prometheus' text exposition format (version 0.0.4), read when scraped:
 * messages received and sent by method or reply class and protocol, transactions, connections by
 * family and protocol (ws and wss are the WebSocket ones), connections ended or refused to protect the
 * proxy, failed sends by reason, parse errors. Every sample carries the labels {@code instance}
 * (the first listener's address and port, or the host's name for a wildcard listener) and
 * {@code server_id} (the core parameter), so that the instances of a cluster sharing one store
 * (docs/SCALING.md) are told apart when their samples meet in one place.
 */
public final class Metrics {
    private final Proxy proxy;

    public Metrics(Proxy proxy) {
        this.proxy = proxy;
    }

    public String render() {
        StringBuilder b = new StringBuilder(4096);
        TrafficStats t = proxy.transport().traffic();
        Protocol[] protocols = Protocol.values();

        head(b, "sipway_requests_received_total", "counter", "SIP requests received, by method and protocol.");
        for (Protocol p : protocols) {
            for (int k = 0; k < TrafficStats.FIRST_REPLY; k++) {
                sample(b, "sipway_requests_received_total", "method", TrafficStats.KINDS[k], p, t.received(p, k));
            }
        }
        head(b, "sipway_requests_sent_total", "counter", "SIP requests sent, by method and protocol.");
        for (Protocol p : protocols) {
            for (int k = 0; k < TrafficStats.FIRST_REPLY; k++) {
                sample(b, "sipway_requests_sent_total", "method", TrafficStats.KINDS[k], p, t.sent(p, k));
            }
        }
        head(b, "sipway_replies_received_total", "counter", "SIP replies received, by class and protocol.");
        for (Protocol p : protocols) {
            for (int k = TrafficStats.FIRST_REPLY; k < TrafficStats.KINDS.length; k++) {
                sample(b, "sipway_replies_received_total", "class", TrafficStats.KINDS[k], p, t.received(p, k));
            }
        }
        head(b, "sipway_replies_sent_total", "counter", "SIP replies sent (relayed or local), by class and protocol.");
        for (Protocol p : protocols) {
            for (int k = TrafficStats.FIRST_REPLY; k < TrafficStats.KINDS.length; k++) {
                sample(b, "sipway_replies_sent_total", "class", TrafficStats.KINDS[k], p, t.sent(p, k));
            }
        }

        TransactionLayer tm = proxy.transactions();
        head(b, "sipway_transactions_total", "counter", "Transactions created (tmx:UAS_transactions).");
        b.append("sipway_transactions_total ").append(tm.stat("total")).append('\n');
        head(b, "sipway_transactions_inuse", "gauge", "Transactions in memory (tmx:inuse_transactions).");
        b.append("sipway_transactions_inuse ").append(tm.stat("current")).append('\n');
        head(b, "sipway_transactions_refused_total", "counter", "Requests refused a transaction at the memory budget (-m).");
        b.append("sipway_transactions_refused_total ").append(proxy.stat("core:transactions_refused")).append('\n');
        head(b, "sipway_transactions_completed_total", "counter", "Transactions by the class of the final reply they sent.");
        for (int c = 2; c <= 6; c++) {
            b.append("sipway_transactions_completed_total{class=\"").append(c).append("xx\"} ").append(tm.stat(c + "xx")).append('\n');
        }

        Map<String, Integer> connections = new TreeMap<>();
        for (Protocol p : protocols) {
            if (p.isStream()) {
                connections.put(p.text() + "/ipv4", 0);
                connections.put(p.text() + "/ipv6", 0);
            }
        }
        for (Connection c : proxy.transport().connections().connections()) {
            connections.merge(c.protocol().text() + (c.remote().getAddress() instanceof Inet6Address ? "/ipv6" : "/ipv4"), 1, Integer::sum);
        }
        head(b, "sipway_connections", "gauge", "Open TCP, TLS, WS and WSS connections, by protocol and address family.");
        connections.forEach((k, n) -> {
            int slash = k.indexOf('/');
            b.append("sipway_connections{protocol=\"").append(k, 0, slash).append("\",family=\"").append(k.substring(slash + 1))
                    .append("\",websocket=\"").append(k.startsWith("ws")).append("\"} ").append(n).append('\n');
        });

        head(b, "sipway_connections_ended_total", "counter", "TCP, TLS, WS and WSS connections ended other than by a close, by"
                + " reason (read_timeout: tcp_msg_read_timeout; evicted: made room at tcp_max_connections; peer_reset: the peer's reset).");
        ConnectionStats ended = proxy.transport().connectionStats();
        for (ConnectionStats.Event e : ConnectionStats.Event.values()) {
            b.append("sipway_connections_ended_total{reason=\"").append(e.label()).append("\"} ").append(ended.count(e)).append('\n');
        }
        head(b, "sipway_connections_refused_total", "counter", "Connections refused at tcp_max_connections (none of the open ones could"
                + " make room).");
        b.append("sipway_connections_refused_total ").append(proxy.transport().refusedConnections()).append('\n');
        head(b, "sipway_send_failures_total", "counter", "Messages that could not be sent, by reason"
                + " (connection_not_found: a WS/WSS destination whose connection is gone).");
        for (TrafficStats.SendFailure f : TrafficStats.SendFailure.values()) {
            b.append("sipway_send_failures_total{reason=\"").append(f.label()).append("\"} ").append(t.failures(f)).append('\n');
        }
        head(b, "sipway_parse_errors_total", "counter", "Input dropped as malformed: SIP messages, and stream framing errors.");
        b.append("sipway_parse_errors_total{where=\"message\"} ").append(proxy.stat("sipway:malformed_dropped")).append('\n');
        b.append("sipway_parse_errors_total{where=\"stream\"} ").append(proxy.transport().droppedFrames()).append('\n');
        head(b, "sipway_uptime_seconds", "gauge", "Seconds since the proxy started.");
        b.append("sipway_uptime_seconds ").append(java.time.Duration.between(proxy.startedAt(), java.time.Instant.now()).toSeconds()).append('\n');
        return labelled(b, "instance=\"" + instance() + "\",server_id=\"" + proxy.core().serverId() + "\"");
    }

    /** The instance label: the first listener's address:port; the host's name when it listens on every address. */
    private String instance() {
        var sockets = proxy.transport().sockets();
        if (sockets.isEmpty()) {
            return "";
        }
        java.net.InetSocketAddress a = sockets.get(0).local();
        String host = a.getAddress().isAnyLocalAddress() ? hostName() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** Every sample line of {@code text} with {@code labels} first among its labels. */
    static String labelled(CharSequence text, String labels) {
        StringBuilder out = new StringBuilder(text.length() + 64 * 40);
        int start = 0;
        while (start < text.length()) {
            int end = start;
            while (end < text.length() && text.charAt(end) != '\n') {
                end++;
            }
            if (text.charAt(start) == '#') {
                out.append(text, start, end);
            } else {
                int space = start;
                while (space < end && text.charAt(space) != '{' && text.charAt(space) != ' ') {
                    space++;
                }
                out.append(text, start, space).append('{').append(labels);
                if (space < end && text.charAt(space) == '{') {
                    out.append(',').append(text, space + 1, end);
                } else {
                    out.append('}').append(text, space, end);
                }
            }
            out.append('\n');
            start = end + 1;
        }
        return out.toString();
    }

    private static void head(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** Zero samples are left out: a label set appears with its first message. */
    private static void sample(StringBuilder b, String name, String label, String value, Protocol p, long n) {
        if (n > 0) {
            b.append(name).append('{').append(label).append("=\"").append(value).append("\",protocol=\"").append(p.text())
                    .append("\"} ").append(n).append('\n');
        }
    }
}
