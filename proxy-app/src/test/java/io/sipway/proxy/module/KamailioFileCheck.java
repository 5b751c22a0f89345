package io.sipway.proxy.module;

import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.Modules;
import io.sipway.proxy.core.Core;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The same script checked by Sipway ({@code sipway -c}: the module tables' host) and by
 * {@code kamailio -c} 5.6.3 when it is installed, for tests that expect one verdict from both.
 */
public final class KamailioFileCheck {
    private KamailioFileCheck() {
    }

    /** What {@code sipway -c} says of the script at {@code cfg}. */
    public static ScriptLoader.Result sipway(Path cfg) throws Exception {
        return ScriptLoader.load(cfg, cfg.toString(), Map.of(), Modules.host(new Core()));
    }

    /**
     * Kamailio's exit status and output for {@code kamailio -c -f cfg}, or null when Kamailio is not
     * installed, or a module the script loads is not (Debian packs http_client in
     * kamailio-utils-modules, xmlrpc in kamailio-xml-modules).
     */
    public static Verdict kamailio(Path cfg) throws Exception {
        String kamailio = path();
        if (kamailio == null || !modulesInstalled(Files.readString(cfg))) {
            return null;
        }
        Path output = cfg.resolveSibling(cfg.getFileName() + ".kamailio.out");
        Process p = new ProcessBuilder(kamailio, "-c", "-f", cfg.toString()).directory(cfg.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        return new Verdict(exited ? p.exitValue() : -1, Files.readString(output, StandardCharsets.ISO_8859_1));
    }

    /** Kamailio's verdict: 0 when the script is accepted. */
    public record Verdict(int status, String output) {
    }

    private static final List<Path> MODULE_DIRS = List.of(Path.of("/usr/lib/x86_64-linux-gnu/kamailio/modules"),
            Path.of("/usr/lib64/kamailio/modules"), Path.of("/usr/lib/kamailio/modules"), Path.of("/usr/local/lib64/kamailio/modules"),
            Path.of("/usr/local/lib/kamailio/modules"));

    /** Whether every {@code loadmodule "x.so"} of the script is installed (true when no module directory is known). */
    private static boolean modulesInstalled(String script) {
        List<Path> dirs = MODULE_DIRS.stream().filter(Files::isDirectory).toList();
        if (dirs.isEmpty()) {
            return true;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("loadmodule\\s+\"([^\"/]+)\"").matcher(script);
        while (m.find()) {
            String so = m.group(1).endsWith(".so") ? m.group(1) : m.group(1) + ".so";
            if (dirs.stream().noneMatch(d -> Files.exists(d.resolve(so)))) {
                return false;
            }
        }
        return true;
    }

    /** Kamailio from the PATH (Debian installs it in /usr/sbin), or null. */
    private static String path() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + java.io.File.pathSeparator + "/usr/sbin:/usr/local/sbin")
                .split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(d.isEmpty() ? "." : d, "kamailio");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
