package io.sipway.proxy.module.dialplan;

import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.avpops.Fnmatch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One row of the dialplan table, compiled when the rules are loaded (dp_db.c's build_rule): the match
 * (0 the string itself, 1 a PCRE searched in the input, 2 an fnmatch pattern), the subst_exp (a PCRE)
 * and the repl_exp, whose {@code \0..\9} are the subst_exp's groups, {@code \n \r \t} those characters,
 * <code>&#92;u</code> the Request-URI, a pseudo-variable its value and a backslash before any other character
 * that character. A row that does not compile fails the whole load, as in Kamailio. With
 * {@code match_dynamic=1} a match_exp or subst_exp holding pseudo-variables is printed and compiled per
 * message ({@link DpDynamic}).
 *
 * <p><b>The output</b> (dp_repl.c's rule_translate) is the replacement alone, not the input with the
 * match replaced: {@code ^0([1-9]+)$} and {@code 0049\1} make {@code 0049...}. Without a subst_exp the
 * repl_exp is copied as written; without a repl_exp the output is empty (the rule only matches and gives
 * its attributes). A subst_exp that does not match an input the match_exp matched fails the call, as
 * does an output of 127 characters or more (Kamailio's buffer).
 */
record DpRule(int dpid, int pr, int matchOp, String matchExp, int matchLen, String substExp, String replExp, String attrs,
              Pattern match, Pattern subst, Object[] replacement, DpDynamic dynamicMatch, DpDynamic dynamicSubst) {
    static final int EQUAL = 0;
    static final int REGEX = 1;
    static final int FNMATCH = 2;
    /** dp_repl.c's MAX_PHONE_NB_DIGITS: the output must be shorter. */
    static final int MAX_OUTPUT = 127;
    private static final Object URI = new Object();

    /** build_rule: throws IllegalArgumentException saying what is wrong with the row. */
    static DpRule build(int dpid, int pr, int matchOp, String matchExp, int matchLen, String substExp, String replExp,
                        String attrs, Function<String, ValueSource> pvs, boolean dynamic) {
        if (matchOp != EQUAL && matchOp != REGEX && matchOp != FNMATCH) {
            throw new IllegalArgumentException("invalid value for match operator: " + matchOp);
        }
        Pattern match = null;
        DpDynamic dynMatch = dynamic && matchOp == REGEX ? DpDynamic.of(matchExp, pvs) : null;
        if (matchOp == REGEX && dynMatch == null) {
            match = pcre(matchExp, "match");
        } else if (matchOp == FNMATCH) {
            match = Fnmatch.compile(matchExp, false);
        }
        Object[] repl = replExp.isEmpty() ? null : replacement(replExp, pvs);
        DpDynamic dynSubst = dynamic && !substExp.isEmpty() ? DpDynamic.of(substExp, pvs) : null;
        Pattern subst = substExp.isEmpty() || dynSubst != null ? null : pcre(substExp, "subst");
        int maxGroup = repl == null ? 0 : maxGroup(repl);
        int groups = subst == null ? 0 : subst.matcher("").groupCount();
        if (dynMatch == null && dynSubst == null && repl != null && maxGroup != 0 && groups < maxGroup) {
            throw new IllegalArgumentException("repl_exp " + replExp + " refers to " + maxGroup + " sub-expressions, but subst_exp "
                    + substExp + " has only " + groups);
        }
        return new DpRule(dpid, pr, matchOp, matchExp, matchLen, substExp, replExp, attrs, match, subst, repl, dynMatch, dynSubst);
    }

    private static Pattern pcre(String exp, String what) {
        try {
            return Pattern.compile(exp);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("failed to compile " + what + " expression " + exp + ": " + e.getDescription());
        }
    }

    /** parse_repl without separator: literal Strings, Integer groups, URI, and pseudo-variables. */
    private static Object[] replacement(String text, Function<String, ValueSource> pvs) {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int escapes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char e = text.charAt(++i);
                escapes++;
                switch (e) {
                    case 'n' -> lit.append('\n');
                    case 'r' -> lit.append('\r');
                    case 't' -> lit.append('\t');
                    case 'u' -> flush(parts, lit, URI);
                    default -> {
                        if (e >= '0' && e <= '9') {
                            flush(parts, lit, e - '0');
                        } else {
                            lit.append(e); // \\ \$ and unknown escapes: the character
                        }
                    }
                }
            } else if (c == '$') {
                int end = Format.pvEnd(text, i);
                ValueSource pv = end <= i + 1 ? null : pvs.apply(text.substring(i, end));
                if (pv == null) {
                    throw new IllegalArgumentException("bad specifier in replace part " + text);
                }
                escapes++;
                flush(parts, lit, pv);
                i = end - 1;
            } else {
                lit.append(c);
            }
        }
        if (escapes == 0) {
            return new Object[] {text}; // copied as written, even with a subst_exp
        }
        if (!lit.isEmpty()) {
            parts.add(lit.toString());
        }
        return parts.toArray();
    }

    private static void flush(List<Object> parts, StringBuilder lit, Object special) {
        if (!lit.isEmpty()) {
            parts.add(lit.toString());
            lit.setLength(0);
        }
        parts.add(special);
    }

    private static int maxGroup(Object[] repl) {
        int max = 0;
        for (Object o : repl) {
            if (o instanceof Integer g) {
                max = Math.max(max, g);
            }
        }
        return max;
    }

    /** Whether the input matches the rule's match_exp (a dynamic one printed for {@code ctx}, none without a message). */
    boolean matches(String input, ScriptContext ctx) {
        return switch (matchOp) {
            case EQUAL -> matchExp.equals(input);
            case REGEX -> {
                Pattern p = dynamicMatch == null ? match : dynamicMatch.pattern(ctx);
                yield p != null && p.matcher(input).find();
            }
            default -> match.matcher(input).matches();
        };
    }

    /** rule_translate: the output, or null when it fails. {@code ctx} null for an RPC (no message). */
    String translate(String input, ScriptContext ctx) {
        if (replacement == null) {
            return "";
        }
        Matcher m = null;
        Pattern sp = dynamicSubst == null ? subst : dynamicSubst.pattern(ctx);
        if (dynamicSubst != null && (sp == null || sp.matcher("").groupCount() < maxGroup(replacement))) {
            return null; // did not compile, or "illegal access to the n-th subexpr"
        }
        if (sp != null) {
            m = sp.matcher(input);
            if (!m.find()) {
                return null; // matched the match_exp but not the subst_exp
            }
        }
        if (m == null || replacement[0] == replExp) { // no subst_exp, or no escapes: the repl_exp as written
            return replExp.length() > MAX_OUTPUT ? null : replExp;
        }
        StringBuilder out = new StringBuilder();
        for (Object part : replacement) {
            if (part instanceof String s) {
                out.append(s);
            } else if (part instanceof Integer g) {
                String v = m.group(g);
                out.append(v == null ? "" : v);
            } else if (part == URI) {
                if (ctx instanceof MsgContext mc && mc.msg.isRequest()) {
                    out.append(mc.requestUri());
                }
            } else if (ctx != null) {
                Object v = ((ValueSource) part).get(ctx);
                out.append(v == null ? "<null>" : v);
            }
            if (out.length() >= MAX_OUTPUT) {
                return null;
            }
        }
        return out.toString();
    }
}
