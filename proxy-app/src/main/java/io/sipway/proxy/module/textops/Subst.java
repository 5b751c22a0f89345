package io.sipway.proxy.module.textops;

import static io.sipway.proxy.module.Routes.*;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A compiled {@code /re/replacement/flags} (core/re.c subst_parser, replace_build, subst_str). */
final class Subst {
    /** Replacement parts: String literal, Integer group, URI for \\u, Format for a pseudo-variable. */
    private static final Object URI = new Object();

    final Pattern re;
    private final boolean all;
    private final Object[] parts;

    private Subst(Pattern re, boolean all, Object[] parts) {
        this.re = re;
        this.all = all;
        this.parts = parts;
    }

    static Subst parse(Arg a) {
        return parse(a, false);
    }

    /** With {@code bytes}, for the message text read as ISO-8859-1 (see {@link #TextopsModule.regexArg(Arg, int, boolean)}). */
    static Subst parse(Arg a, boolean bytes) {
        if (!a.isConstant()) {
            throw new FunctionSpec.BadArgument(a, "the substitution must be a constant '/re/replacement/flags'");
        }
        try {
            return parse(a.constantString(), a, bytes);
        } catch (IllegalArgumentException e) {
            throw new FunctionSpec.BadArgument(a, e.getMessage());
        }
    }

    private static Subst parse(String s, Arg a, boolean bytes) {
        if (s.length() < 3) {
            throw new IllegalArgumentException("bad substitution \"" + s + "\": too short");
        }
        char sep = s.charAt(0);
        if (sep == '\\') {
            throw new IllegalArgumentException("bad substitution \"" + s + "\": invalid separator \\");
        }
        int reEnd = -1;
        for (int p = 1; p < s.length(); p++) {
            if (s.charAt(p) == sep && s.charAt(p - 1) != '\\') {
                reEnd = p;
                break;
            }
        }
        if (reEnd < 0) {
            throw new IllegalArgumentException("bad substitution \"" + s + "\": no separator found");
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int p = reEnd + 1;
        boolean closed = false;
        for (; p < s.length(); p++) {
            char ch = s.charAt(p);
            if (ch == '\\' && p + 1 < s.length()) {
                char d = s.charAt(++p);
                switch (d) {
                    case 'n' -> lit.append('\n');
                    case 'r' -> lit.append('\r');
                    case 't' -> lit.append('\t');
                    case 'u' -> {
                        flush(lit, parts);
                        parts.add(URI);
                    }
                    default -> {
                        if (d >= '0' && d <= '9') {
                            flush(lit, parts);
                            parts.add(d - '0');
                        } else {
                            lit.append(d); // \\, \$, the separator, anything else: the character
                        }
                    }
                }
            } else if (ch == '$') {
                int end = Format.pvEnd(s, p);
                if (end <= p + 1) {
                    throw new IllegalArgumentException("bad substitution \"" + s + "\": bad pseudo-variable in the replacement");
                }
                String pv = s.substring(p, end);
                flush(lit, parts);
                io.sipway.cfg.ValueSource source = a.compilesPseudoVariables() ? a.pseudoVariable(pv) : null;
                if (source == null) {
                    throw new IllegalArgumentException("bad substitution \"" + s + "\": unknown pseudo-variable " + pv);
                }
                parts.add((Format) ctx -> {
                    Object v = source.get(ctx);
                    return v == null ? "<null>" : v.toString();
                });
                p = end - 1;
            } else if (ch == sep) {
                closed = true;
                break;
            } else {
                lit.append(ch);
            }
        }
        if (!closed) {
            throw new IllegalArgumentException("bad substitution \"" + s + "\": missing separator after the replacement");
        }
        flush(lit, parts);
        int flags = Pattern.MULTILINE | Pattern.UNIX_LINES; // REG_EXTENDED | REG_NEWLINE
        boolean all = false;
        for (p++; p < s.length(); p++) {
            switch (s.charAt(p)) {
                case 'i' -> flags |= Pattern.CASE_INSENSITIVE;
                case 's' -> flags = (flags & ~Pattern.MULTILINE) | Pattern.DOTALL;
                case 'g' -> all = true;
                default -> throw new IllegalArgumentException("bad substitution \"" + s + "\": unknown flag " + s.charAt(p));
            }
        }
        String re = s.substring(1, reEnd);
        return new Subst(TextopsModule.posix(bytes ? Lumps.asBytes(re) : re, flags), all, parts.toArray());
    }

    private static void flush(StringBuilder lit, List<Object> parts) {
        if (lit.length() > 0) {
            parts.add(lit.toString());
            lit.setLength(0);
        }
    }

    /** The input with the first (or, with g, every) match replaced; null when nothing matched or a match was empty. */
    String apply(String input, MsgContext m) {
        Matcher mt = re.matcher(input);
        StringBuilder out = new StringBuilder();
        if (!forEachMatch(mt, x -> {
            x.appendReplacement(out, "");
            appendReplacement(out, x, m, false);
        })) {
            return null;
        }
        return mt.appendTail(out).toString();
    }

    /**
     * The edits of the message text this substitution makes over the matcher's region (the
     * first match, or with g every one), or null when it makes none (no matcher, no match, an
     * empty match).
     */
    List<Lumps.Edit> edits(Matcher mt, MsgContext m) {
        if (mt == null) {
            return null;
        }
        List<Lumps.Edit> edits = new ArrayList<>();
        if (!forEachMatch(mt, x -> {
            StringBuilder rpl = new StringBuilder();
            appendReplacement(rpl, x, m, true);
            edits.add(new Lumps.Edit(x.start(), x.end(), rpl.toString().getBytes(StandardCharsets.ISO_8859_1)));
        })) {
            return null;
        }
        return edits;
    }

    /** Hands each match (the first only, without g) on; false when there is none or one is empty ("Matched string is empty, invalid regexp?"). */
    private boolean forEachMatch(Matcher mt, Consumer<Matcher> each) {
        int count = 0;
        while (mt.find()) {
            if (mt.start() == mt.end()) {
                return false;
            }
            each.accept(mt);
            count++;
            if (!all) {
                break;
            }
        }
        return count > 0;
    }

    /**
     * The replacement of the matcher's match: the literal parts, the groups, the Request-URI,
     * the pseudo-variables. For the message text ({@code bytes}) what does not come from the
     * text goes in as the chars of its UTF-8 bytes.
     */
    private void appendReplacement(StringBuilder out, Matcher mt, MsgContext m, boolean bytes) {
        for (Object part : parts) {
            if (part instanceof Integer g) {
                if (g <= mt.groupCount() && mt.group(g) != null) {
                    out.append(mt.group(g));
                }
                continue;
            }
            String s;
            if (part instanceof String lit) {
                s = lit;
            } else if (part == URI) {
                s = m.msg.isRequest() ? m.requestUri() : null;
            } else {
                s = ((Format) part).apply(m);
            }
            if (s != null) {
                out.append(bytes ? Lumps.asBytes(s) : s);
            }
        }
    }
}
