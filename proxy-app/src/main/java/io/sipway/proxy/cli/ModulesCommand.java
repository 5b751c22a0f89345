package io.sipway.proxy.cli;

import io.sipway.proxy.Modules;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sipway modules [NAME]}: the export tables, one module or all; {@code --markdown} writes docs/MODULES.md. */
@Command(name = "modules", mixinStandardHelpOptions = true,
        description = "Print the modules Sipway runs with their functions, parameters and pseudo-variables (one module: NAME).")
final class ModulesCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "A module, e.g. tm (core: the core's table).")
    String name;

    @Option(names = "--markdown", description = "All tables as docs/MODULES.md is written.")
    boolean markdown;

    @Override
    public Integer call() {
        List<ModuleExports> tables = Modules.tables(new Core());
        if (markdown) {
            spec.commandLine().getOut().print(ModuleTables.markdown(tables));
            spec.commandLine().getOut().flush();
            return 0;
        }
        for (ModuleExports t : tables) {
            if (name == null || t.name().equals(name)) {
                spec.commandLine().getOut().print(ModuleTables.section(t));
                if (name != null) {
                    spec.commandLine().getOut().flush();
                    return 0;
                }
            }
        }
        spec.commandLine().getOut().flush();
        if (name != null) {
            spec.commandLine().getErr().println("sipway: no module " + name + " (sipway modules lists them)");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }
}
