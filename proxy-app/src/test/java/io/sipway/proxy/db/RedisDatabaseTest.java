package io.sipway.proxy.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.sipway.proxy.log.LogCapture;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * db_redis' rows on the local Redis, checked key by key against the layout Kamailio 5.6's db_redis
 * writes: a hash per row under {@code table:entry::<entry values>}, mapping sets of entry keys, the
 * sets of each mapping listed under {@code table::index::<type>}, values as text.
 */
@Timeout(30)
class RedisDatabaseTest {
    private static final String KEYS = "location=entry:ruid&usrdom:username,domain&timer:partition,keepalive";
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @TempDir
    Path work;
    private String url;
    private Databases dbs;
    private Database db;
    private RedisClient client;
    private StatefulRedisConnection<String, String> raw;
    private RedisCommands<String, String> redis;

    @BeforeEach
    void open() {
        url = TestDatabases.redis();
        dbs = databases("", List.of(KEYS, "subscriber=entry:username,domain"));
        db = dbs.get(url);
        client = RedisClient.create(url);
        raw = client.connect();
        redis = raw.sync();
    }

    @AfterEach
    void close() {
        if (raw != null) {
            raw.close();
            client.shutdown();
        }
        if (dbs != null) {
            dbs.close();
        }
    }

    /** Databases as the proxy configures them when a script loads db_redis with these modparams. */
    private static Databases databases(String schemaPath, List<String> keys) {
        Databases d = new Databases(2);
        d.configure(Set.of("db_redis"), new Databases.ModParams() {
            @Override
            public String get(String module, String param, String def) {
                return module.equals("db_redis") && param.equals("schema_path") ? schemaPath : def;
            }

            @Override
            public List<String> all(String module, String param) {
                return module.equals("db_redis") && param.equals("keys") ? keys : List.of();
            }
        });
        return d;
    }

    /** db_redis' cluster form (a list of servers, no database) is refused with its reason, not taken for a host name. */
    @Test
    void aRedisClusterListIsRefusedAtStart() {
        Databases d = databases("", List.of("location=entry:ruid&usrdom:username"));
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.get("redis://127.0.0.1:6379,127.0.0.2:6379"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Redis Cluster");
        } finally {
            d.close();
        }
    }

