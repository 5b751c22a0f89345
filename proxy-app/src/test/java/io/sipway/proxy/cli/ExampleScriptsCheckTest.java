package io.sipway.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipway.transport.TestCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every script a user finds in {@code examples/cfg} is a valid kamailio.cfg for both programs: it
 * passes {@code sipway -c} and, where Kamailio is installed, {@code kamailio -c} (Kamailio 5.6.3
 * refuses, for example, {@code $du} without {@code loadmodule "pv.so"}, which Sipway alone would let
 * through). A script is checked as README tells users to deploy it: the WebRTC gateway with a
 * {@code tls.cfg} and a certificate beside it. So are the scripts the benchmarks run
 * ({@code benchmarks/peers}: the relay, the soak's gateway), as {@code benchmarks/run.sh} deploys them.
 */
class ExampleScriptsCheckTest {
    /** Tests run in proxy-app/. */
    private static final Path EXAMPLES = Path.of("../examples/cfg");
    private static final Path BENCHMARK_PEERS = Path.of("../benchmarks/peers");
    /** Where Debian's kamailio package keeps its modules; the examples read it from the MODPATH define. */
    private static final String MODPATH = "MODPATH=\"/usr/lib/x86_64-linux-gnu/kamailio/modules/\"";

    static Stream<Path> exampleScripts() {
        return scripts(EXAMPLES);
    }

    /** The examples and the benchmarks' scripts. */
    static Stream<Path> checkedScripts() {
        return Stream.concat(exampleScripts(), scripts(BENCHMARK_PEERS));
    }

    private static Stream<Path> scripts(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> scripts = files.filter(f -> f.getFileName().toString().endsWith(".cfg"))
                    .filter(f -> !f.getFileName().toString().equals("tls.cfg")) // a user's TLS settings, not a routing script
                    .sorted().toList();
            assertThat(scripts).as("scripts in %s", dir).isNotEmpty();
            return scripts.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theExamplesAreTheOnesReadmeNames() {
        assertThat(exampleScripts().map(p -> p.getFileName().toString()))
                .contains("relay.cfg", "webrtc-gateway.cfg", "dispatcher.cfg");
    }

    @Test
    void theBenchmarksScriptsAreChecked() {
        assertThat(checkedScripts().map(p -> p.getParent().getFileName() + "/" + p.getFileName()))
                .contains("peers/relay.cfg", "peers/soak.cfg");
    }

    @ParameterizedTest(name = "sipway -c -f {0}")
    @MethodSource("checkedScripts")
    void sipwayChecksTheExampleOk(Path script, @TempDir Path dir) throws Exception {
        Path deployed = deployed(script, dir);
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("-c", "-f", deployed.toString());

        // warnings (a parameter without effect here, said so) may come first; no error
        assertThat(err.toString()).endsWith("config file ok, exiting...\n").doesNotContain(": error:");
        assertThat(code).isZero();
    }

    @ParameterizedTest(name = "kamailio -c -f {0}")
    @MethodSource("checkedScripts")
    void kamailioChecksTheExampleOk(Path script, @TempDir Path dir) throws Exception {
        String kamailio = kamailio();
        assumeTrue(kamailio != null, "kamailio is not on the PATH (Debian package kamailio): Kamailio's check skipped");
        Path deployed = deployed(script, dir);
        Path output = dir.resolve("kamailio.out");

        Process p = new ProcessBuilder(kamailio, "-c", "-f", deployed.toString(), "-A", MODPATH)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        String out = Files.readString(output, StandardCharsets.ISO_8859_1);

        assertThat(exited).as("kamailio -c ended within 30 s\n%s", out).isTrue();
        assertThat(p.exitValue()).as("kamailio -c exit status\n%s", out).isZero();
        assertThat(out).contains("config file ok, exiting...");
    }

    /**
     * A copy of the script in {@code dir} with what README puts beside it: a {@code tls.cfg} naming a
     * certificate and its key (made now: the project commits no private keys), the dispatcher's list.
     */
    private static Path deployed(Path script, Path dir) throws Exception {
        Path copy = dir.resolve(script.getFileName().toString());
        Files.copy(script, copy);
        Path list = script.resolveSibling("dispatcher.list");
        if (Files.readString(copy).contains("loadmodule \"dispatcher.so\"") && Files.exists(list)) {
            Files.copy(list, dir.resolve("dispatcher.list"));
        }
        if (Files.readString(copy).contains("loadmodule \"tls.so\"")) {
            TestCertificates.create(dir);
            Files.writeString(dir.resolve("tls.cfg"),
                    "[server:default]\nmethod = TLSv1.2+\ncertificate = server.pem\nprivate_key = server-key.pem\n");
        }
        return copy;
    }

    /** Kamailio from the PATH (Debian installs it in /usr/sbin), or null. */
    private static String kamailio() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kamailio");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
