package io.sipway.cfg;

import java.util.Map;

/**
 * Who is told of each statement a script runs, before it runs (Kamailio's debugger module:
 * {@code cfgtrace}, breakpoints). The host hands one to the compiler ({@link ScriptHost#actionTrace()})
 * only when a module that follows actions is loaded: a script without one compiles to the plain
 * action tree and pays nothing. The trace itself decides, per call, whether it is on.
 */
@FunctionalInterface
public interface ActionTrace {
    /** The statement {@code action} is about to run on {@code ctx}; on the thread running the script, must not block. */
    void action(ScriptContext ctx, Action action);

    /**
     * One statement as Kamailio's debugger names it: the block it is written in ({@code route}:
     * {@code DEFAULT_ROUTE} for request_route and reply_route, else the block's name), its file and
     * line, Kamailio's action type number ({@code route_struct.h}'s enum action_type: 63 assign, 16 if,
     * 5 route, 2 drop/exit/return/break, 24+n a module function with n constant arguments...) and name.
     */
    record Action(Ast.RouteType blockType, String route, String file, int line, int type, String name) {
    }

    /** Kamailio's action type numbers of the core's functions that are actions of their own. */
    Map<String, Integer> CORE_ACTIONS = Map.ofEntries(
            Map.entry("forward", 1), Map.entry("log", 3), Map.entry("error", 4), Map.entry("exec", 6),
            Map.entry("rewritehost", 7), Map.entry("sethost", 7), Map.entry("seth", 7),
            Map.entry("rewritehostport", 8), Map.entry("sethostport", 8), Map.entry("sethp", 8),
            Map.entry("rewriteuser", 9), Map.entry("setuser", 9), Map.entry("setu", 9),
            Map.entry("rewriteuserpass", 10), Map.entry("setuserpass", 10), Map.entry("setup", 10),
            Map.entry("rewriteport", 11), Map.entry("setport", 11), Map.entry("setp", 11),
            Map.entry("rewriteuri", 12), Map.entry("seturi", 12),
            Map.entry("rewritehostporttrans", 13), Map.entry("sethostporttrans", 13), Map.entry("sethpt", 13),
            Map.entry("userphone", 15), Map.entry("len_gt", 43), Map.entry("prefix", 44), Map.entry("strip", 45),
            Map.entry("strip_tail", 46), Map.entry("setflag", 39), Map.entry("resetflag", 40), Map.entry("isflagset", 41),
            Map.entry("append_branch", 47), Map.entry("remove_branch", 48), Map.entry("clear_branches", 49),
            Map.entry("revert_uri", 50), Map.entry("forward_tcp", 51), Map.entry("forward_udp", 52),
            Map.entry("forward_tls", 53), Map.entry("forward_sctp", 54), Map.entry("force_rport", 55),
            Map.entry("add_rport", 55), Map.entry("add_local_rport", 56), Map.entry("set_advertised_address", 57),
            Map.entry("set_advertised_port", 58), Map.entry("force_tcp_alias", 59), Map.entry("add_tcp_alias", 59),
            Map.entry("force_send_socket", 62), Map.entry("set_forward_no_connect", 66), Map.entry("set_reply_no_connect", 67),
            Map.entry("set_forward_close", 68), Map.entry("set_reply_close", 69));
}
