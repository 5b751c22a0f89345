package io.sipway.proxy.module.debugger;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.ActionTrace;
import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.log.KamailioLevel;
import io.sipway.proxy.log.ScriptLog;
import io.sipway.proxy.log.SyslogFacility;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.RpcExport;
import java.util.List;
import java.util.Locale;

/**
 * debugger (https://kamailio.org/docs/modules/5.6.x/modules/debugger.html): {@code cfgtrace} logs
 * each statement before it runs, as Kamailio 5.6.3 prints it ({@code ERROR: *** cfgtrace:dbg_cfg_trace():
 * request_route=[DEFAULT_ROUTE] c=[file] l=12 a=63 n=assign}; log_level, log_facility, log_prefix and
 * log_level_name shape the line); the RPC dbg.trace turns it on and off. The script is compiled with
 * trace nodes only when this module is loaded ({@link ActionTrace}); each costs a volatile read while
 * tracing is off. {@code dbg_sip_msg()} prints the request as it would be forwarded (without our Via),
 * with the headers the script added. Breakpoints and per-module log levels are not implemented:
 * {@code breakpoint} must stay 0 (then {@code dbg_breakpoint()} does nothing, as in Kamailio).
 */
public final class DebuggerModule {
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    private static final ScriptLog LOG = new ScriptLog("debugger");

    private DebuggerModule() {
    }

    /** The cfgtrace settings, read at start; {@code on} changed by dbg.trace. */
    static final class Trace implements ActionTrace {
        private final Core core;
        volatile boolean on;
        volatile KamailioLevel level = KamailioLevel.ERR;
        volatile int facility = SyslogFacility.DEFAULT;
        volatile String prefix = "*** cfgtrace:";
        volatile String levelName;

        Trace(Core core) {
            this.core = core;
        }

        @Override
        public void action(ScriptContext ctx, Action a) {
            if (!on || level.number() > core.debugLevel()) {
                return;
            }
            LOG.print(level, levelName, facility, prefix + "dbg_cfg_trace(): ",
                    routeKind(ctx.entryType()) + "=[" + a.route() + "] c=[" + a.file() + "] l=" + a.line() + " a=" + a.type()
                            + " n=" + a.name() + "\n");
        }
    }

