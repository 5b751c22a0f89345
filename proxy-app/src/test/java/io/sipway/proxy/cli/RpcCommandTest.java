package io.sipway.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.MovedPorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.ops.OpsServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** {@code sipway rpc}, kamcmd's counterpart, against a running proxy's JSON-RPC over loopback HTTP. */
@Timeout(30)
class RpcCommandTest {
    private record Run(int code, String out, String err) {
    }

    private static Run rpc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void callsAMethodAndPrintsItsResultIndented(@TempDir Path work) throws Exception {
        // the script's listener (5440) moved to a free port, so that another run cannot hold it
        Path script = MovedPorts.of(5440).script(Path.of("src/test/resources/proxy/ops-5440.cfg"), work);
        try (Proxy proxy = Proxy.start(script, Map.of(), List.of());
             OpsServer ops = OpsServer.start(proxy, new InetSocketAddress("127.0.0.1", 0))) {
            String url = "http://127.0.0.1:" + ops.address().getPort() + "/RPC";
            Run stats = rpc("rpc", "--url", url, "tm.stats");
            assertThat(stats.code()).isZero();
            assertThat(stats.out()).startsWith("{\n  \"current\": 0,\n  \"waiting\": 0,");
            Run group = rpc("rpc", "--url", url, "stats.get_statistics", "tmx:");
            assertThat(group.out()).contains("\"tmx:UAS_transactions = 0\"");
            Run unknown = rpc("rpc", "--url", url, "no.such.method");
            assertThat(unknown.code()).isEqualTo(1);
            assertThat(unknown.err()).contains("error: 500 - Method Not Found");
        }
    }

    @Test
    void aProxyThatIsNotThereIsAnErrorNamingTheUrl() {
        Run r = rpc("rpc", "--url", "http://127.0.0.1:9/RPC", "core.version");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach http://127.0.0.1:9/RPC");
    }

    @Test
    void argumentsAreTypedAsKamcmdTypesThem() {
        assertThat(RpcCommand.params(List.of("all", "42", "s:42", "-1"))).containsExactly("all", 42L, "42", -1L);
    }
}
