package io.sipway.proxy.core;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.ScriptContext;
import io.sipway.sip.SipUri;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * textops (src/modules/textops/textops.c): regular expression searches over the message, sed-like
 * substitutions on the Request-URI and its user part, string comparisons.
 *
 * <p>Regular expressions are POSIX extended ones compiled as Kamailio's fixup_regexp_* do
 * ({@code REG_EXTENDED|REG_ICASE|REG_NEWLINE}: case-insensitive, {@code .} does not match a newline,
 * {@code ^} and {@code $} match at line boundaries). A substitution {@code /re/repl/flags} is
 * compiled as core/re.c's subst_parser does: case-sensitive unless flag {@code i}, {@code s} lets
 * {@code .} match newlines, {@code g} replaces every match; the replacement knows the groups
 * {@code \0}..{@code \9}, backslash-u (the Request-URI), {@code \n \r \t \\ \$} and pseudo-variables.
 *
 * <p>Not implemented (a script using them is refused when loaded): {@code search_append},
 * {@code replace} and {@code subst} rewrite the message text, which Sipway's header edits
 * (MsgContext's appended and removed headers) cannot express; {@code insert_hf} needs a header
 * inserted before the others, which they cannot express either.
 */
final class TextopsModule {
    /** Kamailio's regcomp flags for fixup_regexp_*: REG_EXTENDED | REG_ICASE | REG_NEWLINE. */
    static final int SEARCH_FLAGS = Pattern.CASE_INSENSITIVE | Pattern.MULTILINE | Pattern.UNIX_LINES;

    private TextopsModule() {
    }

    static void register(RuntimeHost.Registry r) {
        r.function("search", args -> {
            RegexArg re = regexArg(args.get(0), SEARCH_FLAGS);
            return ctx -> {
                Pattern p = re.get(ctx);
                return p != null && p.matcher(c(ctx).msg.toString()).find() ? 1 : -1;
            };
        });
        r.function("search_body", args -> {
            RegexArg re = regexArg(args.get(0), SEARCH_FLAGS);
            return ctx -> {
                MsgContext m = c(ctx);
                if (m.msg.bodyLength() == 0) {
                    return -1; // "message body has zero length"
                }
                Pattern p = re.get(ctx);
                return p != null && p.matcher(new String(m.msg.body(), StandardCharsets.UTF_8)).find() ? 1 : -1;
            };
        });
        r.function("subst_uri", args -> {
            Subst s = Subst.parse(args.get(0), r);
            return ctx -> {
                MsgContext m = c(ctx);
                String uri = m.msg.isRequest() ? m.requestUri() : null;
                if (uri == null) {
                    return -1;
                }
                String result = s.apply(uri, m);
                if (result == null) {
                    return -1; // no substitution made
                }
                m.ruri = result;
                return 1;
            };
        });
        r.function("subst_user", args -> {
            Subst s = Subst.parse(args.get(0), r);
            return ctx -> {
                MsgContext m = c(ctx);
                String uri = m.msg.isRequest() ? m.requestUri() : null;
                if (uri == null) {
                    return -1;
                }
                SipUri u;
                try {
                    u = SipUri.parse(uri);
                } catch (RuntimeException e) {
                    return -1; // bad uri
                }
                String user = u.user() == null ? "" : u.user();
                String result = s.apply(user, m);
                if (result == null) {
                    return -1;
                }
                String changed = withUser(uri, u, result);
                if (changed == null) {
                    return -1;
                }
                m.ruri = changed;
                return 1;
            };
        });
        for (String name : new String[] {"search_append", "replace", "subst"}) {
            r.function(name, args -> {
                throw new IllegalArgumentException("is not implemented by Sipway yet (it rewrites the message text;"
                        + " Sipway's message edits are header additions and removals)");
            });
        }
        r.function("insert_hf", args -> {
            throw new IllegalArgumentException("is not implemented by Sipway yet (Sipway can append a header,"
                    + " not insert one before the others: use append_hf)");
        });
        r.function("cmp_str", args -> {
            RuntimeHost.Format a = r.format(args.get(0));
            RuntimeHost.Format b = r.format(args.get(1));
            return ctx -> compared(cmpStr(a.apply(ctx), b.apply(ctx), false));
        });
        r.function("cmp_istr", args -> {
            RuntimeHost.Format a = r.format(args.get(0));
            RuntimeHost.Format b = r.format(args.get(1));
            return ctx -> compared(cmpStr(a.apply(ctx), b.apply(ctx), true));
        });
        r.function("starts_with", args -> {
            RuntimeHost.Format a = r.format(args.get(0));
            RuntimeHost.Format b = r.format(args.get(1));
            return ctx -> {
                String s = a.apply(ctx);
                String prefix = b.apply(ctx);
                if (s.length() < prefix.length()) {
                    return -1;
                }
                return compared(s.substring(0, prefix.length()).compareTo(prefix));
            };
        });
    }

    private static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    /** textops' cmp_str_f and friends: 1 when equal, -1 when the first sorts after the second, -2 when before. */
    private static long compared(int cmp) {
        return cmp == 0 ? 1 : cmp > 0 ? -1 : -2;
    }

    /** core/ut.h cmp_str / cmpi_str: an empty string sorts first, then bytes, then the shorter first. */
    static int cmpStr(String a, String b, boolean ignoreCase) {
        if (a.isEmpty() && b.isEmpty()) {
            return 0;
        }
        if (a.isEmpty()) {
            return -1;
        }
        if (b.isEmpty()) {
            return 1;
        }
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (ignoreCase) {
                x = asciiLower(x);
                y = asciiLower(y);
            }
            if (x != y) {
                return x - y;
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    private static char asciiLower(char ch) {
        return ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch;
    }

    /** The Request-URI with another user part (core's SET_USER_T: an empty user removes "user@"); null when it cannot be done. */
    static String withUser(String uri, SipUri u, String user) {
        int colon = uri.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String scheme = uri.substring(0, colon + 1);
        String rest = uri.substring(colon + 1);
        if (!u.isSip()) {
            String old = u.user() == null ? "" : u.user();
            return rest.startsWith(old) ? scheme + user + rest.substring(old.length()) : null;
        }
        String hostAndAfter = rest;
        if (u.user() != null) {
            int at = rest.indexOf('@');
            if (at < 0) {
                return null;
            }
            hostAndAfter = rest.substring(at + 1);
        }
        if (user.isEmpty()) {
            return scheme + hostAndAfter;
        }
        String password = u.password();
        return scheme + user + (password != null ? ":" + password : "") + "@" + hostAndAfter;
    }

    // ---- regular expressions ------------------------------------------------------------------

    /** A regular expression argument: compiled once when constant, else when the route runs (null when it does not compile then). */
    interface RegexArg {
        Pattern get(ScriptContext ctx);
    }

    /**
     * A regular expression argument. A constant is compiled now (a fixup error names it) and is not
     * scanned for pseudo-variables: {@code $} is the end anchor there, as in Kamailio.
     */
    static RegexArg regexArg(Arg a, int flags) {
        if (a.isConstant()) {
            Pattern p;
            try {
                p = posix(a.constantString(), flags);
            } catch (IllegalArgumentException e) {
                throw new FunctionSpec.BadArgument(a, e.getMessage());
            }
            return ctx -> p;
        }
        return ctx -> {
            Object v = a.get(ctx);
            try {
                return posix(v == null ? "" : v.toString(), flags);
            } catch (IllegalArgumentException e) {
                return null;
            }
        };
    }

    /**
     * A POSIX extended regular expression (glibc flavour) as a java.util.regex Pattern, translated
     * the way the script language translates its own.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    static Pattern posix(String re, int flags) {
        return io.sipway.cfg.PosixRegex.compile(re, flags);
    }

    // ---- substitutions ----------------------------------------------------------------------------

    /** A compiled {@code /re/replacement/flags} (core/re.c subst_parser, replace_build, subst_str). */
    static final class Subst {
        /** Replacement parts: String literal, Integer group, URI for \\u, RuntimeHost.Format for a pseudo-variable. */
        private static final Object URI = new Object();

        private final Pattern re;
        private final boolean all;
        private final Object[] parts;

        private Subst(Pattern re, boolean all, Object[] parts) {
            this.re = re;
            this.all = all;
            this.parts = parts;
        }

        static Subst parse(Arg a, RuntimeHost.Registry r) {
            if (!a.isConstant()) {
                throw new FunctionSpec.BadArgument(a, "the substitution must be a constant '/re/replacement/flags'");
            }
            try {
                return parse(a.constantString(), r);
            } catch (IllegalArgumentException e) {
                throw new FunctionSpec.BadArgument(a, e.getMessage());
            }
        }

        static Subst parse(String s, RuntimeHost.Registry r) {
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
                    int end = RuntimeHost.pvEnd(s, p);
                    if (end <= p + 1) {
                        throw new IllegalArgumentException("bad substitution \"" + s + "\": bad pseudo-variable in the replacement");
                    }
                    String pv = s.substring(p, end);
                    flush(lit, parts);
                    parts.add(r.format(Arg.constant(pv, pv)));
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
            return new Subst(posix(s.substring(1, reEnd), flags), all, parts.toArray());
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
            int last = 0;
            int count = 0;
            while (mt.find()) {
                if (mt.start() == mt.end()) {
                    return null; // "Matched string is empty, invalid regexp?"
                }
                out.append(input, last, mt.start());
                for (Object part : parts) {
                    if (part instanceof String lit) {
                        out.append(lit);
                    } else if (part instanceof Integer g) {
                        if (g <= mt.groupCount() && mt.group(g) != null) {
                            out.append(mt.group(g));
                        }
                    } else if (part == URI) {
                        String uri = m.msg.isRequest() ? m.requestUri() : null;
                        if (uri != null) {
                            out.append(uri);
                        }
                    } else {
                        out.append(((RuntimeHost.Format) part).apply(m));
                    }
                }
                last = mt.end();
                count++;
                if (!all) {
                    break;
                }
            }
            if (count == 0) {
                return null;
            }
            return out.append(input, last, input.length()).toString();
        }
    }
}
