package io.sipway.proxy.module.dispatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One destination set (Kamailio's ds_set_t): its destinations in Kamailio's order, and the
 * per-set state the algorithms keep: the round-robin position, and the two tables of 100 slots
 * that weight (9) and relative weight (11) walk through, so that within every 100 calls each
 * destination gets exactly its percentage. The counters and the destinations' flags change under
 * this object's lock, held only for the update (never across a send or a route).
 *
 * <p>Order: Kamailio keeps each set as a list sorted by ascending priority, a new destination going
 * after those of the same priority, then copies it backwards into an array: the highest priority is
 * first, and among equal priorities the one written last in the file (or read last from the table)
 * comes first. Algorithm 8 and the fail-over order follow that array.
 */
final class DsSet {
    final int id;
    final Destination[] dests;
    private final int[] wlist = new int[100];
    private final int[] rwlist = new int[100];
    private final Random random;
    private int last;
    private int wlast;
    private int rwlast;

    DsSet(int id, List<Destination> inFileOrder, Random random) {
        this.id = id;
        this.random = random;
        List<Destination> ascending = new ArrayList<>();
        for (Destination d : inFileOrder) {
            int at = 0;
            while (at < ascending.size() && ascending.get(at).priority <= d.priority) {
                at++;
            }
            ascending.add(at, d);
        }
        dests = new Destination[ascending.size()];
        for (int i = 0; i < dests.length; i++) {
            dests[i] = ascending.get(dests.length - 1 - i);
        }
        initWeights();
        initRelativeWeights();
    }

    int size() {
        return dests.length;
    }

    /** The round-robin position, moved on by one (algorithms 4 and 5 without credentials). */
    synchronized int nextRoundRobin(int[] seen) {
        int h = last;
        last = (last + 1) % dests.length;
        seen[0] = last;
        return h;
    }

    /** After a round-robin pick that skipped to {@code picked}: the next call starts after it, unless another call moved on meanwhile. */
    synchronized void roundRobinPicked(int seen, int picked) {
        if (last == seen) {
            last = (picked + 1) % dests.length;
        }
    }

    synchronized int nextWeighted() {
        int h = wlist[wlast];
        wlast = (wlast + 1) % 100;
        return h;
    }

    synchronized int nextRelativeWeighted() {
        int h = rwlist[rwlast];
        rwlast = (rwlast + 1) % 100;
        return h;
    }

    synchronized int flags(int i) {
        return dests[i].flags;
    }

    /**
     * dp_init_weights: each destination's index as many times as its weight (percent), the rest of
     * the 100 slots for the last destination, shuffled. Nothing when the first has no weight.
     */
    private void initWeights() {
        if (dests.length == 0 || dests[0].attrs.weight() == 0) {
            return;
        }
        int t = 0;
        fill:
        for (int j = 0; j < dests.length; j++) {
            for (int k = 0; k < dests[j].attrs.weight(); k++) {
                if (t >= 100) {
                    break fill;
                }
                wlist[t++] = j;
            }
        }
        for (; t < 100; t++) {
            wlist[t] = dests.length - 1;
        }
        shuffle(wlist);
    }

    /**
     * dp_init_relative_weights: the usable destinations' rweights scaled to 100 slots (truncated; the
     * last usable one takes what truncation leaves), shuffled. Made again when a destination with
     * an rweight becomes usable or unusable. Needs two destinations at least.
     */
    synchronized void initRelativeWeights() {
        if (dests.length < 2) {
            return;
        }
        int sum = 0;
        for (Destination d : dests) {
            if (!Destination.skipped(d.flags)) {
                sum += d.attrs.rweight();
            }
        }
        if (sum == 0) {
            return;
        }
        int t = 0;
        for (int j = 0; j < dests.length; j++) {
            if (Destination.skipped(dests[j].flags)) {
                continue;
            }
            int slice = dests[j].attrs.rweight() * 100 / sum;
            for (int k = 0; k < slice; k++) {
                rwlist[t++] = j;
            }
        }
        int lastInsert = t > 0 ? rwlist[t - 1] : dests.length - 1;
        for (int j = t; j < 100; j++) {
            rwlist[j] = lastInsert;
        }
        shuffle(rwlist);
    }

    private void shuffle(int[] a) {
        for (int j = 0; j < a.length; j++) {
            int k = j + random.nextInt(a.length - j);
            int x = a[j];
            a[j] = a[k];
            a[k] = x;
        }
    }
}
