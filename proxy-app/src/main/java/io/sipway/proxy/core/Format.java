package io.sipway.proxy.core;

import io.sipway.cfg.Arg;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;
import java.util.ArrayList;
import java.util.List;

/**
 * A string argument with pseudo-variables inside ({@code xlog("L_INFO", "from $si\n")}, a reply
 * reason), compiled once when the script is loaded: literal parts and the pseudo-variables the
 * script's compiler resolved. A {@code $name} that is no pseudo-variable of a loaded module stays as
 * written, as in Kamailio's format strings; {@code $$} is one dollar.
 */
@FunctionalInterface
public interface Format {
    String apply(ScriptContext ctx);

    /** The argument as a format: a computed argument is read as text, a constant is split once. */
    static Format of(Arg a) {
        if (!a.isConstant()) {
            return ctx -> String.valueOf(a.get(ctx));
        }
        String s = a.constantString();
        if (s.indexOf('$') < 0 || !a.compilesPseudoVariables()) {
            return ctx -> s;
        }
        List<Object> parts = new ArrayList<>();
        int i = 0;
        StringBuilder lit = new StringBuilder();
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (ch == '$' && i + 1 < s.length() && s.charAt(i + 1) == '$') {
                lit.append('$'); // pv_parse_format: "$$" is a dollar ("$$SIP_USER" for exec's shell)
                i += 2;
                continue;
            }
            int end = ch == '$' && i + 1 < s.length() ? pvEnd(s, i) : i;
            if (end <= i + 1) {
                lit.append(ch);
                i++;
                continue;
            }
            String pvText = s.substring(i, end);
            ValueSource pv = a.pseudoVariable(pvText);
            if (pv == null) {
                lit.append(pvText);
            } else {
                parts.add(lit.toString());
                lit.setLength(0);
                parts.add(pv);
            }
            i = end;
        }
        parts.add(lit.toString());
        Object[] p = parts.toArray();
        return ctx -> {
            StringBuilder b = new StringBuilder();
            for (Object o : p) {
                if (o instanceof String str) {
                    b.append(str);
                } else {
                    Object v = ((ValueSource) o).get(ctx);
                    b.append(v == null ? "<null>" : v);
                }
            }
            return b.toString();
        };
    }

    /** Where the pseudo-variable starting at {@code start} ends: {@code $name}, {@code $name(inner)}, {@code $(...)}. */
    static int pvEnd(String s, int start) {
        int i = start + 1;
        if (i < s.length() && s.charAt(i) == '(') {
            int depth = 0;
            for (; i < s.length(); i++) {
                if (s.charAt(i) == '(') {
                    depth++;
                } else if (s.charAt(i) == ')' && --depth == 0) {
                    return i + 1;
                }
            }
            return start;
        }
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        if (i < s.length() && s.charAt(i) == '(') {
            // parentheses nest, as pv_parse_spec counts them: $dns(h=>addr[$var(i)])
            int depth = 0;
            for (; i < s.length(); i++) {
                if (s.charAt(i) == '(') {
                    depth++;
                } else if (s.charAt(i) == ')' && --depth == 0) {
                    return i + 1;
                }
            }
            return start;
        }
        return i;
    }

    /** The leading integer of a value (Kamailio's str2int on a reply code and the like); 0 when there is none. */
    static long num(String s) {
        String t = s.trim();
        int i = 0;
        boolean neg = i < t.length() && t.charAt(i) == '-';
        if (neg) {
            i++;
        }
        long v = 0;
        for (; i < t.length() && Character.isDigit(t.charAt(i)); i++) {
            v = v * 10 + (t.charAt(i) - '0');
        }
        return neg ? -v : v;
    }

    /** The argument's value as text ("" for $null). */
    static String str(Arg a, ScriptContext ctx) {
        Object v = a.get(ctx);
        return v == null ? "" : v.toString();
    }
}
