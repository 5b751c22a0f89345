package io.sipway.proxy.module.utils;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.module.KamailioCheck;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** utils 5.6: a script loading it with its parameters runs; xcap_auth_status (presence rules) is refused saying why. */
class UtilsTest {
    @TempDir
    Path work;

    @Test
    void aScriptLoadingUtilsIsAcceptedByBothChecks() throws Exception {
        String script = """
                loadmodule "sl.so"
                loadmodule "utils.so"
                modparam("utils", "forward_active", 1)
                request_route { sl_send_reply("200", "ok"); }
                """;
        ScriptLoader.Result r = KamailioCheck.sipway(work, script);
        assertThat(r.ok()).as(r.diagnostics().render()).isTrue();
        KamailioCheck.Verdict k = KamailioCheck.kamailio(work, script);
        if (k != null) {
            assertThat(k.ok()).as(k.output()).isTrue();
        }
    }

    @Test
    void xcapAuthStatusIsRefusedAsKamailiosAndNotImplemented() throws Exception {
        String script = """
                loadmodule "utils.so"
                request_route { if (xcap_auth_status("$fu", "$ru") == 1) { drop; } }
                """;
        ScriptLoader.Result r = KamailioCheck.sipway(work, script);
        assertThat(r.ok()).isFalse();
        assertThat(r.diagnostics().render()).contains("utils module that Sipway does not implement");
    }
}
