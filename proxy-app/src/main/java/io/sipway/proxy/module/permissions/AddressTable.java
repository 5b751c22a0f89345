package io.sipway.proxy.module.permissions;

import io.sipway.proxy.core.HostAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One load of permissions' {@code address} table, as Kamailio's address.c and hash.c keep it: rows
 * whose address is an IP with a full mask (/32, /128, or 0, which means full) go into an exact-address
 * table, rows with a shorter mask into a subnet table kept sorted by group (at most {@code max_subnets}
 * of them, else the load fails), and rows whose address is no IP into a list of domain names matched
 * literally (no DNS). Port 0 in a row matches any port. Never changed once built: a reload builds a
 * new one and swaps it in, so lookups take no lock.
 */
final class AddressTable {
    /** One row: its group, the address (null for a domain name), its mask in bits, port (0: any) and tag (null: none). */
    record Entry(int grp, InetAddress addr, String name, int mask, int port, String tag) {
        boolean portMatches(int p) {
            return port == 0 || port == p;
        }
    }

    static final AddressTable EMPTY = new AddressTable(Map.of(), List.of(), List.of());

    /** Exact addresses, each address's rows newest first (Kamailio inserts at the head of the hash bucket). */
    private final Map<InetAddress, List<Entry>> exact;
    /** Subnets in ascending group order, rows of one group in load order. */
    private final List<Entry> subnets;
    /** Domain names, newest first. */
    private final List<Entry> names;

    private AddressTable(Map<InetAddress, List<Entry>> exact, List<Entry> subnets, List<Entry> names) {
        this.exact = exact;
        this.subnets = subnets;
        this.names = names;
    }

    /** Builds a table row by row; {@link #add} refuses a subnet beyond {@code maxSubnets}. */
    static final class Builder {
        private final int maxSubnets;
        private final Map<InetAddress, List<Entry>> exact = new HashMap<>();
        private final List<Entry> subnets = new ArrayList<>();
        private final List<Entry> names = new ArrayList<>();

        Builder(int maxSubnets) {
            this.maxSubnets = maxSubnets;
        }

        /** One row as the table holds it; an {@code ip} that is no IP literal is a domain name. */
        Builder add(int grp, String ip, int mask, int port, String tag) {
            InetAddress a = ip == null ? null : HostAddresses.literal(ip.trim());
            if (a == null) {
                names.add(0, new Entry(grp, null, ip == null ? "" : ip.trim().toLowerCase(Locale.ROOT), 0, port, tag));
                return this;
            }
            int full = a.getAddress().length * 8;
            if (mask < 0 || mask > full) {
                throw new IllegalArgumentException("bad mask " + mask + " for " + ip);
            }
            int bits = mask == 0 ? full : mask;
            if (bits == full) {
                exact.computeIfAbsent(a, k -> new ArrayList<>()).add(0, new Entry(grp, a, null, bits, port, tag));
                return this;
            }
            if (subnets.size() >= maxSubnets) {
                throw new IllegalStateException("subnet table is full (max_subnets " + maxSubnets + ")");
            }
            int at = subnets.size();
            while (at > 0 && subnets.get(at - 1).grp() > grp) {
                at--;
            }
            subnets.add(at, new Entry(grp, a, null, bits, port, tag));
            return this;
        }

        AddressTable build() {
            Map<InetAddress, List<Entry>> e = new HashMap<>();
            exact.forEach((k, v) -> e.put(k, List.copyOf(v)));
            return new AddressTable(Map.copyOf(e), List.copyOf(subnets), List.copyOf(names));
        }
    }

    /** The row of group {@code grp} matching an IP and port, exact addresses first, then subnets; null for none. */
    Entry match(int grp, InetAddress ip, int port) {
        for (Entry e : exact.getOrDefault(ip, List.of())) {
            if (e.grp() == grp && e.portMatches(port)) {
                return e;
            }
        }
        for (Entry e : subnets) {
            if (e.grp() > grp) {
                break;
            }
            if (e.grp() == grp && e.portMatches(port) && inSubnet(ip, e)) {
                return e;
            }
        }
        return null;
    }

    /** The row of group {@code grp} naming this domain (case-insensitive, no DNS) with a matching port; null for none. */
    Entry matchName(int grp, String name, int port) {
        for (Entry e : names) {
            if (e.grp() == grp && e.portMatches(port) && e.name().equalsIgnoreCase(name)) {
                return e;
            }
        }
        return null;
    }

    /** The first row matching an IP and port in any group (exact addresses, then subnets by group), or null. */
    Entry firstMatch(InetAddress ip, int port) {
        for (Entry e : exact.getOrDefault(ip, List.of())) {
            if (e.portMatches(port)) {
                return e;
            }
        }
        for (Entry e : subnets) {
            if (e.portMatches(port) && inSubnet(ip, e)) {
                return e;
            }
        }
        return null;
    }

    /** The first domain-name row matching in any group, or null. */
    Entry firstMatchName(String name, int port) {
        for (Entry e : names) {
            if (e.portMatches(port) && e.name().equalsIgnoreCase(name)) {
                return e;
            }
        }
        return null;
    }

    static boolean inSubnet(InetAddress ip, Entry net) {
        byte[] a = ip.getAddress();
        byte[] n = net.addr().getAddress();
        if (a.length != n.length) {
            return false;
        }
        int bits = net.mask();
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
            int m = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((a[i] & m) != (n[i] & m)) {
                return false;
            }
        }
        return true;
    }

    /** Rows of the exact-address table (permissions.addressDump). */
    List<Entry> exactRows() {
        List<Entry> out = new ArrayList<>();
        exact.values().forEach(out::addAll);
        return out;
    }

    List<Entry> subnetRows() {
        return subnets;
    }

    List<Entry> nameRows() {
        return names;
    }
}
