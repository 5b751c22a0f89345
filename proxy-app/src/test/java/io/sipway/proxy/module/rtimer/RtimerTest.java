package io.sipway.proxy.module.rtimer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.ScriptProbe;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * rtimer's routes run on their timer, on Kamailio's faked message: the timer route counts its runs
 * in $shv and notes what message it sees; a request reads both. (Kamailio 5.6.3, same script, 2.5 s
 * after its start: "OPTIONS sip:you@kamailio.org sip:you@kamailio.org ticks=29".)
 */
@Timeout(30)
class RtimerTest {
    private static final String MODULES = "loadmodule \"pv.so\"\nloadmodule \"sl.so\"\nloadmodule \"rtimer.so\"\n";

    @TempDir
    Path work;
    private ScriptProbe probe;

    @AfterEach
    void stop() {
        if (probe != null) {
            probe.close();
        }
    }

    private void start(String params) throws Exception {
        probe = ScriptProbe.start(work, MODULES + params
                + "route[TICK] {\n\t$shv(n) = $shv(n) + 1;\n\t$shv(m) = $rm + \" \" + $ru + \" \" + $fu;\n}\n"
                + "request_route {\n\t$var(r) = $shv(m) + \" ticks=\" + $shv(n);\n\tsl_send_reply(\"200\", \"$var(r)\");\n\texit;\n}\n");
    }

    @Test
    void aTimersRouteRunsEveryIntervalOnTheFakedMessage() throws Exception {
        start("modparam(\"rtimer\", \"timer\", \"name=ta;interval=100000u;mode=1;\")\n"
                + "modparam(\"rtimer\", \"exec\", \"timer=ta;route=TICK\")\n");
        String first = probe.reason("");
        Thread.sleep(1000);
        String later = probe.reason("");

        assertThat(later).startsWith("OPTIONS sip:you@kamailio.org sip:you@kamailio.org ticks=");
        // every 100 ms: some ten more runs a second later (a loose bound: the machine may be busy)
        assertThat(ticks(later) - ticks(first)).isBetween(4L, 12L);
    }

    @Test
    void anExecOfARouteTheScriptLacksStopsTheStart() {
        assertThatThrownBy(() -> start("modparam(\"rtimer\", \"timer\", \"name=ta;interval=1;\")\n"
                + "modparam(\"rtimer\", \"exec\", \"timer=ta;route=NOPE\")\n"))
                .hasMessageContaining("route[NOPE], which the script does not have");
    }

    @Test
    void aBadTimerIsRefusedAtLoad() {
        assertThatThrownBy(() -> start("modparam(\"rtimer\", \"timer\", \"name=ta;interval=soon;\")\n"))
                .hasMessageContaining("bad interval 'soon'");
    }

    private static long ticks(String reason) {
        Matcher m = Pattern.compile("ticks=(\\d+)").matcher(reason);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
