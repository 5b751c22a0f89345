package io.sipway.proxy.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each call of TestDatabases is a database of its own, so that tests never see each other's rows. */
class TestDatabasesTest {

    @Test
    void eachSqlDatabaseIsNewAndEmpty() throws Exception {
        for (String url : List.of(TestDatabases.sqlite(), TestDatabases.sqlite())) {
            assertEmptyThenWrite(url);
        }
    }

    @Test
    void eachMysqlDatabaseIsNewAndEmpty() throws Exception {
        String a = TestDatabases.mysql();
        String b = TestDatabases.mysql();
        assertThat(a).isNotEqualTo(b);
        assertEmptyThenWrite(a);
        assertEmptyThenWrite(b);
    }

    @Test
    void eachPostgresDatabaseIsNewAndEmpty() throws Exception {
        String a = TestDatabases.postgres();
        String b = TestDatabases.postgres();
        assertThat(a).isNotEqualTo(b);
        assertEmptyThenWrite(a);
        assertEmptyThenWrite(b);
    }

    @Test
    void eachRedisDatabaseIsAnEmptyNumber() {
        String url = TestDatabases.redis();
        DbUrl u = DbUrl.parse(url);
        assertThat(Integer.parseInt(u.database())).isBetween(1, 15);
        RedisClient client = RedisClient.create("redis://" + u.host() + ":" + (u.port() == 0 ? 6379 : u.port()) + "/" + u.database());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().dbsize()).isZero();
            c.sync().set("k", "v");
        } finally {
            client.shutdown();
        }
        assertThat(TestDatabases.redis()).isNotEqualTo(url);
    }

    private static void assertEmptyThenWrite(String url) throws DbException {
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            Schema.create(db, "htable");
            assertThat(db.query("htable", null, Where.ALL, null).size()).isZero();
            db.insert("htable", Map.of("key_name", "k", "key_value", "v"));
        }
    }
}
