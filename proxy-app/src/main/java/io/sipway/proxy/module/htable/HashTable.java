package io.sipway.proxy.module.htable;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;

/**
 * One htable (ht_api.c): items by name, case-sensitive, each an integer (Long) or a string, with the
 * second it expires at (0: never). Scripts use a table from every event loop and worker at once: the
 * items live in a ConcurrentHashMap, reads take no lock, and every change to an item takes the lock
 * of its slot, Kamailio's unit of locking, so that {@code sht_lock("t=>k")} ... {@code sht_unlock}
 * makes a read-modify-write of that item atomic against every other writer, as in Kamailio. The
 * locks are reentrant per thread (Kamailio's are per process).
 *
 * <p>Expiry follows Kamailio: only tables with {@code autoexpire} expire items; an expired item reads
 * as missing at once (the check on read), and a periodic sweep ({@link #sweep()}, off the event loops)
 * frees it. The number of slots (2^size) is not a cap: as in Kamailio, a table holds as many items as
 * memory allows.
 */
final class HashTable {
    /** More slots than this share locks (a table of size 31 would otherwise need 2^31 of them). */
    private static final int MAX_LOCKS = 1 << 14;

    /** One item: a Long or a String, and its expiry in epoch seconds (0: never). */
    record Cell(Object value, long expire) {
    }

    final TableSpec spec;
    private final Clock clock;
    private final Map<String, Cell> cells = new ConcurrentHashMap<>();
    private final ReentrantLock[] locks;
    /** Whether the table was loaded from its dbtable (dbmode writes back only then, as Kamailio's dbload). */
    volatile boolean loadedFromDb;

