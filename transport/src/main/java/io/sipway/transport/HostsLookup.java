package io.sipway.transport;

import io.netty.resolver.DefaultHostsFileEntriesResolver;
import io.netty.resolver.HostsFileEntriesProvider;
import io.netty.resolver.ResolvedAddressTypes;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hosts file, read before DNS: a name it lists is answered from it and never asked of a server
 * (what the system resolver does, and what operators expect of names they pin there).
 */
interface HostsLookup {
    /** The addresses listed for {@code name} (normalized: lower case, no final dot), IPv4 first; empty when not listed. */
    List<InetAddress> addresses(String name, boolean ipv6);

    /** The system's hosts file through Netty's resolver, which re-reads it when it changes. */
    static HostsLookup system() {
        DefaultHostsFileEntriesResolver hosts = new DefaultHostsFileEntriesResolver();
        return (name, ipv6) -> join(hosts.addresses(name, ResolvedAddressTypes.IPV4_ONLY),
                ipv6 ? hosts.addresses(name, ResolvedAddressTypes.IPV6_ONLY) : null);
    }

    /** A hosts file read once, now (tests, or a deployment that pins its own). */
    static HostsLookup file(Path path) throws IOException {
        HostsFileEntriesProvider entries = HostsFileEntriesProvider.parser().parse(path.toFile());
        Map<String, List<InetAddress>> v4 = entries.ipv4Entries();
        Map<String, List<InetAddress>> v6 = entries.ipv6Entries();
        return (name, ipv6) -> join(v4.get(name), ipv6 ? v6.get(name) : null);
    }

    private static List<InetAddress> join(List<InetAddress> v4, List<InetAddress> v6) {
        List<InetAddress> all = new ArrayList<>();
        if (v4 != null) {
            all.addAll(v4);
        }
        if (v6 != null) {
            all.addAll(v6);
        }
        return all;
    }
}
