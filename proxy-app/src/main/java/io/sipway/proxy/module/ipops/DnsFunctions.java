package io.sipway.proxy.module.ipops;

import static io.sipway.proxy.module.Routes.ANY;

import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.HostAddresses;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.PvExport;
import io.sipway.transport.NaptrRecord;
import io.sipway.transport.SrvRecord;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ipops' DNS functions and their pseudo-variables. Every name goes through the proxy's resolver (the
 * transport's DNS client, the hosts file, the cache by TTL): where Kamailio asks the system's resolver
 * (getaddrinfo: dns_query, dns_sys_match_ip) the resolver answers the hosts file, else the A and AAAA
 * records; where it asks its own (resolvehost: dns_int_match_ip; get_record: srv_query, naptr_query)
 * the resolver answers as the proxy resolves. The functions wait for the answer, so they are
 * {@code mayWait()}: their routes run on the workers, never on an event loop.
 */
final class DnsFunctions {
    private static final Logger LOG = LoggerFactory.getLogger("ipops");
    /** How long a function may wait for the resolver (which has its own query timeout). */
    private static final long WAIT_SECONDS = 10;
    /** dns_update_pv refuses longer host names (-2). */
    private static final int MAX_HOSTNAME = 255;

    private final Core core;

    private DnsFunctions(Core core) {
        this.core = core;
    }

    static void register(ModuleExports.Builder b, Core core) {
        new DnsFunctions(core).add(b);
    }

    private void add(ModuleExports.Builder b) {
        b.fn("dns_query", 2, 2, ANY, args -> {
            Format host = Format.of(args.get(0));
            Format pvid = Format.of(args.get(1));
            return ctx -> dnsQuery(ctx, host.apply(ctx), pvid.apply(ctx));
        }).mayWait().summary("the addresses of a host name (A and AAAA) into $dns(pvid=>count|addr|type|ipv4|ipv6[index]), 32 at most: 1, -2 for a name over 255 characters, "
                + "-4 when it does not resolve");
        b.fn("srv_query", 2, 2, ANY, args -> {
            Format name = Format.of(args.get(0));
            Format pvid = Format.of(args.get(1));
            return ctx -> srvQuery(ctx, name.apply(ctx), pvid.apply(ctx));
        }).mayWait().summary("the SRV records of a name (_sip._udp.example.com) into $srvquery(pvid=>count|port|priority|target|weight[index]), 32 at most, by priority then weight: "
                + "1 (count 0 when there are none), -2 for an empty name");
        b.fn("naptr_query", 2, 2, ANY, args -> {
            Format name = Format.of(args.get(0));
            Format pvid = Format.of(args.get(1));
            return ctx -> naptrQuery(ctx, name.apply(ctx), pvid.apply(ctx));
        }).mayWait().summary("the NAPTR records of a domain into $naptrquery(pvid=>count|order|pref|flags|services|regex|replace[index]), 32 at most, by order then preference: "
                + "1 (count 0 when there are none), -2 for an empty name");
        b.fn("dns_sys_match_ip", 2, 2, ANY, args -> {
            Format host = Format.of(args.get(0));
            Format ip = Format.of(args.get(1));
            return ctx -> match(host.apply(ctx), ip.apply(ctx), true);
        }).mayWait().summary("whether one of the host's addresses (hosts file, else A and AAAA records) is the address: "
                + "1, -1, -3 for no address, -4 when the host does not resolve");
        b.fn("dns_int_match_ip", 2, 2, ANY, args -> {
            Format host = Format.of(args.get(0));
            Format ip = Format.of(args.get(1));
            return ctx -> match(host.apply(ctx), ip.apply(ctx), false);
        }).mayWait().summary("whether the address is one the proxy resolves the host to (its A records, else its AAAA with dns_try_ipv6): "
                + "1, -1, -3 for no address, -4 when the host does not resolve");

        b.pvCompiling("dns", PvExport.Inner.REQUIRED, false, (n, pvs) -> dnsPv(DnsPvName.dns(n.inner(), pvs)));
        b.pvCompiling("srvquery", PvExport.Inner.REQUIRED, false,
                (n, pvs) -> srvPv(DnsPvName.records("srvquery", n.inner(), DnsPvName.SRV_KEYS, pvs)));
        b.pvCompiling("naptrquery", PvExport.Inner.REQUIRED, false,
                (n, pvs) -> naptrPv(DnsPvName.records("naptrquery", n.inner(), DnsPvName.NAPTR_KEYS, pvs)));
    }

    // ---- the functions --------------------------------------------------------------------------------

    /** dns_update_pv. */
    private long dnsQuery(ScriptContext ctx, String host, String pvid) {
        if (host.length() > MAX_HOSTNAME) {
            LOG.debug("target hostname too long (max 255): {}", host);
            return -2;
        }
        DnsResults results = DnsResults.of(ctx, true);
        if (results == null) {
            return -3; // Kamailio's "container not found"; 5.6 makes a container for any pvid, so only without a message
        }
        results.dns.put(pvid, DnsResults.Addresses.NONE);
        List<InetAddress> found = await(core.sipResolver().allAddresses(host, GlobalEventExecutor.INSTANCE), host);
        if (found == null) {
            LOG.error("unable to resolve {}", host);
            return -4;
        }
        if (found.size() > DnsResults.MAX_RECORDS) {
            LOG.warn("more than {} addresses for {} - truncating", DnsResults.MAX_RECORDS, host);
            found = found.subList(0, DnsResults.MAX_RECORDS);
        }
        List<String> addresses = new ArrayList<>(found.size());
        List<Integer> types = new ArrayList<>(found.size());
        for (InetAddress a : found) {
            addresses.add(NetUtil.toAddressString(a)); // inet_ntop's text: "::1", not Java's "0:0:0:0:0:0:0:1"
            types.add(a instanceof Inet4Address ? 4 : 6);
        }
        results.dns.put(pvid, new DnsResults.Addresses(List.copyOf(addresses), List.copyOf(types)));
        return 1;
    }

    /** srv_update_pv: no answer or no records is an empty container, still 1. */
    private long srvQuery(ScriptContext ctx, String name, String pvid) {
        if (name.isEmpty()) {
            LOG.debug("service name missing");
            return -2;
        }
        DnsResults results = DnsResults.of(ctx, true);
        if (results == null) {
            return -3;
        }
        List<SrvRecord> records = await(core.sipResolver().srv(name, GlobalEventExecutor.INSTANCE), name);
        records = records == null ? List.of() : firstRecords(records, "srv_query");
        List<SrvRecord> stored = new ArrayList<>(records.size());
        for (SrvRecord r : RecordOrder.srv(records, ThreadLocalRandom.current())) {
            stored.add(new SrvRecord(r.priority(), r.weight(), r.port(), DnsResults.cut(rootAsDot(r.target()))));
        }
        results.srv.put(pvid, List.copyOf(stored));
        return 1;
    }

    /** naptr_update_pv. */
    private long naptrQuery(ScriptContext ctx, String name, String pvid) {
        if (name.isEmpty()) {
            LOG.debug("naptr name missing");
            return -2;
        }
        DnsResults results = DnsResults.of(ctx, true);
        if (results == null) {
            return -3;
        }
        List<NaptrRecord> records = await(core.sipResolver().naptr(name, GlobalEventExecutor.INSTANCE), name);
        records = records == null ? List.of() : firstRecords(records, "naptr_query");
        List<NaptrRecord> stored = new ArrayList<>(records.size());
        for (NaptrRecord r : RecordOrder.naptr(records)) {
            stored.add(new NaptrRecord(r.order(), r.preference(), DnsResults.cut(r.flags()), DnsResults.cut(r.services()),
                    DnsResults.cut(r.regexp()), DnsResults.cut(rootAsDot(r.replacement()))));
        }
        results.naptr.put(pvid, List.copyOf(stored));
        return 1;
    }

    private static <T> List<T> firstRecords(List<T> records, String function) {
        if (records.size() <= DnsResults.MAX_RECORDS) {
            return records;
        }
        LOG.warn("truncating {} list to {} records!", function, DnsResults.MAX_RECORDS);
        return records.subList(0, DnsResults.MAX_RECORDS);
    }

    /** dn_expand writes the root as "."; the resolver's names drop the final dot, the root's too. */
    private static String rootAsDot(String name) {
        return name.isEmpty() ? "." : name;
    }

    /**
     * ki_dns_sys_match_ip (all the host's addresses) and ki_dns_int_match_ip (resolvehost: the A
     * records, else the AAAA records, as Kamailio's hostent holds one family).
     */
    private long match(String host, String ip, boolean system) {
        InetAddress address = address(ip);
        if (address == null) {
            LOG.error("invalid ip address: {}", ip);
            return -3;
        }
        Future<List<InetAddress>> f = system ? core.sipResolver().allAddresses(host, GlobalEventExecutor.INSTANCE)
                : core.sipResolver().addresses(host, GlobalEventExecutor.INSTANCE);
        List<InetAddress> found = await(f, host);
        if (found == null) {
            LOG.debug("could not resolve {}", host);
            return -4;
        }
        if (!system) {
            boolean v4 = found.stream().anyMatch(a -> a instanceof Inet4Address);
            found = found.stream().filter(a -> (a instanceof Inet4Address) == v4).toList();
        }
        for (InetAddress a : found) {
            if (a.equals(address)) {
                return 1;
            }
        }
        return -1;
    }

    /** strtoipX: with a '[' or a ':' the text must be an IPv6 address (brackets allowed), else an IPv4 one. */
    private static InetAddress address(String ip) {
        if (ip == null || ip.isEmpty()) {
            return null;
        }
        boolean v6 = ip.charAt(0) == '[' || ip.indexOf(':') >= 0;
        IpText.Type t = IpText.type(ip);
        if (v6 ? t != IpText.Type.IPV6 && t != IpText.Type.IPV6_REFERENCE : t != IpText.Type.IPV4) {
            return null;
        }
        String text = t == IpText.Type.IPV6_REFERENCE ? ip.trim().substring(1, ip.trim().length() - 1) : ip.trim();
        InetAddress a = HostAddresses.literal(text);
        return v6 && !(a instanceof Inet6Address) ? null : a;
    }

    /** The answer, or null when the resolver failed or did not answer in time. */
    private static <T> T await(Future<T> f, String name) {
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("DNS lookup of {} failed: {}", name, e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // ---- the pseudo-variables -------------------------------------------------------------------------

    /** pv_get_dns: every key reads through the index, count and ipv4/ipv6 too (so an empty container reads $null). */
    private static Pv dnsPv(DnsPvName name) {
        return ctx -> {
            DnsResults r = DnsResults.of(ctx, false);
            DnsResults.Addresses item = r == null ? DnsResults.Addresses.NONE
                    : r.dns.getOrDefault(name.container(), DnsResults.Addresses.NONE);
            Integer i = position(name.index(ctx), item.addresses().size());
            if (i == null) {
                return null;
            }
            return switch (name.key()) {
                case 0 -> item.addresses().get(i);
                case 1 -> (long) item.types().get(i);
                case 2 -> item.any(4) ? 1L : 0L;
                case 3 -> item.any(6) ? 1L : 0L;
                default -> (long) item.addresses().size();
            };
        };
    }

    private static Pv srvPv(DnsPvName name) {
        return recordsPv(name, r -> r.srv.get(name.container()), (s, key) -> switch (key) {
            case 1 -> (long) s.port();
            case 2 -> (long) s.priority();
            case 3 -> s.target();
            default -> (long) s.weight();
        });
    }

    private static Pv naptrPv(DnsPvName name) {
        return recordsPv(name, r -> r.naptr.get(name.container()), (n, key) -> switch (key) {
            case 1 -> (long) n.order();
            case 2 -> (long) n.preference();
            case 3 -> n.flags();
            case 4 -> n.services();
            case 5 -> n.regexp();
            default -> n.replacement();
        });
    }

    private interface Field<T> {
        Object of(T record, int key);
    }

    /** pv_get_srv and pv_get_naptr: count reads without an index, the other keys through it. */
    private static <T> Pv recordsPv(DnsPvName name, Function<DnsResults, List<T>> container, Field<T> field) {
        return ctx -> {
            DnsResults r = DnsResults.of(ctx, false);
            List<T> records = r == null ? null : container.apply(r);
            if (records == null) {
                records = List.of();
            }
            if (name.key() == 0) {
                return (long) records.size();
            }
            Integer i = position(name.index(ctx), records.size());
            return i == null ? null : field.of(records.get(i), name.key());
        };
    }

    /** The position an index names (negative: from the end), or null when there is none. */
    private static Integer position(Long index, int count) {
        if (index == null) {
            return null;
        }
        long i = index < 0 ? count + index : index;
        return i < 0 || i >= count ? null : (int) i;
    }
}
