package io.sipway.proxy.location;

import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Where;
import io.sipway.transport.SendSocket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A usrloc table kept in a database's {@code location} table (usrloc's db_mode 1 to 3):
 * <ul>
 *   <li>{@link Mode#WRITE_THROUGH} (1): bindings in memory; every change is written to the table
 *       before {@link #put} returns, so the table is up to date when save()'s 200 leaves, as in
 *       Kamailio (save() is declared to wait in this mode). What a write missed (the database was
 *       down) stays marked and is written again by the timer ({@link #flush}), as usrloc's mode 1
 *       timer retries; save() itself succeeds, as usrloc's insert_ucontact does.</li>
 *   <li>{@link Mode#WRITE_BACK} (2): bindings in memory; the AoRs changed are marked and written by
 *       the timer every timer_interval, and once more when the proxy stops.</li>
 *   <li>{@link Mode#DB_ONLY} (3): nothing in memory; every read and change is a query, so save() and
 *       lookup() wait on the database (they are declared to, in this mode).</li>
 * </ul>
 * Modes 1 and 2 read the whole table into memory at start ({@link #load}), so registrations survive
 * a restart. An AoR is written as a whole (its rows by ruid: the ones gone deleted, the others
 * inserted or replaced), from its state in memory at the time and under the AoR's lock (Kamailio locks
 * the AoR's slot around the write too), so two threads changing one AoR leave the table with the last
 * state, whichever writes first. The timer also deletes the rows that expired ({@link #deleteExpired}).
 *
 * <p>Several instances can share one table (edge proxies and registrars, {@code docs/SCALING.md}):
 * each writes its core {@code server_id} into the rows it writes; with usrloc's
 * {@code server_id_filter} an instance loads (modes 1, 2) and deletes as expired only the rows with
 * its own id, so each expired row is removed by one instance, the one that wrote it.
 */
public final class DbLocationStore implements LocationStore {
    private static final Logger LOG = LoggerFactory.getLogger(DbLocationStore.class);

    /** usrloc's db_mode values other than 0 (memory only: {@link CaffeineLocationStore}). */
    public enum Mode {
        WRITE_THROUGH, WRITE_BACK, DB_ONLY;

        /** The mode of a db_mode value 1..3. */
        public static Mode of(long dbMode) {
            if (dbMode < 1 || dbMode > 3) {
                throw new IllegalArgumentException("db_mode " + dbMode + " has no database table");
            }
            return values()[(int) dbMode - 1];
        }
    }

    /**
     * usrloc's settings of a table: its db_mode, use_domain, the core server_id, server_id_filter
     * (load and delete only this instance's rows) and db_timer_clean (modes 1 and 2: the timer deletes
     * every expired row of the table, not only those of the bindings this instance holds).
     */
    public record Settings(Mode mode, boolean useDomain, int serverId, boolean serverIdFilter, boolean timerClean) {
        public static Settings of(Mode mode, boolean useDomain) {
            return new Settings(mode, useDomain, 0, false, false);
        }
    }

    /** The rows of an AoR a thread read last (db_mode 3): save() reads, then writes the same AoR. */
    private record Read(String aor, List<Binding> bindings, long atNanos) {
        /** Whether it is this AoR's and fresh: a read older than a second is read again. */
        boolean of(String aor) {
            return this.aor.equals(aor) && System.nanoTime() - atNanos < 1_000_000_000L;
        }
    }

    private final String table;
    private final Database db;
    private final Mode mode;
    private final boolean useDomain;
    private final Settings settings;
    private final ThreadLocal<Read> lastRead = new ThreadLocal<>();
    private final boolean textTimes;
    private final Function<String, SendSocket> sockets;
    private final CaffeineLocationStore memory;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    /**
     * Modes 1 and 2: the ruids of each AoR's rows as this store last wrote or loaded them, so a write
     * deletes the rows of the bindings gone without reading the table first (usrloc deletes by ruid
     * what its memory knows). An AoR missing here is read first; entries of AoRs that left memory
     * are dropped by the timer.
     */
    private final Map<String, Set<String>> written = new ConcurrentHashMap<>();
    /** The AoRs' write locks, striped. */
    private final Object[] locks = new Object[64];
    /** Whether the last write failed: a failure is logged once per outage. */
    private volatile boolean failing;

    /**
     * @param table   the table's name ("location")
     * @param sockets the proxy's socket named by a row's {@code socket} text, or null
     */
    public DbLocationStore(String table, Database db, Mode mode, boolean useDomain, Function<String, SendSocket> sockets) {
        this(table, db, Settings.of(mode, useDomain), sockets);
    }

    public DbLocationStore(String table, Database db, Settings settings, Function<String, SendSocket> sockets) {
        this.table = table;
        this.db = db;
        this.settings = settings;
        this.mode = settings.mode();
        this.useDomain = settings.useDomain();
        this.textTimes = db.url().scheme().equals("sqlite");
        this.sockets = sockets;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        this.memory = this.mode == Mode.DB_ONLY ? null : new CaffeineLocationStore();
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public List<Binding> bindings(String aor, long now) {
        if (memory != null) {
            return memory.bindings(aor, now);
        }
        try {
            List<Binding> rows = read(aor);
            lastRead.set(new Read(aor, rows, System.nanoTime()));
            recovered();
            return live(rows, now);
        } catch (DbException e) {
            lastRead.remove();
            failed("reading " + aor, e);
            throw new StoreUnavailableException("usrloc: table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(String aor, List<Binding> bindings) {
        if (memory == null) {
            try {
                write(aor, bindings);
                recovered();
            } catch (DbException e) {
                failed("writing " + aor, e);
                throw new StoreUnavailableException("usrloc: table " + table + ": " + e.getMessage(), e);
            } finally {
                lastRead.remove();
            }
            return;
        }
        memory.put(aor, bindings);
        dirty.add(aor);
        if (mode == Mode.WRITE_THROUGH) {
            writeFromMemory(aor, System.currentTimeMillis());
        }
    }

    @Override
    public Set<String> aors() {
        if (memory != null) {
            return memory.aors();
        }
        try {
            DbResult r = db.query(table, List.of("username", "domain"), Where.ALL, null);
            Set<String> out = new TreeSet<>();
            for (int i = 0; i < r.size(); i++) {
                out.add(LocationRows.aor(r, i, useDomain));
            }
            return out;
        } catch (DbException e) {
            failed("listing", e);
            throw new StoreUnavailableException("usrloc: table " + table + ": " + e.getMessage(), e);
        }
    }

    /** Reads the table's bindings that have not expired into memory (modes 1 and 2, at start); returns how many. */
    public int load(long now) throws DbException {
        if (memory == null) {
            return 0;
        }
        DbResult r = db.query(table, null, settings.serverIdFilter() ? Where.eq("server_id", settings.serverId()) : Where.ALL, null);
        Map<String, List<Binding>> byAor = new LinkedHashMap<>();
        for (int i = 0; i < r.size(); i++) {
            Binding b = LocationRows.binding(r, i, sockets);
            if (b.expiresAt() > now) {
                byAor.computeIfAbsent(LocationRows.aor(r, i, useDomain), k -> new ArrayList<>()).add(b);
            }
        }
        int n = 0;
        for (Map.Entry<String, List<Binding>> e : byAor.entrySet()) {
            memory.put(e.getKey(), usrlocOrder(e.getValue()));
            Set<String> ruids = ConcurrentHashMap.newKeySet();
            e.getValue().forEach(b -> ruids.add(b.ruid()));
            written.put(e.getKey(), ruids);
            n += e.getValue().size();
        }
        return n;
    }

    /**
     * Writes the AoRs changed since the last flush (modes 1 and 2); an AoR whose write fails stays
     * marked for the next one. Runs on the writer or the timer, never on an event loop.
     */
    public void flush(long now) {
        if (memory == null) {
            return;
        }
        for (String aor : new ArrayList<>(dirty)) {
            if (!writeFromMemory(aor, now)) {
                return; // the database is down: the rest waits for the next timer
            }
        }
    }

    /** Writes {@code aor} as memory has it now, if it is still marked; false when the write failed (it stays marked). */
    private boolean writeFromMemory(String aor, long now) {
        synchronized (locks[(aor.hashCode() & 0x7fffffff) % locks.length]) {
            if (!dirty.remove(aor)) {
                return true; // another thread wrote it since
            }
            try {
                write(aor, memory.bindings(aor, now));
                recovered();
                return true;
            } catch (DbException e) {
                dirty.add(aor);
                failed("writing " + aor, e);
                return false;
            }
        }
    }

    /**
     * The timer's cleanup of the rows that expired before {@code now}. In db_mode 3, and in modes 1 and 2
     * with db_timer_clean, one DELETE of the table's expired rows (with server_id_filter, only those
     * of this instance's server_id), as udomain.c's db_timer_udomain; in modes 1 and 2 the rows of the
     * bindings that expired in memory are deleted one by one (by ruid), as wb_timer deletes them.
     */
    public void deleteExpired(long now) {
        try {
            if (memory != null) {
                deleteExpiredOfMemory(now);
            }
            if (memory == null || settings.timerClean()) {
                Where expired = LocationRows.expiredBefore(now, textTimes);
                db.delete(table, settings.serverIdFilter() ? expired.andEq("server_id", settings.serverId()) : expired);
            }
            recovered();
        } catch (DbException e) {
            failed("deleting expired rows", e);
        }
    }

    /** Modes 1 and 2: deletes the rows of the bindings this instance wrote that are no longer in memory. */
    private void deleteExpiredOfMemory(long now) throws DbException {
        for (Map.Entry<String, Set<String>> e : written.entrySet()) {
            String aor = e.getKey();
            synchronized (locks[(aor.hashCode() & 0x7fffffff) % locks.length]) {
                if (dirty.contains(aor) || written.get(aor) != e.getValue()) {
                    continue; // a write is due or running: it deletes what is gone
                }
                Set<String> live = new HashSet<>();
                memory.bindings(aor, now).forEach(b -> live.add(b.ruid()));
                for (String ruid : new ArrayList<>(e.getValue())) {
                    if (!live.contains(ruid)) {
                        db.delete(table, Where.eq("ruid", ruid));
                        e.getValue().remove(ruid);
                    }
                }
                if (e.getValue().isEmpty()) {
                    written.remove(aor);
                }
            }
        }
    }

    /** The AoRs changed and not written yet (modes 1 and 2). */
    public int pending() {
        return dirty.size();
    }

    /** The bindings of {@code aor} as the table has them, in usrloc's order. */
    private List<Binding> read(String aor) throws DbException {
        DbResult r = db.query(table, null, LocationRows.whereAor(aor, useDomain), null);
        List<Binding> out = new ArrayList<>(r.size());
        for (int i = 0; i < r.size(); i++) {
            out.add(LocationRows.binding(r, i, sockets));
        }
        return usrlocOrder(out);
    }

    /** Makes the table's rows of {@code aor} these bindings: the others deleted, these inserted or replaced by ruid. */
    private void write(String aor, List<Binding> bindings) throws DbException {
        Set<String> keep = new HashSet<>();
        for (Binding b : bindings) {
            if (!b.memoryOnly()) {
                keep.add(b.ruid());
            }
        }
        Set<String> before = memory == null ? null : written.remove(aor); // removed until the write is done
        Map<String, Map<String, Object>> unchanged = new java.util.HashMap<>();
        if (before == null) {
            before = new HashSet<>();
            Read read = lastRead.get();
            if (memory == null && read != null && read.of(aor)) {
                // db_mode 3: the rows this thread just read (save() reads, then writes): what is unchanged stays as it is
                for (Binding b : read.bindings()) {
                    before.add(b.ruid());
                    unchanged.put(b.ruid(), LocationRows.row(aor, b, useDomain, textTimes, 0));
                }
            } else {
                DbResult r = db.query(table, List.of("ruid"), LocationRows.whereAor(aor, useDomain), null);
                for (int i = 0; i < r.size(); i++) {
                    before.add(r.text(i, "ruid"));
                }
            }
        }
        for (String ruid : before) {
            if (!keep.contains(ruid)) {
                db.delete(table, Where.eq("ruid", ruid));
            }
        }
        for (Binding b : bindings) {
            if (b.memoryOnly()) {
                continue; // save() with flag 0x01
            }
            Map<String, Object> old = unchanged.get(b.ruid());
            if (old != null && old.equals(LocationRows.row(aor, b, useDomain, textTimes, 0))) {
                continue; // as read: usrloc writes only the contacts a REGISTER changed
            }
            Map<String, Object> row = LocationRows.row(aor, b, useDomain, textTimes, settings.serverId());
            if (before.contains(b.ruid())) {
                // a row of this AoR already: changed in place, as usrloc's db_update_ucontact does (one UPDATE;
                // on Redis a write of the changed fields, where a replace would unlink and write the row again)
                Map<String, Object> values = new LinkedHashMap<>(row);
                values.remove("ruid");
                if (db.update(table, Where.eq("ruid", b.ruid()), values) > 0) {
                    continue;
                }
            }
            db.replace(table, row, List.of("ruid"));
        }
        if (memory != null && !keep.isEmpty()) {
            written.put(aor, keep);
        }
    }

    private static List<Binding> live(List<Binding> all, long now) {
        List<Binding> out = new ArrayList<>(all.size());
        for (Binding b : all) {
            if (b.expiresAt() > now) {
                out.add(b);
            }
        }
        return out;
    }

    /** usrloc's order: by q, highest first, a contact without q last; then the oldest first. */
    private static List<Binding> usrlocOrder(List<Binding> bindings) {
        List<Binding> sorted = new ArrayList<>(bindings);
        sorted.sort(Comparator.comparingInt(Binding::qThousandths).reversed().thenComparingLong(Binding::lastModified));
        return sorted;
    }

    private void failed(String what, DbException e) {
        if (!failing) {
            failing = true;
            LOG.error("usrloc: table {}: {} failed: {}", table, what, e.getMessage());
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("usrloc: table {}: the database answers again", table);
        }
    }
}
