package io.sipway.cfg;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A script function the host offers: its name, the module that exports it ({@code null} for core
 * functions), how many arguments it takes, the route kinds it may be used in, and the fixup that
 * binds a call's arguments once at load time ({@link Binder}).
 */
public final class FunctionSpec {
    /** Kamailio's fixup: checks and pre-parses constant arguments; throws IllegalArgumentException with a message for a person. */
    @FunctionalInterface
    public interface Binder {
        ScriptFunction bind(List<Arg> args);
    }

    /** A fixup's complaint about one argument: reported at that argument rather than at the call. */
    public static final class BadArgument extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final transient Arg argument;

        public BadArgument(Arg argument, String message) {
            super(message);
            this.argument = argument;
        }

        public Arg argument() {
            return argument;
        }
    }

    private final String module;
    private final String name;
    private final int minArgs;
    private final int maxArgs;
    private final Set<Ast.RouteType> routes;
    private final Ast.RouteType armsRoute;
    private final Binder binder;
    private final boolean expressions;
    private final boolean mayWait;

    private FunctionSpec(String module, String name, int minArgs, int maxArgs, Set<Ast.RouteType> routes,
                         Ast.RouteType armsRoute, Binder binder, boolean expressions, boolean mayWait) {
        this.module = module;
        this.name = Objects.requireNonNull(name);
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
        this.routes = routes;
        this.armsRoute = armsRoute;
        this.binder = Objects.requireNonNull(binder);
        this.expressions = expressions;
        this.mayWait = mayWait;
    }

    /** A function usable in every route kind. */
    public static FunctionSpec of(String module, String name, int minArgs, int maxArgs, Binder binder) {
        if (minArgs < 0 || maxArgs < minArgs) {
            throw new IllegalArgumentException(name + ": bad arity " + minArgs + ".." + maxArgs);
        }
        return new FunctionSpec(module, name, minArgs, maxArgs, EnumSet.allOf(Ast.RouteType.class), null, binder, false, false);
    }

    /** The same function, usable only in these route kinds (Kamailio's REQUEST_ROUTE | FAILURE_ROUTE ... flags). */
    public FunctionSpec onlyIn(Ast.RouteType first, Ast.RouteType... more) {
        return new FunctionSpec(module, name, minArgs, maxArgs, EnumSet.of(first, more), armsRoute, binder, expressions, mayWait);
    }

    /** The function's first argument names a route of this kind ({@code t_on_failure("X")}): checked at load time. */
    public FunctionSpec armsRoute(Ast.RouteType type) {
        return new FunctionSpec(module, name, minArgs, maxArgs, routes, type, binder, expressions, mayWait);
    }

    /**
     * The same function, taking pseudo-variables and expressions as arguments. Without it, as for
     * most Kamailio functions, every argument must be a constant (a string may still hold
     * {@code $pv}s for the function to format): Kamailio refuses "parameter N is not constant".
     */
    public FunctionSpec acceptingExpressions() {
        return new FunctionSpec(module, name, minArgs, maxArgs, routes, armsRoute, binder, true, mayWait);
    }

    /**
     * The same function, which may wait (a database query, an HTTP request): a route that can reach
     * it is told by {@link CompiledScript.Entry#mayWait()}, so the host runs it where waiting blocks
     * no event loop.
     */
    public FunctionSpec thatMayWait() {
        return new FunctionSpec(module, name, minArgs, maxArgs, routes, armsRoute, binder, expressions, true);
    }

    /** Whether a call may wait (see {@link #thatMayWait()}). */
    public boolean mayWait() {
        return mayWait;
    }

    public boolean acceptsExpressions() {
        return expressions;
    }

    public String module() {
        return module;
    }

    public String name() {
        return name;
    }

    public int minArgs() {
        return minArgs;
    }

    public int maxArgs() {
        return maxArgs;
    }

    public boolean allowedIn(Ast.RouteType type) {
        return routes.contains(type);
    }

    public Set<Ast.RouteType> routes() {
        return routes;
    }

    /** The kind of route the first argument names, or null. */
    public Ast.RouteType armedRoute() {
        return armsRoute;
    }

    ScriptFunction bind(List<Arg> args) {
        return binder.bind(args);
    }
}
