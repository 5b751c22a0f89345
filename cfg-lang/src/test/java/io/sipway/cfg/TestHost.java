package io.sipway.cfg;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small host for the language's own tests: a handful of Kamailio functions that record their
 * calls in the context and return what the test asks for, and pseudo-variables kept in a map.
 */
class TestHost implements ScriptHost {
    /** The context the tests run: what was called, in order, and the values of the host's pseudo-variables. */
    static final class Ctx extends ScriptContext {
        final List<String> calls = new ArrayList<>();
        final Map<String, Object> pvs = new HashMap<>();
        final Map<String, Long> results = new HashMap<>();

        Ctx set(String pv, Object value) {
            pvs.put(pv, value);
            return this;
        }

        Ctx returns(String function, long rc) {
            results.put(function, rc);
            return this;
        }
    }

    private final Map<String, FunctionSpec> functions = new HashMap<>();

    TestHost() {
        recorder("sl", "sl_send_reply", 2, 2);
        recorder("sl", "sl_reply_error", 0, 0);
        recorder("tm", "t_relay", 0, 2);
        recorder("tm", "t_check_trans", 0, 0);
        functions.put("t_on_failure", FunctionSpec.of("tm", "t_on_failure", 1, 1, args -> record("t_on_failure", args))
                .armsRoute(Ast.RouteType.FAILURE));
        functions.put("t_on_branch", FunctionSpec.of("tm", "t_on_branch", 1, 1, args -> record("t_on_branch", args))
                .armsRoute(Ast.RouteType.BRANCH).acceptingExpressions());
        functions.put("t_on_reply", FunctionSpec.of("tm", "t_on_reply", 1, 1, args -> record("t_on_reply", args))
                .armsRoute(Ast.RouteType.ONREPLY));
        // a function that may wait, as a database query does (no module: always there)
        functions.put("wait_for_db", FunctionSpec.of(null, "wait_for_db", 0, 1, args -> record("wait_for_db", args)).thatMayWait());
        recorder("rr", "record_route", 0, 1);
        recorder("rr", "loose_route", 0, 0);
        recorder("maxfwd", "mf_process_maxfwd_header", 1, 2);
        recorder("siputils", "has_totag", 0, 0);
        recorder("textops", "is_method", 1, 1);
        recorder("textops", "append_hf", 1, 2);
        recorder("xlog", "xlog", 1, 3);
        functions.put("force_rport", FunctionSpec.of(null, "force_rport", 0, 0, args -> record("force_rport", args))
                .onlyIn(Ast.RouteType.REQUEST, Ast.RouteType.ROUTE, Ast.RouteType.FAILURE, Ast.RouteType.BRANCH));
        functions.put("setflag", FunctionSpec.of(null, "setflag", 1, 1, args -> {
            long flag = (Long) args.get(0).constant();
            if (flag < 0 || flag > 31) {
                throw new IllegalArgumentException("flag " + flag + " out of range 0..31");
            }
            return record("setflag", args);
        }));
    }

    private void recorder(String module, String name, int min, int max) {
        functions.put(name, FunctionSpec.of(module, name, min, max, args -> record(name, args)));
    }

    /** The bound call appends "name(arg,...)" to the context's calls and returns the context's chosen result (default 1). */
    private static ScriptFunction record(String name, List<Arg> args) {
        return ctx -> {
            Ctx c = (Ctx) ctx;
            StringBuilder b = new StringBuilder(name).append('(');
            for (int i = 0; i < args.size(); i++) {
                b.append(i == 0 ? "" : ",").append(args.get(i).get(ctx));
            }
            c.calls.add(b.append(')').toString());
            return c.results.getOrDefault(name, 1L);
        };
    }

    @Override
    public Set<String> implementedModules() {
        return Set.of("tm", "sl", "rr", "maxfwd", "siputils", "textops", "xlog", "pv");
    }

    @Override
    public FunctionSpec function(String name) {
        return functions.get(name);
    }

    private static final Set<String> WRITABLE = Set.of("ru", "rU", "du", "fs", "avp");
    private static final Set<String> READABLE = Set.of("ru", "rU", "rd", "du", "rm", "si", "sp", "fu", "tu", "rs", "avp", "hdr", "pr", "ua");

    @Override
    public Pv pseudoVariable(PvName name) {
        if (!READABLE.contains(name.name())) {
            return null;
        }
        if ((name.name().equals("hdr") || name.name().equals("avp")) && name.inner() == null) {
            throw new IllegalArgumentException("needs a name in parentheses");
        }
        String key = name.inner() == null ? name.name() : name.name() + "(" + name.inner() + ")";
        boolean writable = WRITABLE.contains(name.name());
        return new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                return ((Ctx) ctx).pvs.get(key);
            }

            @Override
            public boolean writable() {
                return writable;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                ((Ctx) ctx).pvs.put(key, value);
            }
        };
    }

    @Override
    public boolean moduleParameter(String module, String parameter) {
        return !module.equals("tm") || Set.of("fr_timer", "fr_inv_timer").contains(parameter);
    }

    @Override
    public boolean globalParameter(String name) {
        return Set.of("debug", "log_stderror", "children", "listen", "tcp_connection_match", "max_while_loops", "alias", "port")
                .contains(name);
    }

    private static final Map<String, String> KEYWORDS = Map.of("method", "rm", "uri", "ru", "src_ip", "si", "src_port", "sp",
            "from_uri", "fu", "to_uri", "tu", "status", "rs", "proto", "pr");

    @Override
    public ValueSource matchKeyword(String keyword) {
        String pv = KEYWORDS.get(keyword);
        return pv == null ? null : ctx -> ((Ctx) ctx).pvs.get(pv);
    }

    /** myself: host 127.0.0.1 or sipway.test, any port. */
    @Override
    public boolean isMyself(ScriptContext ctx, String keyword, Object value) {
        String s = String.valueOf(value);
        return s.contains("127.0.0.1") || s.contains("sipway.test");
    }
}
