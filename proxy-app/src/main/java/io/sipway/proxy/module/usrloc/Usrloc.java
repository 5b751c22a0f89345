package io.sipway.proxy.module.usrloc;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.location.DbLocationStore;
import io.sipway.proxy.location.LocationStore;
import io.sipway.transport.SendSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * usrloc's tables over a database (db_mode 1..3), for one running proxy: made at start (Kamailio's
 * mod_init and child_init), each loaded from its table in modes 1 and 2; one thread, the timer,
 * writes the changes of mode 2 every {@code timer_interval} seconds (and those mode 1 could not write
 * when they happened), deletes the rows that expired, and writes what is left when the proxy stops
 * (usrloc's destroy).
 */
final class Usrloc {
    private static final Logger LOG = LoggerFactory.getLogger(Usrloc.class);
    /** The version of the location table usrloc 5.6 works with (UL_TABLE_VERSION). */
    static final int TABLE_VERSION = 9;
    static final String DEFAULT_DB_URL = "mysql://kamailio:kamailiorw@localhost/kamailio";

    private final Core core;
    private final Map<String, DbLocationStore> stores = new ConcurrentHashMap<>();

    Usrloc(Core core) {
        this.core = core;
    }

    /** The db_mode of the running script (0 when usrloc is not configured for a database). */
    static long dbMode(Core core) {
        return Format.num(core.modparam("usrloc", "db_mode", "0"));
    }

    /** Starts usrloc over its database when db_mode asks for one; a table that cannot be used refuses the start. */
    void start() {
        long mode = dbMode(core);
        if (mode == 0) {
            return;
        }
        if (mode < 0 || mode > 3) {
            throw new IllegalArgumentException("modparam(\"usrloc\", \"db_mode\"): " + mode + " (0 to 3: Sipway has no read-only mode 4)");
        }
        long interval = Format.num(core.modparam("usrloc", "timer_interval", "60"));
        if (interval <= 0) {
            throw new IllegalArgumentException("modparam(\"usrloc\", \"timer_interval\"): " + interval + " (seconds, 1 or more)");
        }
        Database db;
        try {
            db = core.databases().get(core.modparam("usrloc", "db_url", DEFAULT_DB_URL));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("modparam(\"usrloc\", \"db_url\"): " + e.getMessage(), e);
        }
        boolean useDomain = Format.num(core.modparam("usrloc", "use_domain", "0")) != 0;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "usrloc-timer");
            t.setDaemon(true);
            return t;
        });
        core.onClose(() -> stop(timer));
        DbLocationStore.Settings settings = new DbLocationStore.Settings(DbLocationStore.Mode.of(mode), useDomain, core.serverId(),
                Format.num(core.modparam("usrloc", "server_id_filter", "0")) != 0,
                Format.num(core.modparam("usrloc", "db_timer_clean", "0")) != 0);
        // the tables registrar's save()/lookup() named at load are opened and loaded now; others on first use
        core.locationStores(name -> stores.computeIfAbsent(name, n -> open(n, db, settings)));
        timer.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.SECONDS);
    }

    /** A table, checked and (modes 1, 2) loaded: a missing table or a version other than 9 refuses the start, as usrloc's. */
    private DbLocationStore open(String name, Database db, DbLocationStore.Settings settings) {
        try {
            int version = db.tableVersion(name);
            if (version != TABLE_VERSION) {
                throw new IllegalArgumentException("usrloc: table " + name + " in " + db.url() + " has version " + version
                        + ", usrloc needs " + TABLE_VERSION + " (sipway db create)");
            }
            DbLocationStore s = new DbLocationStore(name, db, settings, this::socket);
            int n = s.load(System.currentTimeMillis());
            LOG.info("usrloc: table {} in db_mode {} (server_id {}): {} bindings loaded", name, settings.mode().ordinal() + 1,
                    settings.serverId(), n);
            return s;
        } catch (DbException e) {
            throw new IllegalArgumentException("usrloc: cannot read table " + name + " from " + db.url() + ": " + e.getMessage(), e);
        }
    }

    /** The proxy's socket of a row's text ({@code udp:127.0.0.1:5060}), or null when it does not listen there. */
    private SendSocket socket(String text) {
        List<SendSocket> sockets = core.transport() == null ? List.of() : core.transport().sockets();
        for (SendSocket s : sockets) {
            if (s.toString().equalsIgnoreCase(text)) {
                return s;
            }
        }
        return null;
    }

    private void tick() {
        long now = System.currentTimeMillis();
        for (DbLocationStore s : stores.values()) {
            s.flush(now);
            s.deleteExpired(now);
        }
    }

    /** The proxy stops: the writes queued run, then what is still marked is written (mode 2's last flush). */
    private void stop(ScheduledExecutorService timer) {
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long now = System.currentTimeMillis();
        for (DbLocationStore s : stores.values()) {
            s.flush(now);
        }
    }

    /** The tables (for tests). */
    Map<String, LocationStore> stores() {
        return Map.copyOf(stores);
    }
}
