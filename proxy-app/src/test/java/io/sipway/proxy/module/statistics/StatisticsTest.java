package io.sipway.proxy.module.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.ScriptProbe;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statistics module as a script uses it: declared variables changed by update_stat and
 * reset_stat, read back with $stat, listed as "script:name". The reason phrase the script answers
 * with is Kamailio 5.6.3's for the same script and request ("1 3 nope--1 0").
 */
@Timeout(30)
class StatisticsTest {
    private static final String MODULES = "loadmodule \"pv.so\"\nloadmodule \"sl.so\"\nloadmodule \"statistics.so\"\n";

    @TempDir
    Path work;
    private ScriptProbe probe;

    @AfterEach
    void stop() {
        if (probe != null) {
            probe.close();
        }
    }

    private void start(String script) throws Exception {
        probe = ScriptProbe.start(work, MODULES + script);
    }

    @Test
    void declaredVariablesAreUpdatedResetAndReadAsKamailiosAre() throws Exception {
        start("modparam(\"statistics\", \"variable\", \"register_counter\")\n"
                + "modparam(\"statistics\", \"variable\", \"grp:active_calls/no_reset\")\n"
                + "request_route {\n"
                + "\tupdate_stat(\"register_counter\", \"+1\");\n"
                + "\tupdate_stat(\"grp:active_calls\", \"5\");\n"
                + "\tupdate_stat(\"grp:active_calls\", \"-2\");\n"
                + "\t$var(r) = \"\" + $stat(register_counter) + \" \" + $stat(grp:active_calls);\n"
                + "\t$var(n) = \"nope\";\n"
                + "\tif (update_stat(\"$var(n)\", \"1\")) { $var(r) = $var(r) + \" nope-ok\"; } else { $var(r) = $var(r) + \" nope-\" + $rc; }\n"
                + "\treset_stat(\"register_counter\");\n"
                + "\treset_stat(\"grp:active_calls\");\n"
                + "\t$var(r) = $var(r) + \" \" + $stat(register_counter);\n"
                + "\tsl_send_reply(\"200\", \"$var(r)\");\n\texit;\n}\n");

        assertThat(probe.reason("")).isEqualTo("1 3 nope--1 0");
        // as kamcmd stats.get_statistics shows them in Kamailio: the group "script"; no_reset kept its value
        assertThat(probe.proxy.core().stats()).containsEntry("script:register_counter", 0L).containsEntry("script:grp:active_calls", 3L);
        assertThat(probe.reason("")).isEqualTo("1 6 nope--1 0");
    }

    @Test
    void aConstantNameThatIsNotDeclaredStopsTheStartAsInKamailio() {
        // declared in a group, named without it: Kamailio 5.6.3 stops at the fixup ("variable <active_calls> not defined")
        assertThatThrownBy(() -> start("modparam(\"statistics\", \"variable\", \"grp:active_calls\")\n"
                + "request_route {\n\tupdate_stat(\"active_calls\", \"-2\");\n}\n")).hasMessageContaining("variable <active_calls> is not declared");
    }
}
