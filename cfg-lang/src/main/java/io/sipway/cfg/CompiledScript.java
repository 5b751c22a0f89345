package io.sipway.cfg;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checked script ready to run: its routes as action trees, and what its top level declared
 * (global parameters, loaded modules, module parameters) for the host to apply.
 */
public final class CompiledScript {
    private final Map<Ast.RouteType, Map<String, Exec.RouteBody>> routes;
    private final List<Ast.GlobalParam> globals;
    private final List<Ast.ModParam> modParams;
    private final Set<String> modules;
    private final int varCount;
    /** The script's $var names by slot, set by the compiler. */
    private java.util.List<String> varNames = java.util.List.of();
    private final CfgVars cfgVars;

    CompiledScript(Map<Ast.RouteType, Map<String, Exec.RouteBody>> routes, List<Ast.GlobalParam> globals,
                   List<Ast.ModParam> modParams, Set<String> modules, int varCount, CfgVars cfgVars) {
        this.routes = new EnumMap<>(routes);
        this.globals = List.copyOf(globals);
        this.modParams = List.copyOf(modParams);
        this.modules = Collections.unmodifiableSet(modules);
        this.varCount = varCount;
        this.cfgVars = cfgVars;
    }

    /** The {@code $var} names the script uses and their slots (set by the compiler). */
    Map<String, Integer> varIndex = Map.of();

    /**
     * {@code $var(name)} as the script's own, for text a module reads after the script was compiled
     * (dialplan's repl_exp from a table): a name the script never uses reads as 0, as an unset $var does,
     * and cannot be written (null).
     */
    public Pv scriptVar(String name) {
        Integer index = varIndex.get(name);
        return index == null ? null : new Compiler.VarPv(index);
    }

    /** The script's own cfg variables ({@code group.var = value}), with their values of the moment. */
    public CfgVars cfgVars() {
        return cfgVars;
    }

    /** Global parameters in script order ({@code name = value}). */
    public List<Ast.GlobalParam> globals() {
        return globals;
    }

    /** {@code modparam(...)} lines in script order. */
    public List<Ast.ModParam> modParams() {
        return modParams;
    }

    /** Loaded modules in load order, as names without ".so". */
    public Set<String> modules() {
        return modules;
    }

    /** Whether the script has that route; {@code name} is null for the unnamed kinds. */
    public boolean hasRoute(Ast.RouteType type, String name) {
        Map<String, Exec.RouteBody> byName = routes.get(type);
        return byName != null && byName.containsKey(name == null ? "" : name);
    }

    /**
     * A handle on one route, looked up once (the host keeps it) so that running it per message
     * looks nothing up by name. Null when the script has no such route.
     */
    public Entry entry(Ast.RouteType type, String name) {
        Map<String, Exec.RouteBody> byName = routes.get(type);
        Exec.RouteBody body = byName == null ? null : byName.get(name == null ? "" : name);
        return body == null ? null : new Entry(body, varCount, type);
    }

    /** The names of the script's {@code $var}s, in the order of their slots ({@link ScriptContext#var(int)}). */
    public java.util.List<String> varNames() {
        return varNames;
    }

    void varNames(java.util.List<String> names) {
        varNames = java.util.List.copyOf(names);
    }

    /** A route the host runs: {@link #run(ScriptContext)} starts from a clean language state. */
    public static final class Entry {
        private final Exec.RouteBody body;
        private final int varCount;
        private final Ast.RouteType type;

        Entry(Exec.RouteBody body, int varCount, Ast.RouteType type) {
            this.body = body;
            this.varCount = varCount;
            this.type = type;
        }

        /**
         * Whether running this route can reach a function that may wait ({@link
         * FunctionSpec#thatMayWait()}): directly, through {@code route(X)} (transitively), or
         * through the branch_route it arms. A failure_route or onreply_route it arms is not
         * counted: that route runs later as its own entry, which tells for itself.
         */
        public boolean mayWait() {
            return body.waitsOn != null;
        }

        /** The waiting function {@link #mayWait()} found (for messages), or null. */
        public String waitingFunction() {
            return body.waitsOn;
        }

        /** Runs the route on {@code ctx}; afterwards {@code ctx} tells the return code and whether it was dropped. */
        public void run(ScriptContext ctx) {
            ctx.resetScriptState();
            ctx.entryType = type;
            if (ctx.vars.length < varCount) {
                ctx.vars = java.util.Arrays.copyOf(ctx.vars, varCount); // once per context: $var values persist
            }
            Exec.enter(ctx, body, null);
        }
    }
}
