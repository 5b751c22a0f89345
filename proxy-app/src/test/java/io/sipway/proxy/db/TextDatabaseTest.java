package io.sipway.proxy.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** db_text: a directory of tables in Kamailio's file format, read and written as Kamailio's db_text does. */
class TextDatabaseTest {

    @Test
    void schemaWritesTheHeaderLinesKamailioShips(@TempDir Path dir) throws Exception {
        try (Databases dbs = new Databases(1)) {
            Schema.create(dbs.get("text://" + dir), "subscriber", "location");
        }
        // as utils/kamctl/dbtext/kamailio/ of Kamailio 5.6 has them
        assertThat(Files.readString(dir.resolve("subscriber")))
                .isEqualTo("id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string) \n");
        assertThat(Files.readString(dir.resolve("location"))).startsWith("id(int,auto) ruid(string) username(string) "
                + "domain(string,null) contact(string) received(string,null) path(string,null) expires(int) q(double) "
                + "callid(string) cseq(int) last_modified(int) flags(int) cflags(int) user_agent(string) socket(string,null) "
                + "methods(int,null) instance(string,null) reg_id(int) server_id(int) connection_id(int) keepalive(int) partition(int) ");
        assertThat(Files.readAllLines(dir.resolve("version"))).contains("1:version:1", "2:subscriber:7", "3:location:9");
    }

    @Test
    void readsAndWritesKamailiosRows(@TempDir Path dir) throws Exception {
        // a table as Kamailio's db_text documents it: escapes, an empty (NULL) field, doubles
        Files.writeString(dir.resolve("friends"), "id(int,auto) name(str) flag(double) desc(str,null)\n"
                + "1:nick:0.34:a\\tgood\\: friend\n2:cole:-3.75:colleague\n3:bob:2.50:\n");
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get("text://" + dir);
            DbResult r = db.query("friends", List.of("name", "flag", "desc"), Where.ALL, "id");
            assertThat(r.rows()).extracting(x -> x[0]).containsExactly("nick", "cole", "bob");
            assertThat(r.get(0, "desc")).isEqualTo("a\tgood: friend");
            assertThat(r.get(2, "desc")).isNull();
            assertThat(r.get(1, "flag")).isEqualTo(-3.75);
            assertThat(db.query("friends", List.of("name"), Where.ALL.and("flag", ">", 0), "name").rows())
                    .extracting(x -> x[0]).containsExactly("bob", "nick");

            assertThat(db.insert("friends", Map.of("name", "dan:1\\x", "flag", 1))).isEqualTo(1);
            assertThat(db.update("friends", Where.eq("name", "cole"), Map.of("desc", "boss"))).isEqualTo(1);
            assertThat(db.delete("friends", Where.eq("name", "bob"))).isEqualTo(1);
        }
        assertThat(Files.readAllLines(dir.resolve("friends"))).containsExactly(
                "id(int,auto) name(string) flag(double) desc(string,null) ",
                "1:nick:0.34:a\\tgood\\: friend", "2:cole:-3.75:boss", "4:dan\\:1\\\\x:1.00:");
    }

    @Test
    void kamailiosTablesBehaveAsInSql(@TempDir Path dir) throws Exception {
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get("text://" + dir);
            Schema.create(db, "location");
            Instant expires = Instant.parse("2026-12-07T15:00:00Z");
            Map<String, Object> row = new HashMap<>();
            row.put("ruid", "r1");
            row.put("username", "alice");
            row.put("contact", "sip:alice@192.0.2.1:5060");
            row.put("expires", expires);
            db.insert("location", row);
            DbResult r = db.query("location", List.of("id", "domain", "expires", "callid", "q", "user_agent"),
                    Where.eq("username", "alice").andEq("domain", null), null);
            assertThat(r.size()).isEqualTo(1);
            assertThat(r.get(0, "id")).isEqualTo(1L);
            assertThat(r.get(0, "expires")).isEqualTo(expires); // stored as seconds, read as a DATETIME
            assertThat(r.get(0, "callid")).isEqualTo("Default-Call-ID"); // Schema's default
            assertThat(r.get(0, "q")).isEqualTo(1.0);
            assertThat(r.get(0, "user_agent")).isEqualTo("");
            assertThat(Files.readAllLines(dir.resolve("location")).get(1)).startsWith("1:r1:alice::sip\\:alice@192.0.2.1\\:5060:::"
                    + expires.getEpochSecond() + ":1.00:Default-Call-ID:1:");

            db.replace("location", Map.of("ruid", "r1", "username", "alice", "contact", "sip:new"), List.of("ruid"));
            assertThat(db.query("location", List.of("contact"), Where.ALL, null).rows()).extracting(x -> x[0])
                    .containsExactly("sip:new");
            assertThatThrownBy(() -> db.query("location", List.of("nope"), Where.ALL, null)).isInstanceOf(DbException.class);
            assertThatThrownBy(() -> db.query("missing", null, Where.ALL, null)).isInstanceOf(DbException.class);
            assertThatThrownBy(() -> db.raw("SELECT 1")).isInstanceOf(DbException.class);
        }
    }

    @Test
    void aChangeMadeByAnotherProcessIsSeen(@TempDir Path dir) throws Exception {
        try (Databases proxy = new Databases(1); Databases tool = new Databases(1)) {
            Database running = proxy.get("text://" + dir);
            Schema.create(running, "subscriber");
            assertThat(running.query("subscriber", null, Where.ALL, null).size()).isZero();
            tool.get("text://" + dir).insert("subscriber", Map.of("username", "alice", "domain", "example.com"));
            assertThat(running.query("subscriber", List.of("username"), Where.ALL, null).text(0, "username")).isEqualTo("alice");
        }
    }
}
