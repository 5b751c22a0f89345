package io.sipway.proxy.db;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The databases of a running proxy: one {@link Database} (one pool) per db_url, however many modules
 * name it, made on first use and closed with the proxy. Backends: MySQL/MariaDB, PostgreSQL and
 * SQLite over JDBC ({@link JdbcDatabase}), db_text's directories ({@link TextDatabase}), db_redis'
 * rows on a Redis server ({@link RedisDatabase}, with db_redis' schema_path and keys modparams; tools
 * and tests without a script get Sipway's schema and {@link RedisTables#DEFAULT_KEYS}).
 *
 * <p>Once the proxy tells it which modules the script loaded ({@link #loadedModules}), a URL whose
 * db_* module is not among them is refused, as Kamailio's db_bind_mod() refuses it (the module that
 * names it fails to start). Tools ({@code sipway db}) and tests use every backend.
 */
public final class Databases implements AutoCloseable {
    private final Map<String, Database> open = new ConcurrentHashMap<>();
    private final Map<String, Function<DbUrl, Database>> backends = new ConcurrentHashMap<>();
    private volatile Set<String> loadedModules;
    private volatile ModParams params = (module, param, def) -> def;

    /** The script's modparam values, as {@code Core.modparam} reads them. */
    @FunctionalInterface
    public interface ModParams {
        String get(String module, String param, String def);

        /** Every value written for a parameter that may be given several times (db_redis' keys), in order. */
        default List<String> all(String module, String param) {
            String v = get(module, param, null);
            return v == null ? List.of() : List.of(v);
        }
    }

    /** @param poolSize connections per SQL database (the workers that may wait on it) */
    public Databases(int poolSize) {
        for (String scheme : new String[] {"mysql", "postgres", "sqlite"}) {
            backends.put(scheme, url -> new JdbcDatabase(url, poolSize, params));
        }
        backends.put("text", TextDatabase::new);
        backends.put("redis", url -> {
            List<String> keys = params.all("db_redis", "keys");
            if (keys.isEmpty() && loadedModules == null) {
                keys = List.of(RedisTables.DEFAULT_KEYS); // a tool or a test: no script to give them
            }
            return new RedisDatabase(url, RedisTables.load(params.get("db_redis", "schema_path", ""), keys));
        });
    }

    /**
     * The script's modules and modparams, before its modules start: from now on a db_url needs its
     * db_* module loaded, and a database opened takes that module's parameters (db_mysql's
     * timeout_interval...).
     */
    public void configure(Set<String> modules, ModParams params) {
        this.params = params;
        this.loadedModules = Set.copyOf(modules);
    }

    /**
     * Checks db_redis' table definitions as its connection would read them: the schema files of
     * {@code schemaPath} (Sipway's schema when empty) and the {@code keys} values; what db_redis
     * would refuse is an IllegalArgumentException saying why.
     */
    public static void checkRedisTables(String schemaPath, List<String> keys) {
        RedisTables.load(schemaPath, keys);
    }

    /** Serves URLs of {@code scheme} with {@code backend} (text, redis). */
    public void backend(String scheme, Function<DbUrl, Database> backend) {
        backends.put(scheme, backend);
    }

    /** The database of {@code url}, opened on first use; a URL no backend serves is an IllegalArgumentException. */
    public Database get(String url) {
        return open.computeIfAbsent(url, u -> {
            DbUrl parsed = DbUrl.parse(u);
            Set<String> loaded = loadedModules;
            if (loaded != null && !loaded.contains(parsed.module())) {
                // Kamailio: "db_bind_mod(): Module db_mysql not found. Missing loadmodule?"
                throw new IllegalArgumentException("db_url '" + parsed + "' needs module " + parsed.module()
                        + ": add loadmodule \"" + parsed.module() + ".so\"");
            }
            Function<DbUrl, Database> b = backends.get(parsed.scheme());
            if (b == null) {
                throw new IllegalArgumentException("db_url '" + parsed + "': Sipway has no " + parsed.module() + " backend");
            }
            return b.apply(parsed);
        });
    }

    @Override
    public void close() {
        open.values().forEach(Database::close);
        open.clear();
    }
}
