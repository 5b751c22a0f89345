package io.sipway.proxy.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MySQL/MariaDB, PostgreSQL and SQLite through JDBC, over one HikariCP pool. Statements are built from
 * Kamailio's key/op/value calls with quoted identifiers and bound values (nothing from a message is
 * ever spliced into SQL), except {@link #raw}, which is the script's own SQL.
 *
 * <p>Outages: a call that cannot reach the server marks the database down and logs it once; while
 * down, calls fail at once but for one probe a second, and the first that succeeds logs the recovery.
 */
final class JdbcDatabase implements Database {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcDatabase.class);
    private static final long PROBE_INTERVAL_MS = 1000;
    private static final java.time.format.DateTimeFormatter SQLITE_TIME = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final DbUrl url;
    private final HikariDataSource pool;
    private final char quote;
    private final boolean sqlite;
    private final String jdbcUrl;
    private final Properties probeProps = new Properties();
    private volatile boolean down;
    /** A connection reached the server since the last failure: calls go straight to the pool. */
    private volatile boolean reached;
    private volatile long nextProbe;

    JdbcDatabase(DbUrl url, int poolSize) {
        this(url, poolSize, (module, param, def) -> def);
    }

    /** @param params the script's modparams: db_mysql's and db_postgres' that Sipway applies (see their modules) */
    JdbcDatabase(DbUrl url, int poolSize, Databases.ModParams params) {
        this.url = url;
        HikariConfig c = new HikariConfig();
        c.setPoolName("db " + url);
        switch (url.scheme()) {
            case "mysql" -> {
                c.setJdbcUrl("jdbc:mariadb://" + hostPort(url, 3306) + "/" + url.database());
                quote = '`';
                // timeout_interval: connect, read and write each give up after it; Kamailio's client
                // library tries a read three times, so a statement waits up to three intervals
                long timeout = num(params.get("db_mysql", "timeout_interval", "2"), 2);
                c.addDataSourceProperty("connectTimeout", String.valueOf(timeout * 1000));
                c.addDataSourceProperty("socketTimeout", String.valueOf(3 * timeout * 1000));
                // update_affected_found=0: an UPDATE counts the rows it changed, as libmysqlclient's default
                c.addDataSourceProperty("useAffectedRows",
                        String.valueOf(num(params.get("db_mysql", "update_affected_found", "0"), 0) == 0));
                if (num(params.get("db_mysql", "opt_ssl_mode", "0"), 0) == 1) {
                    c.addDataSourceProperty("sslMode", "disable");
                }
                keepalive(c, num(params.get("db_mysql", "ping_interval", "300"), 300));
            }
            case "postgres" -> {
                c.setJdbcUrl("jdbc:postgresql://" + hostPort(url, 5432) + "/" + url.database());
                quote = '"';
                long timeout = num(params.get("db_postgres", "timeout", "0"), 0);
                if (timeout > 0) { // db_postgres: a connection attempt or a query longer than this fails
                    c.addDataSourceProperty("connectTimeout", String.valueOf(timeout));
                    c.addDataSourceProperty("socketTimeout", String.valueOf(timeout));
                } else {
                    // libpq would wait for the kernel's TCP timeout (minutes) on a server that does not
                    // answer; a call must not hang, so a connection attempt gives up after 2 s
                    c.addDataSourceProperty("connectTimeout", "2");
                }
                if (num(params.get("db_postgres", "tcp_keepalive", "0"), 0) > 0) {
                    c.addDataSourceProperty("tcpKeepAlive", "true");
                }
            }
            case "sqlite" -> {
                c.setJdbcUrl("jdbc:sqlite:" + url.database());
                quote = '"';
                // one writer at a time in SQLite; a busy file waits a little rather than failing
                c.addDataSourceProperty("busy_timeout", "2000");
                poolSize = Math.min(poolSize, 4);
            }
            default -> throw new IllegalArgumentException("not a JDBC database: " + url);
        }
        if (url.user() != null) {
            c.setUsername(url.user());
        }
        if (url.password() != null) {
            c.setPassword(url.password());
        }
        c.setMaximumPoolSize(Math.max(1, poolSize));
        c.setMinimumIdle(0);
        // a server that is down is found by reach(), at once; the pool's timeout only bounds the wait for a
        // busy pool (SQLite: a file, whose first opening loads the driver's native library)
        c.setConnectionTimeout(url.scheme().equals("sqlite") ? 5000 : 1000);
        c.setValidationTimeout(500);
        c.setInitializationFailTimeout(-1); // a server down at start is an outage like any other
        this.jdbcUrl = c.getJdbcUrl();
        probeProps.putAll(c.getDataSourceProperties());
        if (url.user() != null) {
            probeProps.setProperty("user", url.user());
        }
        if (url.password() != null) {
            probeProps.setProperty("password", url.password());
        }
        this.sqlite = url.scheme().equals("sqlite");
        this.reached = sqlite; // a file: nothing to reach
        this.pool = new HikariDataSource(c);
    }

    private static long num(String v, long def) {
        try {
            return Long.parseLong(v.trim());
        } catch (RuntimeException e) {
            return def;
        }
    }

    /** db_mysql's ping_interval: an idle pooled connection is checked that often (HikariCP's floor is 30 s). */
    private static void keepalive(HikariConfig c, long seconds) {
        if (seconds > 0) {
            c.setKeepaliveTime(Math.max(30, seconds) * 1000);
        }
    }

    private static String hostPort(DbUrl url, int def) {
        String h = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
        return h + ":" + (url.port() == 0 ? def : url.port());
    }

    @Override
    public DbUrl url() {
        return url;
    }

    @Override
    public boolean up() {
        return !down;
    }

    private String q(String identifier) {
        return quote + identifier.replace(String.valueOf(quote), "") + quote;
    }

    @Override
    public DbResult query(String table, List<String> columns, Where where, String orderBy) throws DbException {
        StringBuilder sql = new StringBuilder("SELECT ");
        if (columns == null || columns.isEmpty()) {
            sql.append('*');
        } else {
            for (int i = 0; i < columns.size(); i++) {
                sql.append(i == 0 ? "" : ",").append(q(columns.get(i)));
            }
        }
        sql.append(" FROM ").append(q(table));
        List<Object> args = new ArrayList<>();
        where(sql, where, args);
        if (orderBy != null) {
            sql.append(" ORDER BY ").append(q(orderBy));
        }
        return run(sql.toString(), args);
    }

    private void where(StringBuilder sql, Where where, List<Object> args) {
        String sep = " WHERE ";
        for (Where.Cond c : where.conds()) {
            sql.append(sep).append(q(c.column()));
            if (c.value() == null) {
                sql.append(c.op().equals("!=") ? " IS NOT NULL" : " IS NULL");
            } else {
                sql.append(' ').append(c.op().equals("!=") ? "<>" : c.op()).append(" ?");
                args.add(c.value());
            }
            sep = " AND ";
        }
    }

    @Override
    public int insert(String table, Map<String, ?> row) throws DbException {
        return update(insertSql("INSERT INTO ", table, row), new ArrayList<>(row.values()));
    }

    private String insertSql(String verb, String table, Map<String, ?> row) {
        StringBuilder sql = new StringBuilder(verb).append(q(table)).append(" (");
        StringBuilder marks = new StringBuilder();
        int i = 0;
        for (String col : row.keySet()) {
            sql.append(i == 0 ? "" : ",").append(q(col));
            marks.append(i++ == 0 ? "?" : ",?");
        }
        return sql.append(") VALUES (").append(marks).append(')').toString();
    }

    @Override
    public int replace(String table, Map<String, ?> row, List<String> uniqueKey) throws DbException {
        switch (url.scheme()) {
            case "mysql" -> {
                return update(insertSql("REPLACE INTO ", table, row), new ArrayList<>(row.values()));
            }
            case "sqlite" -> {
                return update(insertSql("INSERT OR REPLACE INTO ", table, row), new ArrayList<>(row.values()));
            }
            default -> {
                // db_postgres' replace: an update by the key, an insert when it matched nothing
                Where w = Where.ALL;
                for (String k : uniqueKey) {
                    w = w.andEq(k, row.get(k));
                }
                int n = update(table, w, row);
                return n > 0 ? n : insert(table, row);
            }
        }
    }

    @Override
    public int update(String table, Where where, Map<String, ?> values) throws DbException {
        StringBuilder sql = new StringBuilder("UPDATE ").append(q(table)).append(" SET ");
        List<Object> args = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, ?> e : values.entrySet()) {
            sql.append(i++ == 0 ? "" : ",").append(q(e.getKey())).append("=?");
            args.add(e.getValue());
        }
        where(sql, where, args);
        return update(sql.toString(), args);
    }

    @Override
    public int delete(String table, Where where) throws DbException {
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(q(table));
        List<Object> args = new ArrayList<>();
        where(sql, where, args);
        return update(sql.toString(), args);
    }

    @Override
    public DbResult raw(String sql) throws DbException {
        return call(sql, List.of(), st -> {
            if (st.execute()) {
                try (ResultSet rs = st.getResultSet()) {
                    return rows(rs);
                }
            }
            return DbResult.EMPTY;
        });
    }

    private DbResult run(String sql, List<Object> args) throws DbException {
        return call(sql, args, st -> {
            try (ResultSet rs = st.executeQuery()) {
                return rows(rs);
            }
        });
    }

    private int update(String sql, List<Object> args) throws DbException {
        return call(sql, args, PreparedStatement::executeUpdate);
    }

    private interface Statement<T> {
        T run(PreparedStatement st) throws SQLException;
    }

    /** Runs one statement on a pooled connection, keeping the outage state (see the class comment). */
    private <T> T call(String sql, List<Object> args, Statement<T> body) throws DbException {
        reach();
        try (Connection conn = pool.getConnection(); PreparedStatement st = conn.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                st.setObject(i + 1, jdbcValue(args.get(i)));
            }
            return body.run(st);
        } catch (SQLException e) {
            if (unreachable(e)) {
                wentDown(e);
                throw new DbException("database " + url + " is down: " + e.getMessage(), e);
            }
            throw new DbException(e.getMessage(), e);
        }
    }

    /**
     * Before a call while the server is not known to answer (the first call, or during an outage):
     * one plain connection attempt a second, outside the pool. A refused connection fails at once
     * there, where HikariCP would keep retrying until its connection timeout; the calls between two
     * attempts fail without trying.
     */
    private void reach() throws DbException {
        if (reached) {
            return;
        }
        long now = System.currentTimeMillis();
        if (down && now < nextProbe) {
            throw new DbException("database " + url + " is down");
        }
        nextProbe = now + PROBE_INTERVAL_MS;
        try (Connection c = DriverManager.getConnection(jdbcUrl, probeProps)) {
            reached = true;
            if (down) {
                down = false;
                LOG.info("database {} is back", url);
            }
        } catch (SQLException e) {
            if (unreachable(e)) {
                wentDown(e);
                throw new DbException("database " + url + " is down: " + e.getMessage(), e);
            }
            throw new DbException("database " + url + ": " + e.getMessage(), e);
        }
    }

    private void wentDown(SQLException e) {
        reached = false;
        nextProbe = System.currentTimeMillis() + PROBE_INTERVAL_MS;
        if (!down) {
            down = true;
            LOG.error("database {} cannot be reached: {}", url, e.getMessage());
        }
    }

    private static boolean unreachable(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException || e instanceof java.sql.SQLNonTransientConnectionException
                || (state != null && state.startsWith("08"));
    }

    /**
     * An Instant is a DATETIME in the machine's local time, as Kamailio writes it; SQLite keeps it as
     * the text Kamailio's db_sqlite writes ('2026-12-07 15:00:00'), not sqlite-jdbc's milliseconds.
     */
    private Object jdbcValue(Object v) {
        if (v instanceof Instant i) {
            return sqlite ? SQLITE_TIME.format(LocalDateTime.ofInstant(i, ZoneId.systemDefault())) : java.sql.Timestamp.from(i);
        }
        return v;
    }

    private DbResult rows(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String> cols = new ArrayList<>(n);
        boolean[] datetime = new boolean[n];
        for (int i = 1; i <= n; i++) {
            cols.add(md.getColumnLabel(i));
            String type = sqlite ? String.valueOf(md.getColumnTypeName(i)).toUpperCase(java.util.Locale.ROOT) : "";
            datetime[i - 1] = type.contains("TIMESTAMP") || type.contains("DATETIME");
        }
        List<Object[]> rows = new ArrayList<>();
        while (rs.next()) {
            Object[] row = new Object[n];
            for (int i = 1; i <= n; i++) {
                row[i - 1] = sqlite && datetime[i - 1] ? sqliteTime(rs.getObject(i)) : value(rs.getObject(i));
            }
            rows.add(row);
        }
        return new DbResult(List.copyOf(cols), rows);
    }

    /** A SQLite DATETIME: Kamailio's text, or sqlite-jdbc's milliseconds (a Timestamp bound by someone else). */
    private static Object sqliteTime(Object v) {
        if (v instanceof String t) {
            try {
                return LocalDateTime.parse(t.trim().replace('T', ' '), SQLITE_TIME).atZone(ZoneId.systemDefault()).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                return t;
            }
        }
        if (v instanceof Number ms) {
            return Instant.ofEpochMilli(ms.longValue());
        }
        return value(v);
    }

    /** JDBC's many types to the few of {@link DbResult}. */
    private static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Long || v instanceof Double || v instanceof byte[]) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger b) {
            return b.longValue();
        }
        if (v instanceof java.math.BigDecimal b) {
            return b.scale() <= 0 ? (Object) b.longValue() : (Object) b.doubleValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (v instanceof LocalDateTime t) {
            return t.atZone(ZoneId.systemDefault()).toInstant();
        }
        if (v instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().atStartOfDay(ZoneId.systemDefault()).toInstant();
        }
        if (v instanceof LocalDate d) {
            return d.atStartOfDay(ZoneId.systemDefault()).toInstant();
        }
        return v.toString();
    }

    @Override
    public void close() {
        pool.close();
    }
}
