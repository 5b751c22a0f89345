package io.sipway.proxy.module;

import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import java.util.Arrays;
import java.util.Set;

/**
 * One script function of a module (Kamailio's {@code cmd_export_t}): its name, the argument counts
 * it takes, the route kinds it may be used in, the kind of route its first argument names (or null),
 * whether its arguments may be expressions (a generic mod_fix fixup), whether it may wait (a
 * database query, an HTTP request: such a function never runs on an event loop), and its fixup,
 * which checks and pre-parses the arguments once, when the script is loaded, and returns what runs.
 *
 * @param exactArgCounts the counts Kamailio has variants for, when some between min and max are
 *                       missing ({@code t_relay()} or {@code t_relay(host, port)}); null when all are
 */
public record FunctionExport(String name, int minArgs, int maxArgs, int[] exactArgCounts, Set<Ast.RouteType> routes,
                             Ast.RouteType armsRoute, boolean expressions, boolean mayWait, FunctionSpec.Binder fixup,
                             String summary, java.util.function.Predicate<java.util.List<Ast.ModParam>> mayWaitWith,
                             java.util.function.BiConsumer<java.util.List<io.sipway.cfg.Arg>, java.util.List<Ast.ModParam>> paramsCheck) {

    /**
     * Whether the function may wait when {@code script} runs: always when declared {@code mayWait()},
     * else as its module's parameters make it (usrloc's db_mode 3 makes registrar's functions queries).
     */
    public boolean mayWait(io.sipway.cfg.CompiledScript script) {
        return mayWait || mayWaitWith != null && script != null && mayWaitWith.test(script.modParams());
    }

    public FunctionExport {
        if (minArgs < 0 || maxArgs < minArgs) {
            throw new IllegalArgumentException(name + ": bad arity " + minArgs + ".." + maxArgs);
        }
    }

    /** Whether a call with {@code n} arguments is one of the function's variants. */
    public boolean takes(int n) {
        if (n < minArgs || n > maxArgs) {
            return false;
        }
        return exactArgCounts == null || Arrays.stream(exactArgCounts).anyMatch(c -> c == n);
    }

    /** "takes 0 or 2 arguments, not 1": what a call with the wrong count is told. */
    public String arityProblem(int n) {
        String counts;
        if (exactArgCounts != null) {
            String[] c = Arrays.stream(exactArgCounts).mapToObj(Integer::toString).toArray(String[]::new);
            counts = c.length == 1 ? c[0] : String.join(", ", Arrays.copyOf(c, c.length - 1)) + " or " + c[c.length - 1];
        } else {
            counts = minArgs == maxArgs ? Integer.toString(minArgs) : minArgs + " to " + maxArgs;
        }
        return "takes " + counts + " argument" + (maxArgs == 1 ? "" : "s") + ", not " + n;
    }

    /** The arity as the module documentation writes it: {@code t_relay([host, port])} becomes "0, 2". */
    public String arity() {
        if (exactArgCounts != null) {
            return String.join(", ", Arrays.stream(exactArgCounts).mapToObj(Integer::toString).toArray(String[]::new));
        }
        return minArgs == maxArgs ? Integer.toString(minArgs) : minArgs + "-" + maxArgs;
    }
}
