package io.sipway.proxy.module.pv;

import io.sipway.cfg.Arg;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The transformations of a running proxy beyond the language's own {@code s.} class: {@code uri.},
 * {@code param.}, {@code nameaddr.}, {@code tobody.}, {@code line.} and {@code val.} (pv module),
 * {@code re.subst} (textops) and {@code url.} (xhttp). RuntimeHost asks here first; a name check mode
 * knows but this class does not is refused when the script is loaded.
 *
 * <p><b>Layout.</b> This class is the entry point: the table of names ({@link #names}),
 * {@link #compile}, and the value and parameter helpers every class shares. Each class lives in its
 * own package-private class, which registers its names here: {@link UriTransformations},
 * {@link ParamTransformations}, {@link AddressTransformations} (nameaddr. and tobody.),
 * {@link LineTransformations}, {@link ValueTransformations} (val. and url.) and
 * {@link ReSubstTransformation}.
 *
 * <p><b>Sources.</b> The Kamailio wiki page "Transformations" (cookbooks 5.6.x) and, where it is
 * silent or says otherwise, the code it documents: kamailio/kamailio {@code src/modules/pv/pv_trans.c}
 * ({@code tr_eval_uri}, {@code tr_eval_paramlist}, {@code tr_eval_nameaddr}, {@code tr_eval_tobody},
 * {@code tr_eval_line}, {@code tr_eval_val} and their {@code tr_parse_*}),
 * {@code src/core/parser/parse_param.c} ({@code parse_params2}), {@code parse_nameaddr.c},
 * {@code parse_uri.c}, {@code src/core/strutils.c} ({@code ksr_str_json_escape}),
 * {@code src/modules/textops/txt_var.c} and {@code src/modules/xhttp/xhttp_trans.c}. Where the page
 * and the code disagree the code wins; each such place says so where it is implemented.
 *
 * <p><b>Values.</b> Script values are String, Long or null ({@code $null}). A Long input is read as
 * its decimal text. When Kamailio fails a transformation (it logs, and the expression reads as
 * {@code $null}) {@link Transformation#apply} returns null: every class but {@code val.} and
 * {@code url.} fails on {@code $null} and on the empty string, and {@code uri.}, {@code param.},
 * {@code nameaddr.} and {@code tobody.} fail on a value their parser refuses. A part that is
 * missing from a value that parses is the empty string, not null ({@code {uri.port}} of a URI without
 * port is "", never 5060). Numbers come back as Long ({@code {uri.port}}, {@code {nameaddr.len}},
 * {@code {param.in}}, {@code {param.count}}); {@code {line.count}} comes back as a String, because
 * Kamailio's tr_eval_line ends by marking its result a string.
 *
 * <p><b>Parameters.</b> A parameter written in the script is a constant, checked and converted once
 * when the script is loaded: a wrong one refuses the script, naming the transformation. A
 * pseudo-variable parameter is read on every call, and a value of the wrong kind fails the
 * transformation then. A constant text parameter loses its leading blanks, as Kamailio's parser skips
 * them ({@code {param.value, b}} looks for "b"), but keeps trailing ones. A number read at run time
 * may be a Long or a string holding a whole number (as the language's {@code s.} class accepts it).
 */
public final class Transformations {

    private Transformations() {
    }

    /** What {@link #constant} returns for a parameter known only at run time. */
    static final Object RUN_TIME = new Object();

    @FunctionalInterface
    interface Factory {
        Transformation make(String name, List<ValueSource> params, Function<String, ? extends ValueSource> pvs);
    }

    /** How one name compiles: the parameter counts it takes, their names for messages, a factory. */
    private record Spec(int minParams, int maxParams, String paramNames, Factory factory) {
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    /** Every name this class compiles, with its parameter counts {min, max}: the pv module's table lists them. */
    public static Map<String, int[]> names() {
        Map<String, int[]> out = new LinkedHashMap<>();
        SPECS.forEach((n, s) -> out.put(n, new int[] {s.minParams, s.maxParams}));
        return out;
    }

    static void plain(String name, Transformation t) {
        SPECS.put(name, new Spec(0, 0, "", (n, p, pvs) -> t));
    }

    static void with(String name, int min, int max, String paramNames, Factory f) {
        SPECS.put(name, new Spec(min, max, paramNames, f));
    }

    /** A factory that needs the name and the parameters only. */
    static Factory simple(BiFunction<String, List<ValueSource>, Transformation> f) {
        return (n, params, pvs) -> f.apply(n, params);
    }

    static {
        // the families register in this order: names() lists them so in the pv module's table
        UriTransformations.register();
        ParamTransformations.register();
        AddressTransformations.register();
        LineTransformations.register();
        ValueTransformations.registerVal();
        ReSubstTransformation.register();
        ValueTransformations.registerUrl();
    }

    /**
     * Compiles one transformation: {@code {param.value,b,&}} is name "param.value" with the parameters
     * "b" and "&" (constant {@link Arg}s, or pseudo-variables read at run time). Returns null when this
     * class does not have the name (matched without regard to ASCII case, as Kamailio does).
     *
     * @param pvs finds the host's pseudo-variable written as {@code $name} or {@code $name(inner)}
     *            inside a re.subst replacement, null when it has none by that name (may itself be
     *            null: then no replacement may name one)
     * @throws IllegalArgumentException for a wrong parameter count or a wrong constant parameter, with
     *                                  a message for the person who wrote the script
     */
    public static Transformation compile(String name, List<ValueSource> params, Function<String, ? extends ValueSource> pvs) {
        if (name == null) {
            return null;
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        Spec spec = SPECS.get(key);
        if (spec == null) {
            return null;
        }
        List<ValueSource> ps = params == null ? List.of() : params;
        int n = ps.size();
        if (n < spec.minParams || n > spec.maxParams) {
            String got = " (got " + n + ")";
            if (spec.maxParams == 0) {
                throw new IllegalArgumentException(key + " takes no parameters" + got);
            }
            throw new IllegalArgumentException(key + (spec.minParams == spec.maxParams ? " needs " : " takes ")
                    + spec.paramNames + got);
        }
        return spec.factory.make(key, ps, pvs);
    }

    // ---- values and parameters ------------------------------------------------------------------

    /** The text of a value: null for $null, a Long in decimal. */
    static String text(Object v) {
        return v == null ? null : v instanceof String s ? s : v.toString();
    }

    /** The text of a value, null also for the empty string (Kamailio's "val->rs.len <= 0" failure). */
    static String nonEmpty(Object v) {
        String s = text(v);
        return s == null || s.isEmpty() ? null : s;
    }

    static Object constant(ValueSource p) {
        return p instanceof Arg a && a.isConstant() ? a.constant() : RUN_TIME;
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** A text parameter: a constant, or a pseudo-variable whose value must be a non-empty string. */
    record TextParam(String constant, ValueSource source) {
        /** The text, or null when a run-time value is $null or empty. */
        String get(ScriptContext ctx) {
            return source == null ? constant : nonEmpty(source.get(ctx));
        }
    }

    static TextParam textParam(String name, String what, ValueSource p) {
        Object c = constant(p);
        if (c == RUN_TIME) {
            return new TextParam(null, p);
        }
        String s = c.toString();
        int i = 0;
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        if (i > 0 && i < s.length() && s.charAt(i) == '$') {
            throw new IllegalArgumentException(name + ": write the " + what + " pseudo-variable without blanks before it, not \""
                    + s + "\"");
        }
        return new TextParam(s.substring(i), null);
    }

    /** A number parameter: a constant, or a pseudo-variable holding a whole number. */
    record NumParam(long constant, ValueSource source) {
        /** The number, or null when a run-time value is not a whole number. */
        Long get(ScriptContext ctx) {
            if (source == null) {
                return constant;
            }
            Object v = source.get(ctx);
            if (v instanceof Long l) {
                return l;
            }
            if (v instanceof String s) {
                int sign = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
                return digits(s, sign) ? Long.valueOf(s) : null;
            }
            return null;
        }
    }

    /** Whether s holds 1 to 18 ASCII digits from {@code from} on (a long holds them all). */
    private static boolean digits(String s, int from) {
        int n = s.length() - from;
        if (n < 1 || n > 18) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A constant as Kamailio's _tr_parse_nparam reads it: blanks, a sign, blanks, digits, blanks. */
    static NumParam numParam(String name, String what, ValueSource p) {
        Object c = constant(p);
        if (c == RUN_TIME) {
            return new NumParam(0, p);
        }
        if (c instanceof Long l) {
            return new NumParam(l, null);
        }
        String s = c.toString().strip();
        String digits = s.startsWith("-") || s.startsWith("+") ? s.substring(1).stripLeading() : s;
        if (!digits(digits, 0)) {
            throw new IllegalArgumentException(name + ": the " + what + " must be a whole number or a pseudo-variable, not \""
                    + c + "\"");
        }
        long n = Long.parseLong(digits);
        return new NumParam(s.startsWith("-") ? -n : n, null);
    }

    /** The index of the first character at or after i that is not a blank. */
    static int skipBlanks(String s, int i) {
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
