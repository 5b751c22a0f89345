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
 * it) passes the check with every combination of the WITH_* features that need only modules
 * Sipway has; features that need others are refused with the module named.
 */
class DebianDefaultCfgTest {
    private static final Path CFG = Path.of("src/test/resources/kamailio/debian-5.6.3/kamailio.cfg");
    /** The features whose modules Sipway has (WITH_NATSIPPING alone only sets a branch flag). */
    private static final List<String> SUPPORTED = List.of("WITH_TLS", "WITH_JSONRPC", "WITH_PSTN", "WITH_VOICEMAIL",
            "WITH_BLOCK3XX", "WITH_BLOCK401407", "WITH_NATSIPPING");

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
    void aFeatureNeedingAModuleSipwayLacksIsRefusedNamingIt() {
        ScriptLoader.Result r = check(List.of("WITH_NAT"));
        assertThat(r.ok()).isFalse();
        assertThat(r.diagnostics().render()).contains("module 'rtpproxy' is not supported by Sipway; the modules it has: ");
    }
}
