package io.sipway.proxy.db;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The databases of a running proxy: one {@link Database} (one pool) per db_url, however many modules
 * name it, made on first use and closed with the proxy.
 */
public final class Databases implements AutoCloseable {
    private final Map<String, Database> open = new ConcurrentHashMap<>();
    private final Map<String, Function<DbUrl, Database>> backends = new ConcurrentHashMap<>();

    /** @param poolSize connections per SQL database (the workers that may wait on it) */
    public Databases(int poolSize) {
        for (String scheme : new String[] {"mysql", "postgres", "sqlite"}) {
            backends.put(scheme, url -> new JdbcDatabase(url, poolSize));
        }
    }

    /** Serves URLs of {@code scheme} with {@code backend} (text, redis). */
    public void backend(String scheme, Function<DbUrl, Database> backend) {
        backends.put(scheme, backend);
    }

    /** The database of {@code url}, opened on first use; a URL no backend serves is an IllegalArgumentException. */
    public Database get(String url) {
        return open.computeIfAbsent(url, u -> {
            DbUrl parsed = DbUrl.parse(u);
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
