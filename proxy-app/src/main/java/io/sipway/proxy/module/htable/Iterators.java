package io.sipway.proxy.module.htable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * sht_iterator_start/next/end and $shtitkey/$shtitval (ht_api.c ht_iterator_*): up to 4 named
 * iterators per thread (Kamailio: per process), walking a table slot by slot. Kamailio keeps the
 * current slot locked while an iterator stands on it, so a script that writes the table between start
 * and end may deadlock; here an iterator walks the items as they were at its start, and needs no lock.
 */
final class Iterators {
    /** Kamailio's HT_ITERATOR_SIZE and HT_ITERATOR_NAME_SIZE. */
    static final int MAX = 4;
    static final int MAX_NAME = 32;

    private static final class It {
        Iterator<Map.Entry<String, HashTable.Cell>> rest;
        Map.Entry<String, HashTable.Cell> current;
    }

    private final ThreadLocal<Map<String, It>> mine = ThreadLocal.withInitial(HashMap::new);

    /** Starts (or restarts) iterator {@code name} over {@code t}; false when no more iterators or the name is too long. */
    boolean start(String name, HashTable t) {
        Map<String, It> its = mine.get();
        if (!its.containsKey(name) && (its.size() >= MAX || name.length() >= MAX_NAME)) {
            return false;
        }
        List<Map.Entry<String, HashTable.Cell>> items = new ArrayList<>();
        t.bySlot().values().forEach(items::addAll);
        It it = new It();
        it.rest = items.iterator();
        its.put(name, it);
        return true;
    }

    /** Moves to the next item; false at the end or for an iterator not started. */
    boolean next(String name) {
        It it = mine.get().get(name);
        if (it == null) {
            return false;
        }
        it.current = it.rest.hasNext() ? it.rest.next() : null;
        return it.current != null;
    }

    /** Closes the iterator; false when it was not started. */
    boolean end(String name) {
        return mine.get().remove(name) != null;
    }

    /** The item the iterator stands on, or null. */
    Map.Entry<String, HashTable.Cell> current(String name) {
        It it = mine.get().get(name);
        return it == null ? null : it.current;
    }
}
