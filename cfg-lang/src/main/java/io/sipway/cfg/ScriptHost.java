package io.sipway.cfg;

import java.util.List;
import java.util.Set;

/**
 * What the program running a script (proxy-app, or a test) offers the language: the modules and
 * functions it implements, its pseudo-variables and transformations, its global parameters, and the
 * message-dependent tests behind the old-style match keywords. Everything is resolved once, when the
 * script is loaded.
 */
public interface ScriptHost {
    /** Module names Sipway implements (as loadmodule names them, without ".so"). */
    Set<String> implementedModules();

    /** The function with this name, or null when no module has it. */
    FunctionSpec function(String name);

    /**
     * The pseudo-variable with this name (without transformations), or null when the name is
     * unknown; throws IllegalArgumentException (with a message) for a known name with a bad inner
     * part or index. {@code $var}, {@code $shv}, {@code $rc}/{@code $retcode}/{@code $?} and
     * {@code $null} are the language's own and never asked for.
     */
    Pv pseudoVariable(PvName name);

    /**
     * The same, with {@code inner}, which compiles a pseudo-variable written inside the name as the
     * script's own ({@code $sht(t=>$var(k))}, {@code $dbr(r=>[$var(i),0])}); only while the script is
     * being loaded.
     */
    default Pv pseudoVariable(PvName name, java.util.function.Function<String, ValueSource> inner) {
        return pseudoVariable(name);
    }

    /**
     * The host's store for {@code $shv(name)} (a running proxy keeps it with its module state, so
     * {@code modparam("pv", "shvset", ...)} can give it a start value), or null to let the language
     * keep the value itself. Asked once per name when the script is loaded.
     */
    default Pv sharedVariable(String name) {
        return null;
    }

    /** A transformation other than the {@code s.} ones ({@code uri.user}...), or null when unknown. */
    default Transformation transformation(String name, List<ValueSource> params) {
        return null;
    }

    /**
     * Called once the script's {@code loadmodule} lines are read, before any route is compiled:
     * a host offers a module's pseudo-variables and transformations only when it is loaded.
     */
    default void modulesLoaded(Set<String> modules) {
    }

    /**
     * Called with the script's {@code modparam} lines, after {@link #modulesLoaded} and before any route
     * is compiled: whether a function may wait can depend on its module's parameters (registrar's
     * {@code save()} waits on the database with usrloc's {@code db_mode} 1 or 3).
     */
    /**
     * Who is told of each statement before it runs (Kamailio's debugger: cfgtrace), or null (the
     * default): asked once the modparams are read, before any route compiles; with null the action
     * tree has no trace nodes at all.
     */
    default ActionTrace actionTrace() {
        return null;
    }

    default void modParamsRead(java.util.List<Ast.ModParam> modParams) {
    }

    /**
     * The module a feature of the language itself belongs to, or null when it is always there. In
     * Kamailio {@code $var}, {@code $shv} and the {@code s.} transformations are the pv module's;
     * the features asked about are {@code "$var"}, {@code "$shv"} and {@code "s."}.
     */
    default String moduleFor(String feature) {
        return null;
    }

    /**
     * A warning for a parameter that is accepted but changes nothing here (with the reason), or
     * null; {@code module} is null for a global parameter, {@code value} the value written.
     */
    default String parameterNote(String module, String parameter, Object value) {
        return null;
    }

    /**
     * Why a parameter the host does not accept is refused, when it knows better than "unknown" (a
     * Kamailio parameter it does not implement), or null; {@code module} is null for a global one.
     */
    default String parameterProblem(String module, String parameter) {
        return null;
    }

    /**
     * What is wrong with a parameter's value (a type, or a value Sipway does not implement), or
     * null; {@code module} is null for a global parameter, {@code value} is a Long or a String.
     */
    default String parameterValueProblem(String module, String parameter, Object value) {
        return null;
    }

    /**
     * Why this route may not reach {@code function}, a function that may wait ({@link
     * FunctionSpec#thatMayWait()}), or null when it may: a route whose event must be answered at
     * once, on the event loop that read it, cannot wait.
     */
    default String waitProblem(Ast.RouteType type, String name, String function) {
        return null;
    }

    /**
     * Why a route block cannot be run by this host ({@code onsend_route}, an {@code event_route}
     * whose event never happens here), or null when it can; {@code name} is null for unnamed kinds.
     */
    default String routeProblem(Ast.RouteType type, String name) {
        return null;
    }

    /** Whether the module has that parameter ({@code modparam}); hosts that do not know say true. */
    default boolean moduleParameter(String module, String parameter) {
        return true;
    }

    /** What is wrong with a global parameter's value: a message, and where in the value text (0-based). */
    record ValueProblem(String message, int offset) {
    }

    /**
     * Checks the value of a known global parameter ({@code listen=udp:300.1.2.3} is refused here);
     * {@code raw} is the value as written, {@code value} its Long or String form when it is one
     * token (else null). Null when the value is fine.
     */
    default ValueProblem globalParameterProblem(String name, String raw, Object value) {
        return null;
    }

    /**
     * Why the script may not declare variables in this cfg group nor read them with {@code cfg_get}, when it
     * is a group of Kamailio's core or of a module (Kamailio refuses a script variable in such a group), or
     * null: said as the rest of a sentence about the group ("is the cfg group of Kamailio's tm module...").
     */
    default String cfgGroupProblem(String group) {
        return null;
    }

    /** Whether {@code name = value} is a global parameter the host knows (custom {@code group.var} ones are {@link CfgVars}). */
    boolean globalParameter(String name);

    /**
     * The value an old-style match keyword reads ({@code method} reads the method, {@code src_ip} the
     * source IP...), or null when the keyword is not supported: called once per keyword at load time.
     */
    ValueSource matchKeyword(String keyword);

    /**
     * A select of the message ({@code via[1].branch}, {@code from.uri.user}; the path after '@' or inside
     * {@code $sel(...)}), resolved once at load; null when the host does not implement it.
     * ({@code cfg_get.group.var} is the language's own.)
     */
    default Pv select(String path) {
        return null;
    }

    /** Kamailio's {@code myself} test of a URI or host[:port] ({@code uri == myself}, {@code src_ip == myself}). */
    boolean isMyself(ScriptContext ctx, String keyword, Object value);
}
