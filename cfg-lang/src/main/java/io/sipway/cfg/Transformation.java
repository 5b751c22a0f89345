package io.sipway.cfg;

/**
 * One compiled transformation of a pseudo-variable's value, such as {@code {s.len}} or
 * {@code {uri.user}}, chained left to right. Values are {@link String}, {@link Long} or
 * {@code null}; a transformation that cannot apply to its input yields {@code null} (Kamailio logs
 * and fails it; the getter then reads as {@code $null}).
 */
@FunctionalInterface
public interface Transformation {
    Object apply(Object value, ScriptContext ctx);
}