    private static Map<String, Object> contact(String ruid, String user, String domain, String contact, Instant expires) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ruid", ruid);
        row.put("username", user);
        row.put("domain", domain);
        row.put("contact", contact);
        row.put("received", null);
        row.put("expires", expires);
        row.put("q", 0.5);
        row.put("cseq", 7);
        row.put("partition", 0);
        row.put("keepalive", 0);
        return row;
    }

    @Test
    void aRowIsAHashUnderItsEntryKeyListedInItsMappingSets() throws Exception {
        Instant expires = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        db.insert("location", contact("uloc-1", "alice", "example.com", "sip:alice@10.0.0.1", expires));

        Map<String, String> hash = redis.hgetall("location:entry::uloc-1");
        assertThat(hash).containsEntry("ruid", "uloc-1").containsEntry("username", "alice").containsEntry("domain", "example.com")
                .containsEntry("q", "0.500000").containsEntry("cseq", "7")
                .containsEntry("expires", LOCAL.format(LocalDateTime.ofInstant(expires, ZoneId.systemDefault())))
                .doesNotContainKey("received"); // NULL: no field
        assertThat(redis.smembers("location:usrdom::alice:example.com")).containsExactly("location:entry::uloc-1");
        assertThat(redis.smembers("location::index::usrdom")).containsExactly("location:usrdom::alice:example.com");
        assertThat(redis.smembers("location:timer::0:0")).containsExactly("location:entry::uloc-1");
        assertThat(redis.smembers("location::index::timer")).containsExactly("location:timer::0:0");

        // read back by the mapping, by the entry key, and by a scan, values typed by the schema
        DbResult byAor = db.query("location", null, Where.eq("username", "alice").andEq("domain", "example.com"), null);
        assertThat(byAor.size()).isEqualTo(1);
        assertThat(byAor.get(0, "expires")).isEqualTo(expires);
        assertThat(byAor.get(0, "q")).isEqualTo(0.5);
        assertThat(byAor.get(0, "cseq")).isEqualTo(7L);
        assertThat(byAor.get(0, "received")).isNull();
        assertThat(db.query("location", List.of("contact"), Where.eq("ruid", "uloc-1"), null).text(0, "contact"))
                .isEqualTo("sip:alice@10.0.0.1");
        assertThat(db.query("location", List.of("ruid"), Where.eq("contact", "sip:alice@10.0.0.1"), null).size()).isEqualTo(1);
        assertThat(db.query("location", List.of("ruid"), Where.ALL.and("expires", "<", Instant.now()), null).size()).isZero();
        assertThat(db.query("location", List.of("ruid"), Where.ALL.and("expires", ">", Instant.now()), null).size()).isEqualTo(1);
        assertThat(db.query("location", List.of("ruid"), Where.eq("username", "bob").andEq("domain", "example.com"), null).size())
                .as("an empty mapping set: no row, no scan").isZero();
    }

    @Test
    void anUpdateMovesTheRowBetweenMappingSetsAndADeleteEmptiesThem() throws Exception {
        Instant expires = Instant.now().plus(1, ChronoUnit.HOURS);
        db.insert("location", contact("uloc-1", "alice", "example.com", "sip:alice@10.0.0.1", expires));
        db.insert("location", contact("uloc-2", "alice", "example.com", "sip:alice@10.0.0.2", expires));

        assertThat(db.update("location", Where.eq("ruid", "uloc-2"), Map.of("username", "bob", "contact", "sip:bob@10.0.0.2"))).isEqualTo(1);
        assertThat(redis.smembers("location:usrdom::alice:example.com")).containsExactly("location:entry::uloc-1");
        assertThat(redis.smembers("location:usrdom::bob:example.com")).containsExactly("location:entry::uloc-2");
        assertThat(redis.hget("location:entry::uloc-2", "contact")).isEqualTo("sip:bob@10.0.0.2");

        assertThat(db.delete("location", Where.eq("username", "alice").andEq("domain", "example.com"))).isEqualTo(1);
        assertThat(redis.exists("location:entry::uloc-1")).isZero();
        assertThat(redis.exists("location:usrdom::alice:example.com")).isZero();
        assertThat(redis.smembers("location::index::usrdom")).containsExactly("location:usrdom::bob:example.com");

        // replace by ruid: the row is written again, its old mapping left
        Map<String, Object> moved = contact("uloc-2", "carol", "example.com", "sip:carol@10.0.0.3", expires);
        db.replace("location", moved, List.of("ruid"));
        assertThat(db.query("location", List.of("username"), Where.ALL, null).rows()).hasSize(1);
        assertThat(redis.smembers("location::index::usrdom")).containsExactly("location:usrdom::carol:example.com");

        assertThat(db.delete("location", Where.ALL)).isEqualTo(1);
        assertThat(redis.keys("*")).isEmpty();
    }

    @Test
    void versionsComeFromTheSchemaAndNothingIsStoredForThem() throws Exception {
        Schema.create(db); // sipway db create: Redis needs no table, db_redis reads versions from its schema
        assertThat(db.tableVersion("location")).isEqualTo(Schema.table("location").version());
        assertThat(db.tableVersion("subscriber")).isEqualTo(Schema.table("subscriber").version());
        assertThat(redis.dbsize()).isZero();
    }

    @Test
    void kamailiosSchemaFilesAndAVersionCode() throws Exception {
        Files.writeString(work.resolve("subscriber"), "id/int,username/string,domain/string,password/string,ha1/string,ha1b/string,\n7\n");
        try (Databases d = databases(work.toString(), List.of("v1:subscriber=entry:username,domain"))) {
            Database sub = d.get(url);
            sub.insert("subscriber", Map.of("username", "alice", "domain", "example.com", "password", "secret", "ha1", "h", "ha1b", "hb"));
            assertThat(redis.hgetall("v1:subscriber:entry::alice:example.com")).containsEntry("password", "secret");
            assertThat(sub.tableVersion("subscriber")).isEqualTo(7);
            assertThat(sub.query("subscriber", List.of("password"), Where.eq("username", "alice").andEq("domain", "example.com"), null)
                    .text(0, "password")).isEqualTo("secret");
            assertThatThrownBy(() -> sub.query("location", null, Where.ALL, null)).isInstanceOf(DbException.class)
                    .hasMessageContaining("undefined table 'location'");
        }
        Path debian = Path.of("/usr/share/kamailio/db_redis/kamailio");
        if (Files.isDirectory(debian)) { // Kamailio's own files (kamailio-redis-modules)
            RedisTables t = RedisTables.load(debian.toString(), List.of(KEYS));
            assertThat(t.table("location").kind("expires")).isEqualTo(RedisTables.Kind.DATETIME);
            assertThat(t.table("location").version).isEqualTo(Schema.table("location").version());
        }
    }

    @Test
    void whatDbRedisRefuses() {
        assertThatThrownBy(() -> db.raw("SELECT 1")).isInstanceOf(DbException.class).hasMessageContaining("db_redis runs no SQL");
        assertThatThrownBy(() -> db.insert("address", Map.of("grp", 1, "ip_addr", "10.0.0.1")))
                .isInstanceOf(DbException.class).hasMessageContaining("no entry key");
        assertThatThrownBy(() -> databases("", List.of()).get(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'keys'");
        assertThatThrownBy(() -> databases("", List.of("nosuch=entry:id")).get(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nosuch");
    }

    @Test
    void aClosedPortFailsAtOnceAndIsLoggedOnce() throws Exception {
        int port = io.sipway.proxy.FreePorts.udpAndTcp();
        try (Databases d = databases("", List.of(KEYS)); LogCapture log = new LogCapture(RedisDatabase.class.getName())) {
            Database down = d.get("redis://127.0.0.1:" + port + "/1");
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> down.query("location", null, Where.ALL, null)).isInstanceOf(DbException.class);
                assertThat(ms(t0)).as("call %d", i).isLessThan(i == 0 ? 1500 : 300);
            }
            assertThat(down.up()).isFalse();
            assertThat(log.lines()).filteredOn(l -> l.contains("cannot be reached")).hasSize(1);
        }
    }

    /** The server goes away (a relay in front of it stops) and comes back. */
    @Test
    void anOutageFailsCallsAtOnceIsLoggedOnceAndEnds() throws Exception {
        DbUrl real = DbUrl.parse(url);
        try (TcpRelay relay = new TcpRelay(io.sipway.proxy.FreePorts.udpAndTcp(),
                new InetSocketAddress(real.host(), real.port() == 0 ? 6379 : real.port()));
             Databases d = databases("", List.of(KEYS));
             LogCapture log = new LogCapture(RedisDatabase.class.getName())) {
            relay.start();
            Database via = d.get("redis://127.0.0.1:" + relay.port() + "/" + real.database());
            via.insert("location", contact("uloc-1", "alice", "example.com", "sip:alice@10.0.0.1", Instant.now()));

            relay.stop();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> via.query("location", null, Where.eq("ruid", "uloc-1"), null)).isInstanceOf(DbException.class);
            assertThat(ms(t0)).isLessThan(1500);
            for (int i = 0; i < 20; i++) {
                long t = System.nanoTime();
                assertThatThrownBy(() -> via.query("location", null, Where.eq("ruid", "uloc-1"), null)).isInstanceOf(DbException.class);
                assertThat(ms(t)).isLessThan(300);
                Thread.sleep(100);
            }
            assertThat(via.up()).isFalse();

            relay.start();
            long deadline = System.nanoTime() + 5_000_000_000L;
            int rows = -1;
            while (rows != 1 && System.nanoTime() < deadline) {
                try {
                    rows = via.query("location", null, Where.eq("ruid", "uloc-1"), null).size();
                } catch (DbException e) {
                    Thread.sleep(100);
                }
            }
            assertThat(rows).isEqualTo(1);
            assertThat(via.up()).isTrue();
            assertThat(log.lines()).filteredOn(l -> l.contains("cannot be reached")).hasSize(1);
            assertThat(log.lines()).filteredOn(l -> l.contains("is back")).hasSize(1);
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
