package io.sipway.proxy.core;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The counters the core and its modules keep, by Kamailio's "group:name" (core:rcv_requests). */
final class Statistics {
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    /** The counter of that name, made on first use. */
    LongAdder counter(String name) {
        return counters.computeIfAbsent(name, k -> new LongAdder());
    }

    /** Its value, 0 for a counter never made. */
    long value(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    /** The counter of that full name, else the first whose name after the group is {@code name}, else null. */
    LongAdder named(String name) {
        LongAdder exact = counters.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, LongAdder> e : counters.entrySet()) {
            String k = e.getKey();
            int colon = k.indexOf(':');
            if (colon >= 0 && k.substring(colon + 1).equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Every counter's value, sorted by name. */
    SortedMap<String, Long> snapshot() {
        SortedMap<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
