package io.sipway.cfg;

/**
 * A pseudo-variable resolved at load time ({@code $ru}, {@code $var(x)}, {@code $hdr(Via)}...).
 * Values are {@link String}, {@link Long} or {@code null} ({@code $null}).
 */
public interface Pv extends ValueSource {
    /** Whether a script may assign it. */
    default boolean writable() {
        return false;
    }

    /** Assigns; {@code null} is {@code $null} (deletes or resets). Only for {@link #writable()} ones. */
    default void set(ScriptContext ctx, Object value) {
        throw new UnsupportedOperationException("read-only");
    }
}
