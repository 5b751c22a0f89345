package io.sipway.proxy.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.log.LogCapture;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The database calls Kamailio's modules make (query, insert, replace, update, delete, raw) on
 * SQLite, MariaDB and PostgreSQL, with Kamailio's tables; and what an outage does: calls fail at
 * once, it is logged once, and calls work again when the server is back.
 */
class JdbcDatabaseTest {

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("sqlite", (Supplier<String>) TestDatabases::sqlite),
                Arguments.of("mysql", (Supplier<String>) TestDatabases::mysql),
                Arguments.of("postgres", (Supplier<String>) TestDatabases::postgres));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theCallsOfKamailiosDbApi(String name, Supplier<String> url) throws Exception {
        try (Databases dbs = new Databases(2)) {
            Database db = dbs.get(url.get());
            Schema.create(db, "location", "htable");
            Instant expires = Instant.parse("2026-12-07T15:00:00Z");
            Map<String, Object> row = new HashMap<>();
            row.put("ruid", "r1");
            row.put("username", "alice");
            row.put("domain", null);
            row.put("contact", "sip:alice@192.0.2.1");
            row.put("expires", expires);
            row.put("q", 0.5);
            row.put("cseq", 7);
            assertThat(db.insert("location", row)).isEqualTo(1);

            DbResult r = db.query("location", List.of("contact", "domain", "expires", "q", "cseq", "path"),
                    Where.eq("username", "alice").andEq("domain", null), null);
            assertThat(r.size()).isEqualTo(1);
            assertThat(r.text(0, "contact")).isEqualTo("sip:alice@192.0.2.1");
            assertThat(r.get(0, "domain")).isNull();
            assertThat(r.get(0, "path")).isNull();
            assertThat(r.get(0, "expires")).isEqualTo(expires); // a DATETIME round trip, to the second
            assertThat(((Number) r.get(0, "q")).doubleValue()).isEqualTo(0.5);
            assertThat(r.get(0, "cseq")).isEqualTo(7L);

            // the conditions and order of Kamailio's db_op_t
            db.insert("location", Map.of("ruid", "r2", "username", "alice", "contact", "sip:a2", "expires",
                    expires.plus(1, ChronoUnit.HOURS)));
            assertThat(db.query("location", List.of("ruid"), Where.eq("username", "alice").and("expires", ">", expires), null)
                    .text(0, "ruid")).isEqualTo("r2");
            DbResult ordered = db.query("location", List.of("ruid"), Where.eq("username", "alice"), "expires");
            assertThat(ordered.rows()).extracting(x -> x[0]).containsExactly("r1", "r2");
            assertThat(db.query("location", List.of("ruid"), Where.ALL.and("domain", "!=", null), null).size()).isZero();

            assertThat(db.update("location", Where.eq("ruid", "r1"), Map.of("cseq", 8, "path", "<sip:p>"))).isEqualTo(1);
            assertThat(db.query("location", List.of("path"), Where.eq("ruid", "r1"), null).text(0, "path")).isEqualTo("<sip:p>");

            // replace: the row with the same unique key is replaced, not doubled
            db.replace("location", Map.of("ruid", "r1", "username", "alice", "contact", "sip:new"), List.of("ruid"));
            assertThat(db.query("location", List.of("contact"), Where.eq("ruid", "r1"), null).text(0, "contact"))
                    .isEqualTo("sip:new");
            assertThat(db.query("location", null, Where.ALL, null).size()).isEqualTo(2);

            assertThat(db.delete("location", Where.eq("ruid", "r2"))).isEqualTo(1);
            assertThat(db.raw("SELECT count(*) AS n FROM location").number(0, "n", -1)).isEqualTo(1);
            assertThat(db.raw("DELETE FROM location").size()).isZero();

            // a statement the server refuses is an error, and the database stays up
            assertThatThrownBy(() -> db.query("no_such_table", null, Where.ALL, null)).isInstanceOf(DbException.class);
            assertThat(db.up()).isTrue();
        }
    }

    @Test
    void aClosedPortFailsAtOnceAndIsLoggedOnce() throws Exception {
        int port = io.sipway.proxy.FreePorts.udpAndTcp();
        try (Databases dbs = new Databases(2); LogCapture log = new LogCapture(JdbcDatabase.class.getName())) {
            Database db = dbs.get("mysql://sipway:sipway@127.0.0.1:" + port + "/kamailio");
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> db.query("version", null, Where.ALL, null)).isInstanceOf(DbException.class);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).as("call %d", i).isLessThan(i == 0 ? 1500 : 300);
            }
            assertThat(db.up()).isFalse();
            assertThat(log.lines()).filteredOn(l -> l.contains("cannot be reached")).hasSize(1);
        }
    }

    /** db_mysql's update_affected_found: an UPDATE that changes nothing counts 0 rows (libmysqlclient's default) or 1. */
    @Test
    void dbMysqlUpdateAffectedFound() throws Exception {
        String url = TestDatabases.mysql();
        for (String found : List.of("0", "1")) {
            try (Databases dbs = new Databases(1)) {
                dbs.configure(java.util.Set.of("db_mysql"), (m, p, d) -> m.equals("db_mysql") && p.equals("update_affected_found") ? found : d);
                Database db = dbs.get(url);
                Schema.create(db, "htable");
                db.delete("htable", Where.ALL);
                db.insert("htable", Map.of("key_name", "k", "key_value", "v"));
                assertThat(db.update("htable", Where.eq("key_name", "k"), Map.of("key_value", "v"))).as(found)
                        .isEqualTo(Integer.parseInt(found));
            }
        }
    }

    static Stream<Arguments> servers() {
        return Stream.of(Arguments.of("mysql", (Supplier<String>) TestDatabases::mysql),
                Arguments.of("postgres", (Supplier<String>) TestDatabases::postgres));
    }

    /** The server goes away (a relay in front of it stops) and comes back. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void anOutageFailsCallsAtOnceIsLoggedOnceAndEnds(String name, Supplier<String> server) throws Exception {
        DbUrl real = DbUrl.parse(server.get());
        int realPort = real.port() != 0 ? real.port() : name.equals("mysql") ? 3306 : 5432;
        try (TcpRelay relay = new TcpRelay(io.sipway.proxy.FreePorts.udpAndTcp(), new InetSocketAddress(real.host(), realPort));
             Databases dbs = new Databases(2);
             LogCapture log = new LogCapture(JdbcDatabase.class.getName())) {
            relay.start();
            Database db = dbs.get(name + "://" + real.user() + ":" + real.password() + "@127.0.0.1:" + relay.port() + "/" + real.database());
            Schema.create(db, "version");
            assertThat(db.tableVersion("version")).isEqualTo(1);

            relay.stop();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> db.tableVersion("version")).isInstanceOf(DbException.class);
            // the pool's broken connection is dropped and a new one refused: HikariCP's 1 s at most
            assertThat(ms(t0)).isLessThan(1500);
            for (int i = 0; i < 20; i++) { // then at once, the attempts a second included
                long t = System.nanoTime();
                assertThatThrownBy(() -> db.tableVersion("version")).isInstanceOf(DbException.class);
                assertThat(ms(t)).isLessThan(300);
                Thread.sleep(100);
            }
            assertThat(db.up()).isFalse();

            relay.start();
            long deadline = System.nanoTime() + 5_000_000_000L;
            int version = -2;
            while (version != 1 && System.nanoTime() < deadline) {
                try {
                    version = db.tableVersion("version");
                } catch (DbException e) {
                    Thread.sleep(100);
                }
            }
            assertThat(version).isEqualTo(1);
            assertThat(db.up()).isTrue();
            assertThat(log.lines()).filteredOn(l -> l.contains("cannot be reached")).hasSize(1);
            assertThat(log.lines()).filteredOn(l -> l.contains("is back")).hasSize(1);
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
