package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.CompiledScript;
import io.sipway.proxy.Modules;
import io.sipway.proxy.module.jsonrpcs.JsonRpcServer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * cfg_rpc's commands on the script's cfg variables, each answer as Kamailio 5.6.3 gave it over
 * JSON-RPC for the same declarations (its scan's quirks included), and a route reading the change.
 */
class CfgRpcTest {
    private final ModuleHarness h = new ModuleHarness();
    private final JsonRpcServer rpc = new JsonRpcServer(() -> Modules.tables(h.core));
    private CompiledScript script;

    @BeforeEach
    void load() {
        script = h.load("""
                pstn.gw_ip = "" desc "PSTN GW Address"
                pstn.gw_port = "" desc "PSTN GW Port"
                voicemail.srv_ip = "" desc "VoiceMail IP Address"
                voicemail.srv_port = "5060" desc "VoiceMail Port"
                limits.calls = 10
                request_route { $avp(gw) = $sel(cfg_get.pstn.gw_ip); }
                """);
    }

    @AfterEach
    void close() {
        h.close();
    }

    private JsonRpcServer.Response call(String method, Object... params) {
        return rpc.call(method, Arrays.asList(params), 1L, true);
    }

    private Object result(String method, Object... params) {
        JsonRpcServer.Response r = call(method, params);
        assertThat(r.status()).as(method + " " + r.json()).isEqualTo(200);
        return r.json().get("result");
    }

    @Test
    void aStringSetAtRunTimeIsWhatTheNextMessageReads() {
        assertThat(result("cfg.get", "pstn", "gw_ip")).isEqualTo("");
        assertThat(result("cfg.sets", "pstn", "gw_ip", "127.0.0.1")).isEqualTo(Map.of());
        assertThat(result("cfg.get", "pstn", "gw_ip")).isEqualTo("127.0.0.1");
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(script, m);
        assertThat(h.pv("$avp(gw)", m)).isEqualTo("127.0.0.1");
        assertThat(result("cfg.set_now_string", "pstn", "gw_port", "5090")).isEqualTo(Map.of());
        assertThat(result("cfg.get", "pstn")).isEqualTo(Map.of("gw_ip", "127.0.0.1", "gw_port", "5090"));
    }

    @Test
    void integersAreReadAsKamailiosJsonRpcScanReadsThem() {
        result("cfg.seti", "voicemail", "srv_port", 5070L);
        assertThat(result("cfg.get", "voicemail", "srv_port")).isEqualTo("5070"); // a string variable keeps text
        result("cfg.set", "pstn", "gw_ip", "1.2.3.4"); // 'd' scan of a string: 0
        assertThat(result("cfg.get", "pstn", "gw_ip")).isEqualTo("0");
        result("cfg.seti", "pstn", "gw_ip", 3000000000L);
        assertThat(result("cfg.get", "pstn", "gw_ip")).isEqualTo("-2147483648");
        result("cfg.sets", "pstn", "gw_ip", 5L); // 's' scan of a number fails: nothing done
        assertThat(result("cfg.get", "pstn", "gw_ip")).isEqualTo("-2147483648");
        result("cfg.sets", "limits", "calls", "7000");
        assertThat(result("cfg.get", "limits", "calls")).isEqualTo(7000L);
        result("cfg.sets", "pstn", "gw_port"); // no value: nothing done, nothing said
        assertThat(result("cfg.get", "pstn", "gw_port")).isEqualTo("");
    }

    @Test
    void faultsAreKamailios() {
        assertThat(call("cfg.sets", "limits", "calls", "abc").reason()).isEqualTo("Failed to set the variable");
        assertThat(call("cfg.sets", "nogroup", "x", "1").status()).isEqualTo(400);
        assertThat(call("cfg.sets", "tm", "fr_timer", "7000").reason()).isEqualTo("Failed to set the variable");
        assertThat(call("cfg.get", "pstn", "nope").reason()).isEqualTo("Failed to get the variable");
        JsonRpcServer.Response none = call("cfg.get");
        assertThat(none.status()).isEqualTo(500);
        assertThat(none.reason()).isEqualTo("Failed to get the parameters");
        assertThat(call("cfg.get", "pstn", 5L).status()).isEqualTo(500);
        assertThat(result("cfg.get", "nogroup")).isEqualTo(Map.of());
        assertThat(call("cfg.help", "pstn", "nope").reason()).isEqualTo("Failed to get the variable description");
    }

    @Test
    void helpGivesTheTypeAndListNamesEveryVariableNewestGroupFirst() {
        assertThat(result("cfg.help", "pstn", "gw_ip")).isEqualTo("(parameter type is string)");
        assertThat(result("cfg.help", "limits", "calls")).isEqualTo("(parameter type is integer)");
        assertThat(result("cfg.list")).isEqualTo(List.of("limits: calls", "voicemail: srv_ip", "voicemail: srv_port",
                "pstn: gw_ip", "pstn: gw_port"));
        assertThat(result("cfg.list", "pstn")).isEqualTo(List.of("pstn: gw_ip", "pstn: gw_port"));
    }
}
