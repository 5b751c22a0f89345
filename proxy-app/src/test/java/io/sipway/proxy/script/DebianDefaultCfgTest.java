package io.sipway.proxy.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.ScriptLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Debian's /etc/kamailio/kamailio.cfg of Kamailio 5.6.3 (a byte-exact copy, see SOURCE.md next to
 * it) passes the check with every combination of the WITH_* features Sipway runs; features that
 * need what Sipway lacks are refused naming it (a module, a function, a pseudo-variable).
 */
class DebianDefaultCfgTest {
    private static final Path CFG = Path.of("src/test/resources/kamailio/debian-5.6.3/kamailio.cfg");
    /** The features Sipway runs (WITH_NATSIPPING alone only sets a branch flag). */
    private static final List<String> SUPPORTED = List.of("WITH_TLS", "WITH_BLOCK3XX", "WITH_BLOCK401407", "WITH_NATSIPPING");

    private final io.sipway.proxy.module.ModuleHost host = io.sipway.proxy.Modules.host(new io.sipway.proxy.core.Core());

    private ScriptLoader.Result check(List<String> defines) {
        Map<String, String> map = new LinkedHashMap<>();
        defines.forEach(d -> map.put(d, null));
        return ScriptLoader.load(CFG, "kamailio.cfg", map, host);
    }

    @TestFactory
    List<DynamicTest> everyCombinationOfSupportedFeaturesPasses() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int mask = 0; mask < 1 << SUPPORTED.size(); mask++) {
            List<String> on = new ArrayList<>();
            for (int i = 0; i < SUPPORTED.size(); i++) {
                if ((mask & 1 << i) != 0) {
                    on.add(SUPPORTED.get(i));
                }
            }
            tests.add(DynamicTest.dynamicTest(on.isEmpty() ? "all WITH_* off" : String.join("+", on), () -> {
                ScriptLoader.Result r = check(on);
                assertThat(r.diagnostics().errorCount()).as(r.diagnostics().render()).isZero();
            }));
        }
        return tests;
    }

    @Test
    void featuresNeedingFunctionsSipwayLacksAreRefusedNamingThem() {
        assertThat(check(List.of("WITH_JSONRPC")).diagnostics().render())
                .contains("jsonrpc_dispatch: is a function of Kamailio's jsonrpcs module that Sipway does not implement");
        assertThat(check(List.of("WITH_PSTN")).diagnostics().render())
                .contains("prefix: is a function of Kamailio's core that Sipway does not implement")
                .contains("$sel(cfg_get.pstn.gw_ip)");
        assertThat(check(List.of("WITH_VOICEMAIL")).ok()).isFalse();
    }

    @Test
    void aFeatureNeedingAModuleSipwayLacksIsRefusedNamingIt() {
        ScriptLoader.Result r = check(List.of("WITH_NAT"));
        assertThat(r.ok()).isFalse();
        assertThat(r.diagnostics().render()).contains("module 'rtpproxy' is not supported by Sipway; the modules it has: ");
    }
}