    HashTable(TableSpec spec, Clock clock) {
        this.spec = spec;
        this.clock = clock;
        int n = (int) Math.min(spec.slots(), MAX_LOCKS);
        locks = new ReentrantLock[n];
        for (int i = 0; i < n; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    String name() {
        return spec.name();
    }

    long now() {
        return clock.instant().getEpochSecond();
    }

    /** The slot of an item, as htable.dump and htable.stats show it. */
    long slot(String key) {
        return (key.hashCode() & 0xffffffffL) & (spec.slots() - 1);
    }

    private ReentrantLock lockOf(String key) {
        return locks[(int) (slot(key) & (locks.length - 1))];
    }

    private boolean expired(Cell c, long now) {
        return spec.autoexpire() > 0 && c.expire != 0 && c.expire < now;
    }

    /** The item, or null when missing or expired. */
    Cell cell(String key) {
        Cell c = cells.get(key);
        return c == null || expired(c, now()) ? null : c;
    }

    /** $sht(t=>k): the value, or initval (else $null) when the item is missing or expired. */
    Object get(String key) {
        Cell c = cell(key);
        return c == null ? spec.initval() : c.value;
    }

    /** $sht(t=>k) = v (ht_set_cell): a new item lives autoexpire seconds; an update restarts that when updateexpire. */
    void set(String key, Object value) {
        ReentrantLock l = lockOf(key);
        l.lock();
        try {
            Cell old = cells.get(key);
            long now = spec.autoexpire() > 0 ? now() : 0;
            long expire = old == null || spec.updateExpire() ? now + spec.autoexpire() : old.expire;
            cells.put(key, new Cell(value, expire));
        } finally {
            l.unlock();
        }
    }

    /** Loads an item with its own expiry (the database's), as ht_set_cell_ex does. */
    void put(String key, Object value, long expire) {
        ReentrantLock l = lockOf(key);
        l.lock();
        try {
            cells.put(key, new Cell(value, expire));
        } finally {
            l.unlock();
        }
    }

    /** $sht(t=>k) = $null, sht_rm: whether an item was there. */
    boolean delete(String key) {
        ReentrantLock l = lockOf(key);
        l.lock();
        try {
            return cells.remove(key) != null;
        } finally {
            l.unlock();
        }
    }

    /** $shtex(t=>k): seconds until the item expires; 0 without autoexpire or item (ht_get_cell_expire). */
    long expiresIn(String key) {
        if (spec.autoexpire() == 0) {
            return 0;
        }
        Cell c = cells.get(key);
        long now = now();
        return c == null || c.expire == 0 || c.expire < now ? 0 : c.expire - now;
    }

    /**
     * $shtex(t=>k) = n (ht_set_cell_expire): the item expires n seconds from now, never when n is 0 or
     * not a number (a string or $null written there reads as 0, as in Kamailio); nothing without autoexpire.
     */
    void expireIn(String key, Object n) {
        if (spec.autoexpire() == 0) {
            return;
        }
        long secs = n instanceof Long v ? v : 0;
        long expire = secs > 0 ? now() + secs : 0;
        ReentrantLock l = lockOf(key);
        l.lock();
        try {
            cells.computeIfPresent(key, (k, c) -> new Cell(c.value, expire));
        } finally {
            l.unlock();
        }
    }

    /**
     * $shtinc/$shtdec (ht_cell_value_add): the new integer value, or null ($null) when the item holds a
     * string, or is missing (or expired) in a table without initval; a missing one starts at initval.
     */
    Long add(String key, long delta) {
        ReentrantLock l = lockOf(key);
        l.lock();
        try {
            long now = spec.autoexpire() > 0 ? now() : 0;
            Cell c = cells.get(key);
            Long base;
            if (c == null || expired(c, now)) {
                if (spec.initval() == null) {
                    return null;
                }
                base = spec.initval();
            } else if (c.value instanceof Long n) {
                base = n;
            } else {
                return null; // a string cannot be incremented
            }
            long expire = c == null || expired(c, now) || spec.updateExpire() ? now + spec.autoexpire() : c.expire;
            long v = base + delta;
            cells.put(key, new Cell(v, expire));
            return v;
        } finally {
            l.unlock();
        }
    }

    /** Removes the items whose name and cell match; returns how many. */
    int removeIf(BiPredicate<String, Cell> match) {
        int n = 0;
        for (Map.Entry<String, Cell> e : cells.entrySet()) {
            if (match.test(e.getKey(), e.getValue())) {
                ReentrantLock l = lockOf(e.getKey());
                l.lock();
                try {
                    Cell now = cells.get(e.getKey());
                    if (now != null && match.test(e.getKey(), now) && cells.remove(e.getKey(), now)) {
                        n++;
                    }
                } finally {
                    l.unlock();
                }
            }
        }
        return n;
    }

    /** sht_reset: every item goes. */
    void reset() {
        removeIf((k, c) -> true);
    }

    /** Frees the expired items (Kamailio's ht_timer); returns how many. */
    int sweep() {
        return sweep(null);
    }

    /**
     * Frees the expired items, first handing each to {@code onExpired} (event_route[htable:expired:t])
     * under its slot's lock, as ht_timer does: an item the handler gave a new life stays.
     */
    int sweep(java.util.function.BiConsumer<String, Cell> onExpired) {
        if (spec.autoexpire() == 0) {
            return 0;
        }
        long now = now();
        int n = 0;
        for (Map.Entry<String, Cell> e : cells.entrySet()) {
            if (!expired(e.getValue(), now)) {
                continue;
            }
            ReentrantLock l = lockOf(e.getKey());
            l.lock();
            try {
                Cell c = cells.get(e.getKey());
                if (c == null || !expired(c, now)) {
                    continue;
                }
                if (onExpired != null) {
                    onExpired.accept(e.getKey(), c);
                    c = cells.get(e.getKey());
                }
                if (c != null && expired(c, now) && cells.remove(e.getKey(), c)) {
                    n++;
                }
            } finally {
                l.unlock();
            }
        }
        return n;
    }

    /** The live items, for counting, dumping and writing back. */
    List<Map.Entry<String, Cell>> items() {
        long now = now();
        List<Map.Entry<String, Cell>> out = new ArrayList<>();
        for (Map.Entry<String, Cell> e : cells.entrySet()) {
            if (!expired(e.getValue(), now)) {
                out.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    /** The items by slot, as htable.dump lists them. */
    TreeMap<Long, List<Map.Entry<String, Cell>>> bySlot() {
        TreeMap<Long, List<Map.Entry<String, Cell>>> m = new TreeMap<>();
        for (Map.Entry<String, Cell> e : items()) {
            m.computeIfAbsent(slot(e.getKey()), s -> new ArrayList<>()).add(e);
        }
        return m;
    }

    /** Every item held, expired ones not yet swept included (htable.stats counts them, as Kamailio's esize does). */
    int size() {
        return cells.size();
    }

    /** sht_lock("t=>k"): the lock of the item's slot, reentrant for this thread. */
    void lock(String key) {
        lockOf(key).lock();
    }

    /** sht_unlock("t=>k"); false when this thread does not hold it. */
    boolean unlock(String key) {
        ReentrantLock l = lockOf(key);
        if (!l.isHeldByCurrentThread()) {
            return false;
        }
        l.unlock();
        return true;
    }
}
