package io.sipway.transport;

import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * RFC 3263 section 4, "Client Usage", from a SIP URI's host to an ordered list of targets. Every
 * step is a cached DNS answer ({@link DnsCache}) or a completed value; nothing waits.
 */
final class Rfc3263 {
    /** SRV records of one name that are looked at: more is a misconfiguration, not a failover plan. */
    static final int MAX_SRV = 16;
    /** NAPTR records of one name that are followed. */
    static final int MAX_NAPTR = 8;

    private final DnsCache cache;
    private final HostsLookup hosts;
    private final DnsSettings settings;
    private final Set<Protocol> protocols;
    private final RandomGenerator random;

    Rfc3263(DnsCache cache, HostsLookup hosts, DnsSettings settings, Set<Protocol> protocols, RandomGenerator random) {
        this.cache = cache;
        this.hosts = hosts;
        this.settings = settings;
        this.protocols = protocols;
        this.random = random;
    }

    /**
     * The targets for a URI host.
     *
     * @param port      the URI's port, or 0 / negative for none
     * @param transport the URI's transport parameter, or null
     * @param secure    a sips: URI
     */
    CompletableFuture<List<SipTarget>> targets(String host, int port, Protocol transport, boolean secure) {
        Protocol proto = transport == null ? (secure ? Protocol.TLS : Protocol.UDP) : secured(transport, secure);
        InetAddress literal = DnsRdata.literal(host);
        if (literal != null) {
            // 4.1: a numeric host is used as it is, with the URI's port or the default; DNS is never asked
            return CompletableFuture.completedFuture(List.of(new SipTarget(proto, new InetSocketAddress(literal, portOr(port, proto)))));
        }
        String name;
        try {
            name = checkedName(host);
        } catch (UnknownHostException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (port > 0 || !hosts.addresses(name, settings.tryIpv6()).isEmpty()) {
            // 4.2: with a port, A/AAAA only; a name the hosts file lists is taken as the hosts file says
            return onAddresses(name, proto, portOr(port, proto));
        }
        if (transport != null) {
            // 4.1: a transport given explicitly skips NAPTR; SRV for that transport (_sips for TLS)
            return srvThenAddresses(name, proto);
        }
        if (settings.tryNaptr()) {
            return naptr(name, secure);
        }
        // dns_try_naptr=no (Kamailio's default): SRV of the default transport, then A/AAAA
        return srvThenAddresses(name, proto);
    }

    /** A/AAAA of a host text (literal, hosts file, then DNS), A first; fails when none. */
    CompletableFuture<List<InetAddress>> addressesOf(String host) {
        return addressesOf(host, settings.tryIpv6());
    }

    /** As {@link #addressesOf(String)}, asking for AAAA records when {@code ipv6} whatever dns_try_ipv6 says. */
    CompletableFuture<List<InetAddress>> addressesOf(String host, boolean ipv6) {
        InetAddress literal = DnsRdata.literal(host);
        if (literal != null) {
            return CompletableFuture.completedFuture(List.of(literal));
        }
        try {
            return addresses(checkedName(host), ipv6);
        } catch (UnknownHostException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The name to ask for, or why none may be asked for. */
    private static String checkedName(String host) throws UnknownHostException {
        String name = DnsRdata.normalize(host == null ? "" : host.trim());
        if (name.isEmpty() || name.startsWith("[")) {
            throw new UnknownHostException("not a host name: " + host);
        }
        // RFC 6761 6.4: "invalid" and every name under it never resolve; a query would be wasted
        if (name.equals("invalid") || name.endsWith(".invalid")) {
            throw new UnknownHostException(name + ": names under .invalid never resolve (RFC 6761)");
        }
        return name;
    }

    /** On a sips: URI every transport is the secure one (TCP is TLS, WS is WSS). */
    private static Protocol secured(Protocol p, boolean secure) {
        if (!secure) {
            return p;
        }
        return p.isWebSocket() ? Protocol.WSS : Protocol.TLS;
    }

    private static int portOr(int port, Protocol p) {
        return port > 0 ? port : p.isSecure() ? 5061 : 5060;
    }

    /** 4.1 with NAPTR: the records for SIP, in order then preference, each followed to its SRV targets. */
    private CompletableFuture<List<SipTarget>> naptr(String name, boolean secure) {
        return cache.get(name, DnsRecordType.NAPTR).thenCompose(answer -> {
            List<DnsRdata.Naptr> usable = new ArrayList<>();
            for (DnsRdata.Naptr n : answer.as(DnsRdata.Naptr.class)) {
                Protocol p = naptrProtocol(n.service());
                // "s": the replacement names SRV records; SIP's NAPTRs rewrite by replacement only;
                // a sips: URI may only use the secure services; a transport without a listener is no use
                if (p != null && n.flags().equalsIgnoreCase("s") && n.regexp().isEmpty() && !n.replacement().isEmpty()
                        && (!secure || p.isSecure()) && protocols.contains(p)) {
                    usable.add(n);
                }
            }
            usable.sort(Comparator.comparingInt(DnsRdata.Naptr::order).thenComparingInt(DnsRdata.Naptr::preference));
            if (usable.isEmpty()) {
                return withoutNaptr(name, secure);
            }
            List<CompletableFuture<Optional<List<SipTarget>>>> each = new ArrayList<>();
            for (DnsRdata.Naptr n : usable.subList(0, Math.min(usable.size(), MAX_NAPTR))) {
                each.add(srv(n.replacement(), naptrProtocol(n.service())));
            }
            return all(each).thenCompose(lists -> {
                List<SipTarget> targets = concat(lists);
                // NAPTRs that lead nowhere: as if there were none (Kamailio does the same)
                return targets.isEmpty() ? withoutNaptr(name, secure) : CompletableFuture.completedFuture(targets);
            });
        });
    }

    /** RFC 3263 service fields, with RFC 7118's for WebSocket. */
    static Protocol naptrProtocol(String service) {
        return switch (service.toUpperCase(Locale.ROOT)) {
            case "SIP+D2U" -> Protocol.UDP;
            case "SIP+D2T" -> Protocol.TCP;
            case "SIPS+D2T" -> Protocol.TLS;
            case "SIP+D2W" -> Protocol.WS;
            case "SIPS+D2W" -> Protocol.WSS;
            default -> null;
        };
    }

    /** The SRV owner prefix for a transport; null where none is registered (WebSocket). */
    static String srvPrefix(Protocol p) {
        return switch (p) {
            case UDP -> "_sip._udp.";
            case TCP -> "_sip._tcp.";
            case TLS -> "_sips._tcp.";
            default -> null;
        };
    }

    /** 4.1, no NAPTR: SRV for each transport this side supports (only _sips for sips:); none at all: A/AAAA. */
    private CompletableFuture<List<SipTarget>> withoutNaptr(String name, boolean secure) {
        List<Protocol> tried = new ArrayList<>();
        for (Protocol p : secure ? List.of(Protocol.TLS) : List.of(Protocol.UDP, Protocol.TCP, Protocol.TLS)) {
            if (protocols.contains(p)) {
                tried.add(p);
            }
        }
        Protocol fallback = secure ? Protocol.TLS : Protocol.UDP;
        if (tried.isEmpty()) {
            return onAddresses(name, fallback, portOr(0, fallback));
        }
        List<CompletableFuture<Optional<List<SipTarget>>>> each = new ArrayList<>();
        for (Protocol p : tried) {
            each.add(srv(srvPrefix(p) + name, p));
        }
        return all(each).thenCompose(lists -> {
            if (lists.stream().allMatch(Optional::isEmpty)) {
                return onAddresses(name, fallback, portOr(0, fallback));
            }
            return nonEmpty(name, concat(lists));
        });
    }

    private CompletableFuture<List<SipTarget>> srvThenAddresses(String name, Protocol proto) {
        String prefix = srvPrefix(proto);
        if (prefix == null) {
            return onAddresses(name, proto, portOr(0, proto));
        }
        return srv(prefix + name, proto).thenCompose(found -> found.isPresent()
                ? nonEmpty(name, found.get())
                // 4.2: "If no SRV records were found, the client performs an A or AAAA record lookup"
                : onAddresses(name, proto, portOr(0, proto)));
    }

    /**
     * The targets of one SRV name in RFC 2782 order; empty Optional when the name has no SRV
     * records (the caller falls back), an empty list when the service is "decidedly not available"
     * (target ".") or no target resolves.
     */
    private CompletableFuture<Optional<List<SipTarget>>> srv(String srvName, Protocol proto) {
        return cache.get(srvName, DnsRecordType.SRV).thenCompose(answer -> {
            if (answer.negative()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            List<DnsRdata.Srv> records = new ArrayList<>();
            for (DnsRdata.Srv s : answer.as(DnsRdata.Srv.class)) {
                if (!s.unavailable()) {
                    records.add(s);
                }
            }
            List<DnsRdata.Srv> ordered = SrvOrder.order(records, settings.srvLoadBalancing(), random);
            ordered = ordered.subList(0, Math.min(ordered.size(), MAX_SRV));
            List<CompletableFuture<List<InetAddress>>> lookups = new ArrayList<>();
            for (DnsRdata.Srv s : ordered) {
                // one target that does not resolve leaves the others usable
                lookups.add(addresses(s.target()).exceptionally(e -> List.of()));
            }
            final List<DnsRdata.Srv> order = ordered;
            return all(lookups).thenApply(addressLists -> {
                List<SipTarget> targets = new ArrayList<>();
                for (int i = 0; i < order.size(); i++) {
                    for (InetAddress a : addressLists.get(i)) {
                        targets.add(new SipTarget(proto, new InetSocketAddress(a, order.get(i).port())));
                    }
                }
                return Optional.of(targets);
            });
        });
    }

    private CompletableFuture<List<SipTarget>> onAddresses(String name, Protocol proto, int port) {
        return addresses(name).thenApply(list -> {
            List<SipTarget> targets = new ArrayList<>(list.size());
            for (InetAddress a : list) {
                targets.add(new SipTarget(proto, new InetSocketAddress(a, port)));
            }
            return targets;
        });
    }

    /** Hosts file, else A (and AAAA with dns_try_ipv6), IPv4 first as Kamailio prefers it. */
    private CompletableFuture<List<InetAddress>> addresses(String name) {
        return addresses(name, settings.tryIpv6());
    }

    private CompletableFuture<List<InetAddress>> addresses(String name, boolean ipv6) {
        List<InetAddress> pinned = hosts.addresses(name, ipv6);
        if (!pinned.isEmpty()) {
            return CompletableFuture.completedFuture(pinned);
        }
        CompletableFuture<DnsAnswer> a = cache.get(name, DnsRecordType.A);
        if (!ipv6) {
            return a.thenCompose(answer -> nonEmpty(name, answer.as(InetAddress.class)));
        }
        CompletableFuture<DnsAnswer> aaaa = cache.get(name, DnsRecordType.AAAA);
        return a.handle((v4, e4) -> aaaa.handle((v6, e6) -> {
            List<InetAddress> all = new ArrayList<>();
            if (v4 != null) {
                all.addAll(v4.as(InetAddress.class));
            }
            if (v6 != null) {
                all.addAll(v6.as(InetAddress.class));
            }
            if (all.isEmpty() && (e4 != null || e6 != null)) {
                throw new java.util.concurrent.CompletionException(unwrap(e4 != null ? e4 : e6));
            }
            return all;
        })).thenCompose(f -> f).thenCompose(all -> nonEmpty(name, all));
    }

    private static <T> CompletableFuture<List<T>> nonEmpty(String name, List<T> list) {
        return list.isEmpty()
                ? CompletableFuture.failedFuture(new UnknownHostException(name + ": no usable address"))
                : CompletableFuture.completedFuture(list);
    }

    private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            List<T> out = new ArrayList<>(futures.size());
            for (CompletableFuture<T> f : futures) {
                out.add(f.join());
            }
            return out;
        });
    }

    private static List<SipTarget> concat(List<Optional<List<SipTarget>>> lists) {
        List<SipTarget> out = new ArrayList<>();
        for (Optional<List<SipTarget>> l : lists) {
            l.ifPresent(out::addAll);
        }
        return out;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
