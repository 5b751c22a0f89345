package io.sipway.proxy.module.dialplan;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ModuleHost;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.RpcExport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dialplan (https://kamailio.org/docs/modules/5.6.x/modules/dialplan.html): string translations by
 * rules from a table ({@link DpTable}, {@link DpRule}), loaded when the proxy starts (a table that cannot
 * be read, or a row that does not compile, stops the start as it stops Kamailio's) and swapped whole by
 * {@code dp_reload()} and the {@code dialplan.reload} RPC (a failed reload keeps the rules in use).
 * Translations read memory only and never wait; the reloads read the database: {@code dp_reload()} waits
 * (its routes run on the workers), the RPC runs on the module's reload thread.
 *
 * <p>Return codes: 1 translated or matched; -1 no rule matched, the input is empty, the id is not an
 * integer, or the matched rule's output failed; -2 no rule of that dialplan id.
 *
 * <p>Not here: with {@code match_dynamic=1}, Kamailio's iteration over every value of an
 * {@code $(avp(x)[+])} in a match_exp (each value printed in turn): a row using it fails the load.
 * In a failure_route a rewritten R-URI is the branch t_relay sends (Sipway's t_relay always sends the
 * R-URI), so {@code append_branch} changes nothing.
 */
public final class DialplanModule {
    private static final Logger LOG = LoggerFactory.getLogger("dialplan");
    private static final String M = "dialplan";
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    static final String DEFAULT_DB_URL = "mysql://kamailio:kamailiorw@localhost/kamailio";
    /** dp_db.h's DP_TABLE_VERSION. */
    static final int TABLE_VERSION = 2;

    private final Core core;
    private volatile DpTable rules = DpTable.EMPTY;
    private volatile Database db;
    private volatile String table;
    private volatile DpTable.Columns columns;
    private volatile Function<String, ValueSource> replPvs;
    private volatile Pv attrsPv;
    private volatile boolean dynamic;
    private volatile long lastRpcReload;
    private volatile int reloadDelta = 5;
    private final ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sipway-dialplan-reload");
        t.setDaemon(true);
        return t;
    });

    private DialplanModule(Core core) {
        this.core = core;
    }

    public static ModuleExports exports(Core core) {
        return new DialplanModule(core).table();
    }

    private ModuleExports table() {
        ModuleExports.Builder b = ModuleExports.module(M, "https://kamailio.org/docs/modules/5.6.x/modules/dialplan.html");
        b.param("db_url", STR, DEFAULT_DB_URL, "the database of the rules");
        b.param("table_name", STR, "dialplan", "the table of the rules");
        b.param("dpid_col", STR, "dpid", "the dialplan id column");
        b.param("pr_col", STR, "pr", "the priority column (lower first)");
        b.param("match_op_col", STR, "match_op", "the match operator column: 0 string, 1 regex, 2 fnmatch");
        b.param("match_exp_col", STR, "match_exp", "the match expression column");
        b.param("match_len_col", STR, "match_len", "the input length column (0: any)");
        b.param("subst_exp_col", STR, "subst_exp", "the substitution regex column");
        b.param("repl_exp_col", STR, "repl_exp", "the replacement column");
        b.param("attrs_col", STR, "attrs", "the attributes column");
        b.paramChecked("attrs_pvar", STR, "", "where a matched rule's attributes go: an $avp, $xavp or $var",
                v -> v.isEmpty() || v.startsWith("$avp(") || v.startsWith("$xavp(") || v.startsWith("$var(") ? null
                        : "invalid pvar name " + v + ": an $avp, $xavp or $var");
        b.paramWithoutEffect("fetch_rows", INT, "1000", "the rules are read in one query");
        b.param("match_dynamic", INT, "0", "1: a match_exp or subst_exp with pseudo-variables is printed and compiled per message");
        b.paramWithoutEffect("append_branch", INT, "1",
                "in a failure_route the rewritten R-URI is the branch t_relay sends (Sipway's t_relay always sends the R-URI)", "1");
        b.param("reload_delta", INT, "5", "seconds between two dialplan.reload RPCs (one sooner is refused \"ongoing reload\")");

        b.fn("dp_translate", 1, 2, ANY, args -> {
            Function<ScriptContext, Integer> id = translateId(args.get(0));
            String spec = args.size() > 1 ? constant(args.get(1)) : "$rU/$rU";
            Arg at = args.size() > 1 ? args.get(1) : args.get(0);
            int slash = spec.indexOf('/');
            if (slash >= 0 && slash == spec.length() - 1) {
                throw new FunctionSpec.BadArgument(at, "failed to parse param 2: nothing after /");
            }
            String srcText = slash < 0 ? spec : spec.substring(0, slash);
            ValueSource src = pv(at, srcText);
            Pv dest = null;
            if (slash >= 0) {
                String d = spec.substring(slash + 1);
                if (!(d.startsWith("$avp(") || d.startsWith("$xavp(") || d.startsWith("$var(") || d.equals("$ru") || d.equals("$rU"))) {
                    throw new FunctionSpec.BadArgument(at, "Unsupported Parameter TYPE: " + d + " (an $avp, $xavp, $var, $ru or $rU)");
                }
                dest = at.assignablePseudoVariable(d);
                if (dest == null) {
                    throw new FunctionSpec.BadArgument(at, "failed to parse param 2: " + d);
                }
            }
            Pv out = dest;
            return ctx -> {
                Integer dpid = id.apply(ctx);
                if (dpid == null) {
                    LOG.error("no dpid value");
                    return -1;
                }
                DpTable t = rules;
                if (!t.has(dpid)) {
                    return -2;
                }
                Object in = src.get(ctx);
                if (in == null || String.valueOf(in).isEmpty()) {
                    LOG.error("invalid param 2");
                    return -1;
                }
                DpTable.Result r = t.translate(dpid, String.valueOf(in), out != null, ctx);
                if (r == null) {
                    return -1;
                }
                update(ctx, out, r);
                return 1;
            };
        }).arities(1, 2).summary("translates src (the R-URI user by default) by the rules of the dialplan id into dest: 1, -1 no match, -2 no such id");
        b.fn("dp_match", 2, 2, ANY, args -> {
            Function<ScriptContext, Integer> id = lenientId(args.get(0));
            Format in = Format.of(args.get(1));
            return ctx -> call(ctx, id, in, null, false);
        }).x().summary("matches a value against the rules of the dialplan id; the rule's attributes go to attrs_pvar: 1, -1, -2");
        b.fn("dp_replace", 3, 3, ANY, args -> {
            Function<ScriptContext, Integer> id = lenientId(args.get(0));
            Format in = Format.of(args.get(1));
            String outText = constant(args.get(2));
            Pv out = args.get(2).assignablePseudoVariable(outText);
            if (out == null) {
                ValueSource any = pv(args.get(2), outText);
                out = any instanceof Pv p ? p : ctx -> any.get(ctx);
            }
            Pv target = out;
            return ctx -> call(ctx, id, in, target, true);
        }).x().summary("translates a value by the rules of the dialplan id into the variable given: 1, -1, -2");
        b.fn("dp_reload", 0, 0, ANY, args -> ctx -> reload() ? 1 : -1).mayWait()
                .summary("reloads the rules from the database: 1, or -1 (the rules in use stay)");

        b.rpc("dialplan.reload", "reloads the rules from the database", params -> rpcReload());
        b.rpc("dialplan.translate", "translates an input by a dialplan id: {Output, Attributes}", this::rpcTranslate);
        b.rpc("dialplan.dump", "the rules of a dialplan id", this::rpcDump);
        b.onStart(this::start);
        return b.build();
    }

    private static String constant(Arg a) {
        if (!a.isConstant()) {
            throw new FunctionSpec.BadArgument(a, "dialplan takes this argument written as a string");
        }
        return a.constantString();
    }

    private static ValueSource pv(Arg a, String text) {
        ValueSource v;
        try {
            v = text.startsWith("$") ? a.pseudoVariable(text) : null;
        } catch (IllegalArgumentException e) {
            throw new FunctionSpec.BadArgument(a, "bad pseudo-variable " + text + ": " + e.getMessage());
        }
        if (v == null) {
            throw new FunctionSpec.BadArgument(a, "a pseudo-variable is expected, not " + text);
        }
        return v;
    }

    /** dp_trans_fixup's id: an integer, or an $avp, $xavp or $var holding one (a string value is no id). */
    private static Function<ScriptContext, Integer> translateId(Arg a) {
        if (a.isConstant() && a.constant() instanceof Long n) {
            return ctx -> n.intValue();
        }
        String s = constant(a).trim();
        if (!s.startsWith("$")) {
            try {
                int n = Integer.parseInt(s);
                return ctx -> n;
            } catch (NumberFormatException e) {
                throw new FunctionSpec.BadArgument(a, "bad number <" + s + ">");
            }
        }
        if (!(s.startsWith("$avp(") || s.startsWith("$xavp(") || s.startsWith("$var("))) {
            throw new FunctionSpec.BadArgument(a, "Unsupported Parameter TYPE: " + s + " (an $avp, $xavp or $var)");
        }
        ValueSource v = pv(a, s);
        return ctx -> v.get(ctx) instanceof Long n ? n.intValue() : null;
    }

    /** fixup_igp's id: an integer, or any variable holding an integer (get_int_fparam: text is no integer). */
    private static Function<ScriptContext, Integer> lenientId(Arg a) {
        ValueSource v;
        if (a.isConstant()) {
            if (a.constant() instanceof Long n) {
                return ctx -> n.intValue();
            }
            String s = a.constantString().trim();
            if (!s.startsWith("$")) {
                try {
                    int n = Integer.parseInt(s);
                    return ctx -> n;
                } catch (NumberFormatException e) {
                    throw new FunctionSpec.BadArgument(a, "bad number <" + s + ">");
                }
            }
            v = pv(a, s);
        } else {
            v = a;
        }
        return ctx -> v.get(ctx) instanceof Long n ? n.intValue() : null;
    }

    /** dp_replace_helper: -2 without the id, -1 without a match, else the output and attributes set, 1. */
    private long call(ScriptContext ctx, Function<ScriptContext, Integer> id, Format in, Pv out, boolean wantOutput) {
        Integer dpid = id.apply(ctx);
        if (dpid == null) {
            LOG.error("failed to get dialplan id value");
            return -1;
        }
        DpTable t = rules;
        if (!t.has(dpid)) {
            return -2;
        }
        DpTable.Result r = t.translate(dpid, in.apply(ctx), wantOutput, ctx);
        if (r == null) {
            return -1;
        }
        update(ctx, out, r);
        return 1;
    }

    /** dp_update: the output (when there is one and it is not empty), then the attributes to attrs_pvar. */
    private void update(ScriptContext ctx, Pv out, DpTable.Result r) {
        if (out != null && r.output() != null && !r.output().isEmpty()) {
            if (out.writable()) {
                out.set(ctx, r.output());
            } else {
                LOG.warn("target variable is read only - skipping setting its value");
            }
        }
        Pv attrs = attrsPv;
        if (attrs != null) {
            attrs.set(ctx, r.attrs());
        }
    }

    private void start(CompiledScript script, ModuleHost host) {
        String pvar = core.modparam(M, "attrs_pvar", "");
        if (!pvar.isEmpty()) {
            Pv p = pvar.startsWith("$var(") ? script.scriptVar(pvar.substring(5, pvar.length() - 1)) : host.pvFromText(pvar);
            if (p == null && pvar.startsWith("$var(")) {
                p = new Pv() { // a $var the script never reads: setting it shows nowhere
                    @Override
                    public Object get(ScriptContext ctx) {
                        return null;
                    }

                    @Override
                    public boolean writable() {
                        return true;
                    }

                    @Override
                    public void set(ScriptContext ctx, Object value) {
                    }
                };
            }
            if (p == null || !p.writable()) {
                throw new IllegalArgumentException("dialplan: invalid pvar name " + pvar);
            }
            attrsPv = p;
        }
        replPvs = text -> {
            if (text.startsWith("$var(") && text.endsWith(")")) {
                Pv v = script.scriptVar(text.substring(5, text.length() - 1));
                return v != null ? v : ctx -> 0L; // an unset $var reads as 0
            }
            return host.pvFromText(text);
        };
        dynamic = !core.modparam(M, "match_dynamic", "0").trim().equals("0");
        reloadDelta = (int) Math.max(0, Long.parseLong(core.modparam(M, "reload_delta", "5").trim()));
        table = core.modparam(M, "table_name", "dialplan");
        columns = new DpTable.Columns(core.modparam(M, "dpid_col", "dpid"), core.modparam(M, "pr_col", "pr"),
                core.modparam(M, "match_op_col", "match_op"), core.modparam(M, "match_exp_col", "match_exp"),
                core.modparam(M, "match_len_col", "match_len"), core.modparam(M, "subst_exp_col", "subst_exp"),
                core.modparam(M, "repl_exp_col", "repl_exp"), core.modparam(M, "attrs_col", "attrs"));
        db = core.databases().get(core.modparam(M, "db_url", DEFAULT_DB_URL));
        try {
            int v = db.tableVersion(table);
            if (v != TABLE_VERSION) {
                throw new IllegalArgumentException("dialplan: invalid table version " + v + " of " + table + " (expected "
                        + TABLE_VERSION + ": use kamdbctl reinit)");
            }
            rules = DpTable.load(db, table, columns, replPvs, dynamic);
        } catch (DbException | IllegalArgumentException e) {
            throw new IllegalArgumentException("dialplan: could not load the rules from " + table + ": " + e.getMessage(), e);
        }
        core.onClose(reloads::shutdownNow);
    }

    /** dp_load_db: the new rules replace the old ones only when all of them load. */
    private boolean reload() {
        if (db == null) {
            return false;
        }
        try {
            rules = DpTable.load(db, table, columns, replPvs, dynamic);
            return true;
        } catch (DbException | IllegalArgumentException e) {
            LOG.error("failed to reload rules from database: {}", e.getMessage());
            return false;
        }
    }

    private Object rpcReload() throws RpcExport.RpcException {
        long now = System.currentTimeMillis();
        if (lastRpcReload != 0 && lastRpcReload > now - reloadDelta * 1000L) {
            throw new RpcExport.RpcException(500, "ongoing reload");
        }
        lastRpcReload = now;
        return RpcExport.awaitUnlessOnLoop(reloads.submit(() -> {
            if (!reload()) {
                throw new RpcExport.RpcException(500, "Dialplan Reload Failed");
            }
            return new LinkedHashMap<String, Object>(); // Kamailio answers an empty struct
        }), "Dialplan Reload Failed");
    }

    private static Integer intParam(List<Object> params, int i) {
        if (params.size() <= i) {
            return null;
        }
        Object p = params.get(i);
        if (p instanceof Number n) {
            return n.intValue();
        }
        try {
            return p == null ? null : Integer.valueOf(String.valueOf(p).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Object rpcTranslate(List<Object> params) throws RpcExport.RpcException {
        Integer dpid = intParam(params, 0);
        if (dpid == null || params.size() < 2 || params.get(1) == null) {
            throw new RpcExport.RpcException(500, "Invalid parameters");
        }
        DpTable t = rules;
        if (!t.has(dpid)) {
            throw new RpcExport.RpcException(500, "Dialplan ID not matched");
        }
        Object p = params.get(1);
        String input = p instanceof Double d && d == Math.rint(d) ? Long.toString(d.longValue()) : String.valueOf(p);
        if (input.isEmpty()) {
            throw new RpcExport.RpcException(500, "Empty input parameter");
        }
        DpTable.Result r = t.translate(dpid, input, true, null);
        if (r == null) {
            throw new RpcExport.RpcException(500, "No translation");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Output", r.output());
        out.put("Attributes", r.attrs());
        return out;
    }

    /** An empty column is no string in Kamailio's rule (a NULL str): the RPC answers null. */
    private static String orNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private Object rpcDump(List<Object> params) throws RpcExport.RpcException {
        Integer dpid = intParam(params, 0);
        if (dpid == null) {
            throw new RpcExport.RpcException(500, "Missing parameter");
        }
        DpTable t = rules;
        if (!t.has(dpid)) {
            throw new RpcExport.RpcException(500, "Dialplan ID not matched");
        }
        List<Object> entries = new ArrayList<>();
        for (DpTable.Index index : t.indexes(dpid)) {
            for (DpRule rule : index.rules()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("PRIO", rule.pr());
                e.put("MATCHOP", rule.matchOp());
                e.put("MATCHEXP", orNull(rule.matchExp()));
                e.put("MATCHLEN", rule.matchLen());
                e.put("SUBSTEXP", orNull(rule.substExp()));
                e.put("REPLEXP", orNull(rule.replExp()));
                e.put("ATTRS", orNull(rule.attrs()));
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("ENTRY", e); // struct_add(ih, "{", "ENTRY", ...) into the array, as Kamailio answers it
                entries.add(entry);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("DPID", dpid);
        out.put("ENTRIES", entries);
        return out;
    }
}
