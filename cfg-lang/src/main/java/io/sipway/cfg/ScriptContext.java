package io.sipway.cfg;

/**
 * What one run of a route works on. The host (proxy-app) extends it with the message and
 * everything its functions and pseudo-variables reach; cfg-lang keeps here only the state the
 * language itself defines (the last return code, whether the script was ended by {@code exit},
 * {@code drop} or a function returning 0, the route nesting depth), so that a run allocates
 * nothing of its own.
 */
public abstract class ScriptContext {
    /** The last return code: {@code $rc}, {@code $retcode}, {@code $?}. */
    long returnCode = 1;
    /** Set by {@code exit}, by a function returning 0, and by {@code return 0} in a sub-route. */
    boolean exited;
    /** Set by {@code drop}: the message (or reply, or branch) is not sent on. */
    boolean dropped;
    /** How deep {@code route(...)} calls are nested right now. */
    int depth;
    /** Control flow inside a route: {@link #NEXT}, {@link #BREAK} or {@link #RETURN}. */
    int flow;
    /** The {@code $var(...)} values: kept across runs on the same context, as Kamailio keeps them per process. */
    Object[] vars = new Object[0];

    static final int NEXT = 0;
    static final int BREAK = 1;
    static final int RETURN = 2;

    /** The last return code ({@code $rc}). */
    public final long returnCode() {
        return returnCode;
    }

    /** Whether the script was ended by {@code drop}. */
    public final boolean dropped() {
        return dropped;
    }

    /** Whether the script was ended ({@code exit}, {@code drop}, or a 0 return). */
    public final boolean exited() {
        return exited;
    }

    /**
     * From now on this context reads and writes {@code other}'s {@code $var(...)} values: a route run
     * on a copy of a message (a branch_route on its branch) sees the values the route that made the
     * copy left, as it would in the one Kamailio process running both.
     */
    public final void shareVarsWith(ScriptContext other) {
        vars = other.vars;
    }

    /** Clears the language state before the context is reused for another run. */
    /** The value of the script variable at {@code index} ({@link CompiledScript#varNames()}'s order): 0 when never set, as in Kamailio. */
    public final Object var(int index) {
        Object v = index < vars.length ? vars[index] : null;
        return v == null ? Long.valueOf(0) : v;
    }

    /** The kind of route this run started in (request_route, failure_route...), set by the entry that runs it. */
    Ast.RouteType entryType;

    /** The kind of route the current run started in; null before any. */
    public final Ast.RouteType entryType() {
        return entryType;
    }

    protected void resetScriptState() {
        returnCode = 1;
        exited = false;
        dropped = false;
        depth = 0;
        flow = NEXT;
    }
}
