package io.sipway.proxy.module.pv;

import io.sipway.cfg.PosixRegex;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sed-like substitution {@code /regex/replacement/flags}, read as Kamailio's {@code subst_parser}
 * reads it and applied as its {@code subst_str} applies it (src/core/re.c). Used by the
 * {@code {re.subst,...}} transformation; parsed and compiled once.
 *
 * <p><b>Syntax.</b> The first character is the separator (any but a backslash). The regular
 * expression runs to the next separator not right after a backslash; it is POSIX extended, translated
 * by {@link PosixRegex}. The replacement runs to the next unescaped separator; in it {@code \0} to
 * {@code \9} are the whole match and its groups (a group that did not match, or does not exist, adds
 * nothing), {@code \n \r \t \\ \$} the characters, <code>&#92;u</code> the current Request-URI
 * (nothing in a reply), a pseudo-variable such as {@code $rU} or {@code $avp(x)} its value
 * ({@code <null>} for $null, as Kamailio prints it), and a backslash before any other character that
 * character. The flags are {@code i} (ignore case), {@code g} (every match, not only the first) and
 * {@code s} (the string is one line: {@code .} matches a newline and {@code ^ $} only match at its
 * ends; without it they match at every line, as with POSIX REG_NEWLINE).
 *
 * <p><b>Results.</b> No match leaves the input as it is. A match of the empty string fails the whole
 * substitution ({@link #apply} returns null), as Kamailio refuses one ("Matched string is empty"):
 * with {@code g} that includes an expression such as {@code a*} finding the empty string after the
 * last real match.
 *
 * <p><b>Not here.</b> In the replacement, only the pseudo-variables the host resolves by name
 * ({@code $name}, {@code $name(inner)}: RuntimeHost's own and its modules'); the language's
 * {@code $var}, {@code $shv} and the {@code $(...)} forms refuse the expression (Kamailio reads them
 * all). Kamailio's buffer limits (1 KiB per replacement, 8 KiB for re.subst's input and result) are
 * not reproduced.
 *
 * <p>TextopsModule.Subst reads the same syntax for textops' subst functions; this class also tells a
 * failed substitution (an empty match) from one that found nothing, which re.subst needs.
 */
public final class SubstExpression {
    /** What <code>&#92;u</code> stands for in the parsed replacement. */
    private static final Object REQUEST_URI = new Object();

    private final Pattern pattern;
    private final boolean global;
    /** Literal Strings, Integer group numbers, {@link #REQUEST_URI} and ValueSources, in order. */
    private final Object[] replacement;

    private SubstExpression(Pattern pattern, boolean global, Object[] replacement) {
        this.pattern = pattern;
        this.global = global;
        this.replacement = replacement;
    }

    /**
     * Parses and compiles an expression.
     *
     * @param pvs finds the pseudo-variable written as {@code $name} or {@code $name(inner)} in the
     *            replacement, null when the host has none by that name (may itself be null)
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static SubstExpression parse(String text, Function<String, ? extends ValueSource> pvs) {
        int end = text.length();
        if (end < 3) {
            throw new IllegalArgumentException("\"" + text + "\" is too short for /regex/replacement/flags");
        }
        char sep = text.charAt(0);
        if (sep == '\\') {
            throw new IllegalArgumentException("the separator of \"" + text + "\" cannot be a backslash");
        }
        int reEnd = 1;
        while (reEnd < end && !(text.charAt(reEnd) == sep && text.charAt(reEnd - 1) != '\\')) {
            reEnd++;
        }
        if (reEnd + 2 > end) {
            throw new IllegalArgumentException("\"" + text + "\" is not " + sep + "regex" + sep + "replacement" + sep + "flags");
        }
        if (reEnd == 1) {
            throw new IllegalArgumentException("the regular expression of \"" + text + "\" is empty (it matches only the"
                    + " empty string, which Kamailio refuses when it runs)");
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int p = reEnd + 1;
        boolean escape = false;
        for (; p < end; p++) {
            char c = text.charAt(p);
            if (escape) {
                escape = false;
                switch (c) {
                    case 'n' -> literal.append('\n');
                    case 'r' -> literal.append('\r');
                    case 't' -> literal.append('\t');
                    case 'u' -> add(parts, literal, REQUEST_URI);
                    default -> {
                        if (c >= '0' && c <= '9') {
                            add(parts, literal, c - '0');
                        } else {
                            literal.append(c); // \\ \$ \<separator>, and Kamailio's "unknown escape" that keeps the char
                        }
                    }
                }
            } else if (c == '\\') {
                escape = true;
            } else if (c == '$') {
                int pvEnd = Format.pvEnd(text, p);
                String pv = text.substring(p, Math.max(pvEnd, p + 1));
                ValueSource source = pvEnd <= p + 1 || pv.startsWith("$(") || pvs == null ? null : pvs.apply(pv);
                if (source == null) {
                    throw new IllegalArgumentException(pv + " in the replacement of \"" + text + "\" is not a pseudo-variable"
                            + " Sipway can read there (write \\$ for a literal dollar)");
                }
                add(parts, literal, source);
                p = pvEnd - 1;
            } else if (c == sep) {
                break;
            } else {
                literal.append(c);
            }
        }
        if (p >= end) {
            throw new IllegalArgumentException("\"" + text + "\" has no " + sep + " after the replacement");
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        int flags = Pattern.UNIX_LINES;
        boolean oneLine = false;
        boolean global = false;
        for (int i = p + 1; i < end; i++) {
            switch (text.charAt(i)) {
                case 'i' -> flags |= Pattern.CASE_INSENSITIVE;
                case 's' -> oneLine = true;
                case 'g' -> global = true;
                default -> throw new IllegalArgumentException("unknown flag '" + text.charAt(i) + "' in \"" + text
                        + "\" (i, g or s)");
            }
        }
        flags |= oneLine ? Pattern.DOTALL : Pattern.MULTILINE;
        Pattern pattern = PosixRegex.compile(text.substring(1, reEnd), flags);
        return new SubstExpression(pattern, global, parts.toArray());
    }

    private static void add(List<Object> parts, StringBuilder literal, Object special) {
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
            literal.setLength(0);
        }
        parts.add(special);
    }

    /**
     * The input with the first match (every match with {@code g}) replaced; the input itself when
     * nothing matches; null when a match is empty (Kamailio fails the substitution then).
     */
    public String apply(String input, ScriptContext ctx) {
        Matcher m = pattern.matcher(input);
        StringBuilder out = null;
        int copied = 0;
        // With g, the search goes on after the last match, at the end too: there an expression such as
        // a* finds the empty string, and that fails the substitution as in Kamailio.
        while (m.find(copied)) {
            if (m.start() == m.end()) {
                return null;
            }
            if (out == null) {
                out = new StringBuilder(input.length() + 16);
            }
            out.append(input, copied, m.start());
            appendReplacement(out, m, ctx);
            copied = m.end();
            if (!global) {
                break;
            }
        }
        if (out == null) {
            return input;
        }
        return out.append(input, copied, input.length()).toString();
    }

    private void appendReplacement(StringBuilder out, Matcher m, ScriptContext ctx) {
        for (Object part : replacement) {
            if (part instanceof String s) {
                out.append(s);
            } else if (part instanceof Integer group) {
                if (group <= m.groupCount() && m.group(group) != null) {
                    out.append(m.group(group));
                }
            } else if (part instanceof ValueSource pv) {
                Object v = pv.get(ctx);
                out.append(v == null ? "<null>" : v);
            } else if (ctx instanceof MsgContext mc && mc.msg.isRequest()) {
                out.append(mc.requestUri());
            }
        }
    }
}
