package io.sipway.proxy.module.rtpproxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rtpproxy instances of {@code rtpproxy_sock}, in their sets, and the choice of one for a call
 * (Kamailio's select_rtpp_node): a hash of the Call-ID over the enabled instances' weights. An
 * instance that does not answer is disabled for {@code rtpproxy_disable_tout} seconds, then tried
 * again (V and VF) before it is used.
 */
final class Nodes {
    /** The protocol version rtpproxy answers to V, and the capabilities asked with VF. */
    static final int SUPPORTED_VERSION = 20040107;
    static final String REQUIRED_CAP = "20050322";
    static final String REPACKETIZE_CAP = "20071116";
    static final String PAYLOAD_LIST_CAP = "20081102";
    private static final long FOREVER = Long.MAX_VALUE;

    /** One instance; its state is shared by the workers without locks, as Kamailio's shared memory is. */
    static final class Node {
        final String url;
        final int weight;
        final int index;
        final InetSocketAddress address;
        volatile boolean disabled;
        volatile long recheckAtMs;
        volatile boolean repacketize;
        volatile boolean payloadList;

        Node(String url, int weight, int index, InetSocketAddress address) {
            this.url = url;
            this.weight = weight;
            this.index = index;
            this.address = address;
        }
    }

    record RtppSet(long id, List<Node> nodes) {
    }

    private final Map<Long, RtppSet> sets;
    private final Control control;

    private Nodes(Map<Long, RtppSet> sets, Control control) {
        this.sets = sets;
        this.control = control;
    }

    Map<Long, RtppSet> sets() {
        return sets;
    }

    RtppSet set(long id) {
        return sets.get(id);
    }

    /** The default set (id 0), or null when none is configured. */
    RtppSet defaultSet() {
        return sets.get(0L);
    }

    /**
     * The sets of the {@code rtpproxy_sock} values: {@code [id ==] url[=weight] url...}, each url
     * {@code udp:host[:port]} or {@code udp6:host[:port]} (port 22222 when none).
     */
    static Map<Long, RtppSet> parse(List<String> values) {
        Map<Long, List<Node>> lists = new LinkedHashMap<>();
        int index = 0;
        for (String value : values) {
            String v = value.strip();
            if (v.isEmpty()) {
                continue;
            }
            long id = setId(v);
            int eq = v.indexOf("==");
            v = eq < 0 ? v : v.substring(eq + 2).strip();
            List<Node> list = lists.computeIfAbsent(id, k -> new ArrayList<>());
            for (String word : v.split("\\s+")) {
                int w = word.indexOf('=');
                int weight = w < 0 ? 1 : leadingNumber(word.substring(w + 1));
                String url = w < 0 ? word : word.substring(0, w);
                list.add(new Node(url, weight, index++, address(url)));
            }
        }
        Map<Long, RtppSet> sets = new LinkedHashMap<>();
        lists.forEach((id, list) -> sets.put(id, new RtppSet(id, List.copyOf(list))));
        return sets;
    }

    /** The set ids of the {@code rtpproxy_sock} values, their urls checked (not resolved: a check at load). */
    static java.util.Set<Long> ids(List<String> values) {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (String value : values) {
            String v = value.strip();
            if (v.isEmpty()) {
                continue;
            }
            ids.add(setId(v));
            int eq = v.indexOf("==");
            for (String word : (eq < 0 ? v : v.substring(eq + 2)).strip().split("\\s+")) {
                int w = word.indexOf('=');
                hostAndPort(w < 0 ? word : word.substring(0, w));
            }
        }
        return ids;
    }

    /** The set id of one {@code rtpproxy_sock} value ({@code id == urls}; 0 without one), checked as Kamailio does. */
    private static long setId(String v) {
        int eq = v.indexOf("==");
        String idText = eq < 0 ? "0" : v.substring(0, eq).strip();
        if (idText.isEmpty() || !idText.chars().allMatch(Character::isDigit) || idText.length() > 10
                || Long.parseLong(idText) > 0xffffffffL) {
            throw new IllegalArgumentException("rtpproxy: invalid set name '" + idText + "' - must be integer");
        }
        if (eq >= 0 && v.substring(eq + 2).isBlank()) {
            throw new IllegalArgumentException("rtpproxy: script error - empty rtp_proxy list");
        }
        return Long.parseLong(idText);
    }

    /** strtoul: the leading decimal digits, 0 when none. */
    private static int leadingNumber(String s) {
        int i = 0;
        while (i < s.length() && i < 9 && Character.isDigit(s.charAt(i))) {
            i++;
        }
        return i == 0 ? 0 : Integer.parseInt(s.substring(0, i));
    }

    /** The host and port of a udp: or udp6: url, checked; a unix socket is refused. */
    private static String[] hostAndPort(String url) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        boolean v6 = lower.startsWith("udp6:");
        if (!v6 && !lower.startsWith("udp:")) {
            throw new IllegalArgumentException("rtpproxy: " + url + ": only udp: and udp6: control sockets are implemented"
                    + " (a unix socket is not)");
        }
        String rest = url.substring(v6 ? 5 : 4);
        int colon = rest.lastIndexOf(':');
        String host = colon < 0 ? rest : rest.substring(0, colon);
        String port = colon < 0 || colon == rest.length() - 1 ? "22222" : rest.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!port.chars().allMatch(Character::isDigit) || port.length() > 5 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("rtpproxy: " + url + ": bad port " + port);
        }
        return new String[] {host, port};
    }

    /**
     * The address of a udp: or udp6: url, resolved once at start on the starting thread (as Kamailio's
     * mod_init resolves rtpproxy_sock), never on an event loop or per command.
     */
    private static InetSocketAddress address(String url) {
        String[] hp = hostAndPort(url);
        String host = hp[0];
        String port = hp[1];
        boolean v6 = url.regionMatches(true, 0, "udp6:", 0, 5);
        try {
            InetAddress a = null;
            for (InetAddress c : InetAddress.getAllByName(host)) {
                if ((c instanceof java.net.Inet6Address) == v6) {
                    a = c;
                    break;
                }
            }
            if (a == null) {
                throw new IllegalArgumentException("rtpproxy: " + url + ": no " + (v6 ? "IPv6" : "IPv4") + " address for " + host);
            }
            return new InetSocketAddress(a, Integer.parseInt(port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("rtpproxy: " + url + ": " + e.getMessage());
        }
    }

    static Nodes of(Map<Long, RtppSet> sets, Control control) {
        return new Nodes(sets, control);
    }

    /** child_init: every instance is asked V and VF once; those that do not answer start disabled. */
    void testAll() {
        for (RtppSet s : sets.values()) {
            for (Node n : s.nodes()) {
                n.disabled = test(n, n.disabled, true);
            }
        }
    }

    /**
     * rtpp_test: whether the instance is (still) disabled. Unless forced, an enabled one is not asked and
     * a disabled one only once its recheck time has come; one that fails is disabled until
     * {@code rtpproxy_disable_tout} seconds from now (for good when that is negative... as Kamailio:
     * its recheck time is then left as it was).
     */
    boolean test(Node n, boolean disabled, boolean force) {
        if (n.recheckAtMs == FOREVER) {
            return true;
        }
        if (!force) {
            if (!disabled) {
                return false;
            }
            if (n.recheckAtMs > now()) {
                return true;
            }
        }
        String v = control.send(n, "V");
        boolean ok = v != null && atoi(v) == SUPPORTED_VERSION;
        if (ok) {
            int required = capability(n, REQUIRED_CAP);
            ok = required == 1;
        }
        if (!ok) {
            Control.LOG.warn("support for RTP proxy <{}> has been disabled{}", n.url, control.disableTimeout() < 0 ? "" : " temporarily");
            if (control.disableTimeout() >= 0) {
                n.recheckAtMs = now() + control.disableTimeout() * 1000L;
            }
            return true;
        }
        Control.LOG.info("rtp proxy <{}> found, support for it {}enabled", n.url, force ? "" : "re-");
        n.repacketize = capability(n, REPACKETIZE_CAP) == 1;
        n.payloadList = capability(n, PAYLOAD_LIST_CAP) == 1;
        return false;
    }

    /** rtpp_checkcap: 1 supported, 0 not, -1 no answer. */
    private int capability(Node n, String cap) {
        String r = control.send(n, "VF " + cap);
        if (r == null) {
            return -1;
        }
        return r.startsWith("E") || atoi(r) != 1 ? 0 : 1;
    }

    /**
     * select_rtpp_node: one instance of the set for the call, or null. With one instance, it (when
     * enabled or due for a recheck that it passes); with more, the Call-ID's byte sum modulo the
     * enabled weights picks one, all being tried again once when none is enabled.
     */
    Node select(RtppSet set, String callId, boolean doTest) {
        if (set == null) {
            Control.LOG.error("script error -no valid set selected");
            return null;
        }
        List<Node> nodes = set.nodes();
        if (nodes.size() == 1) {
            Node n = nodes.get(0);
            if (n.disabled && n.recheckAtMs <= now()) {
                n.disabled = test(n, true, false);
            }
            return n.disabled ? null : n;
        }
        int sum = 0;
        for (byte b : callId.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            sum += b; // a C char is signed: bytes above 0x7f count negative, as in Kamailio
        }
        sum &= 0xff;
        boolean forced = false;
        while (true) {
            long weights = 0;
            for (Node n : nodes) {
                if (n.disabled && n.recheckAtMs <= now()) {
                    n.disabled = test(n, true, false);
                }
                if (!n.disabled) {
                    weights += n.weight;
                }
            }
            if (weights == 0) {
                if (forced) {
                    return null;
                }
                forced = true;
                for (Node n : nodes) {
                    n.disabled = test(n, true, true);
                }
                continue;
            }
            long cut = sum % weights;
            Node found = null;
            for (Node n : nodes) {
                if (n.disabled) {
                    continue;
                }
                if (cut < n.weight) {
                    found = n;
                    break;
                }
                cut -= n.weight;
            }
            if (found == null) {
                return null;
            }
            if (doTest) {
                found.disabled = test(found, found.disabled, false);
                if (found.disabled) {
                    continue;
                }
            }
            return found;
        }
    }

    static long now() {
        return System.nanoTime() / 1_000_000L;
    }

    /** C's atoi: leading blanks, a sign and digits; 0 when none. */
    static long atoi(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        int start = i;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        int digits = i;
        while (i < s.length() && i - digits < 12 && Character.isDigit(s.charAt(i))) {
            i++;
        }
        return i == digits ? 0 : Long.parseLong(s.substring(start, i));
    }
}
