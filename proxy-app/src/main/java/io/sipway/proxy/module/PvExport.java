package io.sipway.proxy.module;

import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import java.util.Set;
import java.util.function.Function;

/**
 * One pseudo-variable of a module (Kamailio's {@code pv_export_t}): its name without {@code $},
 * whether it takes a name in parentheses, whether a script may assign it, the fixed set of names it
 * accepts in parentheses (null: any), and the factory that resolves one written use
 * ({@code $hdr(Via)}) once, when the script is loaded.
 */
public record PvExport(String name, Inner inner, boolean writable, Set<String> keys, Function<PvName, Pv> factory,
                       String summary, Compiling compiling) {

    public PvExport(String name, Inner inner, boolean writable, Set<String> keys, Function<PvName, Pv> factory, String summary) {
        this(name, inner, writable, keys, factory, summary, null);
    }

    /**
     * A factory for a name that may hold pseudo-variables ({@code $sht(t=>$var(k))}): {@code inner}
     * compiles one as the script's own, or is null outside a script (a parameter's format).
     */
    @FunctionalInterface
    public interface Compiling {
        Pv make(PvName name, Function<String, io.sipway.cfg.ValueSource> inner);
    }

    /** Whether the pseudo-variable takes a name in parentheses ({@code $hdr(Via)}). */
    public enum Inner { NONE, REQUIRED, OPTIONAL }
}
