package io.sipway.proxy.module.dispatcher;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Call load for algorithm 10 (dispatcher's ds_ht.c and ds_load_* in dispatch.c): a lightweight call
 * tracking of its own, by Call-ID, needing no dialog module. ds_select of an INVITE picks the usable
 * destination with the fewest calls (and below its {@code maxload} attribute) and records the call
 * against the destination's {@code duid}; ds_load_update() confirms it on an INVITE's 2xx and removes
 * it on BYE or CANCEL; ds_load_unset() removes it (failure_route, before ds_next_dst), and
 * ds_next_dst() moves it to the next destination. A call not confirmed within
 * {@code ds_hash_initexpire} seconds, or confirmed more than {@code ds_hash_expire} seconds ago, is
 * dropped by the check every {@code ds_hash_check_interval} seconds.
 */
final class CallLoad {
    static final int INIT = 0;
    static final int CONFIRMED = 1;

    /** One call: its set, the destination's duid, its state and when it expires (ms). */
    static final class Cell {
        final int setid;
        final String duid;
        volatile int state = INIT;
        volatile long expire;

        Cell(int setid, String duid, long expire) {
            this.setid = setid;
            this.duid = duid;
            this.expire = expire;
        }
    }

    private final ConcurrentHashMap<String, Cell> calls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> loads = new ConcurrentHashMap<>();
    private final LongSupplier millis;
    private final long expireMs;
    private final long initExpireMs;

    CallLoad(LongSupplier millis, long expireSeconds, long initExpireSeconds) {
        this.millis = millis;
        this.expireMs = expireSeconds * 1000;
        this.initExpireMs = initExpireSeconds * 1000;
    }

    private static String key(int setid, String duid) {
        return setid + "/" + duid;
    }

    /** The calls a destination has now (dload). */
    int load(int setid, String duid) {
        AtomicInteger n = duid == null ? null : loads.get(key(setid, duid));
        return n == null ? 0 : n.get();
    }

    /** ds_get_leastloaded: the usable destination below its maxload with the fewest calls, the first of equals; -1 for none. */
    int leastLoaded(DsSet set) {
        int k = -1;
        int t = -1;
        for (int j = 0; j < set.dests.length; j++) {
            Destination d = set.dests[j];
            int load = load(set.id, d.attrs.duid());
            if (!Destination.skipped(set.flags(j)) && (d.attrs.maxload() == 0 || load < d.attrs.maxload()) && (load < t || t == -1)) {
                k = j;
                t = load;
            }
        }
        return k;
    }

    /** ds_load_add: the call counts for the destination from now on; false without a duid. */
    boolean add(String callId, int setid, String duid) {
        if (duid == null || duid.isEmpty()) {
            return false;
        }
        Cell old = calls.put(callId, new Cell(setid, duid, millis.getAsLong() + initExpireMs));
        if (old != null) {
            drop(old); // the same call selected again (a new INVITE of its Call-ID): counted once
        }
        loads.computeIfAbsent(key(setid, duid), k -> new AtomicInteger()).incrementAndGet();
        return true;
    }

    /** ds_load_replace: the call moves to another destination of its set (ds_next_dst). */
    boolean replace(String callId, String duid) {
        Cell old = calls.get(callId);
        if (old == null || duid == null) {
            return false;
        }
        if (old.duid.equals(duid)) {
            return true;
        }
        if (calls.replace(callId, old, new Cell(old.setid, duid, old.expire))) {
            drop(old);
            loads.computeIfAbsent(key(old.setid, duid), k -> new AtomicInteger()).incrementAndGet();
        }
        return true;
    }

    /** ds_load_remove: the call no longer counts; false when it was not tracked. */
    boolean remove(String callId) {
        Cell c = calls.remove(callId);
        if (c == null) {
            return false;
        }
        drop(c);
        return true;
    }

    /** ds_load_state(CONFIRMED): the call was answered; it expires ds_hash_expire from now. */
    void confirm(String callId) {
        Cell c = calls.get(callId);
        if (c != null && c.state != CONFIRMED) {
            c.state = CONFIRMED;
            c.expire = millis.getAsLong() + expireMs;
        }
    }

    /** ds_ht_timer: calls past their expiry stop counting. */
    void expire() {
        long now = millis.getAsLong();
        for (Map.Entry<String, Cell> e : calls.entrySet()) {
            Cell c = e.getValue();
            if (c.expire < now && calls.remove(e.getKey(), c)) {
                drop(c);
            }
        }
    }

    private void drop(Cell c) {
        AtomicInteger n = loads.get(key(c.setid, c.duid));
        if (n != null && n.decrementAndGet() < 0) {
            n.set(0);
        }
    }
}
