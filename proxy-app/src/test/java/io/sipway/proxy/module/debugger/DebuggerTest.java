package io.sipway.proxy.module.debugger;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.log.LogCapture;
import io.sipway.proxy.module.KamailioFileCheck;
import io.sipway.proxy.module.ScriptOnLoopback;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The debugger's cfgtrace and dbg_sip_msg print what Kamailio 5.6.3 prints for the same script
 * (the expected lines below are Kamailio's own, read from a run of this script with {@code -E}).
 */
class DebuggerTest {
    @TempDir
    Path dir;

    /** Written after "#!KAMAILIO" and the listen line, so its line numbers are those of Kamailio's run. */
    static final String SCRIPT = String.join("\n",
            "debug=2",
            "log_stderror=yes",
            "loadmodule \"sl.so\"",
            "loadmodule \"pv.so\"",
            "loadmodule \"xlog.so\"",
            "loadmodule \"textops.so\"",
            "loadmodule \"debugger.so\"",
            "modparam(\"debugger\", \"cfgtrace\", 1)",
            "modparam(\"debugger\", \"log_level_name\", \"exec\")",
            "request_route {",
            "    $var(x) = 1;",
            "    if ($var(x) == 1) {",
            "        route(R);",
            "    }",
            "    setflag(1);",
            "    append_hf(\"X-Foo: $var(x)\\r\\n\");",
            "    dbg_sip_msg(\"L_ERR\");",
            "    switch ($var(x)) {",
            "        case 1:",
            "            break;",
            "    }",
            "    sl_send_reply(\"200\", \"OK\");",
            "    exit;",
            "}",
            "route[R] {",
            "    xlog(\"L_INFO\", \"in R\\n\");",
            "    while ($var(x) < 2) {",
            "        $var(x) = $var(x) + 1;",
            "    }",
            "    return;",
            "}",
            "");

    @Test
    void cfgtraceLogsEachStatementAsKamailioDoes() throws Exception {
        try (LogCapture log = new LogCapture("debugger"); ScriptOnLoopback p = ScriptOnLoopback.start(dir, SCRIPT)) {
            assertThat(p.reason("bob")).isEqualTo("OK");
            assertThat(log.await(l -> l.contains(" n=exit"), java.time.Duration.ofSeconds(3))).isNotNull(); // after the reply left
            List<String> lines = log.lines();
            Matcher file = Pattern.compile("c=\\[([^\\]]+)\\]").matcher(lines.get(0));
            assertThat(file.find()).isTrue();
            String c = "c=[" + file.group(1) + "]";
            String t = "exec: *** cfgtrace:dbg_cfg_trace(): request_route=";
            assertThat(lines.get(0)).isEqualTo(t + "[DEFAULT_ROUTE] " + c + " l=13 a=63 n=assign\n");
            assertThat(lines.subList(1, 10)).containsExactly(
                    t + "[DEFAULT_ROUTE] " + c + " l=17 a=16 n=if\n",
                    t + "[DEFAULT_ROUTE] " + c + " l=15 a=5 n=route\n",
                    t + "[R] " + c + " l=28 a=26 n=xlog\n",
                    t + "[R] " + c + " l=31 a=23 n=while\n",
                    t + "[R] " + c + " l=30 a=63 n=assign\n",
                    t + "[R] " + c + " l=32 a=2 n=return\n",
                    t + "[DEFAULT_ROUTE] " + c + " l=17 a=39 n=setflag\n",
                    t + "[DEFAULT_ROUTE] " + c + " l=18 a=25 n=append_hf\n",
                    t + "[DEFAULT_ROUTE] " + c + " l=19 a=25 n=dbg_sip_msg\n");
            assertThat(lines.get(10)).startsWith("ERROR: debugger [debugger_mod.c:576]: w_dbg_sip_msg(): CONFIG LINE 19\n"
                    + "------------------------- START OF SIP message debug --------------------------\n"
                    + "OPTIONS sip:bob@127.0.0.1:");
            assertThat(lines.get(10)).endsWith("Content-Length: 0\r\nX-Foo: 2\r\n\r\n"
                    + "------------------------------ SIP header diffs -------------------------------\n"
                    + "X-Foo: 2\r\n"
                    + "------------------------------- SIP body diffs --------------------------------\n"
                    + "-------------------------- END OF SIP message debug ---------------------------\n");
            assertThat(lines.subList(11, lines.size())).containsExactly(
                    t + "[DEFAULT_ROUTE] " + c + " l=23 a=21 n=switch\n",
                    t + "[DEFAULT_ROUTE] " + c + " l=24 a=26 n=sl_send_reply\n",
                    t + "[DEFAULT_ROUTE] " + c + " l=25 a=2 n=exit\n");

            assertThat(p.rpc("dbg.trace", "off")).isEqualTo("200 ok");
            assertThat(p.rpc("dbg.ls").toString()).contains("set=0");
            int before = log.lines().size();
            assertThat(p.reason("bob")).isEqualTo("OK");
            Thread.sleep(200);
            assertThat(log.lines().subList(before, log.lines().size())).as("only dbg_sip_msg's lines").hasSize(1);
        }
    }

    @Test
    void dbgPvDumpPrintsTheScriptsValuesAsKamailiosJson() throws Exception {
        String script = String.join("\n", "debug=2", "loadmodule \"sl.so\"", "loadmodule \"pv.so\"", "loadmodule \"debugger.so\"",
                "request_route {", "    $var(x) = 1;", "    $avp(a) = \"v\";", "    dbg_pv_dump(31, \"L_ERR\");",
                "    dbg_pv_dump();", "    sl_send_reply(\"200\", \"OK\");", "}", "");
        try (LogCapture log = new LogCapture("debugger"); ScriptOnLoopback p = ScriptOnLoopback.start(dir, script)) {
            assertThat(p.reason("bob")).isEqualTo("OK");
            // Kamailio 5.6.3 prints this line for the same script; the second call is at L_DBG, below debug=2
            assertThat(log.lines()).containsExactly("ERROR: debugger [debugger_json.c:415]: dbg_dump_json(): {\"$avp(a)\":[\"v\"],\"$var(x)\":1}\n");
        }
    }

    @Test
    void theScriptChecksUnderSipwayAndKamailioAlike() throws Exception {
        Path cfg = dir.resolve("debugger.cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=udp:127.0.0.1:5060\n" + SCRIPT.replace("dbg_sip_msg(\"L_ERR\");",
                "dbg_sip_msg(\"L_ERR\"); dbg_sip_msg(); dbg_sip_msg(\"L_INFO\", \"LOG_LOCAL0\"); dbg_breakpoint(\"1\"); dbg_pv_dump(); dbg_pv_dump(6); dbg_pv_dump(31, \"L_INFO\");"));
        var sipway = KamailioFileCheck.sipway(cfg);
        assertThat(sipway.ok()).as(sipway.diagnostics().render()).isTrue();
        KamailioFileCheck.Verdict k = KamailioFileCheck.kamailio(cfg);
        if (k != null) {
            assertThat(k.status()).as(k.output()).isZero();
        }
        Path bp = dir.resolve("breakpoint.cfg");
        Files.writeString(bp, "#!KAMAILIO\nlisten=udp:127.0.0.1:5060\n" + SCRIPT.replace("modparam(\"debugger\", \"cfgtrace\", 1)",
                "modparam(\"debugger\", \"breakpoint\", 1)"));
        assertThat(KamailioFileCheck.sipway(bp).diagnostics().render()).contains("breakpoint");
    }
}
