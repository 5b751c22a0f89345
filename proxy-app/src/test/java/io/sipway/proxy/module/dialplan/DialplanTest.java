package io.sipway.proxy.module.dialplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.ProxyStartException;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.DbUrl;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.proxy.module.KamailioCheck;
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

/**
 * dialplan in a running proxy over the dialplan table on SQLite, MariaDB and PostgreSQL: rules by length
 * and priority, the three match operators, the output made of the replacement, the attributes, the
 * return codes, the reloads and the RPC commands.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DialplanTest {
    static final String SCRIPT = """
            loadmodule "pv.so"
            loadmodule "sl.so"
            loadmodule "db_%s.so"
            loadmodule "dialplan.so"
            modparam("dialplan", "db_url", "%s")
            modparam("dialplan", "attrs_pvar", "$avp(dpattrs)")
            request_route {
                $var(prefix) = "pfx";
                if ($rU == "replace") {
                    $var(out) = "none";
                    $var(id) = $(hdr(X-Id){s.int});
                    dp_replace("$var(id)", "$hdr(X-In)", "$var(out)");
                    $var(rc) = $rc;
                    sl_send_reply("200", "rc=$var(rc) out=$var(out) attrs=$avp(dpattrs)");
                    exit;
                }
                if ($rU == "match") {
                    dp_match("1", "$hdr(X-In)");
                    $var(rc) = $rc;
                    dp_match("$hdr(X-In)", "$hdr(X-In)");
                    sl_send_reply("200", "rc=$var(rc) attrs=$avp(dpattrs) text_id=$rc");
                    exit;
                }
                if ($rU =~ "^0") {
                    dp_translate("1");
                    $var(rc) = $rc;
                    sl_send_reply("200", "rc=$var(rc) rU=$rU attrs=$avp(dpattrs)");
                    exit;
                }
                if ($rU == "translate") {
                    $var(id) = "1";
                    dp_translate("$var(id)", "$hdr(X-In)/$avp(res)");
                    $var(string_id) = $rc;
                    $var(id) = 1;
                    dp_translate("$var(id)", "$hdr(X-In)/$avp(res)");
                    $var(rc) = $rc;
                    dp_translate("9", "$hdr(X-In)/$avp(res)");
                    sl_send_reply("200", "rc=$var(rc) res=$avp(res) string_id=$var(string_id) none=$rc");
                    exit;
                }
                if ($rU == "reload") {
                    dp_reload();
                    sl_send_reply("200", "rc=$rc");
                    exit;
                }
                sl_send_reply("404", "unknown");
            }
            """;

    @TempDir
    Path work;

    private static String rules(String kind) throws Exception {
        String url = switch (kind) {
            case "mysql" -> TestDatabases.mysql();
            case "postgres" -> TestDatabases.postgres();
            default -> TestDatabases.sqlite();
        };
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            ScriptOnLoopback.prepare(db, "SELECT 1");
            Schema.create(db, "dialplan");
            // written out of priority order: the load orders them
            rule(db, 1, 3, 2, "+49*", 0, "^\\+49(.*)$", "0\\1", "fn");
            rule(db, 1, 1, 1, "^0[1-9][0-9]+$", 0, "^0([1-9][0-9]+)$", "0049\\1", "de");
            rule(db, 1, 2, 1, "^0[1-9][0-9]+$", 0, "^0(.+)$", "$var(prefix)\\1", "xyz");
            rule(db, 1, 1, 0, "112", 3, "", "sos", "emergency");
            rule(db, 1, 4, 1, "^9", 0, "", "", "matchonly");
            rule(db, 1, 5, 1, "^7", 0, "^8", "x", "nosubst");
            rule(db, 1, 6, 1, "^7", 0, "", "seven", "unreached");
            rule(db, 2, 1, 1, ".", 0, "(.*)", "\\1@$var(prefix)", "");
        }
        return url;
    }

    static void rule(Database db, int dpid, int pr, int op, String match, int len, String subst, String repl, String attrs)
            throws Exception {
        db.insert("dialplan", Map.of("dpid", (long) dpid, "pr", (long) pr, "match_op", (long) op, "match_exp", match,
                "match_len", (long) len, "subst_exp", subst, "repl_exp", repl, "attrs", attrs));
    }

    private ScriptOnLoopback proxy(String url) throws Exception {
        return ScriptOnLoopback.start(work, SCRIPT.formatted(DbUrl.parse(url).module().substring(3), url));
    }

    private static String replace(ScriptOnLoopback p, int id, String in) throws Exception {
        return p.reason("replace", "X-Id: " + id, "X-In: " + in);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "mysql", "postgres"})
    void theFirstMatchingRuleByLengthAndPriorityMakesTheOutput(String kind) throws Exception {
        try (ScriptOnLoopback p = proxy(rules(kind))) {
            assertThat(replace(p, 1, "0301234")).as("regex, priority 1 before 2").isEqualTo("rc=1 out=0049301234 attrs=de");
            assertThat(replace(p, 1, "112")).as("the length's rules first, string match").isEqualTo("rc=1 out=sos attrs=emergency");
            assertThat(replace(p, 1, "+4930123")).as("fnmatch").isEqualTo("rc=1 out=030123 attrs=fn");
            assertThat(replace(p, 1, "9555")).as("no repl_exp: only matched").isEqualTo("rc=1 out=none attrs=matchonly");
            assertThat(replace(p, 1, "7000")).as("the subst_exp does not match: the call fails")
                    .isEqualTo("rc=-1 out=none attrs=<null>");
            assertThat(replace(p, 1, "5")).isEqualTo("rc=-1 out=none attrs=<null>");
            assertThat(replace(p, 3, "5")).as("no such dialplan id").isEqualTo("rc=-2 out=none attrs=<null>");
            assertThat(replace(p, 2, "abc")).as("a script variable in repl_exp").isEqualTo("rc=1 out=abc@pfx attrs=");
        }
    }

    @Test
    void dpTranslateRewritesTheRequestUriUserByDefault() throws Exception {
        try (ScriptOnLoopback p = proxy(rules("sqlite"))) {
            assertThat(p.reason("0301234")).isEqualTo("rc=1 rU=0049301234 attrs=de");
            assertThat(p.reason("translate", "X-In: 112")).as("a string in $var is no dialplan id")
                    .isEqualTo("rc=1 res=sos string_id=-1 none=-2");
            assertThat(p.reason("match", "X-In: 0301234")).as("an id from a header is text, not an integer").isEqualTo("rc=1 attrs=de text_id=-1");
        }
    }

    @Test
    void theRpcCommandsTranslateDumpAndReload() throws Exception {
        String url = rules("sqlite");
        try (ScriptOnLoopback p = proxy(url)) {
            assertThat(p.rpc("dialplan.translate", 1L, "0301234")).isEqualTo(Map.of("Output", "0049301234", "Attributes", "de"));
            assertThatThrownBy(() -> p.rpc("dialplan.translate", 1L, "5")).hasMessage("No translation");
            assertThatThrownBy(() -> p.rpc("dialplan.translate", 8L, "5")).hasMessage("Dialplan ID not matched");
            @SuppressWarnings("unchecked")
            Map<String, Object> dump = (Map<String, Object>) p.rpc("dialplan.dump", 1L);
            assertThat(dump.get("DPID")).isEqualTo(1);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> entries = (List<Map<String, Object>>) dump.get("ENTRIES");
            // as Kamailio 5.6.3 answers it: {"DPID": 1, "ENTRIES": [{"ENTRY": {"PRIO": ..., "ATTRS": ...}}, ...]}
            assertThat(entries).extracting(e -> (Object) ((Map<?, ?>) e.get("ENTRY")).get("ATTRS"))
                    .containsExactly("emergency", "de", "xyz", "fn", "matchonly", "nosubst", "unreached");
            @SuppressWarnings("unchecked")
            Map<String, Object> sos = (Map<String, Object>) entries.get(0).get("ENTRY");
            assertThat(sos).containsEntry("PRIO", 1).containsEntry("MATCHOP", 0).containsEntry("MATCHEXP", "112")
                    .containsEntry("MATCHLEN", 3).containsEntry("SUBSTEXP", null).containsEntry("REPLEXP", "sos");
            try (Databases dbs = new Databases(1)) {
                rule(dbs.get(url), 4, 1, 0, "a", 0, "", "b", "new");
            }
            assertThat(p.rpc("dialplan.reload")).isEqualTo(Map.of());
            assertThat(p.rpc("dialplan.translate", 4L, "a")).isEqualTo(Map.of("Output", "b", "Attributes", "new"));
            assertThatThrownBy(() -> p.rpc("dialplan.reload")).as("reload_delta").isInstanceOf(RpcExport.RpcException.class)
                    .hasMessage("ongoing reload");
            try (Databases dbs = new Databases(1)) {
                rule(dbs.get(url), 5, 1, 7, "a", 0, "", "b", "bad operator");
            }
            assertThat(p.reason("reload")).as("a row that does not compile fails the reload").isEqualTo("rc=-1");
            assertThat(p.rpc("dialplan.translate", 4L, "a")).as("the rules in use stay")
                    .isEqualTo(Map.of("Output", "b", "Attributes", "new"));
        }
    }

    @Test
    void aRowThatDoesNotCompileStopsTheStart() throws Exception {
        String url = rules("sqlite");
        try (Databases dbs = new Databases(1)) {
            rule(dbs.get(url), 6, 1, 1, "([0-9", 0, "", "x", "");
        }
        assertThatThrownBy(() -> proxy(url)).isInstanceOf(ProxyStartException.class).hasMessageContaining("failed to compile match expression");
    }

    @Test
    void theScriptIsKamailios() throws Exception {
        String script = SCRIPT.formatted("mysql", "mysql://u:p@127.0.0.1/k");
        assertThat(KamailioCheck.sipway(work, script).ok()).as(KamailioCheck.sipway(work, script).diagnostics().render()).isTrue();
        KamailioCheck.Verdict k = KamailioCheck.kamailio(work, script);
        if (k != null) {
            assertThat(k.ok()).as(k.output()).isTrue();
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "modparam(\"dialplan\", \"attrs_pvar\", \"$ru\") request_route { dp_match(\"1\", \"$rU\"); } | invalid pvar name",
        "request_route { dp_translate(\"abc\"); } | bad number",
        "request_route { dp_translate(\"1\", \"$rU/\"); } | failed to parse param 2",
        "request_route { dp_translate(\"1\", \"$rU/$fU\"); } | Unsupported Parameter TYPE",
    })
    void badArgumentsAreRefusedByBothChecks(String route, String kamailioSays) throws Exception {
        // a reachable table, so that Kamailio gets past loading the rules to the fixups
        String url = rules("mysql");
        String script = "loadmodule \"pv.so\"\nloadmodule \"db_mysql.so\"\nloadmodule \"dialplan.so\"\n"
                + "modparam(\"dialplan\", \"db_url\", \"" + url + "\")\n" + route + "\n";
        assertThat(KamailioCheck.sipway(work, script).ok()).as("sipway -c").isFalse();
        KamailioCheck.Verdict k = KamailioCheck.kamailioStarts(work, script, 5);
        if (k != null) {
            assertThat(k.ok()).as("kamailio\n" + k.output()).isFalse();
            assertThat(k.output()).contains(kamailioSays);
        }
    }

    @Test
    void withMatchDynamicTheExpressionsArePrintedPerMessage() throws Exception {
        String url = rules("sqlite");
        try (Databases dbs = new Databases(1)) {
            rule(dbs.get(url), 7, 1, 1, "^$var(prefix)[0-9]+$", 0, "^$var(prefix)(.*)$", "\\1", "dyn");
        }
        String script = SCRIPT.formatted("sqlite", url).replace("modparam(\"dialplan\", \"attrs_pvar\"",
                "modparam(\"dialplan\", \"match_dynamic\", 1)\nmodparam(\"dialplan\", \"attrs_pvar\"");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, script)) {
            assertThat(replace(p, 7, "pfx123")).isEqualTo("rc=1 out=123 attrs=dyn");
            assertThat(replace(p, 7, "abc123")).isEqualTo("rc=-1 out=none attrs=<null>");
            assertThat(replace(p, 1, "0301234")).as("the static rules as before").isEqualTo("rc=1 out=0049301234 attrs=de");
        }
    }
}
