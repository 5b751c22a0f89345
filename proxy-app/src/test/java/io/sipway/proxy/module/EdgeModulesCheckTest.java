package io.sipway.proxy.module;

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
 * The stun, topoh, outbound and tsilo scripts of the tests check under Sipway and under {@code kamailio -c}
 * 5.6.3 alike (Kamailio's check when it is installed with the module); what Sipway does not run is
 * refused by its check, saying what.
 */
class EdgeModulesCheckTest {
    static final String TOPOH_ALL = String.join("\n",
            "loadmodule \"sl.so\"", "loadmodule \"topoh.so\"",
            "modparam(\"topoh\", \"mask_key\", \"YouDoNotKnowIt\")",
            "modparam(\"topoh\", \"mask_ip\", \"10.0.0.1\")",
            "modparam(\"topoh\", \"mask_callid\", 1)",
            "modparam(\"topoh\", \"uparam_name\", \"myparam\")",
            "modparam(\"topoh\", \"uparam_prefix\", \"xyz-\")",
            "modparam(\"topoh\", \"vparam_name\", \"branch\")",
            "modparam(\"topoh\", \"vparam_prefix\", \"z9hG4bKxyz-\")",
            "modparam(\"topoh\", \"callid_prefix\", \"***\")",
            "modparam(\"topoh\", \"uri_prefix_checks\", 1)",
            "modparam(\"topoh\", \"sanity_checks\", 0)",
            "modparam(\"topoh\", \"event_mode\", 3)",
            "request_route { sl_send_reply(\"404\", \"Not here\"); }", "");
    static final String STUN = "loadmodule \"sl.so\"\nloadmodule \"stun.so\"\n"
            + "request_route {\n\tsl_send_reply(\"200\", \"still SIP\");\n}\n";
    /** TopohCallTest's script. */
    static final String TOPOH_CALL = String.join("\n",
            "loadmodule \"tm.so\"", "loadmodule \"sl.so\"", "loadmodule \"rr.so\"", "loadmodule \"pv.so\"",
            "loadmodule \"siputils.so\"", "loadmodule \"topoh.so\"",
            "modparam(\"topoh\", \"mask_key\", \"YouDoNotKnowIt\")",
            "modparam(\"topoh\", \"mask_ip\", \"10.1.1.10\")",
            "modparam(\"topoh\", \"mask_callid\", 1)",
            "request_route {",
            "    if (has_totag()) {",
            "        if (loose_route()) {",
            "            t_relay();",
            "        }",
            "        exit;",
            "    }",
            "    record_route();",
            "    $du = \"sip:127.0.0.1:5080\";",
            "    t_relay();",
            "}", "");
    /** OutboundFlowTest's script. */
    static final String OUTBOUND = String.join("\n",
            "loadmodule \"tm.so\"", "loadmodule \"sl.so\"", "loadmodule \"rr.so\"", "loadmodule \"path.so\"",
            "loadmodule \"pv.so\"", "loadmodule \"textops.so\"", "loadmodule \"outbound.so\"",
            "modparam(\"outbound\", \"flow_token_secret\", \"!!!Kamailio rocks!!!\")",
            "request_route {",
            "    if (loose_route()) {",
            "        t_relay();",
            "        exit;",
            "    }",
            "    if ($rc == -2) {",
            "        sl_send_reply(\"403\", \"Flow-token tampered\");",
            "        exit;",
            "    }",
            "    if (is_method(\"REGISTER\")) {",
            "        add_path();",
            "    } else {",
            "        record_route();",
            "    }",
            "    $du = \"sip:127.0.0.1:5080\";",
            "    t_relay();",
            "}", "");
    static final String TSILO = String.join("\n",
            "loadmodule \"tm.so\"", "loadmodule \"sl.so\"", "loadmodule \"pv.so\"", "loadmodule \"usrloc.so\"",
            "loadmodule \"registrar.so\"", "loadmodule \"textops.so\"", "loadmodule \"tsilo.so\"",
            "modparam(\"tsilo\", \"hash_size\", 1024)", "modparam(\"tsilo\", \"use_domain\", 0)",
            "request_route {",
            "    if (is_method(\"REGISTER\")) {",
            "        save(\"location\");",
            "        ts_append(\"location\", \"$tu\");",
            "        ts_append_by_contact(\"location\", \"$tu\");",
            "        ts_append_by_contact(\"location\", \"$tu\", \"$ct\");",
            "        ts_append_to(\"1\", \"2\", \"location\");",
            "        ts_append_to(\"$var(i)\", \"$var(l)\", \"location\", \"$tu\");",
            "        exit;",
            "    }",
            "    if (is_method(\"INVITE\")) {",
            "        if (!lookup(\"location\")) {",
            "            sl_send_reply(\"404\", \"Not Found\");",
            "            exit;",
            "        }",
            "        t_newtran();",
            "        ts_store();",
            "        ts_store(\"sip:bob@$td\");",
            "        t_relay();",
            "        exit;",
            "    }",
            "    t_relay();",
            "}", "");
    @TempDir
    Path dir;

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("stun", "stun.so", STUN),
                Arguments.of("topoh on a call", "topoh.so", TOPOH_CALL),
                Arguments.of("topoh's parameters", "topoh.so", TOPOH_ALL),
                Arguments.of("outbound with rr and path", "outbound.so", OUTBOUND),
                Arguments.of("tsilo's functions", "tsilo.so", TSILO),
                Arguments.of("registrar's outbound parameters", "registrar.so", String.join("\n",
                        "loadmodule \"sl.so\"", "loadmodule \"usrloc.so\"", "loadmodule \"registrar.so\"",
                        "modparam(\"registrar\", \"outbound_mode\", 2)", "modparam(\"registrar\", \"regid_mode\", 1)",
                        "modparam(\"registrar\", \"flow_timer\", 25)", "request_route { save(\"location\"); }", "")));
    }

    private Path write(String script) throws Exception {
        Path cfg = dir.resolve("kamailio.cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=udp:127.0.0.1:5060\n" + script);
        return cfg;
    }

    private ScriptLoader.Result sipwayCheck(String script) throws Exception {
        Path cfg = write(script);
        return ScriptLoader.load(cfg, cfg.toString(), Map.of(), Modules.host(new Core()));
    }

    @ParameterizedTest(name = "sipway -c accepts {0}")
    @MethodSource("accepted")
    void sipwayAccepts(String name, String module, String script) throws Exception {
        ScriptLoader.Result r = sipwayCheck(script);
        assertThat(r.ok()).as(r.diagnostics().render()).isTrue();
    }

    @ParameterizedTest(name = "kamailio -c accepts {0}")
    @MethodSource("accepted")
    void kamailioAccepts(String name, String module, String script) throws Exception {
        Path kamailio = Path.of("/usr/sbin/kamailio");
        assumeTrue(Files.isExecutable(kamailio), "kamailio is not installed: Kamailio's check skipped");
        assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/kamailio/modules", module)),
                module + " is not installed with this Kamailio: its check skipped");
        Path cfg = write(script);
        Path output = dir.resolve("kamailio.out");
        Process p = new ProcessBuilder(kamailio.toString(), "-c", "-f", cfg.toString()).directory(dir.toFile())
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
    void whatSipwayDoesNotRunIsRefusedSayingWhat() throws Exception {
        String stun = "loadmodule \"stun.so\"\n";
        assertThat(sipwayCheck(stun + "modparam(\"stun\", \"primary_ip\", \"10.0.0.1\")\nrequest_route { drop; }\n").ok())
                .as("OpenSIPS' parameter, which Kamailio's stun has not either").isFalse();
        String topoh = "loadmodule \"topoh.so\"\n";
        assertThat(sipwayCheck(topoh + "request_route { drop; }\nevent_route[topoh:msg-outgoing] { drop; }\n").ok())
                .as("the outgoing event route is not run").isFalse();
        assertThat(sipwayCheck("loadmodule \"outbound.so\"\nmodparam(\"outbound\", \"force_outbound_flag\", 40)\nrequest_route { drop; }\n")
                .diagnostics().render()).contains("0..31");
        assertThat(sipwayCheck("loadmodule \"topos.so\"\nrequest_route { drop; }\n").ok()).as("topos is not implemented").isFalse();
    }
}
