package io.sipway.proxy.module.textops;

import static io.sipway.proxy.module.Routes.*;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * textops' rewrites of the request text, Kamailio's lumps ({@code core.Lumps}): replace,
 * replace_all, subst, search_append, their _body forms, insert_hf and append_hf. Every search reads
 * the request as received; an edit overlapping an earlier one is refused.
 */
final class TextRewrites {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.sipway.textops");

    private TextRewrites() {
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
                    ((MsgContext) ctx).appended.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
                    return 1;
                };
            }
            String after = headerNameArg(args.get(1));
            return ctx -> {
                MsgContext m = ((MsgContext) ctx);
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

    static void register(ModuleExports.Builder r) {
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
            TextopsModule.RegexArg re = TextopsModule.regexArg(args.get(0), TextopsModule.SEARCH_FLAGS, true);
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
            TextopsModule.RegexArg re = TextopsModule.regexArg(args.get(0), TextopsModule.SEARCH_FLAGS, true);
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
                MsgContext m = ((MsgContext) ctx);
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

}
