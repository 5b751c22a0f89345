package io.sipway.proxy.module.acc;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * acc's database backend (acc.c: acc_db_init_keys, acc_db_request): a record is one row of the
 * {@code acc} table (a transaction answered, {@code db_flag}), of {@code missed_calls} (a call missed,
 * {@code db_missed_flag}) or of the table acc_db_request() names. Its columns: method (the CSeq's),
 * from_tag, to_tag, callid, sip_code, sip_reason, time (DATETIME, local time), then with
 * {@code time_mode} 1 {@code time_attr}=seconds and {@code time_exten}=microseconds (integers), 2
 * {@code time_attr}=seconds.micros, 3/4 {@code time_attr}=time_format in local time/UTC, then the
 * {@code db_extra} columns (an absent value is written as '', as acc's extra2strar leaves it).
 *
 * <p>The row is made where the record happens (the request's values are read there); the insert
 * runs on one writer thread with a bounded queue, so a tm callback on an event loop never waits on
 * the database: a record that finds the queue full is dropped and counted
 * ({@code acc:db_records_dropped}), a failed insert is counted ({@code acc:db_records_failed}) and
 * logged once per outage. acc_db_request() is a script function declared to wait: it inserts at
 * once and returns Kamailio's result (1, or -1 when the insert fails).
 */
final class AccDb {
    private static final Logger LOG = LoggerFactory.getLogger(AccDb.class);
    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** Records waiting for the writer at most (a burst of call ends while the database is slow). */
    static final int QUEUE = 10_000;

    /** The db parameters: the flags (-1: off), tables, column names, db_extra. */
    record Settings(String url, int flag, int missedFlag, String accTable, String missedTable, Map<String, String> columns,
                    List<AccSettings.Extra> extras) {

        /** The script's parameters; null when no db_url is set (acc then keeps the db flags off, as acc_mod does). */
        static Settings of(CompiledScript script, Function<String, ValueSource> pvs) {
            Map<String, String> p = new HashMap<>();
            for (Ast.ModParam m : script.modParams()) {
                if (m.module().equals("acc")) {
                    p.put(m.param(), String.valueOf(m.value()));
                }
            }
            String url = p.get("db_url");
            if (url == null || url.isEmpty()) {
                return null;
            }
            Map<String, String> cols = new LinkedHashMap<>();
            for (String c : List.of("method", "from_tag", "to_tag", "callid", "sip_code", "sip_reason", "time")) {
                cols.put(c, p.getOrDefault(columnParam(c), c));
            }
            return new Settings(url, flag(p, "db_flag"), flag(p, "db_missed_flag"), p.getOrDefault("db_table_acc", "acc"),
                    p.getOrDefault("db_table_missed_calls", "missed_calls"), Map.copyOf(cols),
                    p.containsKey("db_extra") ? AccSettings.extras("db_extra", p.get("db_extra"), pvs) : List.of());
        }

        /** acc's parameter naming a column: acc_method_column, acc_from_tag_column, ..., acc_time_column. */
        static String columnParam(String column) {
            return "acc_" + column + "_column";
        }

        private static int flag(Map<String, String> p, String name) {
            String v = p.get(name);
            long f;
            try {
                f = v == null ? -1 : Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("modparam(\"acc\", \"" + name + "\") needs a number, not " + v);
            }
            if (f != -1 && (f < 0 || f > 31)) {
                throw new IllegalArgumentException("modparam(\"acc\", \"" + name + "\") set to invalid value " + f + " (a flag 0..31, or -1)");
            }
            return (int) f;
        }
    }

    private final Core core;
    private final Database db;
    private final Settings settings;
    private final boolean textTimes;
    private final ThreadPoolExecutor writer;
    private volatile boolean failing;

    AccDb(Core core, Database db, Settings settings) {
        this.core = core;
        this.db = db;
        this.settings = settings;
        this.textTimes = db.url().scheme().equals("sqlite");
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "acc-db");
            t.setDaemon(true);
            return t;
        });
    }

    Settings settings() {
        return settings;
    }

    /** The row of a record (see the class comment for its columns). */
    Map<String, Object> row(AccSettings s, MsgContext req, String toTag, String code, String reason, Instant now) {
        Map<String, String> c = settings.columns;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(c.get("method"), req.msg.cseq() == null ? "" : req.msg.cseq().methodName());
        row.put(c.get("from_tag"), orEmpty(req.msg.fromTag()));
        row.put(c.get("to_tag"), orEmpty(toTag));
        row.put(c.get("callid"), orEmpty(req.msg.callId()));
        row.put(c.get("sip_code"), orEmpty(code));
        row.put(c.get("sip_reason"), orEmpty(reason));
        row.put(c.get("time"), time(now));
        long micros = now.getNano() / 1000;
        switch (s.timeMode()) {
            case 1 -> {
                row.put(s.timeAttr(), now.getEpochSecond());
                row.put(s.timeExten(), micros);
            }
            case 2 -> row.put(s.timeAttr(), now.getEpochSecond() + micros / 1e6);
            case 3, 4 -> {
                String t = s.timeFormat().format(now.getEpochSecond(), s.timeMode() == 3 ? ZoneId.systemDefault() : ZoneOffset.UTC);
                row.put(s.timeAttr(), t == null ? "" : t);
            }
            default -> {
                // 0: the time column alone
            }
        }
        for (AccSettings.Extra e : settings.extras) {
            Object v = e.value().get(req);
            row.put(e.name(), v == null ? "" : v.toString());
        }
        return row;
    }

    /** Queues the insert of {@code row} into {@code table}; a full queue drops it (counted). */
    void queue(String table, Map<String, Object> row) {
        try {
            writer.execute(() -> insert(table, row));
        } catch (RejectedExecutionException e) {
            core.count("acc:db_records_dropped");
        }
    }

    /** Inserts now (acc_db_request, on a thread that may wait): 1, or -1 when the insert failed. */
    int insert(String table, Map<String, Object> row) {
        try {
            db.insert(table, row);
            if (failing) {
                failing = false;
                LOG.info("acc: the database answers again");
            }
            return 1;
        } catch (DbException e) {
            core.count("acc:db_records_failed");
            if (!failing) {
                failing = true;
                LOG.error("acc: failed to insert into database table {}: {}", table, e.getMessage());
            }
            return -1;
        }
    }

    /** The proxy stops: the records queued are written first (a bounded wait). */
    void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A DATETIME value: an Instant, or the local-time text Kamailio's db_sqlite writes. */
    private Object time(Instant now) {
        Instant s = Instant.ofEpochSecond(now.getEpochSecond());
        return textTimes ? LocalDateTime.ofInstant(s, ZoneId.systemDefault()).format(TEXT) : s;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
