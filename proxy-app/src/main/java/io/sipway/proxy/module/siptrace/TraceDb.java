package io.sipway.proxy.module.siptrace;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * siptrace's database storage (sip_trace_store_db, {@code trace_to_database=1}): one row of the
 * {@code sip_trace} table (version 4) per traced message while tracing is on: msg, callid, method
 * (the request's, or a reply's CSeq method), status (a reply's code, else empty), fromip and toip
 * ("proto:ip:port"), time_stamp (DATETIME, local time; db_sqlite's text on SQLite) and time_us,
 * direction ("in"/"out"), fromtag, totag, traced_user (empty). Rows are made where the message is
 * traced and inserted by one writer thread with a bounded queue, so a tm callback on an event loop
 * never waits for the database; a full queue drops the row (siptrace:db_rows_dropped), a failed
 * insert is counted (siptrace:db_rows_failed) and logged once per outage.
 */
final class TraceDb {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.siptrace");
    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** Kamailio's SIP_TRACE_TABLE_VERSION. */
    static final int VERSION = 4;
    static final int QUEUE = 10_000;

    private final Core core;
    private final Database db;
    private final String table;
    private final boolean textTimes;
    private final ThreadPoolExecutor writer;
    private volatile boolean failing;

    TraceDb(Core core, Database db, String table) throws DbException {
        int v = db.tableVersion(table);
        if (v != VERSION) {
            throw new IllegalArgumentException("siptrace: invalid table version " + v + " of " + table + " (expected " + VERSION
                    + "; sipway db create makes it)");
        }
        this.core = core;
        this.db = db;
        this.table = table;
        this.textTimes = db.url().scheme().equals("sqlite");
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "siptrace-db");
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues the row of one traced message ({@code parsed}: the message, or null to read it from {@code bytes}). */
    void store(Hep3.End from, Hep3.End to, byte[] bytes, SipMessage parsed, String direction, Instant now) {
        SipMessage m = parsed;
        if (m == null) {
            try {
                m = SipParser.parse(bytes);
            } catch (RuntimeException e) {
                return; // not SIP enough to be a row
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("msg", new String(bytes, StandardCharsets.UTF_8));
        row.put("callid", orEmpty(m.callId()));
        row.put("method", m.isRequest() ? m.methodName() : m.cseq() == null ? "" : m.cseq().methodName());
        row.put("status", m.isRequest() ? "" : Integer.toString(m.statusCode()));
        row.put("fromip", from.text());
        row.put("toip", to.text());
        Instant s = Instant.ofEpochSecond(now.getEpochSecond());
        row.put("time_stamp", textTimes ? LocalDateTime.ofInstant(s, ZoneId.systemDefault()).format(TEXT) : s);
        row.put("direction", direction);
        row.put("fromtag", orEmpty(m.fromTag()));
        row.put("traced_user", "");
        row.put("time_us", (long) (now.getNano() / 1000));
        row.put("totag", orEmpty(m.toTag()));
        boolean request = m.isRequest();
        try {
            writer.execute(() -> insert(row, request));
        } catch (RejectedExecutionException e) {
            core.count("siptrace:db_rows_dropped");
        }
    }

    private void insert(Map<String, Object> row, boolean request) {
        try {
            db.insert(table, row);
            core.count(request ? "siptrace:traced_requests" : "siptrace:traced_replies");
            if (failing) {
                failing = false;
                LOG.info("siptrace: the database answers again");
            }
        } catch (DbException e) {
            core.count("siptrace:db_rows_failed");
            if (!failing) {
                failing = true;
                LOG.error("siptrace: error storing trace into {}: {}", table, e.getMessage());
            }
        }
    }

    /** The proxy stops: the rows queued are written first (a bounded wait). */
    void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
