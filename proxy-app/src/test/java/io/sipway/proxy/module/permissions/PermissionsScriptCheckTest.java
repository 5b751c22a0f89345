package io.sipway.proxy.module.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.Modules;
import io.sipway.proxy.core.Core;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What check mode says of permissions' file-based checks, which Sipway does not implement, and of its functions' arities. */
class PermissionsScriptCheckTest {
    private static String check(String body) {
        String script = "loadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"permissions.so\"\n" + body;
        ScriptLoader.Result r = ScriptLoader.loadText(script, "t.cfg", Path.of("."), Map.of(), k -> null, Modules.host(new Core()));
        return r.ok() ? "" : r.diagnostics().render();
    }

    @Test
    void theFileBasedChecksAreRefusedNamingTheModule() {
        assertThat(check("request_route { if (allow_routing()) { exit; } }"))
                .contains("allow_routing").contains("permissions").contains("Sipway does not implement");
        assertThat(check("request_route { if (allow_register(\"register\")) { exit; } }")).contains("allow_register");
        assertThat(check("modparam(\"permissions\", \"default_allow_file\", \"p.allow\")\nrequest_route { exit; }"))
                .contains("default_allow_file");
        assertThat(check("modparam(\"permissions\", \"address_file\", \"address.list\")\nrequest_route { exit; }"))
                .contains("address_file");
    }

    @Test
    void theDatabaseChecksAreAccepted() {
        assertThat(check("modparam(\"permissions\", \"db_url\", \"sqlite:///tmp/x.db\")\nmodparam(\"permissions\", \"db_mode\", 1)\n"
                + "request_route { if (allow_source_address()) { exit; } if (allow_source_address(\"2\")) { exit; }\n"
                + " if (allow_address(\"1\", \"$si\", \"$sp\")) { exit; } if (allow_trusted(\"$si\", \"any\", \"$fu\")) { exit; }\n"
                + " if (allow_trusted()) { exit; } allow_source_address_group(); allow_address_group(\"$si\", \"0\"); }"))
                .isEmpty();
        assertThat(check("request_route { allow_trusted(\"$si\"); }")).contains("allow_trusted");
        assertThat(check("modparam(\"permissions\", \"db_mode\", 2)\nrequest_route { exit; }")).contains("db_mode");
    }
}
