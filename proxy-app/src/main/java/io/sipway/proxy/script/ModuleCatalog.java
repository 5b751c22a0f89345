package io.sipway.proxy.script;

import io.sipway.cfg.Ast;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What Kamailio 5.6 offers a kamailio.cfg, as metadata for check mode ({@code sipway -c}): the
 * modules Sipway knows, their script functions (arity, the route kinds they may be used in, the
 * route kind their first argument names), the pseudo-variables (whether they take a name in
 * parentheses, whether a script may assign them), the core global parameters and the old-style
 * match keywords. Nothing here runs; {@link CheckHost} turns it into a {@link io.sipway.cfg.ScriptHost}.
 *
 * <p>Sources: each module's {@code cmd_export_t cmds[]} (which is what Kamailio itself checks a
 * call against) and its README ("This function can be used from ..."), the 5.6 core and
 * pseudo-variable cookbooks, and the core lexer {@code src/core/cfg.lex}. The URL next to each
 * block is the 5.6 page of that module. Where the stored source was newer or older than 5.6 the
 * union is kept (a valid 5.6 script must not be refused); functions known to be newer than 5.6
 * are left out.
 *
 * <p>Route kinds follow Kamailio's flags: {@code REQUEST_ROUTE} also covers {@code event_route}
 * (Kamailio defines {@code EVENT_ROUTE} as {@code REQUEST_ROUTE}), {@code ONREPLY_ROUTE} is both
 * the core {@code reply_route} ({@link Ast.RouteType#REPLY}) and tm's named
 * {@code onreply_route} ({@link Ast.RouteType#ONREPLY}), {@code LOCAL_ROUTE} and
 * {@code BRANCH_FAILURE_ROUTE} run as event routes. Every function is allowed in
 * {@link Ast.RouteType#ROUTE}: a sub-route runs as the kind of the route that calls it.
 */
public final class ModuleCatalog {

    /** Whether a pseudo-variable takes a name in parentheses ({@code $hdr(Via)}). */
    public enum Inner { NONE, REQUIRED, OPTIONAL }

    /** A script function; {@code module} is null for core functions, {@code armsRoute} null unless its first argument names a route. */
    public record FunctionDecl(String module, String name, int minArgs, int maxArgs, Set<Ast.RouteType> routes,
                               Ast.RouteType armsRoute) {
        public FunctionDecl {
            Objects.requireNonNull(name);
            routes = Collections.unmodifiableSet(EnumSet.copyOf(routes));
            if (minArgs < 0 || maxArgs < minArgs) {
                throw new IllegalArgumentException(name + ": bad arity " + minArgs + ".." + maxArgs);
            }
        }

        public boolean allowedIn(Ast.RouteType type) {
            return routes.contains(type);
        }
    }

    /** A pseudo-variable, by its name without the {@code $}. */
    public record PvDecl(String name, Inner inner, boolean writable) {
        public PvDecl {
            Objects.requireNonNull(name);
            Objects.requireNonNull(inner);
        }
    }

    /** A transformation ({@code {uri.user}}, {@code {param.value,name}}) and how many parameters it takes. */
    public record TransformationDecl(String name, int minParams, int maxParams) {
    }

    // Kamailio's route flags (src/core/route.h), combined as in the modules' cmds[] tables.
    private static final int R = 1;       // REQUEST_ROUTE (= EVENT_ROUTE)
    private static final int F = 1 << 1;  // FAILURE_ROUTE
    private static final int TO = 1 << 2; // TM_ONREPLY_ROUTE: onreply_route[name]
    private static final int B = 1 << 3;  // BRANCH_ROUTE
    private static final int S = 1 << 4;  // ONSEND_ROUTE
    private static final int L = 1 << 6;  // LOCAL_ROUTE: event_route[tm:local-request]
    private static final int CO = 1 << 7; // CORE_ONREPLY_ROUTE: reply_route
    private static final int O = TO | CO; // ONREPLY_ROUTE
    private static final int ANY = -1;

    private static final ModuleCatalog KAMAILIO = build();

    private final Set<String> modules;
    private final Map<String, FunctionDecl> functions;
    private final Map<String, int[]> arities;
    private final Set<String> expressionFunctions;
    private final Map<String, PvDecl> pvs;
    private final Map<String, Set<String>> pvKeys;
    private final Map<String, Set<String>> moduleParameters;
    private final Set<String> globalParameters;
    private final Set<String> matchKeywords;
    private final Map<String, TransformationDecl> transformations;

    private ModuleCatalog(Builder b) {
        this.modules = Collections.unmodifiableSet(new LinkedHashSet<>(b.modules));
        this.functions = Collections.unmodifiableMap(new LinkedHashMap<>(b.functions));
        this.arities = Collections.unmodifiableMap(new LinkedHashMap<>(b.arities));
        this.expressionFunctions = Collections.unmodifiableSet(new LinkedHashSet<>(b.expressionFunctions));
        this.pvs = Collections.unmodifiableMap(new LinkedHashMap<>(b.pvs));
        this.pvKeys = Collections.unmodifiableMap(new LinkedHashMap<>(b.pvKeys));
        this.moduleParameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.moduleParameters));
        this.globalParameters = Collections.unmodifiableSet(new LinkedHashSet<>(b.globalParameters));
        this.matchKeywords = Collections.unmodifiableSet(new LinkedHashSet<>(b.matchKeywords));
        this.transformations = Collections.unmodifiableMap(new LinkedHashMap<>(b.transformations));
    }

    /** The catalog of Kamailio 5.6 for the modules Sipway knows. */
    public static ModuleCatalog kamailio() {
        return KAMAILIO;
    }

    /** Module names, as loadmodule names them (without ".so"). */
    public Set<String> modules() {
        return modules;
    }

    /** The function with this name, or null. */
    public FunctionDecl function(String name) {
        return functions.get(name);
    }

    /** Every function, core ones included. */
    public Collection<FunctionDecl> functions() {
        return functions.values();
    }

    /**
     * Whether Kamailio has a variant of the function with {@code n} arguments. Most functions
     * take any count from min to max; a few skip some ({@code t_relay()} or
     * {@code t_relay(host, port)}, never one argument).
     */
    public boolean acceptsArgCount(String function, int n) {
        FunctionDecl f = functions.get(function);
        if (f == null || n < f.minArgs() || n > f.maxArgs()) {
            return false;
        }
        int[] exact = arities.get(function);
        if (exact == null) {
            return true;
        }
        for (int a : exact) {
            if (a == n) {
                return true;
            }
        }
        return false;
    }

    /** The argument counts of a function with gaps ({@code [0, 2]}), or null when every count from min to max is fine. */
    public int[] exactArgCounts(String function) {
        int[] a = arities.get(function);
        return a == null ? null : a.clone();
    }

    /**
     * Whether the function takes pseudo-variables and expressions as arguments. In Kamailio that
     * is so when its fixup is one of the generic ones of mod_fix (or it has none, or a free
     * function): {@code is_myself("sip:" + $rd)} passes, {@code sl_send_reply($var(c), "x")} is
     * "parameter 1 is not constant".
     */
    public boolean acceptsExpressions(String function) {
        return expressionFunctions.contains(function);
    }

    /** The pseudo-variable with this name (without {@code $}), or null. */
    public PvDecl pv(String name) {
        return pvs.get(name);
    }

    /** Every pseudo-variable. */
    public Collection<PvDecl> pvs() {
        return pvs.values();
    }

    /**
     * The names a pseudo-variable accepts in parentheses when they are a fixed set
     * ({@code $time(year)}, {@code $snd(ip)}), or null when any name goes.
     */
    public Set<String> pvKeys(String name) {
        return pvKeys.get(name);
    }

    /** Whether {@code name = value} is a core global parameter. */
    public boolean globalParameter(String name) {
        return globalParameters.contains(name);
    }

    /** The core global parameters, aliases included. */
    public Set<String> globalParameters() {
        return globalParameters;
    }

    /**
     * Whether the module has that modparam. True for modules whose parameter list is not in the
     * catalog (their modparams are not checked).
     */
    public boolean moduleParameter(String module, String parameter) {
        Set<String> p = moduleParameters.get(module);
        return p == null || p.contains(parameter);
    }

    /** The modules whose modparams are checked. */
    public Set<String> modulesWithKnownParameters() {
        return moduleParameters.keySet();
    }

    /** The old-style match keywords of conditions ({@code method == "INVITE"}, {@code src_ip == 1.2.3.4}). */
    public Set<String> matchKeywords() {
        return matchKeywords;
    }

    /** The transformation with this name ({@code uri.user}), or null. */
    public TransformationDecl transformation(String name) {
        return transformations.get(name);
    }

    /** Every transformation. */
    public Collection<TransformationDecl> transformations() {
        return transformations.values();
    }

    // ---- the data --------------------------------------------------------------------------------

    private static ModuleCatalog build() {
        Builder b = new Builder();
        core(b);
        tm(b);
        tmx(b);
        sl(b);
        rr(b);
        maxfwd(b);
        textops(b);
        textopsx(b);
        siputils(b);
        pv(b);
        xlog(b);
        sanity(b);
        registrar(b);
        usrloc(b);
        nathelper(b);
        websocket(b);
        xhttp(b);
        tls(b);
        kex(b);
        corex(b);
        jsonrpcs(b);
        ctl(b);
        cfgRpc(b);
        acc(b);
        counters(b);
        cfgutils(b);
        htable(b);
        coreParameters(b);
        transformations(b);
        b.matchKeywords("method", "uri", "from_uri", "to_uri", "src_ip", "src_port", "dst_ip", "dst_port", "snd_ip",
                "snd_port", "snd_proto", "snd_af", "to_ip", "to_port", "to_proto", "to_af", "proto", "af", "status",
                "msg:len");
        return new ModuleCatalog(b);
    }

    /** https://www.kamailio.org/wikidocs/cookbooks/5.6.x/core/ (functions), src/core/cfg.lex and cfg.y (arities). */
    private static void core(Builder b) {
        b.module(null);
        b.fn("setflag", 1, 1, ANY);
        b.fn("resetflag", 1, 1, ANY);
        b.fn("isflagset", 1, 1, ANY);
        b.fn("setavpflag", 2, 2, ANY);
        b.fn("resetavpflag", 2, 2, ANY);
        b.fn("isavpflagset", 2, 2, ANY);
        b.fn("force_rport", 0, 0, ANY);
        b.fn("add_rport", 0, 0, ANY);
        b.fn("add_local_rport", 0, 0, ANY);
        b.fn("force_tcp_alias", 0, 1, ANY);
        b.fn("add_tcp_alias", 0, 1, ANY);
        b.fn("force_send_socket", 1, 1, ANY);
        b.fn("set_advertised_address", 1, 1, ANY);
        b.fn("set_advertised_port", 1, 1, ANY);
        b.fn("set_forward_no_connect", 0, 0, ANY);
        b.fn("set_reply_no_connect", 0, 0, ANY);
        b.fn("set_forward_close", 0, 0, ANY);
        b.fn("set_reply_close", 0, 0, ANY);
        for (String n : new String[] {"rewriteuri", "seturi", "rewritehost", "sethost", "seth", "rewritehostport",
                "sethostport", "sethp", "rewritehostporttrans", "sethostporttrans", "sethpt", "rewriteuser", "setuser",
                "setu", "rewriteuserpass", "setuserpass", "setup", "rewriteport", "setport", "setp", "prefix", "strip",
                "strip_tail"}) {
            b.fn(n, 1, 1, ANY);
        }
        b.fn("revert_uri", 0, 0, ANY);
        b.fn("userphone", 0, 0, ANY);
        b.fn("remove_branch", 0, 1, ANY);
        b.fn("clear_branches", 0, 0, ANY);
        for (String n : new String[] {"forward", "forward_udp", "forward_tcp", "forward_tls", "forward_sctp"}) {
            b.fn(n, 0, 2, ANY);
        }
        b.fn("log", 1, 2, ANY);
        b.fn("error", 2, 2, ANY);
        b.fn("udp_mtu_try_proto", 1, 1, ANY);
        b.fn("cfg_select", 2, 2, ANY);
        b.fn("cfg_reset", 1, 1, ANY);
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/tm.html (src/modules/tm/tm.c cmds[]). */
    private static void tm(Builder b) {
        b.module("tm");
        int inTx = R | TO | F | B;
        b.fn("t_newtran", 0, 0, R);
        b.fn("t_lookup_request", 0, 0, R);
        b.fn("t_lookup_cancel", 0, 1, R).x();
        b.fn("t_reply", 2, 2, R | O | F);
        b.fn("t_send_reply", 2, 2, R | O | F);
        b.fn("t_retransmit_reply", 0, 0, R);
        b.fn("t_release", 0, 0, R);
        b.fn("t_relay", 0, 2, R | F).arities(0, 2);
        for (String p : new String[] {"udp", "tcp", "tls", "sctp"}) {
            b.fn("t_relay_to_" + p, 0, 2, R | F).arities(0, 2);
            b.fn("t_replicate_" + p, 2, 2, R);
            b.fn("t_forward_nonack_" + p, 2, 2, R);
        }
        b.fn("t_replicate", 0, 2, R).x();
        b.fn("t_replicate_to", 2, 2, R);
        b.fn("t_relay_to_avp", 2, 2, R);
        b.fn("t_relay_to", 0, 2, R | F);
        b.fn("t_forward_nonack", 0, 2, R).arities(0, 2);
        b.fn("t_forward_nonack_uri", 0, 0, R);
        b.fn("t_forward_nonack_to", 2, 2, R);
        b.fn("t_relay_cancel", 0, 0, R);
        b.fn("t_on_failure", 1, 1, R | F | TO | B).arms(Ast.RouteType.FAILURE);
        b.fn("t_on_branch_failure", 1, 1, R | F | TO | B);
        b.fn("t_on_reply", 1, 1, R | F | TO | B).arms(Ast.RouteType.ONREPLY);
        b.fn("t_on_branch", 1, 1, R | F).arms(Ast.RouteType.BRANCH);
        b.fn("t_check_status", 1, 1, R | F | O);
        b.fn("t_write_req", 2, 2, R | F);
        b.fn("t_write_unix", 2, 2, R | F);
        b.fn("t_set_fr", 1, 2, inTx).x();
        b.fn("t_reset_fr", 0, 0, inTx);
        b.fn("t_set_retr", 2, 2, inTx).x();
        b.fn("t_reset_retr", 0, 0, inTx);
        b.fn("t_set_max_lifetime", 2, 2, inTx).x();
        b.fn("t_reset_max_lifetime", 0, 0, inTx);
        b.fn("t_set_auto_inv_100", 1, 1, R).x();
        b.fn("t_set_disable_6xx", 1, 1, inTx).x();
        b.fn("t_set_disable_failover", 1, 1, inTx).x();
        b.fn("t_set_no_e2e_cancel_reason", 1, 1, inTx).x();
        b.fn("t_disable_e2e_cancel_reason", 1, 1, inTx).x();
        b.fn("t_set_disable_internal_reply", 1, 1, inTx).x();
        b.fn("t_branch_timeout", 0, 0, F | R);
        b.fn("t_branch_replied", 0, 0, F | R);
        b.fn("t_any_timeout", 0, 0, inTx);
        b.fn("t_any_replied", 0, 0, inTx);
        b.fn("t_is_canceled", 0, 0, inTx);
        b.fn("t_is_retr_async_reply", 0, 0, TO);
        b.fn("t_is_expired", 0, 0, inTx);
        b.fn("t_grep_status", 1, 1, inTx).x();
        b.fn("t_drop_replies", 0, 1, F).x();
        b.fn("t_save_lumps", 0, 0, R);
        b.fn("t_check_trans", 0, 0, R | O | B);
        b.fn("t_is_set", 1, 1, ANY);
        b.fn("t_use_uac_headers", 0, 0, ANY);
        b.fn("t_uac_send", 6, 6, ANY).x();
        b.fn("t_load_contacts", 0, 0, R | F);
        b.fn("t_next_contacts", 0, 0, R | F);
        b.fn("t_next_contact_flow", 0, 0, R);
        b.fn("t_get_status_code", 0, 0, ANY);
        b.params("ruri_matching", "via1_matching", "callid_matching", "fr_timer", "fr_inv_timer", "wt_timer",
                "delete_timer", "retr_timer1", "retr_timer2", "max_inv_lifetime", "max_noninv_lifetime", "noisy_ctimer",
                "auto_inv_100", "auto_inv_100_reason", "unix_tx_timeout", "restart_fr_on_each_reply", "fr_timer_avp",
                "fr_inv_timer_avp", "tw_append", "pass_provisional_replies", "aggregate_challenges", "unmatched_cancel",
                "default_code", "default_reason", "reparse_invite", "ac_extra_hdrs", "blst_503", "blst_503_def_timeout",
                "blst_503_min_timeout", "blst_503_max_timeout", "blst_methods_add", "blst_methods_lookup",
                "cancel_b_method", "reparse_on_dns_failover", "on_sl_reply", "contacts_avp", "contact_flows_avp",
                "disable_6xx_block", "local_ack_mode", "failure_reply_mode", "faked_reply_prio", "remap_503_500",
                "failure_exec_mode", "dns_reuse_rcv_socket", "local_cancel_reason", "e2e_cancel_reason", "xavp_contact",
                "event_callback", "event_callback_lres", "event_callback_lres_sent", "relay_100", "rich_redirect");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/tmx.html (src/modules/tmx/tmx_mod.c cmds[]). */
    private static void tmx(Builder b) {
        b.module("tmx");
        b.fn("t_cancel_branches", 1, 1, O);
        b.fn("t_cancel_callid", 3, 4, ANY);
        b.fn("t_reply_callid", 4, 4, ANY);
        b.fn("t_flush_flags", 0, 0, ANY);
        b.fn("t_flush_xflags", 0, 0, ANY);
        b.fn("t_is_failure_route", 0, 0, ANY);
        b.fn("t_is_branch_route", 0, 0, ANY);
        b.fn("t_is_reply_route", 0, 0, ANY);
        b.fn("t_is_request_route", 0, 0, ANY);
        b.fn("t_suspend", 0, 0, ANY);
        b.fn("t_continue", 3, 3, ANY);
        b.fn("t_reuse_branch", 0, 0, R);
        b.fn("t_precheck_trans", 0, 0, R);
        b.fn("t_drop", 0, 1, ANY).x();
        b.pv("T_branch_idx", Inner.NONE, false);
        b.pv("T_reply_ruid", Inner.NONE, false);
        b.pv("T_reply_code", Inner.NONE, false);
        b.pv("T_reply_reason", Inner.NONE, false);
        b.pv("T_reply_last", Inner.NONE, false);
        b.pv("T_inv", Inner.REQUIRED, false);
        b.pv("T_req", Inner.REQUIRED, false);
        b.pv("T_rpl", Inner.REQUIRED, false);
        b.pv("T", Inner.REQUIRED, false);
        b.pv("T_branch", Inner.REQUIRED, false);
        b.params("precheck_trans");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/sl.html (src/modules/sl/sl.c cmds[]). */
    private static void sl(Builder b) {
        b.module("sl");
        b.fn("sl_send_reply", 2, 2, R);
        b.fn("sl_reply", 2, 2, R);
        b.fn("send_reply", 2, 2, R | O | F);
        b.fn("sl_reply_error", 0, 0, R);
        b.fn("sl_forward_reply", 0, 2, O).x();
        b.pv("ltt", Inner.REQUIRED, false, "x", "s", "t");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/rr.html (src/modules/rr/rr_mod.c cmds[]). */
    private static void rr(Builder b) {
        b.module("rr");
        b.fn("loose_route", 0, 0, R);
        b.fn("loose_route_preloaded", 0, 0, R);
        b.fn("loose_route_mode", 1, 1, R).x();
        b.fn("record_route", 0, 1, R | B | F).x();
        b.fn("record_route_preset", 1, 2, R | B | F).x();
        b.fn("record_route_advertised_address", 1, 1, R | B | F).x();
        b.fn("add_rr_param", 1, 1, R | B | F).x();
        b.fn("check_route_param", 1, 1, R).x();
        b.fn("is_direction", 1, 1, R);
        b.fn("remove_record_route", 0, 0, R | F);
        b.fn("rr_next_hop_route", 0, 0, ANY);
        b.pv("route_uri", Inner.NONE, false);
        b.pv("fti", Inner.NONE, false);
        b.pv("tti", Inner.NONE, false);
        b.pv("rdir", Inner.REQUIRED, false, "id", "name");
        b.params("append_fromtag", "enable_double_rr", "enable_full_lr", "add_username",
                "enable_socket_mismatch_warning", "custom_user_avp", "force_send_socket", "ignore_sips", "sockname_mode",
                "loose_route_mode");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/maxfwd.html (src/modules/maxfwd/maxfwd.c cmds[]). */
    private static void maxfwd(Builder b) {
        b.module("maxfwd");
        b.fn("mf_process_maxfwd_header", 1, 1, R).x();
        b.fn("maxfwd_process", 1, 1, R).x();
        b.fn("process_maxfwd", 1, 1, R).x();
        b.fn("is_maxfwd_lt", 1, 1, R | F | B).x();
        b.fn("maxfwd_at_least", 1, 1, R | F | B).x();
        b.fn("mf_lowlimit", 1, 1, R | F | B).x();
        b.params("max_limit");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/textops.html (src/modules/textops/textops.c cmds[]). */
    private static void textops(Builder b) {
        b.module("textops");
        int rfbo = R | F | B | O;
        b.fn("search", 1, 1, ANY).x();
        b.fn("search_body", 1, 1, ANY).x();
        b.fn("search_str", 2, 2, ANY).x();
        b.fn("search_hf", 3, 3, ANY);
        b.fn("search_append", 2, 2, ANY).x();
        b.fn("search_append_body", 2, 2, ANY).x();
        for (String n : new String[] {"replace", "replace_body", "replace_hdrs", "replace_all", "replace_body_all",
                "replace_body_atonce"}) {
            b.fn(n, 2, 2, ANY).x();
        }
        b.fn("replace_str", 3, 3, ANY).x();
        b.fn("replace_body_str", 3, 3, ANY).x();
        b.fn("replace_hdrs_str", 3, 3, ANY).x();
        b.fn("subst", 1, 1, ANY);
        b.fn("subst_uri", 1, 1, rfbo);
        b.fn("subst_user", 1, 1, rfbo);
        b.fn("subst_body", 1, 1, ANY);
        b.fn("subst_hf", 3, 3, ANY);
        b.fn("subst_v", 3, 3, ANY).x();
        b.fn("set_body", 2, 2, rfbo).x();
        b.fn("set_reply_body", 2, 2, R | F | B).x();
        b.fn("filter_body", 1, 1, ANY).x();
        b.fn("append_to_reply", 1, 1, R | F | B).x();
        b.fn("append_hf", 1, 2, ANY);
        b.fn("insert_hf", 1, 2, ANY);
        b.fn("append_urihf", 2, 2, R | F | B).x();
        for (String n : new String[] {"is_present_hf", "is_present_hf_pv", "is_present_hf_re", "is_present_hf_re_pv",
                "remove_hf", "remove_hf_pv", "remove_hf_re", "remove_hf_re_pv"}) {
            b.fn(n, 1, 1, ANY).x();
        }
        b.fn("remove_hf_exp", 2, 2, ANY).x();
        b.fn("remove_hf_exp_pv", 2, 2, ANY).x();
        b.fn("remove_hf_idx", 2, 2, ANY).x();
        b.fn("remove_hf_match", 3, 3, ANY).x();
        b.fn("append_time", 0, 0, R | F | B);
        b.fn("append_time_to_request", 0, 0, ANY);
        b.fn("is_method", 1, 1, ANY);
        b.fn("has_body", 0, 1, ANY);
        b.fn("is_audio_on_hold", 0, 0, ANY);
        b.fn("is_privacy", 1, 1, ANY);
        b.fn("in_list", 3, 3, ANY).x();
        b.fn("in_list_prefix", 3, 3, ANY).x();
        for (String n : new String[] {"cmp_str", "cmp_istr", "starts_with", "ends_with", "str_find", "str_ifind",
                "str_any_in", "str_all_in"}) {
            b.fn(n, 2, 2, ANY).x();
        }
        b.fn("set_body_multipart", 0, 3, R | F | B).x();
        b.fn("append_body_part", 2, 3, R | F | B).x();
        b.fn("append_body_part_hex", 2, 3, R | F | B).x();
        b.fn("get_body_part", 2, 2, rfbo);
        b.fn("get_body_part_raw", 2, 2, rfbo);
        b.fn("remove_body_part", 1, 1, R | F | B).x();
        b.fn("regex_substring", 5, 5, R | F | B).x();
        b.fn("via_param_rm", 2, 2, ANY).x();
        b.params();
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/textopsx.html (src/modules/textopsx/textopsx.c cmds[]). */
    private static void textopsx(Builder b) {
        b.module("textopsx");
        int rofb = R | O | F | B;
        b.fn("msg_apply_changes", 0, 0, R | O);
        b.fn("msg_set_buffer", 1, 1, R | O).x();
        b.fn("change_reply_status", 2, 2, O);
        b.fn("change_reply_status_code", 1, 1, O).x();
        b.fn("remove_body", 0, 0, ANY);
        b.fn("keep_hf", 0, 1, ANY).x();
        b.fn("fnmatch", 2, 3, ANY);
        b.fn("append_hf_value", 2, 2, rofb);
        b.fn("insert_hf_value", 2, 2, rofb);
        b.fn("remove_hf_value", 1, 1, rofb);
        b.fn("assign_hf_value", 2, 2, rofb);
        b.fn("remove_hf_value2", 1, 1, rofb);
        b.fn("assign_hf_value2", 2, 2, rofb);
        b.fn("include_hf_value", 2, 2, rofb);
        b.fn("exclude_hf_value", 2, 2, rofb);
        b.fn("hf_value_exists", 2, 2, rofb);
        for (String it : new String[] {"hf_iterator", "bl_iterator"}) {
            for (String op : new String[] {"_start", "_end", "_next", "_rm"}) {
                b.fn(it + op, 1, 1, ANY).x();
            }
            b.fn(it + "_append", 2, 2, ANY).x();
            b.fn(it + "_insert", 2, 2, ANY).x();
        }
        b.fn("hf_iterator_prev", 1, 1, ANY).x();
        b.pv("hfitname", Inner.REQUIRED, false);
        b.pv("hfitbody", Inner.REQUIRED, false);
        b.pv("blitval", Inner.REQUIRED, false);
        b.params();
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/siputils.html (src/modules/siputils/siputils.c cmds[]). */
    private static void siputils(Builder b) {
        b.module("siputils");
        b.fn("options_reply", 0, 0, R);
        b.fn("is_user", 1, 1, R | L).x();
        b.fn("has_totag", 0, 0, ANY);
        b.fn("uri_param", 1, 2, R | B | F).x();
        b.fn("uri_param_any", 1, 1, R | B | F).x();
        b.fn("add_uri_param", 1, 1, R).x();
        b.fn("get_uri_param", 2, 2, R | L).x();
        b.fn("uri_param_rm", 1, 1, R | B | F).x();
        b.fn("tel2sip", 3, 3, R | F | B | O);
        b.fn("tel2sip2", 3, 3, R | F | B | O);
        b.fn("is_uri", 1, 1, ANY).x();
        b.fn("is_e164", 1, 1, R | F | L).x();
        b.fn("is_uri_user_e164", 1, 1, ANY).x();
        b.fn("encode_contact", 2, 2, R | O).x();
        b.fn("decode_contact", 0, 0, R);
        b.fn("decode_contact_header", 0, 0, R | F | O);
        b.fn("cmp_uri", 2, 2, ANY).x();
        b.fn("cmp_aor", 2, 2, ANY).x();
        b.fn("cmp_hdr_name", 2, 2, ANY).x();
        b.fn("is_rpid_user_e164", 0, 0, R);
        b.fn("append_rpid_hf", 0, 2, R | B | F).arities(0, 2).x();
        b.fn("set_uri_user", 2, 2, ANY).x();
        b.fn("set_uri_host", 2, 2, ANY).x();
        b.fn("is_request", 0, 0, ANY);
        b.fn("is_reply", 0, 0, ANY);
        b.fn("is_sip", 0, 0, ANY);
        b.fn("is_http", 0, 0, ANY);
        b.fn("is_gruu", 0, 1, ANY).x();
        b.fn("is_supported", 1, 1, ANY);
        b.fn("is_first_hop", 0, 1, ANY).x();
        b.fn("is_tel_number", 1, 1, ANY).x();
        b.fn("is_numeric", 1, 1, ANY).x();
        b.fn("is_alphanum", 1, 1, ANY).x();
        b.fn("is_alphanumex", 2, 2, ANY).x();
        b.fn("sip_p_charging_vector", 1, 1, ANY).x();
        b.fn("contact_param_encode", 2, 2, R | O).x();
        b.fn("contact_param_decode", 1, 1, R | O).x();
        b.fn("contact_param_decode_ruri", 1, 1, R).x();
        b.fn("contact_param_rm", 1, 1, R | O).x();
        b.fn("contact_param_check", 1, 1, ANY).x();
        b.fn("hdr_date_check", 1, 1, ANY).x();
        b.fn("sip_parse_headers", 0, 0, ANY);
        b.fn("ring_insert_callid", 0, 0, R | F);
        b.pv("pcv", Inner.REQUIRED, false);
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/pv.html and https://www.kamailio.org/wikidocs/cookbooks/5.6.x/pseudovariables/ */
    private static void pv(Builder b) {
        b.module("pv");
        b.fn("pv_isset", 1, 1, ANY).x();
        b.fn("pv_unset", 1, 1, ANY).x();
        b.fn("is_int", 1, 1, ANY).x();
        b.fn("typeof", 2, 2, ANY).x();
        b.fn("not_empty", 1, 1, ANY).x();
        b.fn("xavp_copy", 3, 4, ANY).x();
        b.fn("xavp_params_explode", 2, 2, ANY).x();
        b.fn("xavp_params_implode", 2, 2, ANY).x();
        b.fn("xavu_params_explode", 2, 2, ANY).x();
        b.fn("xavu_params_implode", 2, 2, ANY).x();
        b.fn("xavp_slist_explode", 4, 4, ANY).x();
        for (String x : new String[] {"xavp", "xavi"}) {
            b.fn(x + "_child_seti", 3, 3, ANY).x();
            b.fn(x + "_child_sets", 3, 3, ANY).x();
            b.fn(x + "_rm", 1, 1, ANY).x();
            b.fn(x + "_child_rm", 2, 2, ANY).x();
        }
        b.fn("xavp_lshift", 2, 2, ANY).x();
        b.fn("xavp_push_dst", 1, 1, ANY).x();
        b.fn("sbranch_set_ruri", 0, 0, ANY);
        b.fn("sbranch_append", 0, 0, ANY);
        b.fn("sbranch_reset", 0, 0, ANY);
        b.fn("pv_xavp_print", 0, 0, ANY);
        b.fn("pv_xavu_print", 0, 0, ANY);
        b.fn("pv_xavi_print", 0, 0, ANY);
        b.fn("pv_var_to_xavp", 2, 2, ANY).x();
        b.fn("pv_xavp_to_var", 1, 1, ANY).x();
        b.fn("pv_evalx", 2, 2, ANY);

        // read-only, no name
        for (String n : new String[] {"ai", "adu", "aa", "ar", "au", "ad", "aU", "adn", "adc", "adr", "ado", "Au", "AU",
                "bR", "bs", "ci", "cl", "conid", "cs", "csb", "ct", "cT", "dd", "di", "dir", "dip", "dic", "dp", "dP", "ds",
                "err.class", "err.level", "err.info", "err.rcode", "err.rreason", "ft", "fUl", "mb", "mbu", "mi", "ml",
                "mt", "od", "op", "oP", "ou", "ouri", "oU", "oUl", "pd", "pn", "pp", "pr", "proto", "prid", "pu", "pU",
                "rb", "re", "rm", "rmid", "rP", "rr", "rs", "rt", "rUl", "rv", "rz", "Ri", "Rp", "Rn", "RAi", "RAp", "Ru",
                "Rut", "RAu", "RAut", "ruid", "sas", "si", "siz", "sid", "sp", "src_ip", "su", "sut", "tt", "tUl", "Tb",
                "Tf", "TF", "Ts", "TS", "ua", "true", "location_ua"}) {
            b.pv(n, Inner.NONE, false);
        }
        // writable, no name
        for (String n : new String[] {"bf", "bF", "br", "du", "duri", "fd", "from.domain", "fn", "fs", "fsn", "fu",
                "from", "fU", "from.user", "mf", "mF", "rd", "ruri.domain", "rp", "ru", "ruri", "rU", "ruri.user", "sf",
                "sF", "td", "to.domain", "tn", "tu", "to", "tU", "to.user"}) {
            b.pv(n, Inner.NONE, true);
        }
        // read-only, a name in parentheses
        for (String n : new String[] {"hdr", "hdrc", "hfl", "hflc", "cnt", "env", "stat", "sel", "_s", "timef",
                "utimef", "def", "defn", "ccp", "rcv", "rpl", "via0", "via1", "viaZ"}) {
            b.pv(n, Inner.REQUIRED, false);
        }
        b.pv("af", Inner.REQUIRED, false, "id", "name");
        for (String n : new String[] {"snd", "sndto", "sndfrom"}) {
            b.pv(n, Inner.REQUIRED, false, "ip", "af", "port", "proto", "sproto", "buf", "len");
        }
        for (String n : new String[] {"time", "utime"}) {
            b.pv(n, Inner.REQUIRED, false, "sec", "min", "hour", "mday", "mon", "year", "wday", "yday", "isdst");
        }
        b.pv("TV", Inner.REQUIRED, false, "s", "u", "sn", "un", "Sn");
        b.pv("nh", Inner.REQUIRED, false, "u", "U", "d", "p", "P");
        b.pv("version", Inner.REQUIRED, false, "num", "full", "hash");
        b.pv("K", Inner.REQUIRED, false, "IPv4", "IPv6", "UDP", "TCP", "TLS", "SCTP", "WS", "WSS");
        b.pv("expires", Inner.REQUIRED, false, "min", "max");
        b.pv("msg", Inner.REQUIRED, false, "len", "buf", "body", "body_len", "hdrs", "fline", "fpart", "lpart");
        // writable, a name in parentheses
        for (String n : new String[] {"avp", "xavp", "xavu", "xavi", "Bf", "Mf", "Sf", "vz", "vn", "msgbuf"}) {
            b.pv(n, Inner.REQUIRED, true);
        }
        for (String n : new String[] {"branch", "sbranch"}) {
            b.pv(n, Inner.REQUIRED, true, "uri", "dst_uri", "path", "q", "send_socket", "count", "flags", "ruid",
                    "location_ua");
        }
        b.params("shvset", "varset", "avp_aliases");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/xlog.html (src/modules/xlog/xlog.c cmds[]). */
    private static void xlog(Builder b) {
        b.module("xlog");
        b.fn("xlog", 1, 3, ANY);
        for (String n : new String[] {"xdbg", "xinfo", "xnotice", "xwarn", "xerr", "xbug", "xcrit", "xalert", "xdbgl"}) {
            b.fn(n, 1, 1, ANY);
        }
        b.fn("xlogl", 1, 3, ANY);
        b.fn("xlogm", 2, 2, ANY);
        b.pv("C", Inner.REQUIRED, false);
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/sanity.html (src/modules/sanity/sanity_mod.c cmds[]). */
    private static void sanity(Builder b) {
        b.module("sanity");
        b.fn("sanity_check", 0, 2, R | O).x();
        b.fn("sanity_reply", 0, 0, R | O);
        b.params("default_checks", "uri_checks", "size_checks", "size_message", "size_method", "size_ruri",
                "size_from_uri", "size_to_uri", "size_contact_uri", "size_route_uri", "size_header", "size_headers",
                "size_body", "proxy_require", "autodrop", "noreply");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/registrar.html (src/modules/registrar/registrar.c cmds[]). */
    private static void registrar(Builder b) {
        b.module("registrar");
        b.fn("save", 1, 3, R | F | O);
        b.fn("lookup", 1, 2, R | F);
        b.fn("lookup_to_dset", 1, 2, R | F);
        b.fn("lookup_branches", 1, 1, R | F);
        b.fn("registered", 1, 4, ANY);
        b.fn("add_sock_hdr", 1, 1, R).x();
        b.fn("unregister", 2, 3, ANY);
        b.fn("reg_fetch_contacts", 3, 3, R | F);
        b.fn("reg_free_contacts", 1, 1, R | F).x();
        b.fn("lookup_xavp", 4, 4, ANY).x();
        b.fn("reg_from_user", 3, 3, ANY).x();
        b.fn("reg_send_reply", 0, 0, R | F);
        b.pv("ulc", Inner.REQUIRED, true);
        b.params("default_expires", "default_expires_range", "expires_range", "default_q", "append_branches",
                "case_sensitive", "realm_prefix", "min_expires", "max_expires", "received_param", "received_avp",
                "max_contacts", "retry_after", "sock_mode", "sock_flag", "sock_hdr_name", "method_filtering", "use_path",
                "path_mode", "path_use_received", "path_check_local", "xavp_cfg", "xavp_rcd", "xavp_rcd_mask",
                "gruu_enabled", "outbound_mode", "regid_mode", "flow_timer", "contact_max_size", "event_callback",
                "lookup_filter_mode", "min_expires_mode", "use_expired_contacts");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/usrloc.html: no script functions. */
    private static void usrloc(Builder b) {
        b.module("usrloc");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/nathelper.html (src/modules/nathelper/nathelper.c cmds[]). */
    private static void nathelper(Builder b) {
        b.module("nathelper");
        b.fn("fix_nated_contact", 0, 0, R | O | B | L);
        b.fn("add_contact_alias", 0, 3, R | O | B | F | L).arities(0, 3).x();
        b.fn("set_contact_alias", 0, 1, R | O | B | L).x();
        b.fn("handle_ruri_alias", 0, 1, R | B | L).x();
        b.fn("fix_nated_sdp", 1, 2, R | O | F | B | L);
        b.fn("nat_uac_test", 1, 1, R | O | F | B | L).x();
        b.fn("fix_nated_register", 0, 0, R);
        b.fn("add_rcv_param", 0, 1, R).x();
        b.fn("is_rfc1918", 1, 1, ANY).x();
        b.fn("set_alias_to_pv", 1, 1, ANY).x();
        b.pv("rr_count", Inner.NONE, false);
        b.pv("rr_top_count", Inner.NONE, false);
        b.params("natping_interval", "ping_nated_only", "nortpproxy_str", "received_avp", "force_socket",
                "sipping_from", "sipping_method", "sipping_bflag", "natping_disable_bflag", "natping_processes",
                "natping_socket", "keepalive_timeout", "udpping_from_path", "append_sdp_oldmediaip", "filter_server_id");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/websocket.html (src/modules/websocket/websocket.c cmds[]). */
    private static void websocket(Builder b) {
        b.module("websocket");
        b.fn("ws_handle_handshake", 0, 0, ANY);
        b.fn("ws_close", 0, 3, ANY).arities(0, 2, 3);
        b.pv("ws_conid", Inner.NONE, false);
        b.params("keepalive_mechanism", "keepalive_timeout", "ping_application_data", "sub_protocols", "cors_mode",
                "keepalive_interval", "keepalive_processes", "verbose_list", "event_callback");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/xhttp.html (src/modules/xhttp/xhttp_mod.c cmds[]). */
    private static void xhttp(Builder b) {
        b.module("xhttp");
        b.fn("xhttp_reply", 4, 4, R);
        b.pv("hu", Inner.NONE, false);
        b.params("url_match", "url_skip", "event_callback");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/tls.html (src/modules/tls/tls_mod.c cmds[]). */
    private static void tls(Builder b) {
        b.module("tls");
        b.fn("is_peer_verified", 0, 0, R);
        b.fn("tls_set_connect_server_id", 1, 1, ANY).x();
        b.pv("tls", Inner.REQUIRED, false, "m_issuer_line", "p_issuer_line", "m_subject_line", "p_subject_line");
        for (String n : new String[] {"version", "description", "cipher_info", "cipher_bits", "peer_version",
                "my_version", "peer_serial", "my_serial", "peer_subject", "peer_issuer", "my_subject", "my_issuer",
                "peer_subject_cn", "peer_issuer_cn", "my_subject_cn", "my_issuer_cn", "peer_subject_locality",
                "peer_issuer_locality", "my_subject_locality", "my_issuer_locality", "peer_subject_country",
                "peer_issuer_country", "my_subject_country", "my_issuer_country", "peer_subject_state",
                "peer_issuer_state", "my_subject_state", "my_issuer_state", "peer_subject_organization",
                "peer_issuer_organization", "my_subject_organization", "my_issuer_organization", "peer_subject_unit",
                "peer_subject_uid", "peer_issuer_unit", "my_subject_unit", "my_subject_uid", "my_issuer_unit",
                "peer_san_email", "my_san_email", "peer_san_hostname", "my_san_hostname", "peer_san_uri", "my_san_uri",
                "peer_san_ip", "my_san_ip", "peer_verified", "peer_revoked", "peer_expired", "peer_selfsigned",
                "peer_notBefore", "peer_notAfter", "peer_server_name", "peer_raw_cert", "my_raw_cert",
                "peer_urlencoded_cert", "my_urlencoded_cert"}) {
            b.pv("tls_" + n, Inner.NONE, false);
        }
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/kex.html (src/modules/kex/kex_mod.c cmds[]). */
    private static void kex(Builder b) {
        b.module("kex");
        b.fn("setsflag", 1, 1, ANY).x();
        b.fn("resetsflag", 1, 1, ANY).x();
        b.fn("issflagset", 1, 1, ANY).x();
        b.fn("setbflag", 1, 2, ANY).x();
        b.fn("resetbflag", 1, 2, ANY).x();
        b.fn("isbflagset", 1, 2, ANY).x();
        b.fn("setdsturi", 1, 1, ANY).x();
        b.fn("resetdsturi", 0, 0, ANY);
        b.fn("isdsturiset", 0, 0, ANY);
        b.fn("pv_printf", 2, 2, ANY);
        b.fn("avp_printf", 2, 2, ANY);
        b.fn("is_myself", 1, 1, ANY).x();
        b.fn("setdebug", 1, 1, ANY).x();
        b.fn("resetdebug", 0, 0, ANY);
        b.pv("sruid", Inner.NONE, false);
        b.params();
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/corex.html (src/modules/corex/corex_mod.c cmds[]). */
    private static void corex(Builder b) {
        b.module("corex");
        b.fn("append_branch", 0, 2, R | F).x();
        b.fn("send", 0, 1, R | F).x();
        b.fn("send_udp", 0, 1, R | F).x();
        b.fn("send_tcp", 0, 1, R | F).x();
        b.fn("send_data", 2, 2, ANY).x();
        b.fn("sendx", 3, 3, ANY).x();
        b.fn("is_incoming", 0, 0, ANY);
        b.fn("msg_iflag_set", 1, 1, ANY).x();
        b.fn("msg_iflag_reset", 1, 1, ANY).x();
        b.fn("msg_iflag_is_set", 1, 1, ANY).x();
        b.fn("file_read", 2, 2, ANY);
        b.fn("file_write", 2, 2, ANY).x();
        b.fn("setxflag", 1, 1, ANY).x();
        b.fn("isxflagset", 1, 1, ANY).x();
        b.fn("resetxflag", 1, 1, ANY).x();
        for (String n : new String[] {"set_send_socket", "set_send_socket_name", "set_recv_socket",
                "set_recv_socket_name", "set_source_address", "via_add_srvid", "via_add_xavp_params",
                "via_use_xavp_fields", "via_reply_add_xavp_params", "is_socket_name", "msg_vbflag_set",
                "msg_vbflag_is_set", "msg_vbflag_reset"}) {
            b.fn(n, 1, 1, ANY).x();
        }
        b.fn("is_faked_msg", 0, 0, ANY);
        b.fn("forward_uac", 0, 1, R).x();
        b.fn("forward_uac_uri", 1, 2, R).x();
        b.fn("forward_reply", 0, 0, CO);
        b.pv("cfg", Inner.REQUIRED, false, "line", "name", "file", "route");
        b.pv("lsock", Inner.REQUIRED, false);
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/jsonrpcs.html (src/modules/jsonrpcs/jsonrpcs_mod.c cmds[]). */
    private static void jsonrpcs(Builder b) {
        b.module("jsonrpcs");
        b.fn("jsonrpc_dispatch", 0, 0, R);
        b.fn("jsonrpc_exec", 1, 1, ANY).x();
        b.pv("jsonrpl", Inner.REQUIRED, false, "code", "text", "body");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/ctl.html: no script functions. */
    private static void ctl(Builder b) {
        b.module("ctl");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/cfg_rpc.html: no script functions. */
    private static void cfgRpc(Builder b) {
        b.module("cfg_rpc");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/acc.html (src/modules/acc/acc_mod.c cmds[]). */
    private static void acc(Builder b) {
        b.module("acc");
        b.fn("acc_log_request", 1, 1, ANY).x();
        b.fn("acc_db_request", 2, 2, ANY).x();
        b.fn("acc_request", 2, 2, ANY).x();
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/counters.html (src/modules/counters/counters.c cmds[]). */
    private static void counters(Builder b) {
        b.module("counters");
        b.fn("cnt_inc", 1, 1, R | O | F | S);
        b.fn("cnt_add", 2, 2, R | O | F | S);
        b.fn("cnt_reset", 1, 1, R | O | F | S);
        b.params("script_cnt_grp_name", "script_counter");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/cfgutils.html (src/modules/cfgutils/cfgutils.c cmds[]). */
    private static void cfgutils(Builder b) {
        b.module("cfgutils");
        b.fn("rand_set_prob", 1, 1, ANY);
        b.fn("rand_reset_prob", 0, 0, ANY);
        b.fn("rand_get_prob", 0, 0, ANY);
        b.fn("rand_event", 0, 0, ANY);
        b.fn("sleep", 1, 1, ANY).x();
        b.fn("usleep", 1, 1, ANY).x();
        b.fn("abort", 0, 0, ANY);
        b.fn("pkg_status", 0, 0, ANY);
        b.fn("shm_status", 0, 0, ANY);
        b.fn("pkg_summary", 0, 0, ANY);
        b.fn("shm_summary", 0, 0, ANY);
        b.fn("set_gflag", 1, 1, ANY);
        b.fn("reset_gflag", 1, 1, ANY);
        b.fn("is_gflag", 1, 1, ANY);
        b.fn("lock", 1, 1, ANY).x();
        b.fn("unlock", 1, 1, ANY).x();
        b.fn("trylock", 1, 1, ANY).x();
        b.fn("core_hash", 3, 3, ANY);
        b.fn("check_route_exists", 1, 1, ANY).x();
        b.fn("route_if_exists", 1, 1, ANY).x();
        b.pv("RANDOM", Inner.NONE, false);
        b.params("initial_probability", "initial_gflags", "hash_file", "lock_set_size");
    }

    /** https://kamailio.org/docs/modules/5.6.x/modules/htable.html (src/modules/htable/htable.c cmds[]). */
    private static void htable(Builder b) {
        b.module("htable");
        b.fn("sht_print", 0, 0, ANY);
        b.fn("sht_rm", 2, 2, ANY).x();
        b.fn("sht_rm_name_re", 1, 1, ANY);
        b.fn("sht_rm_value_re", 1, 1, ANY);
        b.fn("sht_rm_name", 3, 3, ANY).x();
        b.fn("sht_rm_value", 3, 3, ANY).x();
        b.fn("sht_reset", 1, 1, ANY).x();
        b.fn("sht_lock", 1, 1, ANY);
        b.fn("sht_unlock", 1, 1, ANY);
        b.fn("sht_iterator_start", 2, 2, ANY).x();
        b.fn("sht_iterator_end", 1, 1, ANY).x();
        b.fn("sht_iterator_next", 1, 1, ANY).x();
        b.fn("sht_iterator_rm", 1, 1, ANY).x();
        b.fn("sht_iterator_sets", 2, 2, ANY).x();
        b.fn("sht_iterator_seti", 2, 2, ANY).x();
        b.fn("sht_iterator_setex", 2, 2, ANY).x();
        b.fn("sht_has_name", 3, 3, ANY).x();
        b.fn("sht_has_str_value", 3, 3, ANY).x();
        b.fn("sht_match_name", 3, 3, ANY).x();
        b.fn("sht_match_str_value", 3, 3, ANY).x();
        b.pv("sht", Inner.REQUIRED, true);
        b.pv("shtex", Inner.REQUIRED, true);
        for (String n : new String[] {"shtcn", "shtcv", "shtinc", "shtdec", "shtitkey", "shtitval"}) {
            b.pv(n, Inner.REQUIRED, false);
        }
        b.pv("shtrecord", Inner.REQUIRED, false, "key", "value");
        b.params("htable", "db_url", "key_name_column", "key_type_column", "value_type_column", "key_value_column",
                "expires_column", "array_size_suffix", "fetch_rows", "timer_interval", "db_expires", "enable_dmq",
                "dmq_init_sync", "timer_procs", "event_callback", "event_callback_mode");
    }

    /**
     * Core global parameters: https://www.kamailio.org/wikidocs/cookbooks/5.6.x/core/ and the
     * keywords of src/core/cfg.lex, with their aliases. {@code group.var} custom parameters (and
     * {@code kemi.*}) need no entry: the language allows every dotted name.
     */
    private static void coreParameters(Builder b) {
        b.globals(
                // logging and process
                "debug", "fork", "fork_delay", "modinit_delay", "log_stderror", "log_facility", "log_name", "log_color",
                "log_prefix", "log_prefix_mode", "log_engine_type", "log_engine_data", "corelog", "core_log", "memlog",
                "mem_log", "memdbg", "mem_dbg", "mem_summary", "mem_safety", "mem_join", "mem_status_mode",
                "latency_cfg_log", "latency_log", "latency_limit_db", "latency_limit_action", "latency_limit_cfg",
                "verbose_startup", "sip_parser_log", "sip_parser_mode", "children", "socket_workers", "async_workers",
                "async_usleep", "async_nonblock", "async_workers_group", "user", "uid", "group", "gid", "chroot",
                "workdir", "wdir", "rundir", "run_dir", "disable_core_dump", "open_files_limit", "shm", "shm_mem",
                "shm_mem_size", "shm_force_alloc", "mlock_pages", "real_time", "rt_prio", "rt_policy", "rt_timer1_prio",
                "rt_fast_timer_prio", "rt_ftimer_prio", "rt_timer1_policy", "rt_ftimer_policy", "rt_timer2_prio",
                "rt_stimer_prio", "rt_timer2_policy", "rt_stimer_policy", "exit_timeout", "ser_kill_timeout",
                "wait_worker1_mode", "wait_worker1_time", "wait_worker1_usleep", "server_id", "route_locks_size",
                "description", "descr", "desc", "cfgengine", "loadpath", "mpath", "statistics", "version_table",
                "pv_buffer_size", "pv_buffer_slots", "pv_cache_limit", "pv_cache_action", "sql_buffer_size",
                "max_while_loops", "max_recursive_level", "max_branches", "msg_time", "onsend_route_reply",
                "received_route_mode", "http_reply_parse", "http_reply_hack", "phone2tel", "check_via",
                "uri_host_extra_chars", "stats_name_separator", "ipv6_hex_style",
                // network
                "listen", "port", "alias", "auto_aliases", "advertised_address", "advertised_port", "mhomed",
                "auto_bind_ipv6", "bind_ipv6_link_local", "ip_free_bind", "ipfreebind", "ip_nonlocal_bind", "maxbuffer",
                "maxsndbuffer", "tos", "pmtu_discovery", "mcast", "mcast_loopback", "mcast_ttl", "udp_mtu",
                "udp_mtu_try_proto", "udp4_raw", "udp4_raw_mtu", "udp4_raw_ttl", "force_rport", "local_rport",
                "reply_to_via", "sip_warning", "server_signature", "server_header", "user_agent_header",
                "xavp_via_params", "xavp_via_fields", "xavp_via_reply_params",
                // dns
                "dns", "rev_dns", "dns_try_ipv6", "dns_try_naptr", "dns_srv_lb", "dns_srv_loadbalancing", "dns_udp_pref",
                "dns_udp_preference", "dns_tcp_pref", "dns_tcp_preference", "dns_tls_pref", "dns_tls_preference",
                "dns_sctp_pref", "dns_sctp_preference", "dns_retr_time", "dns_slow_query_ms", "dns_retr_no",
                "dns_servers_no", "dns_use_search_list", "dns_search_full_match", "dns_naptr_ignore_rfc",
                "dns_cache_init", "use_dns_cache", "use_dns_failover", "dns_cache_flags", "dns_cache_negative_ttl",
                "dns_cache_min_ttl", "dns_cache_max_ttl", "dns_cache_mem", "dns_cache_gc_interval",
                "dns_cache_del_nonexp", "dns_cache_delete_nonexpired", "dns_cache_rec_pref",
                // destination blocklist (5.6 renamed blacklist to blocklist; both spellings)
                "dst_blocklist_init", "dst_blacklist_init", "use_dst_blocklist", "use_dst_blacklist",
                "dst_blocklist_mem", "dst_blacklist_mem", "dst_blocklist_expire", "dst_blacklist_expire",
                "dst_blocklist_ttl", "dst_blacklist_ttl", "dst_blocklist_gc_interval", "dst_blacklist_gc_interval",
                "dst_blocklist_udp_imask", "dst_blacklist_udp_imask", "dst_blocklist_tcp_imask",
                "dst_blacklist_tcp_imask", "dst_blocklist_tls_imask", "dst_blacklist_tls_imask",
                "dst_blocklist_sctp_imask", "dst_blacklist_sctp_imask",
                // tcp
                "disable_tcp", "tcp_children", "tcp_accept_aliases", "tcp_accept_unique", "tcp_send_timeout",
                "tcp_connect_timeout", "tcp_connection_lifetime", "tcp_connection_match", "tcp_poll_method",
                "tcp_max_connections", "tcp_no_connect", "tcp_source_ipv4", "tcp_source_ipv6", "tcp_fd_cache",
                "tcp_buf_write", "tcp_async", "tcp_conn_wq_max", "tcp_wq_max", "tcp_rd_buf_size", "tcp_wq_blk_size",
                "tcp_defer_accept", "tcp_delayed_ack", "tcp_syncnt", "tcp_linger2", "tcp_keepalive", "tcp_keepidle",
                "tcp_keepintvl", "tcp_keepcnt", "tcp_crlf_ping", "tcp_accept_no_cl", "tcp_accept_hep3",
                "tcp_accept_haproxy", "tcp_clone_rcvbuf", "tcp_reuse_port", "tcp_script_mode", "tcp_wait_data",
                // tls
                "enable_tls", "tls_enable", "disable_tls", "tls_disable", "tlslog", "tls_log", "tls_port_no",
                "tls_method", "tls_verify", "tls_require_certificate", "tls_certificate", "tls_private_key",
                "tls_ca_list", "tls_handshake_timeout", "tls_send_timeout", "tls_max_connections", "tls_threads_mode",
                // sctp
                "enable_sctp", "disable_sctp", "sctp_children", "sctp_socket_rcvbuf", "sctp_socket_receive_buffer",
                "sctp_socket_sndbuf", "sctp_socket_send_buffer", "sctp_autoclose", "sctp_send_ttl", "sctp_send_retries",
                "sctp_assoc_tracking", "sctp_assoc_reuse", "sctp_max_assocs", "sctp_srto_initial", "sctp_srto_max",
                "sctp_srto_min", "sctp_asocmaxrxt", "sctp_init_max_attempts", "sctp_init_max_timeo", "sctp_hbinterval",
                "sctp_pathmaxrxt", "sctp_sack_delay", "sctp_sack_freq", "sctp_max_burst",
                // stun (core, when built with it)
                "stun_refresh_interval", "stun_allow_stun", "stun_allow_fp");
    }

    /**
     * Transformations: https://www.kamailio.org/wikidocs/cookbooks/5.6.x/transformations/ (pv's
     * classes, textops' re., xhttp's url.).
     */
    private static void transformations(Builder b) {
        for (String n : new String[] {"len", "int", "md5", "sha256", "sha384", "sha512", "encode.7bit", "decode.7bit",
                "encode.hexa", "decode.hexa", "encode.base58", "decode.base58", "encode.base64", "decode.base64",
                "encode.base64t", "decode.base64t", "encode.base64url", "decode.base64url", "encode.base64urlt",
                "decode.base64urlt", "escape.common", "unescape.common", "escape.user", "unescape.user", "escape.param",
                "unescape.param", "escape.csv", "numeric", "tolower", "toupper", "trim", "rtrim", "ltrim", "rmws",
                "unquote", "unbracket", "urlencode.param", "urldecode.param"}) {
            b.tr("s." + n, 0, 0);
        }
        b.tr("s.substr", 2, 2);
        b.tr("s.select", 2, 2);
        b.tr("s.strip", 1, 1);
        b.tr("s.striptail", 1, 1);
        b.tr("s.prefixes", 0, 1);
        b.tr("s.prefixes.quoted", 0, 1);
        b.tr("s.replace", 2, 2);
        b.tr("s.ftime", 1, 1);
        b.tr("s.rm", 1, 1);
        b.tr("s.corehash", 0, 1);
        b.tr("s.count", 1, 1);
        for (String n : new String[] {"after", "rafter", "before", "rbefore"}) {
            b.tr("s." + n, 1, 1);
        }
        b.tr("s.fmtlines", 2, 2);
        b.tr("s.fmtlinet", 2, 2);
        for (String n : new String[] {"user", "host", "domain", "passwd", "port", "params", "headers", "transport", "ttl",
                "uparam", "maddr", "method", "lr", "r2", "scheme", "tosocket", "duri", "saor", "suri"}) {
            b.tr("uri." + n, 0, 0);
        }
        b.tr("uri.param", 1, 1);
        for (String n : new String[] {"value", "in", "valueat", "name"}) {
            b.tr("param." + n, 1, 2);
        }
        b.tr("param.count", 0, 1);
        for (String n : new String[] {"name", "uri", "len"}) {
            b.tr("nameaddr." + n, 0, 0);
        }
        for (String n : new String[] {"uri", "display", "tag", "user", "host", "params"}) {
            b.tr("tobody." + n, 0, 0);
        }
        b.tr("line.count", 0, 0);
        b.tr("line.at", 1, 1);
        b.tr("line.sw", 1, 1);
        for (String n : new String[] {"json", "n0", "ne", "jsonqe"}) {
            b.tr("val." + n, 0, 0);
        }
        for (String n : new String[] {"host", "port", "proto", "touri"}) {
            b.tr("sock." + n, 0, 0);
        }
        b.tr("urialias.encode", 0, 0);
        b.tr("urialias.decode", 0, 0);
        b.tr("re.subst", 1, 32); // the expression may hold commas: the parameter list splits it, the transformation joins it back
        b.tr("url.path", 0, 0);
        b.tr("url.querystring", 0, 0);
    }

    // ---- building --------------------------------------------------------------------------------

    private static final class Builder {
        final Set<String> modules = new LinkedHashSet<>();
        final Map<String, FunctionDecl> functions = new LinkedHashMap<>();
        final Map<String, int[]> arities = new LinkedHashMap<>();
        final Set<String> expressionFunctions = new LinkedHashSet<>();
        final Map<String, PvDecl> pvs = new LinkedHashMap<>();
        final Map<String, Set<String>> pvKeys = new LinkedHashMap<>();
        final Map<String, Set<String>> moduleParameters = new LinkedHashMap<>();
        final Set<String> globalParameters = new LinkedHashSet<>();
        final Set<String> matchKeywords = new LinkedHashSet<>();
        final Map<String, TransformationDecl> transformations = new LinkedHashMap<>();
        String module;

        void module(String name) {
            module = name;
            if (name != null) {
                modules.add(name);
            }
        }

        Fn fn(String name, int min, int max, int routeFlags) {
            if (functions.containsKey(name)) {
                throw new IllegalStateException("function " + name + " declared twice");
            }
            functions.put(name, new FunctionDecl(module, name, min, max, routes(routeFlags), null));
            return new Fn(name);
        }

        void pv(String name, Inner inner, boolean writable, String... keys) {
            if (pvs.put(name, new PvDecl(name, inner, writable)) != null) {
                throw new IllegalStateException("pseudo-variable $" + name + " declared twice");
            }
            if (keys.length > 0) {
                pvKeys.put(name, Set.of(keys));
            }
        }

        /** The complete modparam list of the current module (only for modules whose list is known). */
        void params(String... names) {
            moduleParameters.put(module, Set.of(names));
        }

        void globals(String... names) {
            for (String n : names) {
                if (!globalParameters.add(n)) {
                    throw new IllegalStateException("global parameter " + n + " declared twice");
                }
            }
        }

        void tr(String name, int min, int max) {
            if (transformations.put(name, new TransformationDecl(name, min, max)) != null) {
                throw new IllegalStateException("transformation " + name + " declared twice");
            }
        }

        void matchKeywords(String... names) {
            matchKeywords.addAll(List.of(names));
        }

        private static Set<Ast.RouteType> routes(int flags) {
            if (flags == ANY) {
                return EnumSet.allOf(Ast.RouteType.class);
            }
            EnumSet<Ast.RouteType> s = EnumSet.of(Ast.RouteType.ROUTE);
            if ((flags & R) != 0) {
                s.add(Ast.RouteType.REQUEST);
                s.add(Ast.RouteType.EVENT);
            }
            if ((flags & F) != 0) {
                s.add(Ast.RouteType.FAILURE);
            }
            if ((flags & TO) != 0) {
                s.add(Ast.RouteType.ONREPLY);
            }
            if ((flags & CO) != 0) {
                s.add(Ast.RouteType.REPLY);
            }
            if ((flags & B) != 0) {
                s.add(Ast.RouteType.BRANCH);
            }
            if ((flags & S) != 0) {
                s.add(Ast.RouteType.ONSEND);
            }
            if ((flags & L) != 0) {
                s.add(Ast.RouteType.EVENT);
            }
            return s;
        }

        /** The function just declared, for the few that need more than name, arity and routes. */
        final class Fn {
            private final String name;

            Fn(String name) {
                this.name = name;
            }

            /** Its first argument names a route of this kind. */
            Fn arms(Ast.RouteType type) {
                FunctionDecl f = functions.get(name);
                functions.put(name, new FunctionDecl(f.module(), f.name(), f.minArgs(), f.maxArgs(), f.routes(), type));
                return this;
            }

            /** Only these argument counts (Kamailio has one variant per count, and some are missing). */
            Fn arities(int... counts) {
                arities.put(name, counts.clone());
                return this;
            }

            /** It takes pseudo-variables and expressions as arguments (a generic mod_fix fixup). */
            Fn x() {
                expressionFunctions.add(name);
                return this;
            }
        }
    }
}
