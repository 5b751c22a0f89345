package io.sipway.proxy.module.dialplan;

import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A match_exp or subst_exp with pseudo-variables ({@code match_dynamic=1}): its text printed with the
 * message's values when a translation tries the rule, then compiled as a PCRE (Kamailio compiles it on each
 * try; the patterns are kept here per printed text, at most 256). {@code $$} is a dollar; a {@code $} that
 * starts no pseudo-variable (a regex's end anchor) stays as written.
 */
final class DpDynamic {
    private static final int MAX_CACHED = 256;
    private final Object[] parts;
    private final Map<String, Pattern> compiled = new ConcurrentHashMap<>();

    private DpDynamic(Object[] parts) {
        this.parts = parts;
    }

    /** The text's parts when it holds a pseudo-variable (dpl_check_pv), else null: the rule compiles it once. */
    static DpDynamic of(String text, Function<String, ValueSource> pvs) {
        List<Object> out = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                lit.append('$');
                i++;
                continue;
            }
            int end = c == '$' ? Format.pvEnd(text, i) : i;
            if (end > i + 1) {
                ValueSource pv = pvs.apply(text.substring(i, end));
                if (pv == null) {
                    throw new IllegalArgumentException("bad pseudo-variable " + text.substring(i, end) + " in " + text);
                }
                if (!lit.isEmpty()) {
                    out.add(lit.toString());
                    lit.setLength(0);
                }
                out.add(pv);
                any = true;
                i = end - 1;
            } else {
                lit.append(c);
            }
        }
        if (!any) {
            return null;
        }
        if (!lit.isEmpty()) {
            out.add(lit.toString());
        }
        return new DpDynamic(out.toArray());
    }

    /** The pattern for this message, or null when there is no message (an RPC) or the printed text does not compile. */
    Pattern pattern(ScriptContext ctx) {
        if (ctx == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String s) {
                b.append(s);
            } else {
                Object v = ((ValueSource) p).get(ctx);
                b.append(v == null ? "<null>" : v);
            }
        }
        String text = b.toString();
        Pattern p = compiled.get(text);
        if (p == null) {
            try {
                p = Pattern.compile(text);
            } catch (PatternSyntaxException e) {
                return null; // "failed to compile dynamic pcre": the rule is skipped
            }
            if (compiled.size() < MAX_CACHED) {
                compiled.put(text, p);
            }
        }
        return p;
    }
}
