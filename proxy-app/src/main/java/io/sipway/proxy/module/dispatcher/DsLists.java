package io.sipway.proxy.module.dispatcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The destination sets of one load (list file or table). A reload builds a new one and swaps it in
 * whole, as Kamailio swaps its two list heads: a selection never sees half a reload, and the
 * states set at run time (ds_mark_dst, the RPC) start again from the loaded flags.
 */
final class DsLists {
    static final DsLists EMPTY = new DsLists(Map.of(), List.of());

    private final Map<Integer, DsSet> byId;
    private final List<DsSet> walk;

    private DsLists(Map<Integer, DsSet> byId, List<DsSet> walk) {
        this.byId = byId;
        this.walk = walk;
    }

    /** The set of that id, or null. */
    DsSet set(int id) {
        return byId.get(id);
    }

    /** The sets in Kamailio's walk order ({@link SetOrder}). */
    List<DsSet> sets() {
        return walk;
    }

    int count() {
        return walk.size();
    }

    /** Collects destinations set by set, in the order they are read. */
    static final class Builder {
        private final Map<Integer, List<Destination>> sets = new LinkedHashMap<>();
        private final SetOrder order = new SetOrder();

        void add(int setId, Destination d) {
            sets.computeIfAbsent(setId, k -> {
                order.insert(k);
                return new ArrayList<>();
            }).add(d);
        }

        DsLists build(Random random) {
            Map<Integer, DsSet> byId = new LinkedHashMap<>();
            sets.forEach((id, list) -> byId.put(id, new DsSet(id, list, random)));
            List<DsSet> walk = new ArrayList<>();
            for (int id : order.walk()) {
                walk.add(byId.get(id));
            }
            return new DsLists(Collections.unmodifiableMap(byId), List.copyOf(walk));
        }
    }
}
