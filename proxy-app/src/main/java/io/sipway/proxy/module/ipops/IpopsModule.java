package io.sipway.proxy.module.ipops;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.module.ModuleExports;
import java.util.function.Predicate;

/**
 * ipops (https://kamailio.org/docs/modules/5.6.x/modules/ipops.html): tests of IP addresses written as
 * text, each answering 1 (true) or -1 (false), as Kamailio's do. An IPv6 "reference" is an address in
 * brackets ({@code [::1]}); the "pure" tests refuse it. These never ask DNS. The DNS functions
 * (dns_query, srv_query, naptr_query, dns_sys_match_ip, dns_int_match_ip, with $dns, $srvquery and
 * $naptrquery) are in {@link DnsFunctions}. Not here (refused at load): detailed_ip_type and its IPv4/IPv6
 * variants, dns_set_local_ttl, $HN.
 */
public final class IpopsModule {
    private IpopsModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("ipops", "https://kamailio.org/docs/modules/5.6.x/modules/ipops.html");
        test(b, "is_ip", t -> IpText.type(t) != IpText.Type.NONE, "an IPv4 address, an IPv6 address or an IPv6 reference ([...])");
        test(b, "is_pure_ip", t -> IpText.type(t) == IpText.Type.IPV4 || IpText.type(t) == IpText.Type.IPV6,
                "an IPv4 or IPv6 address, not in brackets");
        test(b, "is_ipv4", t -> IpText.type(t) == IpText.Type.IPV4, "an IPv4 address");
        test(b, "is_ipv6", t -> IpText.type(t) == IpText.Type.IPV6, "an IPv6 address, not in brackets");
        test(b, "is_ipv6_reference", t -> IpText.type(t) == IpText.Type.IPV6_REFERENCE, "an IPv6 address in brackets");
        test(b, "is_ip_rfc1918", IpText::isRfc1918, "an IPv4 address of the private ranges of RFC 1918");
        b.fn("ip_type", 1, 1, ANY, args -> {
            Format ip = Format.of(args.get(0));
            return ctx -> switch (IpText.type(ip.apply(ctx))) {
                case IPV4 -> 1;
                case IPV6 -> 2;
                case IPV6_REFERENCE -> 3;
                case NONE -> -1;
            };
        }).summary("1 for IPv4, 2 for IPv6, 3 for an IPv6 reference, -1 for no address");
        pair(b, "compare_ips", true, "whether two addresses are the same (IPv6 compared as numbers, references allowed)");
        pair(b, "compare_pure_ips", false, "compare_ips without IPv6 references");
        b.fn("is_in_subnet", 2, 2, ANY, args -> {
            Format ip = Format.of(args.get(0));
            Format subnets = Format.of(args.get(1));
            return ctx -> IpText.inAnySubnet(ip.apply(ctx), subnets.apply(ctx)) ? 1 : -1;
        }).summary("whether the address is in the subnet, or in one of a comma-separated list of them (a.b.c.d/n, ipv6/n)");
        DnsFunctions.register(b, core);
        return b.build();
    }

    private static void test(ModuleExports.Builder b, String name, Predicate<String> test, String what) {
        b.fn(name, 1, 1, ANY, args -> {
            Format ip = Format.of(args.get(0));
            return ctx -> test.test(ip.apply(ctx)) ? 1 : -1;
        }).summary("whether the text is " + what);
    }

    private static void pair(ModuleExports.Builder b, String name, boolean references, String summary) {
        b.fn(name, 2, 2, ANY, args -> {
            Format a = Format.of(args.get(0));
            Format c = Format.of(args.get(1));
            return ctx -> IpText.same(a.apply(ctx), c.apply(ctx), references) ? 1 : -1;
        }).summary(summary);
    }
}
