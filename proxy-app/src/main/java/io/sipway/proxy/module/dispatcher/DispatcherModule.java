package io.sipway.proxy.module.dispatcher;

import static io.sipway.proxy.module.Routes.ANY;
import static io.sipway.proxy.module.Routes.B;
import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.O;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dispatcher (https://kamailio.org/docs/modules/5.6.x/modules/dispatcher.html): destination sets
 * from a list file or the {@code dispatcher} table, picked by hash (Call-ID, From, To, R-URI, auth
 * user, a format), round robin, random, priority, weight or relative weight, with fail-over through
 * the {@code _dsdst_} XAVPs in failure_route, state marking with its event routes, and the RPC
 * commands, probing with OPTIONS that marks destinations inactive and active again, call load (10:
 * {@link CallLoad}, ds_load_update, ds_load_unset). Not yet: latency (13) and overload (64) selection.
 */
public final class DispatcherModule {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.dispatcher");
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    private static final String NO_PROBING = "latency statistics are not kept by Sipway";

    private DispatcherModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("dispatcher", "https://kamailio.org/docs/modules/5.6.x/modules/dispatcher.html");
        Dispatcher ds = new Dispatcher(Clock.systemUTC());
        Selection sel = new Selection(ds);
        functions(b, ds, sel);
        params(b);
        b.pv("dsv", PvExport.Inner.REQUIRED, false, n -> dsv(n.inner()), "code", "reason", "flags");
        b.eventRoute("dispatcher:dst-down");
        b.eventRoute("dispatcher:dst-up");
        ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sipway-dispatcher");
            t.setDaemon(true);
            return t;
        });
        b.rpc("dispatcher.list", "the destination sets (a parameter \"short\" or \"full\" for less or more)",
                params -> DispatcherRpc.list(ds, params));
        b.rpc("dispatcher.reload", "reads the list file or the table again", params -> DispatcherRpc.reload(ds, reloads));
        b.rpc("dispatcher.set_state", "sets the state of a destination (state group address|all)",
                params -> DispatcherRpc.setState(ds, params));
        java.util.function.Function<String, MsgContext> faked = uri -> faked(core, uri);
        Prober prober = new Prober(ds, new Pings(core, faked));
        b.rpc("dispatcher.ping_active", "probing on (1) or off (0); without a parameter the state", params -> {
            int v = -1;
            if (!params.isEmpty()) {
                try {
                    v = Integer.parseInt(String.valueOf(params.get(0)).trim());
                } catch (NumberFormatException e) {
                    v = -1;
                }
            }
            int old = prober.active(v);
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            if (v != -1) {
                out.put("NewPingState", (long) v);
            }
            out.put("OldPingState", (long) old);
            return out;
        });
        b.fn("ds_load_update", 0, 0, R | B | O, args -> ctx -> loadUpdate(ds, (MsgContext) ctx))
                .summary("algorithm 10: a BYE or CANCEL ends the call's load, an INVITE's 2xx confirms it");
        b.fn("ds_load_unset", 0, 0, R | B | F, args -> ctx -> loadUnset(ds, (MsgContext) ctx))
                .summary("algorithm 10: the call no longer counts for its destination (failure_route, before ds_next_dst)");
        b.onStart((script, host) -> {
            DsSettings s = DsSettings.of(core, host::pvFromText);
            long hashSize = Long.parseLong(core.modparam("dispatcher", "ds_hash_size", "0").trim());
            if (hashSize > 0) {
                CallLoad load = new CallLoad(System::currentTimeMillis,
                        Long.parseLong(core.modparam("dispatcher", "ds_hash_expire", "7200").trim()),
                        Long.parseLong(core.modparam("dispatcher", "ds_hash_initexpire", "7200").trim()));
                ds.callLoad(load);
                long every = Math.max(1, Long.parseLong(core.modparam("dispatcher", "ds_hash_check_interval", "30").trim()));
                java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "ds-load-timer");
                    t.setDaemon(true);
                    return t;
                });
                timer.scheduleWithFixedDelay(load::expire, every, every, java.util.concurrent.TimeUnit.SECONDS);
                core.onClose(timer::shutdownNow);
            }
            DsLoader loader = new DsLoader(s, () -> core.transport().sockets(), new SecureRandom());
            if (!s.defaultSocket().isEmpty() && loader.socket(s.defaultSocket()) == null) {
                throw new IllegalArgumentException("dispatcher: non-local socket <" + s.defaultSocket() + "> (ds_default_socket)");
            }
            try {
                ds.start(s, loader, s.dbUrl() == null ? null : core.databases().get(s.dbUrl()), script, faked, reloads);
            } catch (DsLoader.LoadException e) {
                throw new IllegalArgumentException("dispatcher: " + (s.dbUrl() == null
                        ? "no dispatching list loaded from file: " : "could not load from the database: ") + e.getMessage(), e);
            }
            if (s.pingInterval() > 0) {
                prober.start(s.pingInterval());
                core.onClose(prober::close);
            }
        });
        return b.build();
    }

    private static void functions(ModuleExports.Builder b, Dispatcher ds, Selection sel) {
        selecting(b, "ds_select", ANY, Selection.XAVP, sel,
                "picks from the set by the algorithm and keeps the picks in the XAVPs only ($du and the R-URI unchanged)");
        selecting(b, "ds_select_dst", R | F, Selection.DSTURI, sel,
                "sets $du to a destination of the set picked by the algorithm (0 Call-ID hash, 1 From, 2 To, 3 R-URI,"
                        + " 4 round robin, 5 auth user, 6 random, 7 hash_pvar, 8 priority, 9 weight, 10 call load, 11 relative weight,"
                        + " 12 all in parallel); with flags 2 the others are kept for ds_next_dst(), up to the limit");
        selecting(b, "ds_select_domain", R | F, Selection.RURI, sel,
                "as ds_select_dst, rewriting the R-URI's host part (and port and parameters) instead of $du");
        b.fn("ds_select_routes", 2, 3, R | F, args -> {
            Format rules = Format.of(args.get(0));
            Format mode = Format.of(args.get(1));
            Format limit = args.size() > 2 ? number(args.get(2), "the limit") : null;
            return ctx -> {
                Integer l = limit == null ? Integer.valueOf(0) : intOf(limit, ctx, "limit");
                return l == null ? -1 : sel.selectRoutes((MsgContext) ctx, rules.apply(ctx), mode.apply(ctx), l);
            };
        }).x().summary("picks by each rule \"set=alg;set=alg\" in turn; mode 0/d sets $du, 1/r the R-URI, 2/x only the XAVPs");
        b.fn("ds_next_dst", 0, 0, R | F, args -> ctx -> sel.update((MsgContext) ctx, true, Selection.DSTURI))
                .summary("in failure_route: drops the current XAVP destination and sets $du to the next one; -1 when none is left");
        b.fn("ds_next_domain", 0, 0, R | F, args -> ctx -> sel.update((MsgContext) ctx, true, Selection.RURI))
                .summary("as ds_next_dst, rewriting the R-URI's host part");
        b.fn("ds_set_dst", 0, 0, R | F, args -> ctx -> sel.update((MsgContext) ctx, false, Selection.DSTURI))
                .summary("sets $du to the current XAVP destination");
        b.fn("ds_set_domain", 0, 0, R | F, args -> ctx -> sel.update((MsgContext) ctx, false, Selection.RURI))
                .summary("rewrites the R-URI's host part with the current XAVP destination");
        b.fn("ds_mark_dst", 0, 1, R | F | O, args -> {
            // Kamailio takes the letters as written (no fixup)
            Format state = args.isEmpty() ? null : args.get(0).isConstant() ? literal(args.get(0).constantString())
                    : Format.of(args.get(0));
            return ctx -> markDst(ds, sel, (MsgContext) ctx, state == null ? null : state.apply(ctx));
        }).summary("sets the state of the current XAVP destination: no argument inactive, else letters a (active),"
                + " i (inactive), d (disabled), t (trying), p (probing); runs event_route[dispatcher:dst-down|dst-up]");
        b.fn("ds_is_from_list", 0, 3, ANY, args -> {
            Format group = args.isEmpty() ? null : number(args.get(0), "the group");
            Format mode = args.size() > 1 ? number(args.get(1), "the mode") : null;
            Format uri = args.size() > 2 ? Format.of(args.get(2)) : null;
            return ctx -> {
                Integer g = group == null ? Integer.valueOf(-1) : intOf(group, ctx, "set id");
                Integer md = mode == null ? Integer.valueOf(FromList.MATCH_NOPROTO) : intOf(mode, ctx, "mode");
                if (g == null || md == null) {
                    return -1;
                }
                return FromList.check(ds, (MsgContext) ctx, g, uri == null ? null : uri.apply(ctx), md);
            };
        }).x().summary("whether the source address (or the URI's) is a destination of the group (-1: any group);"
                + " mode bits 1 any port, 2 any protocol, 4 usable only, 8 same socket, 16 the closest match");
        for (String name : List.of("ds_list_exists", "ds_list_exist")) {
            b.fn(name, 1, 1, ANY, args -> {
                Format set = number(args.get(0), "the set id");
                return ctx -> {
                    Integer s = intOf(set, ctx, "set id");
                    if (s == null) {
                        return -2;
                    }
                    return ds.lists().set(s) != null ? 1 : -1;
                };
            }).x().summary("whether the destination set exists");
        }
        b.fn("ds_is_active", 1, 2, ANY, args -> {
            Format set = number(args.get(0), "the set id");
            Format uri = args.size() > 1 ? Format.of(args.get(1)) : null;
            return ctx -> {
                Integer s = intOf(set, ctx, "set id");
                return s == null ? -1 : isActive(ds, s, uri == null ? null : uri.apply(ctx));
            };
        }).x().summary("whether the set has a usable destination (with a URI: whether that one is usable)");
        b.fn("ds_reload", 0, 0, ANY, args -> ctx -> {
            try {
                ds.reload();
                return 1;
            } catch (Dispatcher.ReloadRefused e) {
                LOG.error("ongoing reload");
                return -1;
            } catch (DsLoader.LoadException e) {
                LOG.error("Error reloading: {}", e.getMessage());
                return -1;
            }
        }).mayWait().summary("reads the list file or the table again (at most once per reload_delta seconds)");
    }

    /** ds_select, ds_select_dst, ds_select_domain: (set, alg[, limit]), numbers or pseudo-variables. */
    private static void selecting(ModuleExports.Builder b, String name, int routes, int mode, Selection sel, String summary) {
        b.fn(name, 2, 3, routes, args -> {
            Format set = number(args.get(0), "the destination set");
            Format alg = algorithm(args.get(1));
            Format limit = args.size() > 2 ? number(args.get(2), "the limit") : null;
            return ctx -> {
                Integer s = intOf(set, ctx, "destination set");
                Integer a = intOf(alg, ctx, "algorithm");
                Integer l = limit == null ? Integer.valueOf(0) : intOf(limit, ctx, "dst number limit");
                if (s == null || a == null || l == null) {
                    return -1;
                }
                // no limit given: Kamailio's -1, read as a very large unsigned number
                return sel.select((MsgContext) ctx, s, a, limit == null ? Long.MAX_VALUE : Integer.toUnsignedLong(l), mode);
            };
        }).x().summary(summary);
    }

    /** ds_load_update: BYE and CANCEL remove the call's load, a 2xx to an INVITE confirms it; 1, -1 without Call-ID or CSeq. */
    private static long loadUpdate(Dispatcher ds, MsgContext m) {
        CallLoad load = ds.callLoad();
        io.sipway.sip.SipMessage msg = m.reply != null ? m.reply : m.msg;
        if (msg.callId() == null || msg.cseq() == null) {
            return -1;
        }
        if (load == null) {
            return 1;
        }
        String callId = msg.callId().trim();
        if (msg.isRequest()) {
            String method = msg.methodName();
            if (method.equals("BYE") || method.equals("CANCEL")) {
                load.remove(callId);
            }
            return 1;
        }
        if (msg.cseq().methodName().equals("INVITE") && msg.statusCode() / 100 == 2) {
            load.confirm(callId);
        }
        return 1;
    }

    /** ds_load_unset: for an INVITE only when the destinations carry a dstid (picked by algorithm 10); 0 when nothing to do. */
    private static long loadUnset(Dispatcher ds, MsgContext m) {
        CallLoad load = ds.callLoad();
        DsSettings s = ds.settings();
        if (load == null || s.xavpDst().isEmpty()) {
            return 0;
        }
        if (m.msg.isRequest() && m.msg.methodName().equals("INVITE")
                && !(m.xavps().get(s.xavpDst(), 0) instanceof io.sipway.proxy.core.Xavps item && item.get("dstid", 0) != null)) {
            return 0;
        }
        return load.remove(m.msg.callId().trim()) ? 1 : -1;
    }

    /** An algorithm written as a number Sipway does not run is refused at load, saying why. */
    private static Format algorithm(Arg a) {
        Long n = Fixups.number(a, "the algorithm");
        String why = n == null ? null : Selection.why(n.intValue());
        if (why != null) {
            throw new FunctionSpec.BadArgument(a, why);
        }
        return Format.of(a);
    }

    /** Kamailio's faked message (core/fmsg.c) with the destination as R-URI: the event routes of probing run on it. */
    static MsgContext faked(Core core, String uri) {
        io.sipway.sip.SipMessage m = io.sipway.sip.SipParser.parse(("OPTIONS sip:you@kamailio.org SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1\r\nFrom: <sip:you@kamailio.org>;tag=notag\r\n"
                + "To: <sip:you@kamailio.org>;tag=notag\r\nCall-ID: 0\r\nMax-Forwards: 0\r\nCSeq: 0 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        List<io.sipway.transport.SendSocket> sockets = core.transport() == null ? List.of() : core.transport().sockets();
        io.sipway.transport.ReceiveInfo from = new io.sipway.transport.ReceiveInfo(io.sipway.transport.Protocol.UDP,
                new java.net.InetSocketAddress("127.0.0.1", 5060), sockets.isEmpty() ? null : sockets.get(0), 0);
        MsgContext ctx = new MsgContext(m, from);
        ctx.ruri = uri; // rewrite_uri(fmsg, uri)
        return ctx;
    }

    private static Format literal(String s) {
        return ctx -> s;
    }

    /** A fixup_igp argument: a number written in the script is checked at load, a pseudo-variable read when the route runs. */
    private static Format number(Arg a, String what) {
        Fixups.number(a, what);
        return Format.of(a);
    }

    /** The integer an argument holds when the route runs, or null (logged) when it holds none. */
    private static Integer intOf(Format f, ScriptContext ctx, String what) {
        String v = f.apply(ctx).trim();
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            LOG.error("unable to get {} from [{}]", what, v);
            return null;
        }
    }

    /** ds_parse_flags: a (all state bits off), i, d, t, p in any case; -1 for any other letter. */
    static int parseFlags(String s) {
        int flag = 0;
        for (char c : s.toCharArray()) {
            switch (Character.toLowerCase(c)) {
                case 'a' -> flag &= ~Destination.STATES_ALL;
                case 'i' -> flag |= Destination.INACTIVE;
                case 'd' -> flag |= Destination.DISABLED;
                case 't' -> flag |= Destination.TRYING;
                case 'p' -> flag |= Destination.PROBING;
                default -> {
                    return -1;
                }
            }
        }
        return flag;
    }

    private static long markDst(Dispatcher ds, Selection sel, MsgContext m, String stateText) {
        int state;
        if (stateText == null || stateText.isEmpty()) {
            state = Destination.INACTIVE | (ds.settings().probingMode() == 1 ? Destination.PROBING : 0);
        } else {
            state = parseFlags(stateText);
            if (state < 0) {
                LOG.warn("Failed to parse state flags: {}", stateText);
                return -1;
            }
        }
        if (!ds.settings().failover()) {
            LOG.warn("failover support disabled");
            return -1;
        }
        Object[] current = sel.current(m);
        if (current == null) {
            return -1;
        }
        return markAddr(ds, m, state, (Integer) current[0], (String) current[1]);
    }

    /** ds_mark_addr (what ds_mark_dst does): the state change with the event Kamailio describes by a code (the reply's, or 820 for a request). */
    private static long markAddr(Dispatcher ds, MsgContext m, int state, int group, String uri) {
        Dispatcher.Event ev;
        if (m.reply != null) {
            ev = new Dispatcher.Event(m.reply.statusCode(), m.reply.reasonPhrase(), 1, uri, group);
        } else if (m.msg.isResponse()) {
            ev = new Dispatcher.Event(m.msg.statusCode(), m.msg.reasonPhrase(), 1, uri, group);
        } else {
            ev = new Dispatcher.Event(820, null, 0, uri, group);
        }
        return ds.updateState(m, group, uri, state, 1, ev) ? 1 : -1;
    }

    private static long isActive(Dispatcher ds, int group, String uri) {
        DsSet set = ds.lists().set(group);
        if (set == null) {
            return -1;
        }
        for (int j = 0; j < set.dests.length; j++) {
            if (!Destination.skipped(set.flags(j)) && (uri == null || uri.isEmpty() || set.dests[j].uri.equals(uri))) {
                return 1;
            }
        }
        return -1;
    }

    /** $dsv(code|reason|flags) (Kamailio 5.6's keys): the event being routed in event_route[dispatcher:dst-*]; $null elsewhere. */
    private static Pv dsv(String key) {
        return ctx -> {
            Dispatcher.Event e = Dispatcher.event();
            if (e == null) {
                return null;
            }
            return switch (key) {
                case "code" -> (Object) (long) e.code();
                case "reason" -> e.reason() == null || e.reason().isEmpty() ? null : e.reason();
                default -> (long) e.flags();
            };
        };
    }

    private static void params(ModuleExports.Builder b) {
        b.param("list_file", STR, "dispatcher.list", "the destination list file (Kamailio: <cfg dir>/dispatcher.list;"
                + " Sipway: beside the script, and a relative path is taken from the script's directory)");
        b.param("db_url", STR, "", "the database of the dispatcher table; set, it is read instead of the list file");
        b.param("table_name", STR, "dispatcher", "the table of destinations");
        b.param("setid_col", STR, "setid", "the table's set id column");
        b.param("destination_col", STR, "destination", "the table's destination URI column");
        b.param("flags_col", STR, "flags", "the table's flags column (table version 2 and later)");
        b.param("priority_col", STR, "priority", "the table's priority column (table version 3 and later)");
        b.param("attrs_col", STR, "attrs", "the table's attributes column (table version 4)");
        b.param("force_dst", INT, "1", "0: ds_select_dst fails when $du is set already");
        b.param("flags", INT, "0", "bit 1: URI hashes over the user part only; bit 2: fail-over (the XAVPs for ds_next_dst)");
        b.param("use_default", INT, "0", "1: the last destination of a set is used only when all others are unusable");
        b.param("xavp_dst", STR, "_dsdst_", "the XAVP of the selected destinations (fields uri, grp, attrs, sock)");
        b.param("xavp_dst_mode", INT, "0", "bit 1: no attrs field; bit 2: a socket field with the socket attribute");
        b.param("xavp_ctx", STR, "_dsctx_", "the XAVP of the selection's context (field cnt)");
        b.param("xavp_ctx_mode", INT, "0", "bit 1: no cnt field");
        b.param("hash_pvar", STR, "", "the format algorithm 7 hashes (\"$fU@$ci\")");
        b.param("setid_pvname", STR, "", "a writable pseudo-variable ds_is_from_list() over every set sets to the matching set's id");
        b.param("attrs_pvname", STR, "", "a writable pseudo-variable ds_is_from_list() sets to the matching destination's attributes");
        b.param("ds_attrs_none", INT, "0", "1: destinations without attributes get \"none=yes\"");
        b.param("ds_db_extra_attrs", STR, "", "\"name=column;...\": more table columns appended to the attributes");
        b.param("ds_load_mode", INT, "0", "1: a destination that cannot be used fails the whole load (0: it is skipped)");
        b.param("reload_delta", INT, "5", "seconds between two reloads (one asked sooner is refused)");
        b.param("ds_default_socket", STR, "", "the socket (proto:ip:port of a listener) destinations without a socket attribute are sent from");
        b.paramOnly("ds_default_sockname", STR, "", "Sipway's listeners have no names: use ds_default_socket", "");
        b.paramOnly("ds_dns_mode", INT, "1", "host names are resolved once, when the list is loaded (1), or never (0)", "0", "1");
        b.paramWithoutEffect("ds_dns_interval", INT, "600", "host names are resolved when the list is loaded only (ds_dns_mode 1)");
        b.paramWithoutEffect("ds_dns_ttl", INT, "0", "host names are resolved when the list is loaded only (ds_dns_mode 1)");
        b.paramChecked("ds_ping_interval", INT, "0", "seconds between two rounds of pings (0: no probing)",
                v -> v.trim().matches("\\d+") ? null : "needs a number of seconds");
        b.paramChecked("ds_probing_mode", INT, "0", "who is pinged: 0 destinations with the probing flag (8), 1 all,"
                + " 2 flagged ones while inactive, 3 flagged ones only (replies for others ignored)",
                v -> v.trim().matches("[0-3]") ? null : "must be 0, 1, 2 or 3");
        b.param("ds_probing_threshold", INT, "1", "failed pings before a destination is inactive");
        b.param("ds_inactive_threshold", INT, "1", "good replies before an inactive destination is active again");
        b.param("ds_ping_method", STR, "OPTIONS", "the method of the pings");
        b.param("ds_ping_from", STR, "sip:dispatcher@localhost", "the From URI of the pings (the ping_from attribute overrides it)");
        b.param("ds_ping_reply_codes", STR, "", "replies that count as up besides 2xx: \"class=3;code=403;code=488\"");
        b.param("outbound_proxy", STR, "", "where the pings are sent (the obproxy attribute overrides it)");
        b.paramOnly("ds_ping_latency_stats", INT, "0", "latency statistics are not kept by Sipway", "0");
        b.paramWithoutEffect("ds_latency_estimator_alpha", INT, "900", NO_PROBING);
        b.paramWithoutEffect("ds_timer_mode", INT, "0", "Sipway's timers never block the proxy's processing");
        b.param("ds_hash_size", INT, "0", "above 0: calls are tracked by Call-ID for algorithm 10 (call load)");
        b.param("ds_hash_expire", INT, "7200", "seconds a confirmed call counts for its destination (algorithm 10)");
        b.param("ds_hash_initexpire", INT, "7200", "seconds a call not confirmed counts for its destination (algorithm 10)");
        b.param("ds_hash_check_interval", INT, "30", "seconds between the checks dropping expired calls (algorithm 10)");
        b.paramOnly("event_callback", STR, "", "KEMI event callbacks: Sipway runs native scripts only", "");
    }
}
