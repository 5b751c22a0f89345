package io.sipway.proxy.cli;

import io.sipway.cfg.Ast;
import io.sipway.proxy.module.FunctionExport;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The module export tables as text for a person: {@code sipway modules [NAME]} prints them, and
 * docs/MODULES.md is this Markdown (ModulesDocTest fails when the committed file is stale).
 */
public final class ModuleTables {
    private ModuleTables() {
    }

    /** Markdown of every table: one section per module, its functions, parameters, pseudo-variables and more. */
    public static String markdown(List<ModuleExports> tables) {
        StringBuilder b = new StringBuilder();
        b.append("# Modules Sipway runs\n\n")
                .append("Generated from the modules' export tables (`io.sipway.proxy.module.<name>`) by `./sipway modules --markdown`;\n")
                .append("`ModulesDocTest` fails when this file is stale. What is listed here is exactly what `sipway -c`\n")
                .append("accepts and `sipway -f` runs; a Kamailio function, parameter or pseudo-variable not listed is refused\n")
                .append("at load, naming it. Route kinds: request (also event_route), failure, onreply, reply (reply_route),\n")
                .append("branch; \"any\" is every kind. A parameter marked *no effect* is accepted with a warning saying why.\n\n");
        b.append("| module | functions | parameters | pseudo-variables |\n|---|---:|---:|---:|\n");
        for (ModuleExports t : tables) {
            b.append("| [").append(t.name()).append("](#").append(t.name().replace("_", "")).append(") | ")
                    .append(t.functions().size()).append(" | ").append(t.params().size()).append(" | ").append(t.pvs().size())
                    .append(" |\n");
        }
        for (ModuleExports t : tables) {
            b.append('\n').append(section(t));
        }
        return b.toString();
    }

    /** One table as Markdown. */
    public static String section(ModuleExports t) {
        StringBuilder b = new StringBuilder();
        b.append("## ").append(t.name()).append("\n\n").append("Kamailio's documentation: ").append(t.doc()).append("\n\n");
        if (t.loaded() != null) {
            b.append("Loaded: ").append(t.loaded()).append("\n\n");
        }
        if (!t.functions().isEmpty()) {
            b.append("| function | arguments | route kinds | what it does |\n|---|---|---|---|\n");
            for (FunctionExport f : t.functions().values()) {
                b.append("| `").append(f.name()).append("` | ").append(f.arity()).append(f.expressions() ? " (expressions)" : "")
                        .append(" | ").append(kinds(f.routes())).append(f.mayWait() ? ", may wait" : f.mayWaitWith() != null ? ", may wait (by its module parameters)" : "").append(" | ")
                        .append(f.summary() == null ? "" : f.summary()).append(" |\n");
            }
            b.append('\n');
        }
        if (!t.params().isEmpty()) {
            b.append("| parameter | type | Kamailio's default | in Sipway |\n|---|---|---|---|\n");
            for (ParamExport p : t.params().values()) {
                String effect = p.kind() == ParamExport.Kind.NO_EFFECT ? "*no effect*: " + p.effect()
                        : p.effect() + (p.only() == null ? "" : " (only " + String.join(", ", p.only()) + ")");
                b.append("| `").append(p.name()).append("` | ").append(p.type().name().toLowerCase(java.util.Locale.ROOT))
                        .append(" | ").append(p.defaultValue().isEmpty() ? "" : "`" + p.defaultValue() + "`").append(" | ")
                        .append(effect.replace("|", "\\|")).append(" |\n");
            }
            b.append('\n');
        }
        if (!t.pvs().isEmpty()) {
            List<String> names = new ArrayList<>();
            for (PvExport p : t.pvs().values()) {
                names.add("`$" + p.name() + (p.inner() == PvExport.Inner.REQUIRED ? "(name)" : "") + "`" + (p.writable() ? " (writable)" : ""));
            }
            b.append("Pseudo-variables: ").append(String.join(", ", names)).append(".\n\n");
        }
        if (!t.transformations().isEmpty()) {
            b.append("Transformations: ").append(String.join(", ", t.transformations().keySet().stream().map(n -> "`{" + n + "}`").toList()))
                    .append(".\n\n");
        }
        if (!t.rpcs().isEmpty()) {
            b.append("RPC commands: ").append(String.join(", ", t.rpcs().values().stream()
                    .map(r -> "`" + r.name() + "` (" + r.summary() + ")").toList())).append(".\n\n");
        }
        if (!t.eventRoutes().isEmpty()) {
            b.append("Event routes: ").append(String.join(", ", t.eventRoutes().stream().map(n -> "`event_route[" + n + "]`").toList()))
                    .append(".\n\n");
        }
        if (t.functions().isEmpty() && t.params().isEmpty() && t.pvs().isEmpty() && t.rpcs().isEmpty() && t.loaded() == null) {
            b.append("Nothing of it is implemented yet beyond loading it (Kamailio's default script loads it); any use is refused.\n\n");
        }
        return b.toString();
    }

    private static String kinds(Set<Ast.RouteType> routes) {
        if (routes.containsAll(EnumSet.allOf(Ast.RouteType.class))) {
            return "any";
        }
        List<String> k = new ArrayList<>();
        for (Ast.RouteType r : routes) {
            if (r != Ast.RouteType.ROUTE && r != Ast.RouteType.EVENT) {
                k.add(r.keyword.replace("_route", ""));
            }
        }
        return String.join(", ", k);
    }
}
