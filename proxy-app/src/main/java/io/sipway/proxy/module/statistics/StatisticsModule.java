package io.sipway.proxy.module.statistics;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.log.KamailioLevel;
import io.sipway.proxy.log.ScriptLog;
import io.sipway.proxy.log.SyslogFacility;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * statistics (https://kamailio.org/docs/modules/5.6.x/modules/statistics.html): counters a script
 * declares ({@code modparam("statistics", "variable", "name[/no_reset]")}, kept in the group "script",
 * so {@code stats.get_statistics} shows {@code script:name}) and changes with {@code update_stat(name,
 * "+1")} / {@code reset_stat(name)}; {@code $stat(name)} (the pv module's) reads them. As in Kamailio 5.6.3: a constant name not declared stops the start ({@code kamailio -c} lets it
 * through; {@code sipway -c} says so), a name from a pseudo-variable not declared makes the function
 * return -1 with an error line; reset_stat leaves a {@code no_reset} variable as it is. Where Kamailio
 * refuses an undeclared constant name only when it starts, {@code sipway -c} refuses it too.
 */
public final class StatisticsModule {
    private static final ScriptLog LOG = new ScriptLog("statistics");
    private static final String GROUP = "script:";

    private StatisticsModule() {
    }

    /** The declared variables: name to whether reset_stat may reset it; filled when the script's modparams are read. */
    private static final class Declared {
        final Map<String, Boolean> resettable = new ConcurrentHashMap<>();
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("statistics", "https://kamailio.org/docs/modules/5.6.x/modules/statistics.html");
        Declared declared = new Declared();
        b.param("variable", ParamExport.Type.STRING, "", "declares a statistic (name or name/no_reset; several times), in the group \"script\"");
        b.fn("update_stat", 2, 2, ANY, args -> {
            Format name = Format.of(args.get(0));
            Format value = Format.of(args.get(1));
            LongAdder[] constant = new LongAdder[1]; // a constant name's counter, found once
            return ctx -> {
                LongAdder counter = constant[0];
                if (counter == null) {
                    counter = counter(core, declared, name.apply(ctx));
                    if (fixed(args.get(0))) {
                        constant[0] = counter;
                    }
                }
                if (counter == null) {
                    return -1;
                }
                String v = value.apply(ctx).trim();
                try {
                    counter.add(Long.parseLong(v.startsWith("+") ? v.substring(1) : v));
                } catch (NumberFormatException e) {
                    LOG.print(KamailioLevel.ERR, SyslogFacility.DEFAULT, "statistics [statistics.c]: ", "invalid value <" + v + ">\n");
                    return -1;
                }
                return 1;
            };
        }).checkWithParams((a, params) -> declaredIn(a.get(0), params)).summary("adds a value (\"+1\", \"-2\") to a declared statistic; -1 when it is not declared");
        b.fn("reset_stat", 1, 1, ANY, args -> {
            Format name = Format.of(args.get(0));
            return ctx -> {
                String n = name.apply(ctx);
                LongAdder counter = counter(core, declared, n);
                if (counter == null) {
                    return -1;
                }
                if (declared.resettable.getOrDefault(n, true)) {
                    counter.reset();
                }
                return 1;
            };
        }).checkWithParams((a, params) -> declaredIn(a.get(0), params)).summary("sets a declared statistic back to 0 (not one declared no_reset)");
        b.onStart((script, host) -> {
            declared.resettable.clear();
            for (String v : core.modparams("statistics", "variable")) {
                declared.resettable.put(variableName(v), !v.trim().endsWith("/no_reset"));
                core.statistic(GROUP + variableName(v)); // listed (at 0) from the start, as Kamailio registers it
            }
        });
        return b.build();
    }

    private static LongAdder counter(Core core, Declared declared, String name) {
        if (!declared.resettable.containsKey(name)) {
            LOG.print(KamailioLevel.ERR, SyslogFacility.DEFAULT, "statistics [statistics.c]: ", "variable <" + name + "> not defined\n");
            return null;
        }
        return core.statistic(GROUP + name);
    }

    /** A name written as it is must be declared by the script's modparams: Kamailio's fixup stops its start otherwise. */
    private static void declaredIn(Arg name, List<Ast.ModParam> params) {
        if (!fixed(name)) {
            return;
        }
        String n = name.constantString();
        for (Ast.ModParam p : params) {
            if (List.of(p.module().split("\\|")).contains("statistics") && p.param().equals("variable")
                    && variableName(String.valueOf(p.value())).equals(n)) {
                return;
            }
        }
        throw new IllegalArgumentException("variable <" + n + "> is not declared: add modparam(\"statistics\", \"variable\", \"" + n + "\")");
    }

    /** The name in a "name" or "name/no_reset" declaration. */
    private static String variableName(String spec) {
        String s = spec.trim();
        return s.endsWith("/no_reset") ? s.substring(0, s.length() - "/no_reset".length()) : s;
    }

    /** A name written as it is, no pseudo-variable in it ("$var(n)" is read per call). */
    private static boolean fixed(Arg name) {
        return name.isConstant() && name.constantString().indexOf('$') < 0;
    }
}
