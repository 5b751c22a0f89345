package io.sipway.proxy.core;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;

/**
 * A route a function arms by name ({@code t_on_failure("X")}, {@code t_on_branch("X")},
 * {@code t_on_reply("X")}): the function's binder takes this handle once at load time, and the
 * script's entry is filled in when the script is attached ({@link Core#attach}), so arming and
 * running the route per message looks nothing up by name.
 */
public final class RouteRef {
    public final Ast.RouteType type;
    public final String name;
    private volatile CompiledScript.Entry entry;

    RouteRef(Ast.RouteType type, String name) {
        this.type = type;
        this.name = name;
    }

    public void resolve(CompiledScript script) {
        entry = script.entry(type, name);
    }

    /** The route to run; null when the attached script has none of that name (or none is attached yet). */
    public CompiledScript.Entry entry() {
        return entry;
    }

    @Override
    public String toString() {
        return type.keyword + "[" + name + "]";
    }
}
