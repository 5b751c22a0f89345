package io.sipway.proxy.module.rtpengine;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rtpengine instances of {@code rtpengine_sock}, in sets, and Kamailio's choice among them
 * (select_rtpp_node): a call keeps the instance its first command went to (the Call-ID and Via
 * branch table, entries kept {@code hash_table_tout} seconds); a new call takes the sum of its
 * Call-ID's bytes modulo 256, modulo the enabled weights, walking the set in order. An instance that
 * does not answer is disabled for {@code rtpengine_disable_tout} seconds, then pinged again when a
 * choice comes to it.
 */
final class Nodes {
    /** udp:host:port or udp6:[v6]:port, an optional =weight. */
    private static final Pattern URL = Pattern.compile("(udp6?):(\\[[^\\]]+\\]|[^:=\\s]+)(?::(\\d+))?(?:=(\\d+))?");
    /** "N == urls": a set other than 0. */
    private static final Pattern SET = Pattern.compile("^\\s*(\\d+)\\s*==\\s*(.*)$", Pattern.DOTALL);
    /** A bound on the call table, far above what one proxy carries at once. */
    static final int MAX_CALLS = 1 << 20;

    /** One instance: where it listens and its state (shared by the workers). */
    static final class Node {
        final String url;
        final InetSocketAddress address;
        final int weight;
        volatile boolean disabled;
        volatile long recheckAtMs;

        Node(String url, InetSocketAddress address, int weight) {
            this.url = url;
            this.address = address;
            this.weight = weight;
        }
    }

    record Sticky(Node node, long untilMs) {
    }

    final Map<Integer, List<Node>> sets;
    private final Map<String, Sticky> calls = new ConcurrentHashMap<>();

    Nodes(Map<Integer, List<Node>> sets) {
        this.sets = sets;
    }

    /** The sets of every rtpengine_sock value, in order; a clear error for one Sipway cannot use. */
    static Map<Integer, List<Node>> parse(List<String> values) {
        Map<Integer, List<Node>> sets = new LinkedHashMap<>();
        for (String v : values) {
            int set = 0;
            Matcher s = SET.matcher(v);
            if (s.matches()) {
                set = Integer.parseInt(s.group(1));
                v = s.group(2);
            }
            for (String url : v.trim().split("\\s+")) {
                if (url.isEmpty()) {
                    continue;
                }
                Matcher m = URL.matcher(url);
                if (!m.matches()) {
                    throw new IllegalArgumentException("rtpengine: rtpengine_sock " + url + ": Sipway speaks to rtpengine over UDP only "
                            + "(udp:host:port or udp6:[address]:port, =weight optional)");
                }
                String host = m.group(2).startsWith("[") ? m.group(2).substring(1, m.group(2).length() - 1) : m.group(2);
                int port = m.group(3) == null ? 22222 : Integer.parseInt(m.group(3)); // Kamailio's CPORT
                int weight = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("rtpengine: rtpengine_sock " + url + ": bad port");
                }
                String shown = url.contains("=") ? url.substring(0, url.indexOf('=')) : url;
                sets.computeIfAbsent(set, k -> new ArrayList<>()).add(new Node(shown, new InetSocketAddress(host, port), weight));
            }
        }
        return sets;
    }

    /** The call's remembered instance, or null. */
    Node remembered(String callId, String viaBranch, long nowMs) {
        Sticky s = calls.get(key(callId, viaBranch));
        return s == null || s.untilMs() < nowMs ? null : s.node();
    }

    void remember(String callId, String viaBranch, Node n, long untilMs, long nowMs) {
        if (calls.size() >= MAX_CALLS) {
            calls.values().removeIf(s -> s.untilMs() < nowMs);
            if (calls.size() >= MAX_CALLS) {
                return; // full of live calls: the next command chooses again, by the same hash
            }
        }
        calls.putIfAbsent(key(callId, viaBranch), new Sticky(n, untilMs));
    }

    void forget(String callId, String viaBranch) {
        calls.remove(key(callId, viaBranch));
    }

    int remembered() {
        return calls.size();
    }

    private static String key(String callId, String viaBranch) {
        return callId + '\0' + (viaBranch == null ? "" : viaBranch);
    }

    /**
     * select_rtpp_node_new: a disabled instance whose time is up is pinged ({@code test}) first;
     * null when none is left that was not tried already.
     */
    static Node choose(List<Node> set, String callId, List<Node> tried, long nowMs, Predicate<Node> test) {
        int sum = 0;
        for (byte b : callId.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) {
            sum += b; // C's char is signed on x86
        }
        sum &= 0xff;
        boolean forced = false;
        while (true) {
            int weights = 0;
            for (Node n : set) {
                if (n.disabled && n.recheckAtMs <= nowMs) {
                    n.disabled = !test.test(n);
                }
                if (!n.disabled && !tried.contains(n)) {
                    weights += n.weight;
                }
            }
            if (weights == 0) {
                if (forced) {
                    return null;
                }
                forced = true; // no instance left: all are pinged once more
                for (Node n : set) {
                    n.disabled = !test.test(n);
                }
                continue;
            }
            int cut = Integer.remainderUnsigned(sum, weights);
            for (Node n : set) {
                if (n.disabled || tried.contains(n)) {
                    continue;
                }
                if (cut < n.weight) {
                    return n;
                }
                cut -= n.weight;
            }
            return null;
        }
    }
}
