package io.sipway.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.Modules;
import io.sipway.proxy.core.Core;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/MODULES.md is the module tables as they are: regenerated here, compared with the committed file. */
class ModulesDocTest {
    private static final Path DOC = Path.of("../docs/MODULES.md");

    @Test
    void docsModulesMdIsTheTablesAsTheyAre() throws Exception {
        String generated = ModuleTables.markdown(Modules.tables(new Core()));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/MODULES.md"), generated); // what the build made, to copy over a stale one
        assertThat(Files.readString(DOC)).as("docs/MODULES.md is stale: ./sipway modules --markdown > docs/MODULES.md"
                + " (or cp proxy-app/target/MODULES.md docs/)").isEqualTo(generated);
    }

    @Test
    void oneModuleIsPrintedByName() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("modules", "tm")).isZero();
        assertThat(out.toString()).startsWith("## tm\n").contains("| `t_relay` | 0, 2 | request, failure |")
                .contains("| `fr_timer` | int | `30000` |");
        assertThat(cl.execute("modules", "no_such_module")).isEqualTo(1);
        assertThat(err.toString()).contains("no module no_such_module");
    }
}
