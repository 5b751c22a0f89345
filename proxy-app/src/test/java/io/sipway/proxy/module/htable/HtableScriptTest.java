package io.sipway.proxy.module.htable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.ProxyStartException;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.proxy.module.RpcExport;
import io.sipway.proxy.module.ScriptOnLoopback;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** htable in a running proxy: scripts on loopback set and read items, the RPCs see them, the database keeps them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HtableScriptTest {
    private static final String MODULES = """
            loadmodule "pv.so"
            loadmodule "sl.so"
            loadmodule "htable.so"
            """;

    @TempDir
    Path work;

    @Test
    void theDefaultScriptsIpbanPatternDropsABannedSourceUntilTheItemGoes() throws Exception {
        // kamailio.cfg (WITH_ANTIFLOOD): modparam ipban, "$sht(ipban=>$si) = 1" when pike blocks, then a silent exit
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, MODULES + """
                modparam("htable", "htable", "ipban=>size=8;autoexpire=300;")
                request_route {
                    if($sht(ipban=>$si)!=$null) {
                        exit;
                    }
                    if ($hdr(X-Flood) == "yes") {
                        $sht(ipban=>$si) = 1;
                        exit;
                    }
                    sl_send_reply("200", "welcome");
                }
                """)) {
            assertThat(p.reason("alice")).isEqualTo("welcome");
            assertThat(p.request("alice", "X-Flood: yes")).isNull();
            assertThat(p.request("alice")).as("banned: no answer").isNull();
            assertThat(p.rpc("htable.get", "ipban", "127.0.0.1")).isEqualTo(Map.of("item", Map.of("name", "127.0.0.1", "value", 1L)));
            p.rpc("htable.delete", "ipban", "127.0.0.1");
            assertThat(p.reason("alice")).isEqualTo("welcome");
        }
    }

    @Test
    void itemsKeepTheirTypeAndAreSetReadCountedAndDeletedFromTheScript() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, MODULES + """
                modparam("htable", "htable", "t=>size=4;")
                modparam("htable", "htable", "c=>initval=0;")
                event_route[htable:mod-init] {
                    $sht(t=>boot) = "set at start by " + $rm;
                }
                request_route {
                    if ($rU == "walk") {
                        $var(keys) = "";
                        sht_iterator_start("i1", "t");
                        while (sht_iterator_next("i1")) {
                            $var(keys) = $var(keys) + $shtitkey(i1) + "=" + $shtitval(i1) + ";";
                        }
                        sht_iterator_end("i1");
                        sl_send_reply("200", "$var(keys)");
                        exit;
                    }
                    if ($rU == "boot") {
                        sl_send_reply("200", "$sht(t=>boot)");
                        exit;
                    }
                    if ($rU == "set") {
                        $sht(t=>n) = 5;
                        $sht(t=>s) = "five";
                        $var(k) = "dyn";
                        $sht(t=>key-$var(k)) = $hdr(X-Value);
                        sl_send_reply("200", "ok");
                        exit;
                    }
                    if ($rU == "get") {
                        sl_send_reply("200", "n=$sht(t=>n) s=$sht(t=>s) dyn=$sht(t=>key-dyn) none=$sht(t=>none) inc=$shtinc(t=>n) c=$shtinc(c=>x) cn=$shtcn(t=>^key-) cv=$shtcv(t=>==five)");
                        exit;
                    }
                    if ($rU == "sum") {
                        $var(x) = $sht(t=>n) + 1;
                        sl_send_reply("200", "$var(x)");
                        exit;
                    }
                    if ($rU == "del") {
                        $sht(t=>s) = $null;
                        sht_rm("t", "key-dyn");
                        sl_send_reply("200", "s=$sht(t=>s) dyn=$sht(t=>key-dyn) n=$sht(t=>n)");
                        exit;
                    }
                    if ($rU == "lock") {
                        sht_lock("t=>n");
                        $sht(t=>n) = $sht(t=>n) + 10;
                        sht_unlock("t=>n");
                        sht_rm_name_re("c=>^x$");
                        if (sht_has_name("t", "eq", "n") && !sht_match_str_value("t", "sw", "fi") && !sht_has_name("t", "re", "^zz")) {
                            sl_send_reply("200", "n=$sht(t=>n) c=$sht(c=>x)");
                        }
                        exit;
                    }
                    sl_send_reply("404", "unknown");
                }
                """)) {
            assertThat(p.reason("boot")).as("event_route[htable:mod-init] on Kamailio's faked OPTIONS").isEqualTo("set at start by OPTIONS");
            p.rpc("htable.delete", "t", "boot");
            assertThat(p.reason("set", "X-Value: hello")).isEqualTo("ok");
            assertThat(p.reason("get")).isEqualTo("n=5 s=five dyn=hello none=<null> inc=6 c=1 cn=1 cv=1");
            assertThat(p.reason("sum")).as("an integer item adds").isEqualTo("7");
            assertThat(p.reason("del")).isEqualTo("s=<null> dyn=<null> n=6");
            assertThat(p.reason("lock")).as("initval reads for a missing item").isEqualTo("n=16 c=0");
            assertThat(p.reason("walk")).isEqualTo("n=16;");

            p.rpc("htable.sets", "t", "x", "abc");
            p.rpc("htable.seti", "t", "y", "42");
            assertThat(p.rpc("htable.get", "t", "y")).isEqualTo(Map.of("item", Map.of("name", "y", "value", 42L)));
            assertThatThrownBy(() -> p.rpc("htable.get", "t", "nope")).isInstanceOf(RpcExport.RpcException.class)
                    .hasMessage("Key name doesn't exist in htable.");
            assertThatThrownBy(() -> p.rpc("htable.dump", "nope")).hasMessage("No such htable");
            assertThat(p.rpc("htable.dump", "t").toString()).contains("name=x, value=abc").contains("name=y, value=42");
            assertThat(p.rpc("htable.listTables").toString()).contains("name=t").contains("name=c");
            assertThat(p.rpc("htable.stats").toString()).contains("name=t, slots=16, all=3");
            p.rpc("htable.reset", "t");
            assertThat(p.rpc("htable.dump", "t")).isEqualTo(List.of());
        }
    }

    @Test
    void theSweepRunsTheTablesExpiredEventRouteForEachItemItFrees() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, MODULES + """
                modparam("htable", "timer_interval", 1)
                modparam("htable", "htable", "s=>autoexpire=1;")
                modparam("htable", "htable", "log=>size=4;")
                event_route[htable:expired:s] {
                    $sht(log=>$shtrecord(key)) = "expired " + $shtrecord(value);
                }
                request_route {
                    if ($rU == "put") {
                        $sht(s=>k1) = "v1";
                        sl_send_reply("200", "ok");
                        exit;
                    }
                    sl_send_reply("200", "log=$sht(log=>k1) s=$sht(s=>k1)");
                }
                """)) {
            assertThat(p.reason("put")).isEqualTo("ok");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            String seen = p.reason("look");
            while (!seen.startsWith("log=expired") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                seen = p.reason("look");
            }
            assertThat(seen).isEqualTo("log=expired v1 s=<null>");
        }
    }

    /** A fresh database of that kind (MariaDB and PostgreSQL when their servers answer, see TestDatabases). */
    static String database(String kind) {
        return switch (kind) {
            case "mysql" -> TestDatabases.mysql();
            case "postgres" -> TestDatabases.postgres();
            default -> TestDatabases.sqlite();
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "mysql", "postgres"})
    void aTableIsLoadedFromTheHtableTableAndWrittenBackAtShutdownWithDbmode1(String kind) throws Exception {
        String url = database(kind);
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            Schema.create(db, "htable"); // Kamailio's htable table, as kamdbctl makes it
            ScriptOnLoopback.prepare(db, "INSERT INTO htable (key_name, key_type, value_type, key_value) VALUES ('greeting', 0, 0, 'hello'), "
                    + "('limit', 0, 1, '25'), ('route', 1, 0, 'a'), ('route', 1, 0, 'b')");
        }
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, MODULES + """
                loadmodule "db_%s.so"
                modparam("htable", "db_url", "%s")
                modparam("htable", "htable", "h=>size=4;dbtable=htable;dbmode=1")
                request_route {
                    $var(sum) = $sht(h=>limit) + 1;
                    sl_send_reply("200", "$sht(h=>greeting) $var(sum) $sht(h=>route[0]) $sht(h=>route[1]) $sht(h=>route::size)");
                }
                """.formatted(kind, url))) {
            assertThat(p.reason("alice")).isEqualTo("hello 26 a b 2");
            p.rpc("htable.sets", "h", "gone", "not in the database");
            try (Databases dbs = new Databases(1)) {
                ScriptOnLoopback.prepare(dbs.get(url), "INSERT INTO htable (key_name, key_type, value_type, key_value) VALUES ('fresh', 0, 0, 'new')");
            }
            p.rpc("htable.reload", "h");
            assertThat(p.rpc("htable.get", "h", "fresh")).isEqualTo(Map.of("item", Map.of("name", "fresh", "value", "new")));
            assertThatThrownBy(() -> p.rpc("htable.get", "h", "gone")).as("the table is what the database holds").isInstanceOf(RpcExport.RpcException.class);
            p.rpc("htable.sets", "h", "added", "at runtime");
            p.rpc("htable.delete", "h", "greeting");
        }
        try (Databases dbs = new Databases(1)) {
            DbResult r = ScriptOnLoopback.prepare(dbs.get(url), "SELECT key_name, value_type, key_value FROM htable ORDER BY key_name");
            assertThat(r.rows().stream().map(row -> row[0] + "=" + row[2] + "/" + row[1]).toList())
                    .containsExactly("added=at runtime/0", "fresh=new/0", "limit=25/1", "route::size=2/1", "route[0]=a/0", "route[1]=b/0");
        }
    }

    @Test
    void aTableThatCannotBeLoadedStopsTheStartAsKamailiosModInitDoes() {
        String url = "postgres://kamailio:kamailio@127.0.0.1:1/kamailio";
        assertThatThrownBy(() -> ScriptOnLoopback.start(work, MODULES + """
                loadmodule "db_postgres.so"
                modparam("htable", "db_url", "%s")
                modparam("htable", "htable", "h=>dbtable=htable;")
                request_route {
                    sl_send_reply("200", "$sht(h=>x)");
                }
                """.formatted(url))).isInstanceOf(ProxyStartException.class).hasMessageContaining("cannot load htable");
    }

    @Test
    void attributesSipwayLacksAreRefusedWhenTheScriptIsLoaded() {
        assertThatThrownBy(() -> ScriptOnLoopback.start(work, MODULES + """
                modparam("htable", "htable", "h=>dbtable=x;cols=\\"a,b\\"")
                request_route {
                    exit;
                }
                """)).isInstanceOf(ProxyStartException.class).hasMessageContaining("cols");
    }
}
