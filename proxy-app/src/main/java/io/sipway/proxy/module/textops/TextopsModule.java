package io.sipway.proxy.module.textops;

import static io.sipway.proxy.module.Routes.*;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipUri;
import java.nio.charset.StandardCharsets;
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
        TextRewrites.register(r);
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
