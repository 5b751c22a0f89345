package io.sipway.proxy.db;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.sipway.proxy.db.RedisTables.Kind;
import io.sipway.proxy.db.RedisTables.Mapping;
import io.sipway.proxy.db.RedisTables.Table;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kamailio's db_redis: {@code redis://[user:pass@]host[:port]/N}, rows stored as db_redis 5.6 stores
 * them, so that Kamailio and Sipway share them. A row is a hash {@code table:entry::v1[:v2...]}, the
 * values of the table's entry columns (the {@code keys} modparam); each mapping of the table
 * ({@code usrdom:username,domain}) is a set {@code table:usrdom::alice:example.com} holding the entry
 * keys of the rows with those values, itself listed in the set {@code table::index::usrdom}. A table
 * named {@code code:table} in {@code keys} has every key prefixed with {@code code:}. Values are text
 * ({@link RedisValues}); NULL is a field the hash lacks.
 *
 * <p>A query, update or delete given every entry column (with =) reads that one hash; else the first
 * mapping whose columns are all given (with =) names the rows (an empty set: no row, no scan); else
 * every {@code table:entry::*} key is scanned. The conditions are then checked on each row. The
 * version of a table is the one of its schema (db_redis answers {@code version} queries from its
 * schema files; nothing is stored for it). Raw SQL is refused, as db_redis has none.
 *
 * <p>Outages are those of {@link JdbcDatabase}: a call that cannot reach the server drops the
 * connection, marks the database down and logs it once; while down, calls fail at once but for one
 * connection attempt a second, and the first that succeeds logs the recovery.
 */
final class RedisDatabase implements Database, Schema.SchemaAware {
    private static final Logger LOG = LoggerFactory.getLogger(RedisDatabase.class);
    private static final long PROBE_INTERVAL_MS = 1000;
    /** A command that gets no answer in this long fails (and the server counts as down). */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final DbUrl url;
    private final RedisTables tables;
    private final RedisClient client;
    private volatile StatefulRedisConnection<String, String> conn;
    private volatile boolean down;
    private volatile long nextProbe;

    RedisDatabase(DbUrl url, RedisTables tables) {
        this.url = url;
        this.tables = tables;
        if (url.host().indexOf(',') >= 0) {
            // db_redis' cluster form (host:port,host:port and no database): Sipway talks to one server
            throw new IllegalArgumentException("db_url '" + url + "': a Redis Cluster (a list of servers) is not supported;"
                    + " give one server (a primary; its replicas behind Sentinel or a failover address)");
        }
        int db;
        try {
            db = url.database().isEmpty() ? 0 : Integer.parseInt(url.database());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("db_url '" + url + "': the database must be a Redis database number");
        }
        RedisURI.Builder b = RedisURI.builder().withHost(url.host()).withPort(url.port() == 0 ? 6379 : url.port())
                .withDatabase(db).withTimeout(COMMAND_TIMEOUT);
        if (url.password() != null) {
            b = url.user() != null ? b.withAuthentication(url.user(), url.password()) : b.withPassword(url.password().toCharArray());
        } else if (url.user() != null) {
            b = b.withPassword(url.user().toCharArray()); // redis://secret@host: db_redis' AUTH with the one word given
        }
        client = RedisClient.create(b.build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false) // reconnecting is ours: one attempt a second while down
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
    }

    @Override
    public DbUrl url() {
        return url;
    }

    @Override
    public boolean up() {
        return !down;
    }

    /** Redis needs no table made: db_redis knows the tables from its schema. */
    @Override
    public void createTable(SchemaTable table) {
        // nothing to store: the version query is answered from the schema too
    }

