package io.sipway.proxy.module.ipops;

import io.sipway.transport.NaptrRecord;
import io.sipway.transport.SrvRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The order srv_query and naptr_query store records in, as Kamailio's ipops sorts them: NAPTR by order
 * then preference; SRV by priority (a stable sort), then the records of one priority drawn at random by
 * weight (RFC 2782). Kamailio's loop over the priorities ends before it reaches the last one, whose
 * records keep the name server's order (so do all of them when they share one priority); kept here so
 * that a script sees what it sees with Kamailio 5.6.
 */
final class RecordOrder {
    private RecordOrder() {
    }

    static List<NaptrRecord> naptr(List<NaptrRecord> records) {
        List<NaptrRecord> out = new ArrayList<>(records);
        out.sort(Comparator.comparingInt(NaptrRecord::order).thenComparingInt(NaptrRecord::preference));
        return out;
    }

    static List<SrvRecord> srv(List<SrvRecord> records, RandomGenerator random) {
        List<SrvRecord> out = new ArrayList<>(records);
        out.sort(Comparator.comparingInt(SrvRecord::priority));
        int from = 0;
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).priority() != out.get(from).priority()) {
                if (i - from > 1) {
                    byWeight(out, from, i, random);
                }
                from = i;
            }
        }
        return out;
    }

    /**
     * sort_weights: zero weights first, running sums over the group; each place takes the first record
     * not yet taken whose running sum reaches a random number in [0, sum] (the sums are not recomputed
     * as records are taken, as in Kamailio), else the last record it passed.
     */
    private static void byWeight(List<SrvRecord> list, int from, int to, RandomGenerator random) {
        List<SrvRecord> group = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            if (list.get(i).weight() == 0) {
                group.add(list.get(i));
            }
        }
        for (int i = from; i < to; i++) {
            if (list.get(i).weight() != 0) {
                group.add(list.get(i));
            }
        }
        long[] sums = new long[group.size()];
        long sum = 0;
        for (int i = 0; i < group.size(); i++) {
            sum += group.get(i).weight();
            sums[i] = sum;
        }
        boolean[] taken = new boolean[group.size()];
        int lastPassed = -1;
        for (int place = from; place < to; place++) {
            long r = random.nextLong(sum + 1);
            int chosen = -1;
            for (int i = 0; i < group.size(); i++) {
                if (taken[i]) {
                    continue;
                }
                if (sums[i] >= r) {
                    chosen = i;
                    break;
                }
                lastPassed = i;
            }
            if (chosen < 0) {
                chosen = lastPassed >= 0 && !taken[lastPassed] ? lastPassed : lastFree(taken);
            }
            taken[chosen] = true;
            list.set(place, group.get(chosen));
        }
    }

    private static int lastFree(boolean[] taken) {
        for (int i = taken.length - 1; i >= 0; i--) {
            if (!taken[i]) {
                return i;
            }
        }
        throw new IllegalStateException("no record left");
    }
}
