package io.sipway.proxy.module.permissions;

import io.sipway.transport.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Rows of permissions' {@code trusted} table (src_ip, proto, from_pattern, ruri_pattern, tag,
 * priority), as allow_trusted() matches them (Kamailio's hash.c match_hash_table and trusted.c
 * match_res): the source IP compared as text, the protocol {@code any} or equal, then each pattern
 * that is not NULL must be found in the From URI and the Request-URI. In cache mode the rows of one
 * source are tried from the highest priority down; a row with protocol {@code none} never matches
 * (it is not even kept). Never changed once built.
 */
final class TrustedTable {
    /** One rule; proto null = any; a null pattern matches everything. */
    record Rule(String srcIp, String proto, String fromPattern, Pattern from, String ruriPattern, Pattern ruri, String tag,
                int priority) {
        boolean matches(String protocol, String fromUri, String requestUri) {
            if (proto != null && protocol != null && !proto.equals(protocol)) {
                return false;
            }
            if (fromPattern != null && (from == null || fromUri == null || !from.matcher(fromUri).find())) {
                return false;
            }
            return ruriPattern == null || (ruri != null && requestUri != null && ruri.matcher(requestUri).find());
        }
    }

    static final TrustedTable EMPTY = new TrustedTable(Map.of());

    private final Map<String, List<Rule>> bySource;

    private TrustedTable(Map<String, List<Rule>> bySource) {
        this.bySource = bySource;
    }

    /**
     * A rule from a row, or null when the row never matches (protocol {@code none}); an unknown
     * protocol is an IllegalArgumentException (Kamailio's "unknown protocol", the load fails).
     */
    static Rule rule(String srcIp, String proto, String fromPattern, String ruriPattern, String tag, int priority) {
        String p = proto == null ? "any" : proto.trim().toLowerCase(Locale.ROOT);
        if (p.equals("none")) {
            return null;
        }
        if (!p.equals("any") && !List.of("udp", "tcp", "tls", "sctp", "ws", "wss").contains(p)) {
            throw new IllegalArgumentException("unknown protocol '" + proto + "' for " + srcIp);
        }
        return new Rule(srcIp == null ? "" : srcIp, p.equals("any") ? null : p, fromPattern,
                fromPattern == null ? null : PosixRegex.compile(fromPattern), ruriPattern,
                ruriPattern == null ? null : PosixRegex.compile(ruriPattern), tag, priority);
    }

    /** The cached table: each source's rules from the highest priority down, equal ones in load order. */
    static TrustedTable of(List<Rule> rules) {
        Map<String, List<Rule>> m = new HashMap<>();
        for (Rule r : rules) {
            m.computeIfAbsent(r.srcIp(), k -> new ArrayList<>()).add(r);
        }
        Map<String, List<Rule>> sorted = new HashMap<>();
        m.forEach((k, v) -> {
            v.sort(Comparator.comparingInt(Rule::priority).reversed());
            sorted.put(k, List.copyOf(v));
        });
        return new TrustedTable(Map.copyOf(sorted));
    }

    List<Rule> rulesOf(String srcIp) {
        return bySource.getOrDefault(srcIp, List.of());
    }

    List<Rule> all() {
        List<Rule> out = new ArrayList<>();
        bySource.values().forEach(out::addAll);
        return out;
    }

    /** Kamailio's text of a protocol ("udp"), or "any" for none given. */
    static String protoText(Protocol p) {
        return p == null ? null : p.text().toLowerCase(Locale.ROOT);
    }
}