    @Override
    public DbResult query(String table, List<String> columns, Where where, String orderBy) throws DbException {
        if (table.equals("version") && columns != null && columns.size() == 1 && columns.get(0).equals("table_version")) {
            // db_redis answers the version query from its schema, not from the server
            for (Where.Cond c : where.conds()) {
                if (c.column().equals("table_name") && c.op().equals("=") && c.value() != null) {
                    Table named = tables.table(c.value().toString());
                    if (named != null) {
                        return new DbResult(List.of("table_version"), List.<Object[]>of(new Object[] {(long) named.version}));
                    }
                }
            }
        }
        Table t = table(table);
        List<String> cols = columns == null || columns.isEmpty() ? new ArrayList<>(t.columns.keySet()) : columns;
        List<Map<String, String>> rows = new ArrayList<>(call((c, r) -> rows(c, t, where)).values());
        if (orderBy != null) {
            Kind k = t.kind(orderBy);
            rows.sort(Comparator.comparing(m -> RedisValues.decode(k, m.get(orderBy)), RedisDatabase::compareNullsFirst));
        }
        List<Object[]> out = new ArrayList<>(rows.size());
        for (Map<String, String> row : rows) {
            Object[] r = new Object[cols.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = RedisValues.decode(t.kind(cols.get(i)), row.get(cols.get(i)));
            }
            out.add(r);
        }
        return new DbResult(List.copyOf(cols), out);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareNullsFirst(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a instanceof Comparable ca && a.getClass() == b.getClass() ? ca.compareTo(b) : a.toString().compareTo(b.toString());
    }

    @Override
    public int insert(String table, Map<String, ?> row) throws DbException {
        Table t = table(table);
        String key = entryKey(t, row);
        return call((c, r) -> {
            Map<String, String> old = r.hgetall(key);
            if (!old.isEmpty()) { // db_redis' HMSET overwrites a row of the same entry key
                unlink(r, t, key, old);
            }
            write(r, t, key, row);
            return 1;
        });
    }

    @Override
    public int replace(String table, Map<String, ?> row, List<String> uniqueKey) throws DbException {
        Table t = table(table);
        Where w = Where.ALL;
        for (String k : uniqueKey) {
            w = w.andEq(k, row.get(k));
        }
        Where same = w;
        String key = entryKey(t, row);
        return call((c, r) -> {
            for (Map.Entry<String, Map<String, String>> e : rows(c, t, same).entrySet()) {
                unlink(r, t, e.getKey(), e.getValue());
            }
            Map<String, String> old = r.hgetall(key);
            if (!old.isEmpty()) {
                unlink(r, t, key, old);
            }
            write(r, t, key, row);
            return 1;
        });
    }

    @Override
    public int update(String table, Where where, Map<String, ?> values) throws DbException {
        Table t = table(table);
        return call((c, r) -> {
            int n = 0;
            for (Map.Entry<String, Map<String, String>> e : rows(c, t, where).entrySet()) {
                String key = e.getKey();
                Map<String, String> old = e.getValue();
                Map<String, String> now = new HashMap<>(old);
                Map<String, String> set = new LinkedHashMap<>();
                List<String> unset = new ArrayList<>();
                for (Map.Entry<String, ?> v : values.entrySet()) {
                    if (v.getValue() == null) {
                        unset.add(v.getKey());
                        now.remove(v.getKey());
                    } else {
                        String s = RedisValues.encode(RedisValues.kindOf(t.kind(v.getKey()), v.getValue()), v.getValue());
                        set.put(v.getKey(), s);
                        now.put(v.getKey(), s);
                    }
                }
                if (!set.isEmpty()) {
                    r.hset(key, set);
                }
                if (!unset.isEmpty()) {
                    r.hdel(key, unset.toArray(String[]::new));
                }
                // the mapping sets follow the values of their columns
                for (Mapping m : t.mappings) {
                    String before = mappingKey(t, m, old);
                    String after = mappingKey(t, m, now);
                    if (before != null && !before.equals(after)) {
                        leave(r, t, m, before, key);
                    }
                    if (after != null && !after.equals(before)) {
                        join(r, t, m, after, key);
                    }
                }
                n++;
            }
            return n;
        });
    }

    @Override
    public int delete(String table, Where where) throws DbException {
        Table t = table(table);
        return call((c, r) -> {
            int n = 0;
            for (Map.Entry<String, Map<String, String>> e : rows(c, t, where).entrySet()) {
                unlink(r, t, e.getKey(), e.getValue());
                n++;
            }
            return n;
        });
    }

    @Override
    public DbResult raw(String sql) throws DbException {
        throw new DbException("db_redis runs no SQL (" + url + "): use ndb_redis for Redis commands");
    }

    private Table table(String name) throws DbException {
        Table t = tables.table(name);
        if (t == null) {
            throw new DbException("db_redis: query to undefined table '" + name + "', define it in a schema file (schema_path)");
        }
        return t;
    }

    // ---- keys

    private static String entryKey(Table t, Map<String, ?> row) throws DbException {
        if (t.entry.isEmpty()) {
            throw new DbException("db_redis: table '" + t.name + "' has no entry key: define one in the 'keys' modparam ("
                    + t.name + "=entry:<column>[,<column>...])");
        }
        StringBuilder k = new StringBuilder(t.versionCode).append(t.name).append(":entry::");
        for (int i = 0; i < t.entry.size(); i++) {
            String col = t.entry.get(i);
            Object v = row.get(col);
            if (v == null) {
                throw new DbException("db_redis: no value for column '" + col + "' of the entry key of table '" + t.name + "'");
            }
            k.append(i == 0 ? "" : ":").append(RedisValues.encode(RedisValues.kindOf(t.kind(col), v), v));
        }
        return k.toString();
    }

    /** The set of mapping {@code m} for a row's fields, or null when a column of it is NULL (no set then). */
    private static String mappingKey(Table t, Mapping m, Map<String, String> fields) {
        StringBuilder k = new StringBuilder(t.versionCode).append(t.name).append(':').append(m.type()).append("::");
        for (int i = 0; i < m.columns().size(); i++) {
            String v = fields.get(m.columns().get(i));
            if (v == null) {
                return null;
            }
            k.append(i == 0 ? "" : ":").append(v);
        }
        return k.toString();
    }

    private static String indexKey(Table t, Mapping m) {
        return t.versionCode + t.name + "::index::" + m.type();
    }

    /** The key (entry or mapping set) the conditions name with =, as db_redis picks it; null: scan. */
    private static String lookup(Table t, Where where, List<String> columns, String type) {
        if (columns.isEmpty()) {
            return null;
        }
        StringBuilder k = new StringBuilder(t.versionCode).append(t.name).append(':').append(type).append("::");
        for (int i = 0; i < columns.size(); i++) {
            Object v = null;
            for (Where.Cond c : where.conds()) {
                if (c.column().equals(columns.get(i)) && c.op().equals("=") && c.value() != null) {
                    v = c.value();
                    break;
                }
            }
            if (v == null) {
                return null;
            }
            k.append(i == 0 ? "" : ":").append(RedisValues.encode(RedisValues.kindOf(t.kind(columns.get(i)), v), v));
        }
        return k.toString();
    }

    // ---- rows

    /** The rows matching {@code where}: entry key to fields, in the order found. */
    private Map<String, Map<String, String>> rows(StatefulRedisConnection<String, String> c, Table t, Where where) {
        List<String> keys = candidates(c.sync(), t, where);
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        // one round trip for all of them
        List<RedisFuture<Map<String, String>>> futures = new ArrayList<>(keys.size());
        var async = c.async();
        for (String k : keys) {
            futures.add(async.hgetall(k));
        }
        for (int i = 0; i < keys.size(); i++) {
            Map<String, String> fields = await(futures.get(i));
            if (!fields.isEmpty() && matches(t, fields, where)) {
                out.put(keys.get(i), fields);
            }
        }
        return out;
    }

    private List<String> candidates(RedisCommands<String, String> r, Table t, Where where) {
        String entry = lookup(t, where, t.entry, "entry");
        if (entry != null) {
            return List.of(entry);
        }
        for (Mapping m : t.mappings) {
            String set = lookup(t, where, m.columns(), m.type());
            if (set != null) {
                return new ArrayList<>(r.smembers(set));
            }
        }
        if (!where.conds().isEmpty()) {
            LOG.debug("db_redis: full table scan on table '{}' for {}", t.name, where);
        }
        List<String> keys = new ArrayList<>();
        ScanArgs match = ScanArgs.Builder.matches(t.versionCode + t.name + ":entry::*").limit(1000);
        KeyScanCursor<String> cursor = r.scan(match);
        keys.addAll(cursor.getKeys());
        while (!cursor.isFinished()) {
            cursor = r.scan(ScanCursor.of(cursor.getCursor()), match);
            keys.addAll(cursor.getKeys());
        }
        return keys;
    }

    private static boolean matches(Table t, Map<String, String> fields, Where where) {
        for (Where.Cond c : where.conds()) {
            Kind k = RedisValues.kindOf(t.kind(c.column()), c.value());
            if (!RedisValues.matches(k, fields.get(c.column()), c.op(), c.value())) {
                return false;
            }
        }
        return true;
    }

    /** Writes a row's hash (its non-NULL values) and adds it to its mapping sets. */
    private static void write(RedisCommands<String, String> r, Table t, String key, Map<String, ?> row) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : row.entrySet()) {
            if (e.getValue() != null) {
                fields.put(e.getKey(), RedisValues.encode(RedisValues.kindOf(t.kind(e.getKey()), e.getValue()), e.getValue()));
            }
        }
        if (fields.isEmpty()) {
            return;
        }
        r.hset(key, fields);
        for (Mapping m : t.mappings) {
            String set = mappingKey(t, m, fields);
            if (set != null) {
                join(r, t, m, set, key);
            }
        }
    }

    /** Deletes a row's hash and takes it out of its mapping sets. */
    private static void unlink(RedisCommands<String, String> r, Table t, String key, Map<String, String> fields) {
        r.del(key);
        for (Mapping m : t.mappings) {
            String set = mappingKey(t, m, fields);
            if (set != null) {
                leave(r, t, m, set, key);
            }
        }
    }

    private static void join(RedisCommands<String, String> r, Table t, Mapping m, String set, String key) {
        r.sadd(set, key);
        r.sadd(indexKey(t, m), set);
    }

    /** Out of a mapping set; a set left empty leaves the table's index of that mapping, as db_redis' script does. */
    private static void leave(RedisCommands<String, String> r, Table t, Mapping m, String set, String key) {
        r.srem(set, key);
        if (r.scard(set) == 0) {
            r.srem(indexKey(t, m), set);
        }
    }

    // ---- the connection and its outages

    private interface Body<T> {
        T run(StatefulRedisConnection<String, String> c, RedisCommands<String, String> r);
    }

    /** Runs {@code body} on the connection, keeping the outage state (see the class comment). */
    private <T> T call(Body<T> body) throws DbException {
        StatefulRedisConnection<String, String> c = connect();
        try {
            return body.run(c, c.sync());
        } catch (RedisCommandExecutionException e) {
            throw new DbException("db_redis " + url + ": " + e.getMessage(), e); // the server answered with an error
        } catch (RedisException e) {
            wentDown(c, e);
            throw new DbException("database " + url + " is down: " + e.getMessage(), e);
        }
    }

    private StatefulRedisConnection<String, String> connect() throws DbException {
        StatefulRedisConnection<String, String> c = conn;
        if (c != null && c.isOpen()) {
            return c;
        }
        synchronized (this) {
            if (conn != null && conn.isOpen()) {
                return conn;
            }
            if (conn != null) { // closed under us (the server's idle timeout, a restart): a new one, as for a first call
                conn.closeAsync();
                conn = null;
            }
            long now = System.currentTimeMillis();
            if (down && now < nextProbe) {
                throw new DbException("database " + url + " is down");
            }
            nextProbe = now + PROBE_INTERVAL_MS;
            try {
                conn = client.connect();
            } catch (RedisException e) {
                wentDown(null, e);
                throw new DbException("database " + url + " is down: " + e.getMessage(), e);
            }
            if (down) {
                down = false;
                LOG.info("database {} is back", url);
            }
            return conn;
        }
    }

    private synchronized void wentDown(StatefulRedisConnection<String, String> c, RedisException e) {
        if (c != null && conn == c) {
            conn = null;
            c.closeAsync();
        }
        nextProbe = System.currentTimeMillis() + PROBE_INTERVAL_MS;
        if (!down) {
            down = true;
            LOG.error("database {} cannot be reached: {}", url, e.getMessage());
        }
    }

    private static <T> T await(RedisFuture<T> f) {
        try {
            return f.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisException re) {
                throw re;
            }
            throw new RedisException(e.getCause());
        } catch (TimeoutException e) {
            throw new RedisException("no answer in " + COMMAND_TIMEOUT.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("interrupted", e);
        }
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> c = conn;
        conn = null;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
