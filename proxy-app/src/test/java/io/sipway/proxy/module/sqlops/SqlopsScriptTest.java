package io.sipway.proxy.module.sqlops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.ProxyStartException;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.proxy.module.ScriptOnLoopback;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** sqlops in a running proxy over an SQLite file: queries from the script, their results in $dbr and $xavp. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqlopsScriptTest {
    private static final String MODULES = """
            loadmodule "pv.so"
            loadmodule "sl.so"
            loadmodule "sqlops.so"
            """;

    @TempDir
    Path work;
    private String url;

    @BeforeEach
    void aDomainTable() throws Exception {
        url = domainTable("sqlite");
    }

    /** A fresh database of that kind with a small table of domains. */
    private static String domainTable(String kind) throws Exception {
        String url = switch (kind) {
            case "mysql" -> TestDatabases.mysql();
            case "postgres" -> TestDatabases.postgres();
            default -> TestDatabases.sqlite();
        };
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            ScriptOnLoopback.prepare(db, "CREATE TABLE dom (id INTEGER PRIMARY KEY, domain VARCHAR(64) NOT NULL, note VARCHAR(64))");
            ScriptOnLoopback.prepare(db, "INSERT INTO dom (id, domain, note) VALUES (1, 'a.example', NULL), (2, 'b.example', 'second'), (3, 'other.org', 'x')");
        }
        return url;
    }

    private ScriptOnLoopback proxy(String connectMode, String conUrl) throws Exception {
        return ScriptOnLoopback.start(work, MODULES + """
                loadmodule "db_%s.so"
                modparam("sqlops", "sqlcon", "ca=>%s")
                modparam("sqlops", "connect_mode", %s)
                request_route {
                    if ($rU == "rows") {
                        sql_query("ca", "select id, domain, note from dom where domain like '$hdr(X-Like)' order by id", "ra");
                        $var(rc) = $rc;
                        $var(all) = "";
                        $var(i) = 0;
                        while ($var(i) < $dbr(ra=>rows)) {
                            $var(all) = $var(all) + $dbr(ra=>[$var(i),1]) + ";";
                            $var(i) = $var(i) + 1;
                        }
                        sl_send_reply("200", "rc=$var(rc) rows=$dbr(ra=>rows) cols=$dbr(ra=>cols) all=$var(all) id=$dbr(ra=>[1,0]) null=$dbr(ra=>[0,2]) col=$dbr(ra=>colname[1]) out=$dbr(ra=>[5,0])");
                        exit;
                    }
                    if ($rU == "free") {
                        sql_query("ca", "select id from dom", "ra");
                        sql_result_free("ra");
                        sl_send_reply("200", "rows=$dbr(ra=>rows)");
                        exit;
                    }
                    if ($rU == "codes") {
                        sql_query("ca", "select id from dom where id = 99", "ra");
                        $var(none) = $rc;
                        sql_query("ca", "update dom set note = 'changed' where id = 1");
                        $var(update) = $rc;
                        sql_query("ca", "select id from dom");
                        $var(dropped) = $rc;
                        sql_query("ca", "select * from no_such_table", "ra");
                        $var(bad) = $rc;
                        sl_send_reply("200", "none=$var(none) update=$var(update) dropped=$var(dropped) bad=$var(bad)");
                        exit;
                    }
                    if ($rU == "one") {
                        sql_query("ca", "select id from dom", "ra");
                        $var(rc) = $rc;
                        sl_send_reply("200", "rc=$var(rc) rows=$dbr(ra=>rows)");
                        exit;
                    }
                    if ($rU == "xq") {
                        if (sql_xquery("ca", "select id, domain from dom order by id", "rx") == 1) {
                            sl_send_reply("200", "$xavp(rx=>domain) $xavp(rx[1]=>domain) $xavp(rx[2]=>id)");
                        }
                        exit;
                    }
                    sl_send_reply("404", "unknown");
                }
                """.formatted(io.sipway.proxy.db.DbUrl.parse(conUrl).module().substring(3), conUrl, connectMode));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "mysql", "postgres"})
    void aQuerysRowsAreReadWithDbr(String kind) throws Exception {
        try (ScriptOnLoopback p = proxy("0", domainTable(kind))) {
            assertThat(p.reason("rows", "X-Like: %.example"))
                    .isEqualTo("rc=1 rows=2 cols=3 all=a.example;b.example; id=2 null=<null> col=domain out=<null>");
            assertThat(p.reason("rows", "X-Like: nothing")).as("no rows: 2, and the result is emptied")
                    .isEqualTo("rc=2 rows=0 cols=0 all= id=<null> null=<null> col=<null> out=<null>");
            assertThat(p.reason("free")).isEqualTo("rows=0");
        }
    }

    @Test
    void theReturnCodesAreKamailios() throws Exception {
        try (ScriptOnLoopback p = proxy("0", url)) {
            assertThat(p.reason("codes")).isEqualTo("none=2 update=2 dropped=3 bad=-1");
        }
        try (Databases dbs = new Databases(1)) {
            assertThat(ScriptOnLoopback.prepare(dbs.get(url), "SELECT note FROM dom WHERE id = 1").rows().get(0)[0]).isEqualTo("changed");
        }
    }

    @Test
    void xqueryPutsEachRowInAnXavp() throws Exception {
        try (ScriptOnLoopback p = proxy("0", url)) {
            assertThat(p.reason("xq")).isEqualTo("a.example b.example 3");
        }
    }

    @Test
    void theQueryTextIsThePrintedFormatAsInKamailio() throws Exception {
        // pv_printf puts the header in as written: the script's SQL, injection included
        try (ScriptOnLoopback p = proxy("0", url)) {
            assertThat(p.reason("rows", "X-Like: nothing' or '1'='1")).startsWith("rc=1 rows=3");
        }
    }

    @Test
    void aDatabaseDownAtStartStopsTheProxyUnlessConnectModeIs1() throws Exception {
        String down = "postgres://kamailio:kamailio@127.0.0.1:1/kamailio";
        assertThatThrownBy(() -> proxy("0", down)).isInstanceOf(ProxyStartException.class)
                .hasMessageContaining("failed to connect to the database [ca]");
        try (ScriptOnLoopback p = proxy("1", down)) {
            // a query fails (-1) within the pool's connection timeout, and the route goes on
            assertThat(p.reason("one")).isEqualTo("rc=-1 rows=0");
        }
    }

    @Test
    void anUnknownConnectionIsRefused() {
        assertThatThrownBy(() -> ScriptOnLoopback.start(work, MODULES + """
                loadmodule "db_sqlite.so"
                modparam("sqlops", "sqlcon", "ca=>%s")
                request_route {
                    sql_query("cb", "select 1", "ra");
                }
                """.formatted(url))).isInstanceOf(ProxyStartException.class).hasMessageContaining("invalid connection 'cb'");
    }
}