    /** Kamailio's dbg_get_route_type_name for the kind of route the run started in. */
    static String routeKind(Ast.RouteType t) {
        if (t == null) {
            return "request_route";
        }
        return switch (t) {
            case FAILURE -> "failure_route";
            case ONREPLY, REPLY -> "onreply_route";
            case BRANCH -> "branch_route";
            case ONSEND -> "onsend_route";
            case EVENT -> "event_route";
            default -> "request_route";
        };
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("debugger", "https://kamailio.org/docs/modules/5.6.x/modules/debugger.html");
        Trace trace = new Trace(core);
        b.actionTrace(trace);
        b.param("cfgtrace", INT, "0", "1: each statement is logged before it runs (route, file, line, action type and name)");
        b.param("log_level", INT, "-1", "the level of the cfgtrace lines (L_ERR)");
        b.paramChecked("log_facility", STR, "", "the syslog facility of the cfgtrace lines",
                v -> SyslogFacility.of(v) >= 0 ? null : "unknown facility (" + SyslogFacility.names() + ")");
        b.param("log_prefix", STR, "*** cfgtrace:", "the text the cfgtrace lines start with");
        b.param("log_level_name", STR, "", "a name printed instead of the level's on the cfgtrace lines");
        b.paramOnly("breakpoint", INT, "0", "breakpoints (stepping through the script over RPC) are not implemented", "0");
        b.fn("dbg_breakpoint", 1, 1, ANY, args -> ctx -> 1)
                .summary("anchors a breakpoint: does nothing while breakpoints are off (breakpoint=0), as in Kamailio");
        b.fn("dbg_sip_msg", 0, 2, ANY, args -> {
            KamailioLevel level = args.isEmpty() ? KamailioLevel.INFO : level(args.get(0));
            int facility = args.size() < 2 ? SyslogFacility.DEFAULT : SyslogFacility.of(args.get(1).constantString());
            String line = args.isEmpty() || args.get(0).at() == null ? "unknown" : Integer.toString(args.get(0).at().line());
            String component = args.isEmpty() ? "debugger [debugger_mod.c:569]: w_dbg_sip_msg(): "
                    : "debugger [debugger_mod.c:576]: w_dbg_sip_msg(): ";
            return ctx -> {
                if (level.number() > core.debugLevel()) {
                    return 1;
                }
                LOG.print(level, facility, component, "CONFIG LINE " + line + "\n" + SipMsgDump.dump((MsgContext) ctx));
                return 1;
            };
        }).check(a -> {
            if (!a.isEmpty()) {
                if (!a.get(0).isConstant() || level(a.get(0)) == null) {
                    throw new FunctionSpec.BadArgument(a.get(0), "unknown log level (L_ALERT .. L_DBG or a number)");
                }
            }
            if (a.size() == 2 && (!a.get(1).isConstant() || SyslogFacility.of(a.get(1).constantString()) < 0)) {
                throw new FunctionSpec.BadArgument(a.get(1), "unknown facility (" + SyslogFacility.names() + ")");
            }
        }).summary("logs the message as it would be forwarded now (the script's changes applied), and the headers it added");
        java.util.concurrent.atomic.AtomicReference<List<String>> varNames = new java.util.concurrent.atomic.AtomicReference<>(List.of());
        b.fn("dbg_pv_dump", 0, 2, ANY, args -> {
            long mask = args.isEmpty() ? 31 : Long.parseLong(args.get(0).constantString().trim());
            KamailioLevel level = args.size() < 2 ? KamailioLevel.DBG : level(args.get(1));
            return ctx -> {
                if (level.number() > core.debugLevel()) {
                    return 1;
                }
                String json = PvDump.json((MsgContext) ctx, mask, varNames.get());
                LOG.print(level, SyslogFacility.DEFAULT, "debugger [debugger_json.c:415]: dbg_dump_json(): ", json + "\n");
                return 1;
            };
        }).check(a -> {
            if (!a.isEmpty() && (!a.get(0).isConstant() || !a.get(0).constantString().trim().matches("\\d+"))) {
                throw new FunctionSpec.BadArgument(a.get(0), "the mask is a number (1 null values, 2 $avp, 4 $var, 8 $xavp)");
            }
            if (a.size() == 2 && (!a.get(1).isConstant() || level(a.get(1)) == null)) {
                throw new FunctionSpec.BadArgument(a.get(1), "unknown log level (L_ALERT .. L_DBG or a number)");
            }
        }).summary("logs the values of the script's $avp, $var and $xavp as JSON (mask: 2 $avp, 4 $var, 8 $xavp; level, L_DBG)");
        b.rpc("dbg.trace", "turns cfgtrace on or off: on, off", params -> {
            if (params.isEmpty()) {
                throw new RpcExport.RpcException(500, "Config trace command missing");
            }
            String s = String.valueOf(params.get(0)).toLowerCase(Locale.ROOT);
            if (s.equals("on")) {
                trace.on = true;
            } else if (s.equals("off")) {
                trace.on = false;
            } else {
                throw new RpcExport.RpcException(500, "Unknown trace command");
            }
            return "200 ok";
        });
        b.rpc("dbg.ls", "the debugger's state: one entry, the proxy's process (set: 1 while cfgtrace is on)", params -> {
            java.util.Map<String, Object> entry = new java.util.LinkedHashMap<>();
            entry.put("entry", 0);
            entry.put("pid", ProcessHandle.current().pid());
            entry.put("set", trace.on ? 1 : 0);
            entry.put("state", 0);
            entry.put("in.pid", 0);
            entry.put("in.cmd", 0);
            return List.of(entry);
        });
        b.onStart((script, host) -> {
            varNames.set(script.varNames());
            trace.on = !core.modparam("debugger", "cfgtrace", "0").trim().equals("0");
            trace.level = KamailioLevel.of(Long.parseLong(core.modparam("debugger", "log_level", "-1").trim()));
            String f = core.modparam("debugger", "log_facility", "").trim();
            trace.facility = f.isEmpty() ? SyslogFacility.DEFAULT : SyslogFacility.of(f);
            trace.prefix = core.modparam("debugger", "log_prefix", "*** cfgtrace:");
            String name = core.modparam("debugger", "log_level_name", "");
            trace.levelName = name.isEmpty() ? null : name;
        });
        return b.build();
    }

    /** A level as dbg_sip_msg takes it: a name (L_ERR) or Kamailio's number; null otherwise. */
    static KamailioLevel level(Arg a) {
        String s = a.constantString().trim();
        if (s.matches("-?\\d+")) {
            return KamailioLevel.of(Long.parseLong(s));
        }
        return s.startsWith("L_") ? KamailioLevel.ofXlogName(s) : null;
    }

}
