package io.sipway.proxy.module.textops;

import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.PvExport;
import io.sipway.cfg.Ast;
import static io.sipway.proxy.module.Routes.*;
import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.ScriptContext;
import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.sip.SipUri;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Rewrites of the message text ({@code replace}, {@code replace_all}, {@code search_append},
 * {@code subst}, their {@code _body} forms, {@code insert_hf}) work as Kamailio's lumps do: each
 * function searches the request as it was received (a rewrite never sees another), from the line
 * after the start line (the Request-URI is {@code $ru}'s business) or within the body, and records
 * an edit of the original bytes ({@link Lumps.TextEdits}). The edits are applied when a branch is built
 * (Core.branchRequest), before the header edits (Via, Record-Route, Max-Forwards, append_hf,
 * remove_hf), with Content-Length made to match the body. Where Kamailio would take two
 * overlapping edits and silently drop one when building the message, Sipway refuses the later one:
 * the function returns -1 and says so in the log. Sipway cannot rewrite a reply it forwards, so on
 * a reply these functions return -1 (logged once per call site).
 */
public final class TextopsModule {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.textops");

    /** Kamailio's regcomp flags for fixup_regexp_*: REG_EXTENDED | REG_ICASE | REG_NEWLINE. */
    public static final int SEARCH_FLAGS = Pattern.CASE_INSENSITIVE | Pattern.MULTILINE | Pattern.UNIX_LINES;

    private TextopsModule() {
    }

    static void register(ModuleExports.Builder r, Core core) {
        r.fn("search", 1, 1, ANY, args -> {
            RegexArg re = regexArg(args.get(0), SEARCH_FLAGS);
            return ctx -> {
                Pattern p = re.get(ctx);
                return p != null && p.matcher(c(ctx).msg.toString()).find() ? 1 : -1;
            };
        }).x();
        r.fn("search_body", 1, 1, ANY, args -> {
            RegexArg re = regexArg(args.get(0), SEARCH_FLAGS);
            return ctx -> {
                MsgContext m = c(ctx);
                if (m.msg.bodyLength() == 0) {
                    return -1; // "message body has zero length"
                }
                Pattern p = re.get(ctx);
                return p != null && p.matcher(new String(m.msg.body(), StandardCharsets.UTF_8)).find() ? 1 : -1;
            };
        }).x();
        r.fn("subst_uri", 1, 1, R | F | O | B, args -> {
            Subst s = Subst.parse(args.get(0));
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
        r.fn("subst_user", 1, 1, R | F | O | B, args -> {
            Subst s = Subst.parse(args.get(0));
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
        registerRewrites(r);
        r.fn("cmp_str", 2, 2, ANY, args -> {
            Format a = Format.of(args.get(0));
            Format b = Format.of(args.get(1));
            return ctx -> compared(cmpStr(a.apply(ctx), b.apply(ctx), false));
        }).x();
        r.fn("cmp_istr", 2, 2, ANY, args -> {
            Format a = Format.of(args.get(0));
            Format b = Format.of(args.get(1));
            return ctx -> compared(cmpStr(a.apply(ctx), b.apply(ctx), true));
        }).x();
        r.fn("starts_with", 2, 2, ANY, args -> {
            Format a = Format.of(args.get(0));
            Format b = Format.of(args.get(1));
            return ctx -> {
                String s = a.apply(ctx);
                String prefix = b.apply(ctx);
                if (s.length() < prefix.length()) {
                    return -1;
                }
                return compared(s.substring(0, prefix.length()).compareTo(prefix));
            };
        }).x();
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
    public static String withUser(String uri, SipUri u, String user) {
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

    // ---- rewriting the message text --------------------------------------------------------------

    /**
     * append_hf(txt): the header goes after the others when the request leaves (a header edit, as
     * the proxy's own). append_hf(txt, hdr): right after the first header named hdr, or after the
     * last header when there is none (a text edit, like insert_hf).
     */
    private static void registerAppendHf(ModuleExports.Builder r) {
        r.fn("append_hf", 1, 2, ANY, args -> {
            Format txt = Format.of(args.get(0));
            if (args.size() == 1) {
                return ctx -> {
                    String line = txt.apply(ctx);
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        return -1;
                    }
                    c(ctx).appended.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
                    return 1;
                };
            }
            String after = headerNameArg(args.get(1));
            return ctx -> {
                MsgContext m = c(ctx);
                if (!m.msg.isRequest()) {
                    return -1;
                }
                byte[] line = txt.apply(ctx).getBytes(StandardCharsets.UTF_8);
                if (line.length == 0) {
                    return -1;
                }
                if (m.textEdits == null) {
                    m.textEdits = new Lumps.TextEdits(m.msg);
                }
                Lumps.TextEdits t = m.textEdits;
                int at = t.headerLine(after);
                int offset = at < 0 ? t.headersEnd() : t.fieldEnd(at);
                return t.add("append_hf", List.of(new Lumps.Edit(offset, offset, line)));
            };
        });
    }

    private static void registerRewrites(ModuleExports.Builder r) {
        registerAppendHf(r);
        replace(r, "replace", false, false);
        replace(r, "replace_all", false, true);
        replace(r, "replace_body", true, false);
        replace(r, "replace_body_all", true, true);
        searchAppend(r, "search_append", false);
        searchAppend(r, "search_append_body", true);
        subst(r, "subst", false);
        subst(r, "subst_body", true);
        rewrite(r, "insert_hf", 1, 2, ANY, args -> {
            Format txt = Format.of(args.get(0));
            String before = args.size() > 1 ? headerNameArg(args.get(1)) : null;
            return (m, t) -> {
                byte[] line = txt.apply(m).getBytes(StandardCharsets.UTF_8);
                if (line.length == 0) {
                    return -1; // "nothing to add"
                }
                // before the first header of that name; without one, before the first header (add_hf_helper)
                int at = before == null ? -1 : t.headerLine(before);
                int offset = at < 0 ? t.headersStart : at;
                return t.add("insert_hf", List.of(new Lumps.Edit(offset, offset, line)));
            };
        });
    }

    /**
     * replace (the first match; an empty match inserts), replace_all (every match; an empty match
     * is an error and nothing is replaced) and their _body forms: the text is taken as it is
     * written, pseudo-variables included.
     */
    private static void replace(ModuleExports.Builder r, String name, boolean body, boolean all) {
        rewrite(r, name, 2, 2, ANY, args -> {
            RegexArg re = regexArg(args.get(0), SEARCH_FLAGS, true);
            Function<ScriptContext, byte[]> txt = textArg(args.get(1));
            return (m, t) -> {
                Matcher mt = t.matcher(re.get(m), body);
                List<Lumps.Edit> edits = new ArrayList<>();
                while (mt != null && mt.find()) {
                    if (all && mt.start() == mt.end()) {
                        LOG.warn("{}: the expression matched an empty string; nothing replaced", name);
                        return -1;
                    }
                    edits.add(new Lumps.Edit(mt.start(), mt.end(), txt.apply(m)));
                    if (!all) {
                        break;
                    }
                }
                return edits.isEmpty() ? -1 : t.add(name, edits);
            };
        }).x();
    }

    /** search_append and search_append_body: the text goes right after the first match. */
    private static void searchAppend(ModuleExports.Builder r, String name, boolean body) {
        rewrite(r, name, 2, 2, ANY, args -> {
            RegexArg re = regexArg(args.get(0), SEARCH_FLAGS, true);
            Function<ScriptContext, byte[]> txt = textArg(args.get(1));
            return (m, t) -> {
                Matcher mt = t.matcher(re.get(m), body);
                if (mt == null || !mt.find()) {
                    return -1;
                }
                return t.add(name, List.of(new Lumps.Edit(mt.end(), mt.end(), txt.apply(m))));
            };
        }).x();
    }

    /** subst and subst_body: a sed-like substitution over the message text (core/re.c subst_run). */
    private static void subst(ModuleExports.Builder r, String name, boolean body) {
        rewrite(r, name, 1, 1, ANY, args -> {
            Subst s = Subst.parse(args.get(0), true);
            return (m, t) -> {
                List<Lumps.Edit> edits = s.edits(t.matcher(s.re, body), m);
                return edits == null ? -1 : t.add(name, edits);
            };
        }).check(a -> Fixups.substitution(a.get(0), false));
    }

    /** A rewrite bound to its arguments: records its edits of the request text; 1 when it did, -1 when not. */
    private interface Rewrite {
        long run(MsgContext m, Lumps.TextEdits t);
    }

    /**
     * Registers a rewrite: on a request it runs with the request's edits (made on first use); on a
     * reply it returns -1, as Sipway forwards replies as received (logged the first time per call).
     */
    private static ModuleExports.Builder.Fn rewrite(ModuleExports.Builder r, String name, int min, int max, int routes,
                                                    Function<List<Arg>, Rewrite> binder) {
        return r.fn(name, min, max, routes, args -> {
            Rewrite w = binder.apply(args);
            AtomicBoolean warned = new AtomicBoolean();
            return ctx -> {
                MsgContext m = c(ctx);
                if (!m.msg.isRequest()) {
                    if (!warned.getAndSet(true)) {
                        LOG.warn("{}: Sipway rewrites the text of requests only; on a reply it does nothing and returns -1", name);
                    }
                    return -1;
                }
                if (m.textEdits == null) {
                    m.textEdits = new Lumps.TextEdits(m.msg);
                }
                return w.run(m, m.textEdits);
            };
        });
    }

    /** A text argument taken as written (Kamailio's plain string parameter: no pseudo-variables in a constant), as UTF-8. */
    private static Function<ScriptContext, byte[]> textArg(Arg a) {
        if (a.isConstant()) {
            byte[] b = a.constantString().getBytes(StandardCharsets.UTF_8);
            return ctx -> b;
        }
        return ctx -> {
            Object v = a.get(ctx);
            return (v == null ? "" : v.toString()).getBytes(StandardCharsets.UTF_8);
        };
    }

    /** A header name argument (hname_fixup): a constant, not empty. */
    private static String headerNameArg(Arg a) {
        if (!a.isConstant() || a.constantString().isBlank()) {
            throw new FunctionSpec.BadArgument(a, "the header name must be a constant, not empty");
        }
        return a.constantString().trim();
    }

    // ---- regular expressions ------------------------------------------------------------------

    /** A regular expression argument: compiled once when constant, else when the route runs (null when it does not compile then). */
    public interface RegexArg {
        Pattern get(ScriptContext ctx);
    }

    /**
     * A regular expression argument. A constant is compiled now (a fixup error names it) and is not
     * scanned for pseudo-variables: {@code $} is the end anchor there, as in Kamailio.
     */
    public static RegexArg regexArg(Arg a, int flags) {
        return regexArg(a, flags, false);
    }

    /**
     * A regular expression argument, for text ({@code bytes} false) or for the message text read as
     * ISO-8859-1 ({@code bytes} true: the expression is compiled from the chars of its UTF-8 bytes,
     * so that it matches bytes, as glibc's regexec does in the C locale).
     */
    public static RegexArg regexArg(Arg a, int flags, boolean bytes) {
        if (a.isConstant()) {
            Pattern p;
            try {
                p = posix(bytes ? Lumps.asBytes(a.constantString()) : a.constantString(), flags);
            } catch (IllegalArgumentException e) {
                throw new FunctionSpec.BadArgument(a, e.getMessage());
            }
            return ctx -> p;
        }
        return ctx -> {
            Object v = a.get(ctx);
            String re = v == null ? "" : v.toString();
            try {
                return posix(bytes ? Lumps.asBytes(re) : re, flags);
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

        /** With {@code bytes}, for the message text read as ISO-8859-1 (see {@link #regexArg(Arg, int, boolean)}). */
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
            return new Subst(posix(bytes ? Lumps.asBytes(re) : re, flags), all, parts.toArray());
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

    /** The textops table. */
    public static ModuleExports exports(Core core) {
        ModuleExports.Builder r = ModuleExports.module("textops", "https://kamailio.org/docs/modules/5.6.x/modules/textops.html");
        register(r, core);
        r.fn("is_method", 1, 1, ANY, args -> {
            String[] methods = args.get(0).constantString().split("\\|");
            return ctx -> {
                SipMessage m = c(ctx).msg;
                String method = m.isRequest() ? m.methodName() : m.cseq().methodName();
                for (String x : methods) {
                    if (x.equalsIgnoreCase(method)) {
                        return 1;
                    }
                }
                return -1;
            };
        }).check(a -> Fixups.methods(a.get(0))).summary("the request's method (a reply's CSeq method) is one of the list");
        r.fn("remove_hf", 1, 1, ANY, args -> {
            String name = args.get(0).constantString();
            return ctx -> {
                MsgContext m = c(ctx);
                if (!m.msg.hasHeader(name)) {
                    return -1;
                }
                m.removed.add(name);
                return 1;
            };
        }).x().summary("removes every header of that name");
        r.fn("is_present_hf", 1, 1, ANY, args -> {
            String name = args.get(0).constantString();
            return ctx -> c(ctx).msg.hasHeader(name) ? 1 : -1;
        }).x().summary("a header of that name is present");
        r.fn("has_body", 0, 1, ANY, args -> ctx -> c(ctx).msg.bodyLength() > 0 ? 1 : -1).summary("the message has a body");
        r.declared("subst_uri").check(a -> Fixups.substitution(a.get(0), false));
        r.declared("subst_user").check(a -> Fixups.substitution(a.get(0), false));
        r.declared("search").summary("the headers and body match the regex");
        r.declared("search_body").summary("the body matches the regex");
        r.declared("subst_uri").summary("sed-like substitution on the R-URI");
        r.declared("subst_user").summary("sed-like substitution on the R-URI's user");
        r.declared("append_hf").summary("adds a header line at the end of the headers (or after the named header)");
        r.declared("replace").summary("replaces the first match in the headers and body");
        r.declared("replace_all").summary("replaces every match in the headers and body");
        r.declared("replace_body").summary("replaces the first match in the body");
        r.declared("replace_body_all").summary("replaces every match in the body");
        r.declared("search_append").summary("adds text after the first match");
        r.declared("search_append_body").summary("adds text after the first match in the body");
        r.declared("subst").summary("sed-like substitution over the headers and body");
        r.declared("subst_body").summary("sed-like substitution over the body");
        r.declared("insert_hf").summary("adds a header line first (or before the named header)");
        r.declared("cmp_str").summary("compares two strings (1 equal, -2 less, -1 greater)");
        r.declared("cmp_istr").summary("compares two strings ignoring case");
        r.declared("starts_with").summary("the first string starts with the second");
        return r.build();
    }
}
