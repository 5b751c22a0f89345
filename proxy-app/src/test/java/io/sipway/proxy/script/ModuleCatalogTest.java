package io.sipway.proxy.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.cfg.Ast.RouteType;
import io.sipway.proxy.script.ModuleCatalog.FunctionDecl;
import io.sipway.proxy.script.ModuleCatalog.Inner;
import io.sipway.proxy.script.ModuleCatalog.PvDecl;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModuleCatalogTest {
    private final ModuleCatalog catalog = ModuleCatalog.kamailio();

    @Test
    void hasExactlyTheModulesSipwayKnows() {
        assertThat(catalog.modules()).containsExactlyInAnyOrder("tm", "tmx", "sl", "rr", "maxfwd", "textops",
                "textopsx", "siputils", "pv", "xlog", "sanity", "registrar", "usrloc", "nathelper", "websocket", "xhttp",
                "tls", "kex", "corex", "jsonrpcs", "ctl", "cfg_rpc", "acc", "counters", "cfgutils", "htable");
        assertThat(ModuleCatalog.kamailio()).isSameAs(catalog);
    }

    @Test
    void tRelayTakesNoneOrHostAndPortInRequestAndFailureRoutes() {
        FunctionDecl f = catalog.function("t_relay");
        assertThat(f.module()).isEqualTo("tm");
        assertThat(f.minArgs()).isZero();
        assertThat(f.maxArgs()).isEqualTo(2);
        assertThat(f.routes()).containsExactlyInAnyOrder(RouteType.REQUEST, RouteType.FAILURE, RouteType.ROUTE,
                RouteType.EVENT);
        assertThat(f.armsRoute()).isNull();
        assertThat(catalog.acceptsArgCount("t_relay", 0)).isTrue();
        assertThat(catalog.acceptsArgCount("t_relay", 1)).isFalse();
        assertThat(catalog.acceptsArgCount("t_relay", 2)).isTrue();
        assertThat(catalog.acceptsArgCount("t_relay", 3)).isFalse();
        assertThat(catalog.exactArgCounts("t_relay")).containsExactly(0, 2);
        assertThat(catalog.exactArgCounts("record_route")).isNull();
    }

    @Test
    void theTOnFunctionsArmTheirRouteKind() {
        FunctionDecl failure = catalog.function("t_on_failure");
        assertThat(failure.armsRoute()).isEqualTo(RouteType.FAILURE);
        assertThat(failure.minArgs()).isEqualTo(1);
        assertThat(failure.maxArgs()).isEqualTo(1);
        assertThat(failure.routes()).contains(RouteType.REQUEST, RouteType.FAILURE, RouteType.ONREPLY, RouteType.BRANCH)
                .doesNotContain(RouteType.REPLY, RouteType.ONSEND);
        assertThat(catalog.function("t_on_reply").armsRoute()).isEqualTo(RouteType.ONREPLY);
        FunctionDecl branch = catalog.function("t_on_branch");
        assertThat(branch.armsRoute()).isEqualTo(RouteType.BRANCH);
        assertThat(branch.allowedIn(RouteType.BRANCH)).isFalse();
        assertThat(catalog.function("t_on_branch_failure").armsRoute()).isNull();
    }

    @Test
    void statelessRepliesOnlyInRequestRoutesSendReplyAlsoInReplyAndFailureRoutes() {
        FunctionDecl sl = catalog.function("sl_send_reply");
        assertThat(sl.module()).isEqualTo("sl");
        assertThat(sl.minArgs()).isEqualTo(2);
        assertThat(sl.maxArgs()).isEqualTo(2);
        assertThat(sl.routes()).containsExactlyInAnyOrder(RouteType.REQUEST, RouteType.ROUTE, RouteType.EVENT);
        assertThat(catalog.function("send_reply").routes()).contains(RouteType.REPLY, RouteType.ONREPLY,
                RouteType.FAILURE);
        assertThat(catalog.function("t_reply").allowedIn(RouteType.BRANCH)).isFalse();
        assertThat(catalog.function("t_is_retr_async_reply").routes()).containsExactlyInAnyOrder(RouteType.ONREPLY,
                RouteType.ROUTE);
        assertThat(catalog.function("forward_reply").routes()).containsExactlyInAnyOrder(RouteType.REPLY,
                RouteType.ROUTE);
    }

    @Test
    void aSampleOfArities() {
        assertArity("record_route", "rr", 0, 1);
        assertArity("loose_route", "rr", 0, 0);
        assertArity("record_route_preset", "rr", 1, 2);
        assertArity("save", "registrar", 1, 3);
        assertArity("lookup", "registrar", 1, 2);
        assertArity("registered", "registrar", 1, 4);
        assertArity("nat_uac_test", "nathelper", 1, 1);
        assertArity("add_contact_alias", "nathelper", 0, 3);
        assertArity("ws_handle_handshake", "websocket", 0, 0);
        assertArity("ws_close", "websocket", 0, 3);
        assertArity("xhttp_reply", "xhttp", 4, 4);
        assertArity("xlog", "xlog", 1, 3);
        assertArity("xinfo", "xlog", 1, 1);
        assertArity("is_method", "textops", 1, 1);
        assertArity("has_body", "textops", 0, 1);
        assertArity("append_hf", "textops", 1, 2);
        assertArity("msg_apply_changes", "textopsx", 0, 0);
        assertArity("has_totag", "siputils", 0, 0);
        assertArity("is_first_hop", "siputils", 0, 1);
        assertArity("sanity_check", "sanity", 0, 2);
        assertArity("mf_process_maxfwd_header", "maxfwd", 1, 1);
        assertArity("setbflag", "kex", 1, 2);
        assertArity("is_myself", "kex", 1, 1);
        assertArity("append_branch", "corex", 0, 2);
        assertArity("pv_unset", "pv", 1, 1);
        assertArity("rand_event", "cfgutils", 0, 0);
        assertArity("sht_rm_name_re", "htable", 1, 1);
        assertArity("acc_db_request", "acc", 2, 2);
        assertArity("cnt_add", "counters", 2, 2);
        assertArity("jsonrpc_dispatch", "jsonrpcs", 0, 0);
        assertArity("t_precheck_trans", "tmx", 0, 0);
        assertArity("t_cancel_callid", "tmx", 3, 4);
        assertThat(catalog.acceptsArgCount("add_contact_alias", 1)).isFalse();
        assertThat(catalog.acceptsArgCount("ws_close", 1)).isFalse();
        assertThat(catalog.acceptsArgCount("ws_close", 3)).isTrue();
    }

    private void assertArity(String name, String module, int min, int max) {
        FunctionDecl f = catalog.function(name);
        assertThat(f).as(name).isNotNull();
        assertThat(f.module()).as(name).isEqualTo(module);
        assertThat(f.minArgs()).as(name).isEqualTo(min);
        assertThat(f.maxArgs()).as(name).isEqualTo(max);
    }

    @Test
    void coreFunctionsHaveNoModule() {
        assertThat(catalog.function("setflag").module()).isNull();
        assertThat(catalog.function("setflag").maxArgs()).isEqualTo(1);
        assertThat(catalog.function("forward").maxArgs()).isEqualTo(2);
        assertThat(catalog.function("log").minArgs()).isEqualTo(1);
        assertThat(catalog.function("log").maxArgs()).isEqualTo(2);
        assertThat(catalog.function("force_tcp_alias").maxArgs()).isEqualTo(1);
        assertThat(catalog.function("rewritehostport").module()).isNull();
        assertThat(catalog.function("sethostport")).isNotNull();
        assertThat(catalog.function("isdsturiset").module()).isEqualTo("kex");
    }

    @Test
    void unknownNamesAndLanguageKeywordsAreNull() {
        for (String n : new String[] {"no_such_function", "route", "exit", "drop", "return", "break", "selval"}) {
            assertThat(catalog.function(n)).as(n).isNull();
        }
        for (String n : new String[] {"var", "shv", "rc", "retcode", "null", "no_such_pv"}) {
            assertThat(catalog.pv(n)).as(n).isNull();
        }
        assertThat(catalog.transformation("s.reverse")).isNull();
        assertThat(catalog.globalParameter("no_such_parameter")).isFalse();
        assertThat(catalog.globalParameter("runtime_dir")).isFalse();
    }

    @Test
    void pseudoVariablesKnowTheirNameAndWhetherTheyCanBeAssigned() {
        assertPv("ru", Inner.NONE, true);
        assertPv("rU", Inner.NONE, true);
        assertPv("du", Inner.NONE, true);
        assertPv("fs", Inner.NONE, true);
        assertPv("fsn", Inner.NONE, true);
        assertPv("br", Inner.NONE, true);
        assertPv("bf", Inner.NONE, true);
        assertPv("rm", Inner.NONE, false);
        assertPv("rs", Inner.NONE, false);
        assertPv("ua", Inner.NONE, false);
        assertPv("si", Inner.NONE, false);
        assertPv("hdr", Inner.REQUIRED, false);
        assertPv("avp", Inner.REQUIRED, true);
        assertPv("xavp", Inner.REQUIRED, true);
        assertPv("sht", Inner.REQUIRED, true);
        assertPv("shtinc", Inner.REQUIRED, false);
        assertPv("T_branch_idx", Inner.NONE, false);
        assertPv("ws_conid", Inner.NONE, false);
        assertPv("hu", Inner.NONE, false);
        assertPv("ulc", Inner.REQUIRED, true);
        assertPv("af", Inner.REQUIRED, false);
        assertThat(catalog.pvKeys("time")).contains("year", "isdst");
        assertThat(catalog.pvKeys("hdr")).isNull();
    }

    private void assertPv(String name, Inner inner, boolean writable) {
        PvDecl d = catalog.pv(name);
        assertThat(d).as(name).isEqualTo(new PvDecl(name, inner, writable));
    }

    @Test
    void coreGlobalParametersWithTheirAliases() {
        for (String p : new String[] {"listen", "alias", "port", "children", "tcp_children", "debug", "log_stderror",
                "log_facility", "log_prefix", "fork", "memdbg", "mem_dbg", "memlog", "auto_aliases", "enable_tls",
                "tls_enable", "disable_tls", "disable_tcp", "enable_sctp", "mhomed", "dns", "rev_dns", "use_dns_cache",
                "server_header", "user_agent_header", "max_while_loops", "max_branches", "tcp_connection_lifetime",
                "tcp_accept_no_cl", "tcp_max_connections", "tls_max_connections", "tls_threads_mode", "reply_to_via",
                "onsend_route_reply", "maxbuffer", "mem_join", "shm_mem_size", "pv_buffer_size", "async_workers",
                "corelog", "phone2tel", "latency_limit_action", "received_route_mode", "xavp_via_params",
                "dst_blocklist_init", "dst_blacklist_init", "sip_warning", "server_signature"}) {
            assertThat(catalog.globalParameter(p)).as(p).isTrue();
        }
    }

    @Test
    void modparamsAreCheckedForModulesWithAKnownList() {
        assertThat(catalog.moduleParameter("tm", "fr_timer")).isTrue();
        assertThat(catalog.moduleParameter("tm", "fr_inv_timer")).isTrue();
        assertThat(catalog.moduleParameter("tm", "fr_invite_timer")).isFalse();
        assertThat(catalog.moduleParameter("rr", "append_fromtag")).isTrue();
        assertThat(catalog.moduleParameter("textops", "anything")).isFalse();
        assertThat(catalog.moduleParameter("usrloc", "db_mode")).isTrue();
        assertThat(catalog.modulesWithKnownParameters()).contains("tm", "registrar", "htable")
                .doesNotContain("usrloc", "tls", "acc");
    }

    @Test
    void theMatchKeywordsOfConditions() {
        assertThat(catalog.matchKeywords()).contains("method", "uri", "from_uri", "to_uri", "src_ip", "src_port",
                "dst_ip", "dst_port", "snd_ip", "snd_port", "snd_proto", "snd_af", "to_ip", "to_port", "to_proto", "proto",
                "af", "status", "msg:len");
        assertThat(catalog.matchKeywords()).doesNotContain("myself");
    }

    @Test
    void functionsTakingExpressionsAreTheOnesWithAGenericFixup() {
        assertThat(catalog.acceptsExpressions("is_myself")).isTrue();
        assertThat(catalog.acceptsExpressions("append_branch")).isTrue();
        assertThat(catalog.acceptsExpressions("sl_send_reply")).isFalse();
        assertThat(catalog.acceptsExpressions("xlog")).isFalse();
        assertThat(catalog.acceptsExpressions("t_on_failure")).isFalse();
        assertThat(catalog.acceptsExpressions("setflag")).isFalse();
    }

    @Test
    void transformationsOfThePvTextopsAndXhttpModules() {
        assertThat(catalog.transformation("uri.user")).isEqualTo(new ModuleCatalog.TransformationDecl("uri.user", 0, 0));
        assertThat(catalog.transformation("param.value").maxParams()).isEqualTo(2);
        assertThat(catalog.transformation("s.replace").minParams()).isEqualTo(2);
        assertThat(catalog.transformation("re.subst")).isNotNull();
        assertThat(catalog.transformation("url.querystring")).isNotNull();
    }

    @Test
    void everyFunctionIsUsableInSubRoutesAndBelongsToAKnownModule() {
        for (FunctionDecl f : catalog.functions()) {
            assertThat(f.routes()).as(f.name()).contains(RouteType.ROUTE);
            if (f.routes().contains(RouteType.REQUEST)) {
                assertThat(f.routes()).as(f.name() + ": event_route runs as request_route").contains(RouteType.EVENT);
            }
            if (f.module() != null) {
                assertThat(catalog.modules()).as(f.name()).contains(f.module());
            }
            assertThat(catalog.acceptsArgCount(f.name(), f.minArgs())).as(f.name()).isTrue();
            assertThat(catalog.acceptsArgCount(f.name(), f.maxArgs())).as(f.name()).isTrue();
        }
        assertThat(catalog.functions()).hasSizeGreaterThan(350);
        assertThat(catalog.pvs()).hasSizeGreaterThan(200);
        assertThat(catalog.globalParameters()).hasSizeGreaterThan(250);
    }

    @Test
    void theDeclarationsAreImmutable() {
        Set<RouteType> routes = catalog.function("t_relay").routes();
        assertThatThrownBy(() -> routes.add(RouteType.ONSEND))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> catalog.modules().add("auth"))
                .isInstanceOf(UnsupportedOperationException.class);
        EnumSet<RouteType> mine = EnumSet.of(RouteType.REQUEST);
        FunctionDecl d = new FunctionDecl("x", "f", 0, 0, mine, null);
        mine.add(RouteType.BRANCH);
        assertThat(d.routes()).containsExactly(RouteType.REQUEST);
    }
}
