package io.sipway.proxy.module.htable;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.FakedMessage;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ModuleHost;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * htable (https://kamailio.org/docs/modules/5.6.x/modules/htable.html): named hash tables shared by
 * every route, {@code $sht(t=>k)} and friends, loaded from Kamailio's {@code htable} table at start and
 * written back at shutdown ({@code dbmode=1}), expiring items ({@code autoexpire}; {@link HashTable}).
 * event_route[htable:mod-init] runs once at start, event_route[htable:expired:t] for each item the
 * sweep frees ($shtrecord(key), $shtrecord(value)). Not here, so refused where written: DMQ
 * replication, the {@code cols} attribute, sht_iterator_rm/sets/seti/setex, and the KEMI callback.
 */
public final class HtableModule {
    private static final Logger LOG = LoggerFactory.getLogger("htable");
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    private static final ParamExport.Type INT = ParamExport.Type.INT;

    private final Core core;
    private final Clock clock;
    /** The tables, made when the proxy starts (pseudo-variables find theirs by name then). */
    volatile Map<String, HashTable> tables = Map.of();
    /** Compiles the pseudo-variables inside a key once the proxy starts: $sht(t=>$si). */
    private volatile Function<String, ValueSource> pvCompiler;
    final Iterators iterators = new Iterators();
    /** The item event_route[htable:expired:t] runs for ($shtrecord), on the sweeper thread. */
    private final ThreadLocal<Map.Entry<String, HashTable.Cell>> expiring = new ThreadLocal<>();
    /** event_route[htable:expired:t] of the tables that have one. */
    private volatile Map<String, CompiledScript.Entry> expiredRoutes = Map.of();
    HtableDb.Settings dbSettings;
    private String dbUrl;

    HtableModule(Core core, Clock clock) {
        this.core = core;
        this.clock = clock;
    }

    public static ModuleExports exports(Core core) {
        return new HtableModule(core, Clock.systemUTC()).table();
    }

    ModuleExports table() {
        ModuleExports.Builder b = ModuleExports.module("htable", "https://kamailio.org/docs/modules/5.6.x/modules/htable.html");
        b.paramParsed("htable", STR, "", "a table: name=>size=N;autoexpire=S;dbtable=T;dbmode=0|1;initval=N;updateexpire=0|1 (may be set several times)",
                v -> TableSpec.parse(v));
        b.param("db_url", STR, "", "the database the dbtable of a table is loaded from at start (and written to with dbmode=1)");
        b.param("key_name_column", STR, "key_name", "column of the item name");
        b.param("key_type_column", STR, "key_type", "column of the key type (0: plain, 1: array)");
        b.param("value_type_column", STR, "value_type", "column of the value type (0: string, 1: integer)");
        b.param("key_value_column", STR, "key_value", "column of the value");
        b.param("expires_column", STR, "expires", "column of the expiry (epoch seconds), with db_expires=1");
        b.param("array_size_suffix", STR, "::size", "suffix of the item counting an array's values");
        b.param("db_expires", INT, "0", "1: the expiry of autoexpire tables' items is loaded from and saved to the database");
        b.param("timer_interval", INT, "20", "seconds between sweeps of expired items (they read as missing at once anyway)");
        b.paramWithoutEffect("fetch_rows", INT, "100", "the rows of a table are read in one query");
        b.paramWithoutEffect("timer_procs", INT, "0", "one background thread sweeps every table", "0", "1");
        b.paramOnly("enable_dmq", INT, "0", "no DMQ replication (Kamailio's dmq module is not implemented)", "0");
        b.paramOnly("dmq_init_sync", INT, "0", "no DMQ replication", "0");

        b.pvCompiling("sht", PvExport.Inner.REQUIRED, true, (n, pvs) -> itemPv(n, pvs, (t, k) -> t.get(k), HashTable::set, true));
        b.pvCompiling("shtex", PvExport.Inner.REQUIRED, true, (n, pvs) -> itemPv(n, pvs, (t, k) -> t.expiresIn(k), HashTable::expireIn));
        b.pvCompiling("shtinc", PvExport.Inner.REQUIRED, false, (n, pvs) -> itemPv(n, pvs, (t, k) -> t.add(k, 1), null));
        b.pvCompiling("shtdec", PvExport.Inner.REQUIRED, false, (n, pvs) -> itemPv(n, pvs, (t, k) -> t.add(k, -1), null));
        b.pvCompiling("shtcn", PvExport.Inner.REQUIRED, false, (n, pvs) -> itemPv(n, pvs, (t, k) -> Matches.count(t, k, false), null));
        b.pvCompiling("shtcv", PvExport.Inner.REQUIRED, false, (n, pvs) -> itemPv(n, pvs, (t, k) -> Matches.count(t, k, true), null));

        HtableFunctions.register(b, this);
        HtableRpc.register(b, this);
        b.eventRoute("htable:mod-init");
        b.eventRoute("htable:expired:*");
        b.pv("shtrecord", PvExport.Inner.REQUIRED, false, n -> {
            boolean key = n.inner().equals("key");
            return ctx -> {
                Map.Entry<String, HashTable.Cell> e = expiring.get();
                return e == null ? null : key ? e.getKey() : e.getValue().value();
            };
        }, "key", "value");
        b.onStart(this::start);
        return b.build();
    }

    // ---- start and stop -----------------------------------------------------------------------------

    private void start(CompiledScript script, ModuleHost host) {
        pvCompiler = host::pvFromText;
        Map<String, HashTable> made = new LinkedHashMap<>();
        for (Ast.ModParam p : script.modParams()) {
            if (p.module().equals("htable") && p.param().equals("htable")) {
                TableSpec spec = TableSpec.parse(String.valueOf(p.value()));
                if (made.put(spec.name(), new HashTable(spec, clock)) != null) {
                    throw new IllegalArgumentException("htable " + spec.name() + " is defined twice (Kamailio refuses it too)");
                }
            }
        }
        tables = Collections.unmodifiableMap(made);
        dbUrl = core.modparam("htable", "db_url", "");
        dbSettings = new HtableDb.Settings(core.modparam("htable", "key_name_column", "key_name"),
                core.modparam("htable", "key_type_column", "key_type"),
                core.modparam("htable", "value_type_column", "value_type"),
                core.modparam("htable", "key_value_column", "key_value"),
                core.modparam("htable", "expires_column", "expires"),
                core.modparam("htable", "array_size_suffix", "::size"),
                !core.modparam("htable", "db_expires", "0").trim().equals("0"));
        for (HashTable t : made.values()) {
            if (t.spec.dbtable() == null) {
                continue;
            }
            if (dbUrl.isEmpty()) {
                throw new IllegalArgumentException("htable " + t.name() + " has dbtable=" + t.spec.dbtable() + " but no db_url is set");
            }
            try {
                int n = HtableDb.load(core.databases().get(dbUrl), t, dbSettings);
                LOG.info("htable {}: {} item(s) loaded from {}", t.name(), n, t.spec.dbtable());
            } catch (DbException e) {
                // Kamailio's mod_init fails when the load does: the proxy does not start
                throw new IllegalArgumentException("htable " + t.name() + ": cannot load " + t.spec.dbtable() + ": " + e.getMessage(), e);
            }
        }
        Map<String, CompiledScript.Entry> routes = new LinkedHashMap<>();
        for (String name : made.keySet()) {
            CompiledScript.Entry r = script.entry(Ast.RouteType.EVENT, "htable:expired:" + name);
            if (r != null) {
                routes.put(name, r);
            }
        }
        expiredRoutes = Collections.unmodifiableMap(routes);
        modInit(script);
        ScheduledExecutorService timer = null;
        if (made.values().stream().anyMatch(t -> t.spec.autoexpire() > 0)) {
            long every = Math.max(1, Long.parseLong(core.modparam("htable", "timer_interval", "20").trim()));
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread th = new Thread(r, "htable-timer");
                th.setDaemon(true);
                return th;
            });
            timer.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.SECONDS);
        }
        ScheduledExecutorService stop = timer;
        core.onClose(() -> {
            if (stop != null) {
                stop.shutdownNow();
            }
            writeBack();
        });
    }

    /**
     * event_route[htable:mod-init], once the tables are made and loaded and before any message is
     * taken (Kamailio runs it after every module's mod_init, before forking), on Kamailio's faked
     * message (core/fmsg.c): a typical use is to give items their first values.
     */
    private void modInit(CompiledScript script) {
        CompiledScript.Entry route = script.entry(Ast.RouteType.EVENT, "htable:mod-init");
        if (route == null) {
            return;
        }
        route.run(FakedMessage.of(core));
    }

    /** The periodic sweep (Kamailio's ht_timer), on its own thread. */
    void sweep() {
        for (HashTable t : tables.values()) {
            CompiledScript.Entry route = expiredRoutes.get(t.name());
            try {
                t.sweep(route == null ? null : (key, cell) -> {
                    expiring.set(Map.entry(key, cell));
                    try {
                        route.run(FakedMessage.of(core));
                    } finally {
                        expiring.remove();
                    }
                });
            } catch (RuntimeException e) {
                LOG.error("htable {}: sweep failed: {}", t.name(), e.toString());
            }
        }
    }

    /** dbmode=1: the tables loaded from their dbtable are written back at shutdown (ht_db_sync_tables). */
    void writeBack() {
        for (HashTable t : tables.values()) {
            if (t.spec.dbtable() == null || t.spec.dbmode() == 0 || !t.loadedFromDb) {
                continue;
            }
            try {
                int n = HtableDb.save(core.databases().get(dbUrl), t, dbSettings);
                LOG.info("htable {}: {} item(s) written to {}", t.name(), n, t.spec.dbtable());
            } catch (DbException | RuntimeException e) {
                LOG.error("htable {}: failed syncing to {}: {}", t.name(), t.spec.dbtable(), e.getMessage());
            }
        }
    }

    /** htable.reload: the table's items are replaced by its dbtable's rows. */
    int reload(HashTable t) throws DbException {
        Database db = core.databases().get(dbUrl);
        HashTable fresh = new HashTable(t.spec, clock);
        int n = HtableDb.load(db, fresh, dbSettings);
        // the new items in first, then the old ones go: a reader never sees the table empty
        java.util.Set<String> keep = new java.util.HashSet<>();
        for (Map.Entry<String, HashTable.Cell> e : fresh.items()) {
            t.put(e.getKey(), e.getValue().value(), e.getValue().expire());
            keep.add(e.getKey());
        }
        t.removeIf((k, c) -> !keep.contains(k));
        return n;
    }

    // ---- pseudo-variables and functions ------------------------------------------------------------

    /** What an item pseudo-variable reads, given its table and key. */
    @FunctionalInterface
    private interface Read {
        Object read(HashTable t, String key);
    }

    @FunctionalInterface
    private interface Write {
        void write(HashTable t, String key, Object value);
    }

    /** "table=>key format", split where Kamailio splits it (pv_parse_ht_name): the key may hold pseudo-variables. */
    record Ref(String table, KeyFormat key) {
    }

    Ref ref(String inner, String what, Function<String, ValueSource> pvs) {
        int arrow = inner.indexOf("=>");
        String table = arrow < 0 ? "" : inner.substring(0, arrow).trim();
        if (arrow < 0 || table.isEmpty() || table.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(what + " needs table=>key, not '" + inner + "'");
        }
        return new Ref(table, new KeyFormat(inner.substring(arrow + 2), pvs, () -> pvCompiler));
    }

    private Pv itemPv(PvName n, Function<String, ValueSource> pvs, Read read, Write write) {
        return itemPv(n, pvs, read, write, false);
    }

    private Pv itemPv(PvName n, Function<String, ValueSource> pvs, Read read, Write write, boolean deletesOnNull) {
        Ref r = ref(n.inner(), "$" + n.name() + "(...)", pvs);
        return new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                HashTable t = tables.get(r.table);
                return t == null ? null : read.read(t, r.key.apply(ctx)); // an unknown table reads $null, as in Kamailio
            }

            @Override
            public boolean writable() {
                return write != null;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                HashTable t = tables.get(r.table);
                if (t == null) {
                    LOG.error("cannot set $sht({}=>...): no such htable", r.table);
                    return;
                }
                String key = r.key.apply(ctx);
                if (value == null && deletesOnNull) {
                    t.delete(key);
                } else {
                    write.write(t, key, value);
                }
            }
        };
    }

}
