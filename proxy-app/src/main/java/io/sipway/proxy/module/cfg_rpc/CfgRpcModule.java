package io.sipway.proxy.module.cfg_rpc;

import io.sipway.cfg.CfgVars;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.RpcExport.RpcException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cfg_rpc (https://kamailio.org/docs/modules/5.6.x/modules/cfg_rpc.html): RPC commands over the
 * runtime configuration framework, here the script's own cfg variables ({@code pstn.gw_ip = ""}):
 * cfg.get, cfg.set/seti/sets and their set_now_* names, cfg.help, cfg.list. A change is seen by the
 * next message. Parameters are read as Kamailio's JSON-RPC scan reads them (checked against 5.6.3):
 * a missing one makes the command do nothing and answer an empty result, an integer read from a
 * string is 0, one beyond 32 bits is INT_MIN; hence cfg.set of a string sets 0 (use cfg.sets).
 * Kamailio's core and module groups (tm, registrar...) are not cfg variables here: "Failed to get
 * the variable". No delayed changes (cfg.set_delayed, cfg.commit...) nor group instances.
 */
public final class CfgRpcModule {
    private static final String SET_FAILED = "Failed to set the variable";

    private CfgRpcModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("cfg_rpc", "https://kamailio.org/docs/modules/5.6.x/modules/cfg_rpc.html");
        String setNow = "sets a cfg variable now (the next message sees it)";
        b.rpc("cfg.set", setNow + " to an integer: a string parameter counts as 0, as in Kamailio (strings go with cfg.sets)",
                p -> set(core, p, p.size() > 2 ? (Object) (long) integer(p.get(2)) : null));
        for (String name : new String[] {"cfg.seti", "cfg.set_now_int"}) {
            b.rpc(name, setNow + " to an integer", p -> set(core, p, p.size() > 2 ? (Object) (long) integer(p.get(2)) : null));
        }
        for (String name : new String[] {"cfg.sets", "cfg.set_now_string"}) {
            b.rpc(name, setNow + " to a string", p -> set(core, p, p.size() > 2 && p.get(2) instanceof String s ? s : null));
        }
        b.rpc("cfg.get", "the value of group.var, or every variable of a group", p -> get(core, p));
        b.rpc("cfg.help", "a cfg variable's type", p -> help(core, p));
        b.rpc("cfg.list", "every cfg variable as 'group: var' (of one group when given)", p -> list(core, p));
        return b.build();
    }

    private static CfgVars vars(Core core) {
        return core.script() == null ? null : core.script().cfgVars();
    }

    private static CfgVars.Var var(Core core, String group, String name) {
        CfgVars vars = vars(core);
        return vars == null || group == null || name == null ? null : vars.get(group, name);
    }

    /** A string parameter (Kamailio's 'S' scan), or null when missing or not a string. */
    private static String string(List<Object> p, int i) {
        return p.size() > i && p.get(i) instanceof String s ? s : null;
    }

    /** Kamailio's 'd' scan of a JSON value: a number as a C int (out of range: INT_MIN), anything else 0. */
    private static int integer(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE ? (int) d : Integer.MIN_VALUE;
        }
        return 0;
    }

    private static Object set(Core core, List<Object> p, Object value) throws RpcException {
        String group = string(p, 0);
        String name = string(p, 1);
        if (group == null || name == null || value == null) {
            return null; // Kamailio's scan came short: nothing done, nothing said
        }
        CfgVars.Var v = var(core, group, name);
        if (v == null) {
            throw new RpcException(400, SET_FAILED);
        }
        try {
            v.set(value);
        } catch (IllegalArgumentException e) {
            throw new RpcException(400, SET_FAILED);
        }
        return null;
    }

    private static Object get(Core core, List<Object> p) throws RpcException {
        String group = string(p, 0);
        if (group == null || p.size() > 1 && string(p, 1) == null) {
            throw new RpcException(500, "Failed to get the parameters");
        }
        if (p.size() > 1) {
            CfgVars.Var v = var(core, group, string(p, 1));
            if (v == null) {
                throw new RpcException(400, "Failed to get the variable");
            }
            return v.value();
        }
        Map<String, Object> all = new LinkedHashMap<>();
        CfgVars vars = vars(core);
        if (vars != null) {
            vars.group(group).forEach((n, v) -> all.put(n, v.value()));
        }
        return all;
    }

    /** What Kamailio's JSON-RPC shows of cfg.help: only its last line, the type (the description is replaced by it). */
    private static Object help(Core core, List<Object> p) throws RpcException {
        String group = string(p, 0);
        String name = string(p, 1);
        if (group == null || name == null) {
            return null;
        }
        CfgVars.Var v = var(core, group, name);
        if (v == null) {
            throw new RpcException(400, "Failed to get the variable description");
        }
        return v.type() == CfgVars.Type.INT ? "(parameter type is integer)" : "(parameter type is string)";
    }

    /** Groups newest first (Kamailio keeps them in a list it prepends to), variables in declaration order. */
    private static Object list(Core core, List<Object> p) {
        String only = string(p, 0);
        List<Object> out = new ArrayList<>();
        CfgVars vars = vars(core);
        if (vars == null) {
            return out;
        }
        List<CfgVars.Var> all = vars.all();
        List<String> groups = new ArrayList<>();
        for (CfgVars.Var v : all) {
            if (!groups.contains(v.group())) {
                groups.add(0, v.group());
            }
        }
        for (String g : groups) {
            if (only == null || only.equals(g)) {
                vars.group(g).keySet().forEach(n -> out.add(g + ": " + n));
            }
        }
        return out;
    }
}
