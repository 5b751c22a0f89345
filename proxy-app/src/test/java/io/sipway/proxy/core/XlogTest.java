package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.CompiledScript;
import io.sipway.proxy.log.LogCapture;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * xlog and its level functions: what is printed at which debug= level, with which level name, with
 * pseudo-variables filled in; the lines are what Kamailio 5.6.3 printed for the same calls.
 */
class XlogTest {
    private final ModuleHarness h = new ModuleHarness();
    private final LogCapture printed = new LogCapture("xlog");

    @AfterEach
    void close() {
        printed.close();
        h.close();
    }

    private List<String> run(int debug, String route) {
        h.core.debug(debug);
        CompiledScript s = h.load("request_route {\n" + route + "\n}\n");
        h.run(s, h.msg("invite-sdp.sip"));
        return printed.lines();
    }

    @Test
    void aMessageAboveTheDebugLevelIsNotPrinted() {
        String route = "xlog(\"L_ERR\", \"err $rm\\n\"); xlog(\"L_WARN\", \"warn\\n\"); xnotice(\"notice\\n\");"
                + " xlog(\"L_INFO\", \"info\\n\"); xdbg(\"dbg\\n\");";
        assertThat(run(0, route)).containsExactly("ERROR: <script>: err INVITE\n", "WARNING: <script>: warn\n"); // Kamailio's default debug=0
        assertThat(run(2, route)).hasSize(2 + 4).endsWith("NOTICE: <script>: notice\n", "INFO: <script>: info\n");
        assertThat(run(3, route)).hasSize(6 + 5).last().isEqualTo("DEBUG: <script>: dbg\n");
    }

    @Test
    void everyLevelHasKamailiosNameAndXlogWithTextAloneIsAnError() {
        // xlog.c: one argument is L_ERR; a level name is read by its third character; xcrit is L_CRIT2
        String route = "xlog(\"one arg\\n\"); xlog(\"L_ALERT\", \"alert\\n\"); xlog(\"L_BUG\", \"bug\\n\"); xlog(\"L_CRIT\", \"crit\\n\");"
                + " xlog(\"L_ERR\", \"err\\n\"); xlog(\"L_WARN\", \"warn\\n\"); xlog(\"L_NOTICE\", \"notice\\n\"); xlog(\"L_INFO\", \"info\\n\");"
                + " xlog(\"L_DBG\", \"dbg\\n\"); xinfo(\"xinfo\\n\"); xwarn(\"xwarn\\n\"); xerr(\"xerr\\n\"); xbug(\"xbug\\n\");"
                + " xcrit(\"xcrit\\n\"); xalert(\"xalert\\n\");";
        assertThat(run(3, route)).containsExactly("ERROR: <script>: one arg\n", "ALERT: <script>: alert\n", "BUG: <script>: bug\n",
                "CRITICAL: <script>: crit\n", "ERROR: <script>: err\n", "WARNING: <script>: warn\n", "NOTICE: <script>: notice\n",
                "INFO: <script>: info\n", "DEBUG: <script>: dbg\n", "INFO: <script>: xinfo\n", "WARNING: <script>: xwarn\n",
                "ERROR: <script>: xerr\n", "BUG: <script>: xbug\n", "CRITICAL: <script>: xcrit\n", "ALERT: <script>: xalert\n");
    }

    @Test
    void theLineFormsStartWithTheScriptLineAndTheTextIsPrintedAsWritten() {
        long line = ModuleHarness.MODULES.lines().count() + 2; // the route's first line, after the harness's loadmodules
        assertThat(run(3, "xlogl(\"L_INFO\", \"xlogl\\n\");\nxlogl(\"xlogl one\\n\");\nxdbgl(\"xdbgl\\n\");\n"
                + "xlog(\"L_INFO\", \"no newline\");\nxlog(\"L_INFO\", \"two\\nlines\\n\");"))
                .containsExactly("INFO: <script>: " + line + ":xlogl\n", "ERROR: <script>: " + (line + 1) + ":xlogl one\n",
                        "DEBUG: <script>: " + (line + 2) + ":xdbgl\n",
                        "INFO: <script>: no newline", "INFO: <script>: two\nlines\n");
    }

    @Test
    void aLevelFromAPseudoVariableMustBeANumber() {
        assertThat(run(3, "$var(lv) = 1; xlog(\"$var(lv)\", \"dynamic 1\\n\"); $var(lv) = \"L_ERR\"; xlog(\"$var(lv)\", \"dynamic str\\n\");"))
                .containsExactly("NOTICE: <script>: dynamic 1\n", "ERROR: xlog [xlog.c:322]: xlog_2_helper(): invalid log level value [4]\n");
    }

    @Test
    void theLevelIsTheArgumentBeforeTheTextAfterAFacility() {
        assertThat(run(1, "xlog(\"LOG_LOCAL0\", \"L_ERR\", \"from local0 $rU\\n\");")).containsExactly("ERROR: <script>: from local0 +4930123456\n");
    }

    @Test
    void anUnknownLevelOrFacilityIsRefusedWhenTheScriptLoads() {
        assertThat(h.loadErrors("request_route { xlog(\"ERR\", \"x\\n\"); }\n")).contains("unknown log level");
        assertThat(h.loadErrors("request_route { xlog(\"LOG_NOPE\", \"L_ERR\", \"x\\n\"); }\n")).contains("unknown syslog facility");
    }
}
