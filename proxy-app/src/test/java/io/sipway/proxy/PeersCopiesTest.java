package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark measures what the tests check: the relay the tests run
 * ({@code src/test/resources/peers/relay.cfg}) is byte for byte the one {@code benchmarks/run.sh}
 * and {@code compare-kamailio.sh} run, and the SIPp scenarios their load script names are the
 * project's ({@code examples/sipp}); the soak's proxy ({@code benchmarks/peers/soak.cfg}) is the
 * WebRTC gateway users deploy ({@code examples/cfg/webrtc-gateway.cfg}) with lines added.
 */
class PeersCopiesTest {
    /** Tests run in proxy-app/. */
    private static final Path ROOT = Path.of("..");

    @Test
    void theTestedRelayIsTheBenchmarkedRelay() throws Exception {
        assertThat(Files.readAllBytes(Path.of("src/test/resources/peers/relay.cfg")))
                .isEqualTo(Files.readAllBytes(ROOT.resolve("benchmarks/peers/relay.cfg")));
    }

    @Test
    void theSoakProxyIsTheGatewayWithLinesAdded() throws Exception {
        List<String> soak = Files.readAllLines(ROOT.resolve("benchmarks/peers/soak.cfg"));
        int at = 0;
        for (String line : Files.readAllLines(ROOT.resolve("examples/cfg/webrtc-gateway.cfg"))) {
            // the soak's own comments and ports (substdef's values) differ
            if (line.startsWith("# ") || line.equals("#") || line.matches("#!substdef \"!\\w+_PORT!\\d+!g\"")) {
                continue;
            }
            int found = soak.subList(at, soak.size()).indexOf(line);
            assertThat(found).as("the gateway's line '%s' in soak.cfg after its line %d", line, at).isNotNegative();
            at += found + 1;
        }
    }

    @Test
    void theLoadScriptRunsTheExampleScenarios() throws Exception {
        String load = Files.readString(ROOT.resolve("benchmarks/peers/relay-load.sh"));
        assertThat(load).contains("/../../examples/sipp\"").contains("/uas_rr.xml\"").contains("/uac_rr.xml\"")
                .doesNotContain("shared");
        assertThat(ROOT.resolve("examples/sipp/uas_rr.xml")).isRegularFile();
        assertThat(ROOT.resolve("examples/sipp/uac_rr.xml")).isRegularFile();
    }
}
