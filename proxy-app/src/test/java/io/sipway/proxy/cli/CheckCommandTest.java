package io.sipway.proxy.cli;

import static io.sipway.proxy.cli.CliRun.sipway;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sipway -c -f FILE [-A NAME[=VALUE]]}: checks a script the way {@code kamailio -c} does. */
class CheckCommandTest {
    /** Tests run in proxy-app/. The side-by-side benchmark's relay, the project's copy (benchmarks/peers has the same). */
    private static final Path RELAY = Path.of("src/test/resources/peers/relay.cfg");
    private static final Path DEBIAN = Path.of("src/test/resources/kamailio/debian-5.6.3/kamailio.cfg");

    @Test
    void theSideBySideRelayScriptChecksOk() {
        CliRun run = sipway("-c", "-f", RELAY.toString());
        assertThat(run.err()).isEqualTo("config file ok, exiting...\n");
        assertThat(run.exitCode()).isZero();
        // and with the define its mpath line needs
        assertThat(sipway("-c", "-f", RELAY.toString(), "-A", "MODPATH=\"/usr/lib/x86_64-linux-gnu/kamailio/modules/\"").exitCode()).isZero();
    }

    @Test
    void debiansDefaultScriptChecksOk() {
        assertThat(sipway("-c", "-f", DEBIAN.toString()).exitCode()).isZero();
        assertThat(sipway("-c", "-f", DEBIAN.toString(), "-A", "WITH_TLS").exitCode()).isZero();
        assertThat(sipway("-c", "-f", DEBIAN.toString(), "-A", "WITH_JSONRPC", "-A", "WITH_PSTN", "-A", "WITH_VOICEMAIL").exitCode())
                .isZero();
        // what Sipway does not run is refused, naming it (WITH_NAT's rtpproxy is accepted since issue 17)
        assertThat(sipway("-c", "-f", DEBIAN.toString(), "-A", "WITH_NAT").err())
                .doesNotContain("rtpproxy").contains("t_is_branch_route: is a function of Kamailio's tmx module that Sipway does not implement");
    }

    @Test
    void theProjectsExampleChecksOk() {
        assertThat(sipway("-c", "-f", "../examples/cfg/relay.cfg").exitCode()).isZero();
    }

    @Test
    void aBrokenCopyIsRefusedWithEveryMistakeAtItsFileLineAndColumn(@TempDir Path dir) throws Exception {
        String text = Files.readString(RELAY)
                .replace("\t\tsl_send_reply(\"483\", \"Too Many Hops\");", "\t\tsl_send_reply(\"483\", \"Too Many Hops\")")
                .replace("record_route();", "record_rout();");
        Path broken = dir.resolve("relay.cfg");
        Files.writeString(broken, text);
        CliRun run = sipway("-c", "-f", broken.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        String lineOfExit = broken + ":" + (lineOf(text, "\t\tsl_send_reply(\"483\"") + 1) + ":3: error: expected ';' after ')' before 'exit'";
        assertThat(run.err()).contains(lineOfExit)
                .contains(broken + ":" + lineOf(text, "record_rout();") + ":3: error: unknown function 'record_rout' (missing loadmodule?)")
                .contains("\t\trecord_rout();\n\t\t^\n")
                .endsWith("ERROR: bad config file (2 errors)\n");
    }

    @Test
    void brokenDebianDefaultIsRefusedAtTheRightPlace(@TempDir Path dir) throws Exception {
        String text = Files.readString(DEBIAN).replace("\tif (!mf_process_maxfwd_header(\"10\")) {", "\tif (!mf_process_maxfwd_header(\"10\") {");
        Path broken = dir.resolve("kamailio.cfg");
        Files.writeString(broken, text);
        CliRun run = sipway("-c", "-f", broken.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        int line = lineOf(text, "\tif (!mf_process_maxfwd_header(\"10\") {");
        // warnings for parameters without effect come first (memdbg, log_facility...), then the one error
        assertThat(run.err()).contains(broken + ":" + line + ":").contains("ERROR: bad config file (1 errors)");
    }

    @Test
    void anUnreadableFileIsNamed() {
        CliRun run = sipway("-c", "-f", "no/such/file.cfg");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("sipway: cannot read no/such/file.cfg\n");
    }

    /** 1-based line number of the first line containing {@code needle}. */
    private static int lineOf(String text, String needle) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line with " + needle);
    }

    @Test
    void aStatisticNotDeclaredIsRefusedByTheCheckAsTheStartRefusesIt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // kamailio -c accepts this script and Kamailio then refuses to start it; what sipway -c accepts must run
        Path cfg = dir.resolve("stats.cfg");
        java.nio.file.Files.writeString(cfg, "loadmodule \"statistics.so\"\nmodparam(\"statistics\", \"variable\", \"grp:active_calls\")\n"
                + "request_route {\n\tupdate_stat(\"active_calls\", \"-2\");\n}\n");
        CliRun run = sipway("-c", "-f", cfg.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("stats.cfg:4:").contains("variable <active_calls> is not declared");
    }
}
