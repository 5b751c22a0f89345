package io.sipway.proxy.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Kamailio's tables as kamdbctl creates them: every table with its version row, the columns
 * Kamailio's modules read with their defaults, idempotent, on SQLite and (when there) MariaDB and
 * PostgreSQL.
 */
class SchemaTest {

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("sqlite", (Supplier<String>) TestDatabases::sqlite),
                Arguments.of("mysql", (Supplier<String>) TestDatabases::mysql),
                Arguments.of("postgres", (Supplier<String>) TestDatabases::postgres));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void createsEveryStandardTableWithItsVersionOnce(String name, Supplier<String> url) throws Exception {
        try (Databases dbs = new Databases(2)) {
            Database db = dbs.get(url.get());
            Schema.create(db);
            Schema.create(db); // again: nothing changes, nothing fails

            DbResult versions = db.query("version", List.of("table_name", "table_version"), Where.ALL, "table_name");
            assertThat(versions.size()).isEqualTo(Schema.tables().size());
            Map<String, Long> v = new LinkedHashMap<>();
            for (int i = 0; i < versions.size(); i++) {
                v.put(versions.text(i, "table_name"), versions.number(i, "table_version", -1));
            }
            // the versions Kamailio 5.6's modules check at start
            assertThat(v).containsEntry("version", 1L).containsEntry("subscriber", 7L).containsEntry("location", 9L)
                    .containsEntry("location_attrs", 1L).containsEntry("aliases", 8L).containsEntry("acc", 5L)
                    .containsEntry("acc_cdrs", 2L).containsEntry("missed_calls", 4L).containsEntry("trusted", 6L)
                    .containsEntry("address", 6L).containsEntry("domain", 2L).containsEntry("domain_attrs", 1L)
                    .containsEntry("dbaliases", 1L).containsEntry("grp", 2L).containsEntry("re_grp", 1L)
                    .containsEntry("usr_preferences", 2L).containsEntry("dialog", 7L).containsEntry("dialog_vars", 1L)
                    .containsEntry("dispatcher", 4L).containsEntry("dialplan", 2L).containsEntry("htable", 2L)
                    .containsEntry("uacreg", 5L).containsEntry("rtpengine", 1L).containsEntry("topos_d", 2L)
                    .containsEntry("topos_t", 2L).containsEntry("secfilter", 1L).containsEntry("speed_dial", 2L)
                    .containsEntry("uri", 1L).containsEntry("pdt", 1L).containsEntry("silo", 8L)
                    .containsEntry("lcr_gw", 3L).containsEntry("lcr_rule", 3L).containsEntry("lcr_rule_target", 1L);
            assertThat(db.tableVersion("subscriber")).isEqualTo(7);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aLocationRowTakesKamailiosDefaults(String name, Supplier<String> url) throws Exception {
        try (Databases dbs = new Databases(2)) {
            Database db = dbs.get(url.get());
            Schema.create(db, "location");
            db.insert("location", Map.of("ruid", "uloc-1", "username", "alice", "contact", "sip:alice@192.0.2.1:5060"));

            DbResult r = db.query("location", null, Where.eq("username", "alice"), null);
            assertThat(r.size()).isEqualTo(1);
            assertThat(r.get(0, "domain")).isNull();
            assertThat(r.text(0, "callid")).isEqualTo("Default-Call-ID");
            assertThat(r.number(0, "cseq", -1)).isEqualTo(1);
            assertThat(r.number(0, "partition", -1)).isZero();
            assertThat(((Number) r.get(0, "q")).doubleValue()).isEqualTo(1.0);
            assertThat(instant(r.get(0, "expires")))
                    .isEqualTo(LocalDateTime.parse("2030-05-28T21:32:15").atZone(ZoneId.systemDefault()).toInstant());
            // ruid is unique
            assertThatThrownBy(() -> db.insert("location", Map.of("ruid", "uloc-1", "username", "bob")))
                    .isInstanceOf(DbException.class);
            // only what was asked (and the version table) exists
            assertThat(db.tableVersion("location")).isEqualTo(9);
            assertThatThrownBy(() -> db.query("subscriber", null, Where.ALL, null)).isInstanceOf(DbException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void subscriberIsUniquePerUserAndDomain(String name, Supplier<String> url) throws Exception {
        try (Databases dbs = new Databases(2)) {
            Database db = dbs.get(url.get());
            Schema.create(db, Schema.tablesOf("auth_db").toArray(String[]::new));
            db.insert("subscriber", Map.of("username", "alice", "domain", "example.com", "password", "secret"));
            db.insert("subscriber", Map.of("username", "alice", "domain", "example.org"));
            assertThatThrownBy(() -> db.insert("subscriber", Map.of("username", "alice", "domain", "example.com")))
                    .isInstanceOf(DbException.class);
            DbResult r = db.query("subscriber", List.of("password", "ha1", "ha1b"), Where.eq("domain", "example.org"), null);
            assertThat(r.rows()).hasSize(1);
            assertThat(r.rows().get(0)).containsExactly("", "", "");
        }
    }

    @Test
    void mysqlStatementsLookLikeKamailios() {
        List<String> sql = Schema.statements("mysql", Schema.table("subscriber"));
        assertThat(sql).hasSize(1);
        assertThat(sql.get(0)).contains("`id` INT(10) UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL")
                .contains("`ha1` VARCHAR(128) DEFAULT '' NOT NULL")
                .contains("CONSTRAINT `account_idx` UNIQUE (`username`, `domain`)")
                .contains("INDEX `username_idx` (`username`)");
        assertThat(Schema.statements("postgres", Schema.table("subscriber")))
                .contains("CREATE INDEX IF NOT EXISTS \"subscriber_username_idx\" ON \"subscriber\" (\"username\")");
        assertThat(String.join("\n", Schema.statements("postgres", Schema.table("location"))))
                .contains("\"expires\" TIMESTAMP WITHOUT TIME ZONE DEFAULT '2030-05-28 21:32:15' NOT NULL")
                .contains("\"q\" REAL DEFAULT 1.0 NOT NULL");
    }

    @Test
    void anUnknownTableIsRefused() {
        assertThatThrownBy(() -> Schema.create(null, "subscribers")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subscribers");
    }

    private static Instant instant(Object v) {
        if (v instanceof Instant i) {
            return i;
        }
        // SQLite keeps a DATETIME default as the text Kamailio's script gave
        return LocalDateTime.parse(v.toString().replace(' ', 'T')).atZone(ZoneId.systemDefault()).toInstant();
    }
}
