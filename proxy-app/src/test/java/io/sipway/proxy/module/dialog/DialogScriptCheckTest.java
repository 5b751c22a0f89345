package io.sipway.proxy.module.dialog;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dialog scripts of these tests check under Sipway and under {@code kamailio -c} 5.6.3 alike
 * (Kamailio's check when it is installed); what Sipway does not run is refused by its check, saying
 * why, where Kamailio's check lets it through.
 */
class DialogScriptCheckTest {
    private static final Path SCRIPTS = Path.of("src/test/resources/dialog");

    @TempDir
    Path dir;

    private ScriptLoader.Result sipwayCheck(Path cfg) {
        return ScriptLoader.load(cfg, cfg.toString(), Map.of(), Modules.host(new Core()));
    }

    @ParameterizedTest(name = "sipway -c accepts {0}")
    @ValueSource(strings = {"calls.cfg", "functions.cfg"})
    void sipwayAccepts(String name) {
        ScriptLoader.Result r = sipwayCheck(SCRIPTS.resolve(name).toAbsolutePath());
        assertThat(r.ok()).as(r.diagnostics().render()).isTrue();
    }

    @ParameterizedTest(name = "kamailio -c accepts {0}")
    @ValueSource(strings = {"calls.cfg", "functions.cfg"})
    void kamailioAccepts(String name) throws Exception {
        String kamailio = kamailio();
        assumeTrue(kamailio != null, "kamailio is not on the PATH: Kamailio's check skipped");
        Path cfg = dir.resolve(name);
        Files.copy(SCRIPTS.resolve(name), cfg);
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

    /** functions.cfg with {@code extra} after its dlg_manage(), checked by Sipway: the diagnostics. */
    private String withLine(String extra) throws Exception {
        String text = Files.readString(SCRIPTS.resolve("functions.cfg")).replace("dlg_manage();", "dlg_manage();\n\t" + extra);
        Path cfg = dir.resolve("kamailio.cfg");
        Files.writeString(cfg, text);
        ScriptLoader.Result r = sipwayCheck(cfg);
        assertThat(r.ok()).as(extra).isFalse();
        return r.diagnostics().render();
    }

    @Test
    void whatCannotRunIsRefusedSayingWhy() throws Exception {
        // Kamailio's check lets these through; its start refuses them (fixups, mod_init)
        assertThat(withLine("set_dlg_profile(\"nope\");")).contains("profile <nope> not defined");
        assertThat(withLine("dlg_bye(\"both\");")).contains("all, caller, callee");
        assertThat(withLine("get_profile_size(\"inbound\", \"$ru\");")).contains("return must be an AVP or SCRIPT VAR!");
        // Kamailio runs these; Sipway does not
        assertThat(withLine("dlg_refer(\"callee\", \"sip:x@y\");")).contains("dialog module that Sipway does not implement");
        assertThat(withLine("$dlg_ctx(timeout_route) = \"T\";")).contains("timeout_route");
        String db = Files.readString(SCRIPTS.resolve("functions.cfg"))
                .replace("modparam(\"dialog\", \"hash_size\", 1024)", "modparam(\"dialog\", \"db_url\", \"mysql://k:k@127.0.0.1/k\")");
        Path cfg = dir.resolve("db.cfg");
        Files.writeString(cfg, db);
        ScriptLoader.Result r = sipwayCheck(cfg);
        assertThat(r.ok()).isFalse();
        assertThat(r.diagnostics().render()).contains("db_url");
    }

    /** Kamailio from the PATH or /usr/sbin, or null. */
    private static String kamailio() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(d.isEmpty() ? "." : d, "kamailio");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        Path sbin = Path.of("/usr/sbin/kamailio");
        return Files.isExecutable(sbin) ? sbin.toString() : null;
    }
}
