package io.sipway.proxy.module.pv;

import static io.sipway.proxy.module.pv.Transformations.RUN_TIME;
import static io.sipway.proxy.module.pv.Transformations.constant;
import static io.sipway.proxy.module.pv.Transformations.nonEmpty;
import static io.sipway.proxy.module.pv.Transformations.with;

import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import java.util.List;
import java.util.function.Function;

/** The {@code re.subst} transformation of textops (txt_var.c): a sed-like substitution, see {@link SubstExpression}. */
final class ReSubstTransformation {

    private ReSubstTransformation() {
    }

    /** Puts re.subst into {@link Transformations}'s table. */
    static void register() {
        with("re.subst", 1, Integer.MAX_VALUE, "/regex/replacement/flags", ReSubstTransformation::reSubst);
    }

    /**
     * re.subst,/regex/replacement/flags (see {@link SubstExpression}). The expression is the rest of
     * the transformation, commas included ({@code {re.subst,/a,b/c/}}); written in the script it is
     * compiled once, read from a pseudo-variable it is compiled when it changes. Values no match
     * touches come back unchanged. The replacement may name the host's pseudo-variables.
     */
    private static Transformation reSubst(String name, List<ValueSource> params, Function<String, ? extends ValueSource> pvs) {
        if (params.size() == 1 && constant(params.get(0)) == RUN_TIME) {
            return new DynamicSubst(params.get(0), pvs);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < params.size(); i++) {
            Object c = constant(params.get(i));
            if (c == RUN_TIME) {
                throw new IllegalArgumentException(name + ": the expression is written in the script or read whole from one"
                        + " pseudo-variable");
            }
            text.append(i == 0 ? "" : ",").append(c);
        }
        SubstExpression se;
        try {
            se = SubstExpression.parse(text.toString(), pvs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        return (v, ctx) -> {
            String s = nonEmpty(v);
            if (s == null) {
                return null;
            }
            String r = se.apply(s, ctx);
            return r == s ? v : r;
        };
    }

    /** re.subst with the expression in a pseudo-variable: the last one compiled is kept. */
    private static final class DynamicSubst implements Transformation {
        private record Compiled(String text, SubstExpression expression) {
        }

        private final ValueSource source;
        private final Function<String, ? extends ValueSource> pvs;
        private volatile Compiled last;

        DynamicSubst(ValueSource source, Function<String, ? extends ValueSource> pvs) {
            this.source = source;
            this.pvs = pvs;
        }

        @Override
        public Object apply(Object v, ScriptContext ctx) {
            String s = nonEmpty(v);
            String text = s == null ? null : nonEmpty(source.get(ctx));
            if (text == null) {
                return null;
            }
            Compiled c = last;
            if (c == null || !c.text.equals(text)) {
                try {
                    c = new Compiled(text, SubstExpression.parse(text, pvs));
                } catch (IllegalArgumentException e) {
                    return null; // Kamailio: "Can't compile regexp"
                }
                last = c;
            }
            String r = c.expression.apply(s, ctx);
            return r == s ? v : r;
        }
    }
}
