package io.sipway.proxy.module.tm;

import static io.sipway.proxy.module.Routes.ANY;
import static io.sipway.proxy.module.Routes.B;
import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.O;
import static io.sipway.proxy.module.Routes.R;
import static io.sipway.proxy.module.Routes.TO;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.PosixRegex;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.RouteRef;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import java.util.List;
import java.util.regex.Pattern;

/**
 * tm (https://kamailio.org/docs/modules/5.6.x/modules/tm.html): the script's side of the
 * transaction layer ({@code io.sipway.tm}): relaying statefully, arming failure/reply/branch
 * routes, timers, replies and the transaction's state.
 */
public final class TmModule {
    private static final String DOC = "https://kamailio.org/docs/modules/5.6.x/modules/tm.html";

    private static final String[] TM_STATS = {"current", "waiting", "total", "total_local", "rpl_received", "rpl_generated",
        "rpl_sent", "6xx", "5xx", "4xx", "3xx", "2xx", "created", "freed", "delayed_free"};

    private TmModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("tm", DOC);
        int inTx = R | TO | F | B;
        b.fn("t_check_trans", 0, 0, R | O | B, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            return switch (core.tm().check(m.msg, m.from)) {
                case NOT_FOUND -> -1;
                case RETRANSMISSION, ACK_ABSORBED -> 0;
                case FOUND_FOR_CANCEL -> 1;
            };
        }).summary("a retransmission is answered from its transaction and ends the script; a CANCEL finds its INVITE");
        b.fn("t_newtran", 0, 0, R, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            if (core.transaction(m) != null) {
                return 1;
            }
            return m.serError == Core.E_OUT_OF_MEM ? Core.E_OUT_OF_MEM : 0; // refused for memory, else a retransmission
        })
                .summary("creates the transaction of the request");
        b.fn("t_relay", 0, 2, R | F, args -> ctx -> core.relay((MsgContext) ctx)).arities(0, 2)
                .check(a -> port(a, 1)).summary("relays the request statefully to $du, else the R-URI, and each branch");
        for (String proto : new String[] {"udp", "tcp", "tls"}) {
            b.fn("t_relay_to_" + proto, 0, 2, R | F, args -> {
                Format host = args.isEmpty() ? null : Format.of(args.get(0));
                Format port = args.size() < 2 ? null : Format.of(args.get(1));
                return ctx -> {
                    MsgContext m = (MsgContext) ctx;
                    if (host != null) {
                        m.du = "sip:" + host.apply(ctx) + (port == null ? "" : ":" + port.apply(ctx)) + ";transport=" + proto;
                    }
                    return core.relay(m);
                };
            }).arities(0, 2).check(a -> port(a, 1)).summary("t_relay over " + proto + ", to host and port when given");
        }
        b.fn("t_reply", 2, 2, R | O | F, args -> {
            Format code = Format.of(args.get(0));
            Format reason = Format.of(args.get(1));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                if (core.transaction(m) == null) {
                    return m.serError == Core.E_OUT_OF_MEM ? Core.E_OUT_OF_MEM : 0;
                }
                if (m.forceRport) {
                    m.st.forceRport(true); // force_rport() after t_newtran(): still this reply's
                }
                core.tm().reply(m.st, (int) Format.num(code.apply(ctx)), reason.apply(ctx));
                return 1;
            };
        }).check(a -> Fixups.replyCode(a.get(0))).summary("replies statefully, creating the transaction if needed");
        // the t_on_* functions take their route's handle once, here; arming it per message is a store
        b.fn("t_on_failure", 1, 1, R | F | TO | B, args -> {
            RouteRef route = armed(core, Ast.RouteType.FAILURE, args.get(0));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                m.failureRoute = route;
                if (m.st != null) {
                    m.st.failureRoute = route;
                }
                return 1;
            };
        }).arms(Ast.RouteType.FAILURE).summary("arms failure_route[name] for a negative final reply or a timeout");
        b.fn("t_on_reply", 1, 1, R | F | TO | B, args -> {
            RouteRef route = armed(core, Ast.RouteType.ONREPLY, args.get(0));
            return ctx -> {
                ((MsgContext) ctx).onReplyRoute = route;
                return 1;
            };
        }).arms(Ast.RouteType.ONREPLY).summary("arms onreply_route[name] for the transaction's replies");
        b.fn("t_on_branch", 1, 1, R | F, args -> {
            RouteRef route = armed(core, Ast.RouteType.BRANCH, args.get(0));
            return ctx -> {
                ((MsgContext) ctx).branchRoute = route;
                return 1;
            };
        }).arms(Ast.RouteType.BRANCH).summary("arms branch_route[name] for each branch of the next t_relay");
        b.fn("t_set_fr", 1, 2, inTx, args -> {
            Millis inv = millis(args.get(0));
            Millis nonInv = args.size() > 1 ? millis(args.get(1)) : ctx -> 0;
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                long i = inv.get(ctx);
                long n = nonInv.get(ctx);
                if (m.st != null) {
                    core.tm().setFr(m.st, i, n); // this transaction, its running branches too
                } else {
                    // for the transaction t_relay (or t_newtran) creates; 0 keeps the module's value
                    m.frInvTimeout = i > 0 ? i : m.frInvTimeout;
                    m.frTimeout = n > 0 ? n : m.frTimeout;
                }
                return 1;
            };
        }).x().check(a -> a.forEach(x -> Fixups.range(x, "the time", 0, Integer.MAX_VALUE)))
                .summary("fr_inv_timer (and fr_timer) of this transaction, in ms");
        b.fn("t_reset_fr", 0, 0, inTx, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            if (m.st != null) {
                core.tm().resetFr(m.st);
            } else {
                m.frInvTimeout = 0;
                m.frTimeout = 0;
            }
            return 1;
        }).summary("back to the module's fr_timer and fr_inv_timer");
        // failure_route: how the failed branch ended; elsewhere false, as in Kamailio
        b.fn("t_branch_timeout", 0, 0, F | R, args -> ctx -> ((MsgContext) ctx).branchTimedOut ? 1 : -1)
                .summary("in failure_route: the branch ended by a timeout");
        b.fn("t_branch_replied", 0, 0, F | R, args -> ctx -> ((MsgContext) ctx).branchReplied ? 1 : -1)
                .summary("in failure_route: the branch got a reply");
        b.fn("t_any_timeout", 0, 0, inTx, args -> ctx -> st(ctx) != null && st(ctx).anyTimedOut() ? 1 : -1)
                .summary("some branch of the transaction timed out");
        b.fn("t_any_replied", 0, 0, inTx, args -> ctx -> st(ctx) != null && st(ctx).anyReplied() ? 1 : -1)
                .summary("some branch of the transaction got a reply");
        b.fn("t_is_canceled", 0, 0, inTx, args -> ctx -> st(ctx) != null && st(ctx).canceled() ? 1 : -1)
                .summary("the transaction was canceled");
        b.fn("t_check_status", 1, 1, R | F | O, args -> {
            Pattern p = PosixRegex.compile(args.get(0).constantString(), 0); // POSIX, as Kamailio
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                int code = m.reply != null ? m.reply.statusCode() : m.st != null ? m.st.bestCode() : 0;
                return p.matcher(Integer.toString(code)).matches() ? 1 : -1;
            };
        }).summary("the reply's (or the best reply's) status matches the regex");
        b.fn("t_is_set", 1, 1, ANY, args -> {
            String target = args.get(0).constantString();
            if (!List.of("branch_route", "failure_route", "onreply_route").contains(target)) {
                throw new FunctionSpec.BadArgument(args.get(0), "is branch_route, failure_route or onreply_route, not '" + target + "'");
            }
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                boolean set = switch (target) {
                    case "branch_route" -> m.branchRoute != null;
                    case "failure_route" -> m.failureRoute != null || (m.st != null && m.st.failureRoute != null);
                    default -> m.onReplyRoute != null || (m.st != null && m.st.onReplyRoute != null);
                };
                return set ? 1 : -1;
            };
        }).summary("a route of that kind is armed");
        b.rpc("tm.stats", "the transaction counters (current, waiting, total, 2xx..6xx...)", params -> {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            for (String name : TM_STATS) {
                m.put(name, core.tm().stat(name));
            }
            return m;
        });
        params(b);
        return b.build();
    }

    private static void params(ModuleExports.Builder b) {
        String settings = "tm's TmSettings, for every transaction";
        b.param("fr_timer", ParamExport.Type.INT, "30000", settings + ": ms a branch waits for a final reply (none provisional yet)");
        b.param("fr_inv_timer", ParamExport.Type.INT, "120000", settings + ": ms an INVITE branch waits for a final reply after a provisional");
        b.param("retr_timer1", ParamExport.Type.INT, "500", settings + ": T1, the first UDP retransmission interval");
        b.param("retr_timer2", ParamExport.Type.INT, "4000", settings + ": T2, the longest UDP retransmission interval");
        b.param("wt_timer", ParamExport.Type.INT, "5000", settings + ": ms a finished transaction is kept for retransmissions");
        b.param("auto_inv_100", ParamExport.Type.INT, "1", settings + ": t_relay answers 100 Trying to an INVITE");
        b.param("restart_fr_on_each_reply", ParamExport.Type.INT, "1", settings + ": every provisional restarts fr_inv_timer");
        b.param("aggregate_challenges", ParamExport.Type.INT, "1", settings + ": several 401/407 go up as one reply");
        b.param("remap_503_500", ParamExport.Type.INT, "1", settings + ": a winning 503 goes up as 500");
        b.param("faked_reply_prio", ParamExport.Type.INT, "0", settings + ": priority of tm's own 408 in reply selection");
        b.param("reparse_invite", ParamExport.Type.INT, "1", settings
                + ": tm's CANCEL and ACK are cut from the INVITE as sent (0: written from the request received, with user_agent_header)");
        b.paramWithoutEffect("failure_reply_mode", ParamExport.Type.INT, "3",
                "Sipway's failure_route always picks among the replies of the leg that failed");
    }

    private static io.sipway.tm.ServerTransaction st(ScriptContext ctx) {
        return ((MsgContext) ctx).st;
    }

    private static void port(List<Arg> a, int index) {
        if (a.size() > index) {
            Fixups.range(a.get(index), "the port", 0, 65535);
        }
    }

    /** The route a t_on_* call names ({@code "0"}: none), its handle taken at load time. */
    private static RouteRef armed(Core core, Ast.RouteType type, Arg name) {
        String n = name.constantString();
        return n.equals("0") ? null : core.route(type, n);
    }

    /** A time argument in ms: a constant read once, or a pseudo-variable read per call. */
    private interface Millis {
        long get(ScriptContext ctx);
    }

    private static Millis millis(Arg a) {
        if (a.isConstant()) {
            long v = a.constant() instanceof Long n ? n : Format.num(a.constantString());
            return ctx -> v;
        }
        return ctx -> {
            Object v = a.get(ctx);
            return v instanceof Long n ? n : v == null ? 0 : Format.num(v.toString());
        };
    }
}
