package io.sipway.proxy.module.tsilo;

import io.sipway.tm.ServerTransaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * tsilo's table (ts_hash.c): for each stored R-URI key, the transactions stored for it, each with an
 * index and a label that name it to {@code ts_append_to()} and the RPC commands. Kamailio's are tm's
 * hash index and label; Sipway's tm has none to show, so the silo gives its own: the index is the
 * key's slot in a table of {@code hash_size} slots, the label a counter. An entry leaves when its
 * transaction sends its final reply upstream (Kamailio: when tm frees it, a wait_timer later).
 * Each key's list changes under the map's lock for that key.
 */
final class Silo {
    /** One stored transaction. */
    record Stored(ServerTransaction st, int tindex, int tlabel, String ruri) {
    }

    private final ConcurrentHashMap<String, List<Stored>> table = new ConcurrentHashMap<>();
    /** The keys each stored transaction is under: the end of a transaction costs one lookup. */
    private final ConcurrentHashMap<ServerTransaction, java.util.Set<String>> keysOf = new ConcurrentHashMap<>();
    private final AtomicInteger labels = new AtomicInteger();
    final int size;
    final LongAdder storedRuris;
    final LongAdder storedTransactions;
    final LongAdder totalRuris;
    final LongAdder totalTransactions;
    final LongAdder addedBranches;

    Silo(int size, LongAdder storedRuris, LongAdder storedTransactions, LongAdder totalRuris, LongAdder totalTransactions,
         LongAdder addedBranches) {
        this.size = size;
        this.storedRuris = storedRuris;
        this.storedTransactions = storedTransactions;
        this.totalRuris = totalRuris;
        this.totalTransactions = totalTransactions;
        this.addedBranches = addedBranches;
    }

    /** hash_size as Kamailio takes it: at least 1, rounded down to a power of two. */
    static int slots(int hashSize) {
        return hashSize < 1 ? 1 : Integer.highestOneBit(hashSize);
    }

    int slot(String key) {
        return key.hashCode() & (size - 1);
    }

    /** ts_store: the transaction under {@code key}, once. */
    void store(String key, ServerTransaction st, String ruri) {
        table.compute(key, (k, list) -> {
            if (list == null) {
                list = new ArrayList<>();
                storedRuris.increment();
                totalRuris.increment();
            }
            for (Stored s : list) {
                if (s.st() == st) {
                    return list;
                }
            }
            list.add(new Stored(st, slot(k), labels.incrementAndGet(), ruri));
            keysOf.computeIfAbsent(st, t -> ConcurrentHashMap.newKeySet()).add(k);
            storedTransactions.increment();
            totalTransactions.increment();
            return list;
        });
    }

    /** The transactions stored under {@code key} (a copy), or null when there is no record. */
    List<Stored> get(String key) {
        List<Stored> out = new ArrayList<>();
        boolean[] found = {false};
        table.computeIfPresent(key, (k, list) -> {
            found[0] = true;
            out.addAll(list);
            return list;
        });
        return found[0] ? out : null;
    }

    /** The stored transaction with this index and label, or null. */
    Stored find(int tindex, int tlabel) {
        for (String key : table.keySet()) {
            List<Stored> list = get(key);
            for (Stored s : list == null ? List.<Stored>of() : list) {
                if (s.tindex() == tindex && s.tlabel() == tlabel) {
                    return s;
                }
            }
        }
        return null;
    }

    /** The transaction ended: it leaves every record, and a record left empty goes. */
    void remove(ServerTransaction st) {
        java.util.Set<String> keys = keysOf.remove(st);
        if (keys == null) {
            return; // not stored: the common case, one lookup
        }
        for (String key : keys) {
            table.computeIfPresent(key, (k, list) -> {
                if (list.removeIf(s -> s.st() == st)) {
                    storedTransactions.decrement();
                }
                if (list.isEmpty()) {
                    storedRuris.decrement();
                    return null;
                }
                return list;
            });
        }
    }

    /** A snapshot: key to its transactions, in no particular order. */
    Map<String, List<Stored>> snapshot() {
        Map<String, List<Stored>> out = new LinkedHashMap<>();
        for (String key : table.keySet()) {
            List<Stored> l = get(key);
            if (l != null) {
                out.put(key, l);
            }
        }
        return out;
    }
}
