package io.sipway.transport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/** The order in which SRV targets are tried (RFC 2782, "Usage rules"). */
final class SrvOrder {
    private SrvOrder() {
    }

    /**
     * Lower priority first. Within one priority, with {@code loadBalance} ({@code dns_srv_lb=yes})
     * RFC 2782's weighted random selection: zero weights first, running sums, a random number in
     * [0, sum], the first record whose running sum reaches it is next; repeated until none is left.
     * Without it a fixed order, higher weight first (stable), so every request goes to the same host.
     */
    static List<DnsRdata.Srv> order(List<DnsRdata.Srv> records, boolean loadBalance, RandomGenerator random) {
        List<DnsRdata.Srv> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingInt(DnsRdata.Srv::priority));
        if (!loadBalance) {
            sorted.sort(Comparator.comparingInt(DnsRdata.Srv::priority).thenComparing(Comparator.comparingInt(DnsRdata.Srv::weight).reversed()));
            return sorted;
        }
        List<DnsRdata.Srv> out = new ArrayList<>(sorted.size());
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && sorted.get(j).priority() == sorted.get(i).priority()) {
                j++;
            }
            out.addAll(weighted(sorted.subList(i, j), random));
            i = j;
        }
        return out;
    }

    private static List<DnsRdata.Srv> weighted(List<DnsRdata.Srv> group, RandomGenerator random) {
        List<DnsRdata.Srv> left = new ArrayList<>(group);
        // "all those with weight 0 are placed at the beginning of the list"
        left.sort(Comparator.comparingInt(s -> s.weight() == 0 ? 0 : 1));
        List<DnsRdata.Srv> out = new ArrayList<>(left.size());
        while (!left.isEmpty()) {
            long sum = 0;
            for (DnsRdata.Srv s : left) {
                sum += s.weight();
            }
            long pick = random.nextLong(sum + 1); // uniform in [0, sum]
            long running = 0;
            int chosen = left.size() - 1;
            for (int k = 0; k < left.size(); k++) {
                running += left.get(k).weight();
                if (running >= pick) {
                    chosen = k;
                    break;
                }
            }
            out.add(left.remove(chosen));
        }
        return out;
    }
}
