package io.sipway.proxy.module.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.Modules;
import io.sipway.proxy.core.Core;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dispatcher scripts of these tests check under Sipway and under {@code kamailio -c} 5.6.3 alike
 * (Kamailio's check when it is installed); what Sipway does not run yet is refused by its check,
 * saying why, where Kamailio would run it.
 */
class DispatcherScriptCheckTest {
    @TempDir
    Path dir;

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("the algorithms", DispatcherAlgorithmsTest.SCRIPT),
                Arguments.of("fail-over with ds_next_dst and the dst-down event", DispatcherFailoverTest.SCRIPT),
                Arguments.of("probing with its event routes", DispatcherProbingTest.SCRIPT),
                Arguments.of("call load", DispatcherCallLoadTest.SCRIPT),
                Arguments.of("the list file", DispatcherLoadTest.script(
                        "loadmodule \"dispatcher.so\"\nmodparam(\"dispatcher\", \"list_file\", \"gateways.list\")")),
                Arguments.of("the table (Kamailio's MySQL driver)", DispatcherLoadTest.script("loadmodule \"db_mysql.so\"\n"
                        + "loadmodule \"dispatcher.so\"\nmodparam(\"dispatcher\", \"db_url\", \"mysql://kamailio:pw@127.0.0.1/kamailio\")")),
                Arguments.of("the other functions", String.join("\n",
                        "loadmodule \"tm.so\"", "loadmodule \"sl.so\"", "loadmodule \"pv.so\"", "loadmodule \"dispatcher.so\"",
                        "modparam(\"dispatcher\", \"flags\", 3)",
                        "modparam(\"dispatcher\", \"use_default\", 1)",
                        "modparam(\"dispatcher\", \"hash_pvar\", \"$fU@$ci\")",
                        "modparam(\"dispatcher\", \"ds_ping_interval\", 0)",
                        "request_route {",
                        "    if (ds_is_from_list(\"2\", \"3\", \"sip:10.0.0.1:5060\")) { exit; }",
                        "    if (!ds_is_active(\"1\") || !ds_list_exist(\"1\")) { sl_send_reply(\"503\", \"down\"); exit; }",
                        "    if (ds_select(\"1\", \"7\", \"2\")) { ds_set_dst(); }",
                        "    ds_select_routes(\"1=4;2=8\", \"d\");",
                        "    ds_select_domain(\"1\", \"0\");",
                        "    ds_mark_dst(\"ip\");",
                        "    ds_reload();",
                        "    t_on_failure(\"F\");",
                        "    t_relay();",
                        "}",
                        "failure_route[F] { if (ds_next_domain()) { t_relay(); } ds_set_domain(); }",
                        "")));
    }

    private Path write(String script) throws Exception {
        Path cfg = dir.resolve("kamailio.cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=udp:127.0.0.1:5060\n" + script.replace("{list}", dir.resolve("x.list").toString()));
        return cfg;
    }

    private ScriptLoader.Result sipwayCheck(String script) throws Exception {
        Path cfg = write(script);
        return ScriptLoader.load(cfg, cfg.toString(), Map.of(), Modules.host(new Core()));
    }

    @ParameterizedTest(name = "sipway -c accepts {0}")
    @MethodSource("accepted")
    void sipwayAccepts(String name, String script) throws Exception {
        ScriptLoader.Result r = sipwayCheck(script);
        assertThat(r.ok()).as(r.diagnostics().render()).isTrue();
    }

    @ParameterizedTest(name = "kamailio -c accepts {0}")
    @MethodSource("accepted")
    void kamailioAccepts(String name, String script) throws Exception {
        String kamailio = kamailio();
        assumeTrue(kamailio != null, "kamailio is not on the PATH: Kamailio's check skipped");
        Path cfg = write(script);
        Path output = dir.resolve("kamailio.out");
        Process p = new ProcessBuilder(kamailio, "-c", "-f", cfg.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        String out = Files.readString(output, StandardCharsets.ISO_8859_1);
        assertThat(exited).as(out).isTrue();
        assertThat(p.exitValue()).as("%s: kamailio -c\n%s", name, out).isZero();
    }

    @Test
    void whatSipwayDoesNotRunYetIsRefusedSayingWhy() throws Exception {
        String base = "loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"dispatcher.so\"\n";
        assertThat(sipwayCheck(base + "request_route { ds_select_dst(\"1\", \"13\"); }\n").diagnostics().render())
                .contains("algorithm 13 (latency)");
        assertThat(sipwayCheck(base + "modparam(\"dispatcher\", \"ds_ping_latency_stats\", 1)\nrequest_route { drop; }\n")
                .diagnostics().render()).contains("ds_ping_latency_stats").contains("latency statistics are not kept");
        assertThat(sipwayCheck(base + "modparam(\"dispatcher\", \"ds_probing_mode\", 4)\nrequest_route { drop; }\n")
                .diagnostics().render()).contains("must be 0, 1, 2 or 3");
        assertThat(sipwayCheck(base + "request_route { ds_select_dst(\"one\", \"4\"); }\n").ok()).isFalse();
    }

    /** Kamailio from the PATH (Debian installs it in /usr/sbin), or null. */
    private static String kamailio() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(d.isEmpty() ? "." : d, "kamailio");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        for (String d : new String[] {"/usr/sbin", "/usr/local/sbin"}) {
            Path candidate = Path.of(d, "kamailio");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
