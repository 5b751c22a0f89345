package io.sipway.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.proxy.db.Where;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sipway db create | add-user | rm-user}, kamdbctl create and kamctl add / rm: the database
 * and Kamailio's tables, a subscriber row as kamctl writes it, on SQLite, db_text and (when there)
 * MariaDB and PostgreSQL.
 */
class DbCommandTest {
    private record Run(int code, String out, String err) {}

    private static Run sipway(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A URL whose database does not exist yet. */
    static Stream<Arguments> urls() {
        return Stream.of(
                Arguments.of("sqlite", (Supplier<String>) () -> TestDatabases.sqlite().replace("sipway.db", "new/kamailio.db")),
                Arguments.of("text", (Supplier<String>) () -> TestDatabases.sqlite().replace("sqlite://", "text://").replace("sipway.db", "dbtext")),
                Arguments.of("mysql", (Supplier<String>) () -> TestDatabases.mysql() + "_new"),
                Arguments.of("postgres", (Supplier<String>) () -> TestDatabases.postgres() + "_new"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void createsTheDatabaseThenAddsAndRemovesAUserAsKamctlDoes(String name, Supplier<String> newUrl) throws Exception {
        String url = newUrl.get();
        Run create = sipway("db", "create", url);
        assertThat(create.code()).as(create.err()).isZero();
        assertThat(create.out()).contains("created").contains("standard tables");
        assertThat(sipway("db", "create", url).out()).contains("exists"); // again: nothing to do, no error

        Run add = sipway("db", "add-user", url, "alice@example.com", "secret");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("new user 'alice@example.com' added");
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            assertThat(db.tableVersion("subscriber")).isEqualTo(7);
            DbResult r = db.query("subscriber", List.of("username", "domain", "password", "ha1", "ha1b"),
                    Where.eq("username", "alice"), null);
            assertThat(r.rows()).hasSize(1);
            assertThat(r.rows().get(0)).containsExactly("alice", "example.com", "secret",
                    "b1726872c344b6dc8365b774f8fd6412", // MD5("alice:example.com:secret")
                    "c79656e4f06dbae9fdf6727654273c65"); // MD5("alice@example.com:example.com:secret")
            db.insert("grp", Map.of("username", "alice", "domain", "example.com", "grp", "local"));
        }

        Run again = sipway("db", "add-user", url, "alice@example.com", "other");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("user 'alice@example.com' already exists");

        Run rm = sipway("db", "rm-user", url, "alice@example.com");
        assertThat(rm.code()).as(rm.err()).isZero();
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            assertThat(db.query("subscriber", null, Where.ALL, null).size()).isZero();
            assertThat(db.query("grp", null, Where.ALL, null).size()).isZero(); // kamctl rm revokes the user's groups
        }
        Run rmAgain = sipway("db", "rm-user", url, "alice@example.com");
        assertThat(rmAgain.code()).isEqualTo(1);
        assertThat(rmAgain.err()).contains("non-existent user 'alice@example.com'");
    }

    /** On Redis: nothing to create (db_redis' schema gives the tables), the subscriber a hash under its entry key. */
    @Test
    void onRedisAUserIsAddedAndRemovedAsKamctlDoes() throws Exception {
        String url = TestDatabases.redis();
        Run create = sipway("db", "create", url);
        assertThat(create.code()).as(create.err()).isZero();
        assertThat(create.out()).contains("needs no creating").contains("db_redis stores no tables");
        Run add = sipway("db", "add-user", url, "alice@example.com", "secret");
        assertThat(add.code()).as(add.err()).isZero();
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            assertThat(db.tableVersion("subscriber")).isEqualTo(7);
            DbResult r = db.query("subscriber", List.of("username", "domain", "password", "ha1"),
                    Where.eq("username", "alice").andEq("domain", "example.com"), null);
            assertThat(r.rows()).hasSize(1);
            assertThat(r.rows().get(0)).containsExactly("alice", "example.com", "secret", "b1726872c344b6dc8365b774f8fd6412");
        }
        assertThat(sipway("db", "add-user", url, "alice@example.com", "other").err()).contains("already exists");
        Run rm = sipway("db", "rm-user", url, "alice@example.com");
        assertThat(rm.code()).as(rm.err()).isZero();
        try (Databases dbs = new Databases(1)) {
            assertThat(dbs.get(url).query("subscriber", null, Where.ALL, null).size()).isZero();
        }
    }

    /** README's "Databases" commands, as written but for the file, moved to a directory of the test's. */
    @Test
    void readmesCommandsWork(@TempDir Path dir) throws Exception {
        String readme = java.nio.file.Files.readString(Path.of("../README.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^    \\./sipway (db .*)$").matcher(readme);
        List<String> commands = new java.util.ArrayList<>();
        while (m.find()) {
            commands.add(m.group(1).replace("/tmp/kamailio.db", dir.resolve("kamailio.db").toString()));
        }
        assertThat(commands).hasSize(3);
        for (String c : commands) {
            Run r = sipway(c.split(" "));
            assertThat(r.code()).as(c + ": " + r.err()).isZero();
        }
    }

    @Test
    void refusesAUserWithoutDomainAndABadUrl(@TempDir Path dir) {
        String url = "sqlite://" + dir.resolve("k.db");
        assertThat(sipway("db", "create", url).code()).isZero();
        Run noDomain = sipway("db", "add-user", url, "alice", "secret");
        assertThat(noDomain.code()).isEqualTo(1);
        assertThat(noDomain.err()).contains("'alice' is not USER@DOMAIN");
        Run badUrl = sipway("db", "create", "oracle://x/y");
        assertThat(badUrl.code()).isEqualTo(1);
        assertThat(badUrl.err()).contains("oracle");
    }

    @Test
    void aServerThatIsDownIsAnErrorNotAHang() {
        long t0 = System.nanoTime();
        Run r = sipway("db", "create", "mysql://sipway:sipway@127.0.0.1:" + io.sipway.proxy.FreePorts.udpAndTcp() + "/kamailio");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("cannot connect");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000);
    }
}
