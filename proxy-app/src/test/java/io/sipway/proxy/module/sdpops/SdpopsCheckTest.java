package io.sipway.proxy.module.sdpops;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.module.KamailioCheck;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** What {@code sipway -c} says of sdpops' calls, with the verdict of {@code kamailio -c} 5.6.3 (when installed) beside it. */
class SdpopsCheckTest {
    private static final String LOAD = "loadmodule \"pv.so\"\nloadmodule \"sdpops.so\"\n";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: accepted {1}")
    @CsvSource(delimiter = '|', value = {
        // Kamailio checks the AVP of sdp_get and sdp_get_line_startswith, and the level of sdp_print, when they run
        "sdp_get(\"$var(x)\");|true",
        "sdp_get_line_startswith(\"$avp(l)\", \"a=$var(p)\");|true",
        "sdp_print(\"abc\");|true",
        "sdp_content(\"anything\");|true",
        "$sdp(sess_version) = -1;|true",
        "$sdp(body) = 1;|true",
        "sdp_remove_codecs_by_name(\"PCMA,$var(c)\", \"audio\");|true",
        "sdp_remove_media(\"audio\", \"video\");|false",
        "sdp_with_ice(\"x\");|false",
        "sdp_get_address_family(\"x\");|false",
        "$var(x) = $sdp(foo);|false",
    })
    void sameVerdictAsKamailio(String statement, boolean accepted) throws Exception {
        String script = LOAD + "request_route {\n " + statement + "\n}\n";
        ScriptLoader.Result r = KamailioCheck.sipway(dir, script);
        assertThat(r.ok()).as(r.diagnostics().render()).isEqualTo(accepted);
        KamailioCheck.Verdict k = KamailioCheck.kamailio(dir, script);
        if (k != null) {
            assertThat(k.ok()).as(k.output()).isEqualTo(accepted);
        }
    }
}
