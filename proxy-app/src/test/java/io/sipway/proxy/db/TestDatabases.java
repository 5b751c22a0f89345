package io.sipway.proxy.db;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * Fresh databases for tests, each a db_url: {@link #sqlite()} always; {@link #mysql()},
 * {@link #postgres()} and {@link #redis()} on the servers the environment names
 *
 * <pre>
 *   SIPWAY_TEST_MYSQL  default mysql://sipway:sipway@127.0.0.1:3306
 *   SIPWAY_TEST_PGSQL  default postgres://sipway:sipway@127.0.0.1:5432
 *   SIPWAY_TEST_REDIS  default redis://127.0.0.1:6379
 * </pre>
 *
 * Each call makes a database of its own (a uniquely named one on MariaDB and PostgreSQL, a database
 * number flushed first on Redis), so tests never see each other's rows. A server that does not
 * answer skips the test (JUnit assumption), unless SIPWAY_TEST_REQUIRE_DB=1 (CI), where it fails.
 * The databases are left on the server; CI's are thrown away with its container.
 */
public final class TestDatabases {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final AtomicInteger REDIS_DB = new AtomicInteger();

    private TestDatabases() {}

    /** A new SQLite file in the temp directory: {@code sqlite:///tmp/.../sipway.db}. */
    public static String sqlite() {
        try {
            Path dir = Files.createTempDirectory("sipway-sqlite");
            dir.toFile().deleteOnExit();
            return "sqlite://" + dir.resolve("sipway.db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new database on the MariaDB/MySQL server. */
    public static String mysql() {
        return sqlServer(env("SIPWAY_TEST_MYSQL", "mysql://sipway:sipway@127.0.0.1:3306"), 3306);
    }

    /** A new database on the PostgreSQL server. */
    public static String postgres() {
        return sqlServer(env("SIPWAY_TEST_PGSQL", "postgres://sipway:sipway@127.0.0.1:5432"), 5432);
    }

    /** An empty database number (1 to 15, in turn) on the Redis server. */
    public static String redis() {
        String server = strip(env("SIPWAY_TEST_REDIS", "redis://127.0.0.1:6379"));
        DbUrl u = DbUrl.parse(server + "/0");
        reachable(u, 6379);
        int n = 1 + Math.floorMod(REDIS_DB.getAndIncrement() + (int) (ProcessHandle.current().pid() % 15), 15);
        RedisURI.Builder b = RedisURI.builder().withHost(u.host()).withPort(port(u, 6379)).withDatabase(n)
                .withTimeout(Duration.ofSeconds(2));
        if (u.password() != null) {
            b = u.user() != null ? b.withAuthentication(u.user(), u.password()) : b.withPassword(u.password().toCharArray());
        }
        RedisClient client = RedisClient.create(b.build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().flushdb();
        } finally {
            client.shutdown();
        }
        return server + "/" + n;
    }

    /** Whether tests must fail rather than skip when a server is missing. */
    public static boolean required() {
        return "1".equals(System.getenv("SIPWAY_TEST_REQUIRE_DB"));
    }

    private static String sqlServer(String server, int defPort) {
        server = strip(server);
        DbUrl u = DbUrl.parse(server + "/x");
        reachable(u, defPort);
        String name = ("sipway_t" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000 + "_"
                + SEQ.incrementAndGet()).toLowerCase(Locale.ROOT);
        boolean mysql = u.scheme().equals("mysql");
        String admin = mysql ? "jdbc:mariadb://" + u.host() + ":" + port(u, defPort) + "/"
                : "jdbc:postgresql://" + u.host() + ":" + port(u, defPort) + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, u.user(), u.password()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            if (required()) {
                throw new AssertionError("cannot create a test database on " + u + ": " + e.getMessage(), e);
            }
            Assumptions.abort("cannot create a test database on " + u + ": " + e.getMessage());
        }
        return server + "/" + name;
    }

    private static void reachable(DbUrl u, int defPort) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.host(), port(u, defPort)), 500);
        } catch (IOException e) {
            String why = u.scheme() + " server " + u.host() + ":" + port(u, defPort) + " does not answer (" + e.getMessage() + ")";
            if (required()) {
                throw new AssertionError(why + " and SIPWAY_TEST_REQUIRE_DB=1");
            }
            Assumptions.abort(why);
        }
    }

    private static int port(DbUrl u, int def) {
        return u.port() == 0 ? def : u.port();
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v.trim();
    }
}
