package io.sipway.proxy.module.htable;

import io.sipway.cfg.Arg;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Format;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The key of {@code $sht(t=>key)} and of {@code "t=>key"} arguments: a format that may hold
 * pseudo-variables ({@code $sht(ipban=>$si)}), printed as Kamailio's pv_printf prints it. Module
 * pseudo-variables are known once the proxy starts, so the format is compiled on first use.
 */
final class KeyFormat {
    private final String text;
    private final Supplier<Function<String, ValueSource>> compiler;
    private volatile Format compiled;

    /**
     * @param now      the script's compiler of the pseudo-variables inside the key, while it is loaded
     *                 (null outside a script: then {@code later} gives the host's, once the proxy started)
     */
    KeyFormat(String text, Function<String, ValueSource> now, Supplier<Function<String, ValueSource>> later) {
        this.text = text;
        this.compiler = later;
        if (now != null && text.indexOf('$') >= 0) {
            compiled = Format.of(Arg.constant(text, "\"" + text + "\"").withPvCompiler(now));
        }
    }

    String apply(ScriptContext ctx) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        Format f = compiled;
        if (f == null) {
            Function<String, ValueSource> pvs = compiler.get();
            Arg a = Arg.constant(text, "\"" + text + "\"");
            f = Format.of(pvs == null ? a : a.withPvCompiler(pvs));
            if (pvs != null) {
                compiled = f;
            }
        }
        return f.apply(ctx);
    }
}
