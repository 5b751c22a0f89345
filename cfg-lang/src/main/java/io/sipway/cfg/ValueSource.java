package io.sipway.cfg;

/**
 * Something that yields a script value when a route runs: a constant, a pseudo-variable, an
 * expression. Script values are {@link String}, {@link Long} or {@code null} (Kamailio's
 * {@code $null}); nothing else.
 */
@FunctionalInterface
public interface ValueSource {
    Object get(ScriptContext ctx);
}
