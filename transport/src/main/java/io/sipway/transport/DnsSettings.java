package io.sipway.transport;

import java.util.Set;

/**
 * Kamailio's DNS core parameters that {@link SipResolver} applies, with Kamailio's names and
 * defaults (Kamailio 5.6 core cookbook, "DNS Parameters"). Immutable: {@link #with} gives a copy
 * with one parameter changed by its Kamailio name, as {@link TcpSettings#with} does.
 *
 * <table>
 * <caption>What applies</caption>
 * <tr><th>global</th><th>default</th><th>effect</th></tr>
 * <tr><td>{@code dns_try_naptr}</td><td>no</td><td>RFC 3263 NAPTR lookup for a URI without port and transport;
 *     no: straight to SRV for the default transport (UDP, TLS for sips:)</td></tr>
 * <tr><td>{@code dns_try_ipv6}</td><td>no</td><td>AAAA lookups (and IPv6 hosts-file entries) besides A</td></tr>
 * <tr><td>{@code dns_srv_lb} ({@code dns_srv_loadbalancing})</td><td>no</td><td>RFC 2782 weighted random order
 *     among SRV records of one priority; no: higher weight first</td></tr>
 * <tr><td>{@code dns_cache_negative_ttl} s</td><td>60</td><td>how long "no such name / no such record" is
 *     remembered; 0: not at all</td></tr>
 * <tr><td>{@code dns_cache_min_ttl} s</td><td>0</td><td>a record is kept at least this long, whatever its TTL</td></tr>
 * <tr><td>{@code dns_cache_max_ttl} s</td><td>MAXINT</td><td>a record is kept at most this long</td></tr>
 * </table>
 *
 * @param tryNaptr         {@code dns_try_naptr}
 * @param tryIpv6          {@code dns_try_ipv6}
 * @param srvLoadBalancing {@code dns_srv_lb}
 * @param negativeTtl      {@code dns_cache_negative_ttl}, seconds
 * @param minTtl           {@code dns_cache_min_ttl}, seconds
 * @param maxTtl           {@code dns_cache_max_ttl}, seconds
 */
public record DnsSettings(boolean tryNaptr, boolean tryIpv6, boolean srvLoadBalancing,
                          int negativeTtl, int minTtl, int maxTtl) {
    private static final Set<String> NAMES = Set.of("dns_try_naptr", "dns_try_ipv6", "dns_srv_lb", "dns_srv_loadbalancing",
            "dns_cache_negative_ttl", "dns_cache_min_ttl", "dns_cache_max_ttl");

    public DnsSettings {
        if (negativeTtl < 0 || minTtl < 0 || maxTtl < 0) {
            throw new IllegalArgumentException("DNS TTLs are seconds, 0 or more");
        }
    }

    /** Kamailio's defaults. */
    public static DnsSettings defaults() {
        return new DnsSettings(false, false, false, 60, 0, Integer.MAX_VALUE);
    }

    /** Whether {@link #with} knows this Kamailio global. */
    public static boolean has(String kamailioName) {
        return NAMES.contains(kamailioName);
    }

    /**
     * A copy with the Kamailio global {@code name} set to {@code value} (a number, a boolean, or the
     * script's text {@code yes}/{@code no}/{@code on}/{@code off}/digits).
     *
     * @throws IllegalArgumentException for an unknown name or a value Kamailio would not take
     */
    public DnsSettings with(String name, Object value) {
        return switch (name) {
            case "dns_try_naptr" -> new DnsSettings(TcpSettings.truth(name, value), tryIpv6, srvLoadBalancing, negativeTtl, minTtl, maxTtl);
            case "dns_try_ipv6" -> new DnsSettings(tryNaptr, TcpSettings.truth(name, value), srvLoadBalancing, negativeTtl, minTtl, maxTtl);
            case "dns_srv_lb", "dns_srv_loadbalancing" ->
                    new DnsSettings(tryNaptr, tryIpv6, TcpSettings.truth(name, value), negativeTtl, minTtl, maxTtl);
            case "dns_cache_negative_ttl" -> new DnsSettings(tryNaptr, tryIpv6, srvLoadBalancing, seconds(name, value), minTtl, maxTtl);
            case "dns_cache_min_ttl" -> new DnsSettings(tryNaptr, tryIpv6, srvLoadBalancing, negativeTtl, seconds(name, value), maxTtl);
            case "dns_cache_max_ttl" -> new DnsSettings(tryNaptr, tryIpv6, srvLoadBalancing, negativeTtl, minTtl, seconds(name, value));
            default -> throw new IllegalArgumentException(name + " is not a DNS setting Sipway applies");
        };
    }

    private static int seconds(String name, Object value) {
        int n = TcpSettings.number(name, value);
        if (n < 0) {
            throw TcpSettings.bad(name, value, "seconds, 0 or more");
        }
        return n;
    }

    /** How long an answer with this TTL stays cached: the TTL held within [min, max] (seconds). */
    long cachedSeconds(long ttl) {
        return Math.min(Math.max(ttl, minTtl), maxTtl);
    }
}
