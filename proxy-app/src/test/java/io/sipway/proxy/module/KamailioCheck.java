package io.sipway.proxy.module;

import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.Modules;
import io.sipway.proxy.core.Core;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A script checked as {@code sipway -c} checks it and as {@code kamailio -c} 5.6.3 does (when Kamailio is
 * installed), for tests that expect the same verdict from both.
 */
public final class KamailioCheck {
    private KamailioCheck() {
    }

    /** The script (after a listen line) written in {@code dir}. */
    public static Path write(Path dir, String script) throws Exception {
        Path cfg = Files.createTempFile(dir, "check", ".cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=udp:127.0.0.1:5060\n" + script);
        return cfg;
    }

    /** Sipway's check of the script. */
    public static ScriptLoader.Result sipway(Path dir, String script) throws Exception {
        Path cfg = write(dir, script);
        return ScriptLoader.load(cfg, cfg.toString(), Map.of(), Modules.host(new Core()));
    }

    /** Kamailio's check: its exit code (0 accepted) and output; null when kamailio is not installed. */
    public static Verdict kamailio(Path dir, String script) throws Exception {
        String kamailio = kamailioBinary();
        if (kamailio == null) {
            return null;
        }
        Path cfg = write(dir, script);
        Path output = Files.createTempFile(dir, "kamailio", ".out");
        Process p = new ProcessBuilder(kamailio, "-c", "-f", cfg.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("kamailio -c did not end in 30 s");
        }
        return new Verdict(p.exitValue() == 0, Files.readString(output, StandardCharsets.ISO_8859_1));
    }

    /**
     * Kamailio started on the script ({@code kamailio -c} runs no fixups: a bad argument shows only when it
     * starts): ok when it is still running after {@code seconds} (it is then stopped), not ok when it exited
     * with an error; null when kamailio is not installed.
     */
    public static Verdict kamailioStarts(Path dir, String script, int seconds) throws Exception {
        String kamailio = kamailioBinary();
        if (kamailio == null) {
            return null;
        }
        int port = io.sipway.proxy.FreePorts.udpAndTcp();
        Path cfg = Files.createTempFile(dir, "start", ".cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=udp:127.0.0.1:" + port + "\n" + script);
        Path run = Files.createTempDirectory(dir, "run");
        Path output = Files.createTempFile(dir, "kamailio", ".out");
        Process p = new ProcessBuilder(kamailio, "-f", cfg.toString(), "-DD", "-E", "-n", "1", "-m", "32", "-M", "8",
                "-w", run.toString(), "-Y", run.toString(), "-P", run.resolve("k.pid").toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean exited = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!exited) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        return new Verdict(!exited || p.exitValue() == 0, Files.readString(output, StandardCharsets.ISO_8859_1));
    }

    public record Verdict(boolean ok, String output) {
    }

    private static String kamailioBinary() {
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
