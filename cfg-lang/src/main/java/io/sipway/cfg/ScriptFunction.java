package io.sipway.cfg;

/**
 * A function call bound to its arguments at load time (after the fixup): what a route runs. The
 * result follows Kamailio: positive is true, negative is false, 0 ends the script.
 */
@FunctionalInterface
public interface ScriptFunction {
    long invoke(ScriptContext ctx);
}
