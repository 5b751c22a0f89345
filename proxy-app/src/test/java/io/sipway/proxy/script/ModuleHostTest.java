package io.sipway.proxy.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast.RouteType;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ScriptFunction;
import io.sipway.cfg.ScriptHost;
import io.sipway.cfg.ScriptLoader;
import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleHostTest {
    private final io.sipway.proxy.module.ModuleHost host = io.sipway.proxy.Modules.host(new io.sipway.proxy.core.Core());
    private final ScriptContext ctx = new ScriptContext() {
    };

    /** Constant arguments as the loader gives them: Strings stay Strings, numbers are Longs. */
    private static List<Arg> args(Object... values) {
        List<Arg> list = new ArrayList<>();
        for (Object v : values) {
            if (v instanceof Arg a) {
                list.add(a);
            } else if (v instanceof Integer i) {
                list.add(Arg.constant((long) i, Integer.toString(i)));
            } else {
                list.add(Arg.constant(v, v instanceof String ? "\"" + v + "\"" : String.valueOf(v)));
            }
        }
        return list;
    }

    private static Arg dynamic() {
        return Arg.dynamic(c -> "x", "$var(x)");
    }

    private final java.util.List<io.sipway.proxy.module.ModuleExports> tables = io.sipway.proxy.Modules.tables(new io.sipway.proxy.core.Core());

    /** Binds a call as loading a script does: the argument count, then the function's fixup. */
    private void bind(String function, java.util.List<io.sipway.cfg.Arg> args) {
        io.sipway.proxy.module.FunctionExport f = tables.stream().map(t -> t.functions().get(function))
                .filter(java.util.Objects::nonNull).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown function '" + function + "'"));
        if (!f.takes(args.size())) {
            throw new IllegalArgumentException(f.arityProblem(args.size()));
        }
        f.fixup().bind(args);
    }

    private void ok(String function, Object... values) {
        assertThatCode(() -> bind(function, args(values))).as(function).doesNotThrowAnyException();
    }

    private void refused(String function, String message, Object... values) {
        assertThatThrownBy(() -> bind(function, args(values))).as(function)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void functionSpecsCarryArityRoutesArmedRouteAndExpressions() {
        FunctionSpec relay = host.function("t_relay");
        assertThat(relay.module()).isEqualTo("tm");
        assertThat(relay.minArgs()).isZero();
        assertThat(relay.maxArgs()).isEqualTo(2);
        assertThat(relay.allowedIn(RouteType.REQUEST)).isTrue();
        assertThat(relay.allowedIn(RouteType.FAILURE)).isTrue();
        assertThat(relay.allowedIn(RouteType.ROUTE)).isTrue();
        assertThat(relay.allowedIn(RouteType.ONSEND)).isFalse();
        assertThat(relay.allowedIn(RouteType.BRANCH)).isFalse();
        assertThat(relay.allowedIn(RouteType.REPLY)).isFalse();
        assertThat(host.function("t_on_failure").armedRoute()).isEqualTo(RouteType.FAILURE);
        assertThat(host.function("t_on_reply").armedRoute()).isEqualTo(RouteType.ONREPLY);
        assertThat(host.function("t_on_branch").armedRoute()).isEqualTo(RouteType.BRANCH);
        assertThat(host.function("xlog").allowedIn(RouteType.ONSEND)).isTrue();
        assertThat(host.function("setflag").module()).isNull();
        assertThat(host.function("is_myself").acceptsExpressions()).isTrue();
        assertThat(host.function("sl_send_reply").acceptsExpressions()).isFalse();
        assertThat(host.function("no_such_function")).isNull();
        assertThat(host.function("route")).isNull();
    }

    @Test
    void replyCodesAreCheckedWhenConstant() {
        ok("sl_send_reply", "404", "Not Found");
        ok("sl_send_reply", 200, "OK");
        ok("sl_send_reply", "$var(code)", "$var(reason)");
        ok("sl_send_reply", dynamic(), "x");
        ok("t_reply", "699", "x");
        ok("send_reply", "100", "Trying");
        refused("sl_send_reply", "the reply code 800 is not a number from 100 to 699", "800", "x");
        refused("sl_send_reply", "the reply code 99 is not a number from 100 to 699", 99, "x");
        refused("t_reply", "the reply code must be a number, not \"abc\"", "abc", "x");
        refused("send_reply", "700", "700", "x");
        refused("xhttp_reply", "0", "0", "OK", "text/plain", "");
    }

    @Test
    void argumentCountsWithGapsAreRefused() {
        ok("t_relay");
        ok("t_relay", "10.0.0.1", "5060");
        refused("t_relay", "takes 0 or 2 arguments, not 1", "10.0.0.1");
        refused("t_relay", "takes 0 or 2 arguments, not 3", "a", "b", "c");
        refused("add_contact_alias", "takes 0 or 3 arguments, not 2", "1.2.3.4", "5060");
        ok("add_contact_alias", "1.2.3.4", "5060", "udp");
        refused("sl_send_reply", "takes 2 arguments, not 1", "404");
        refused("t_relay", "the port 70000 is out of range 0..65535", "10.0.0.1", "70000");
        assertThatThrownBy(() -> bind("no_such_function", args())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void maxForwardsIsANumberUpTo255() {
        ok("mf_process_maxfwd_header", "10");
        ok("mf_process_maxfwd_header", 70);
        ok("mf_process_maxfwd_header", "$var(mf)");
        refused("mf_process_maxfwd_header", "the Max-Forwards value must be a number, not \"ten\"", "ten");
        refused("mf_process_maxfwd_header", "the Max-Forwards value 300 is out of range 0..255", "300");
    }

    @Test
    void isMethodTakesOneMethodOrAListOfKnownOnes() {
        ok("is_method", "INVITE");
        ok("is_method", "invite|bye|ACK");
        ok("is_method", "FOO");
        ok("is_method", "OPTIONS|SUBSCRIBE|NOTIFY|PUBLISH|MESSAGE|REFER|PRACK|UPDATE|INFO|REGISTER|CANCEL");
        refused("is_method", "method 'FOO' in the list", "INVITE|FOO");
        refused("is_method", "empty method name", "INVITE||BYE");
        refused("is_method", "empty method name", "");
    }

    @Test
    void flagNumbersAreInKamailiosRanges() {
        ok("setflag", 31);
        ok("setflag", "FLT_ACC");
        ok("isflagset", "0");
        refused("setflag", "message flag 32 is out of range 0..31", 32);
        refused("resetflag", "message flag 99 is out of range 0..31", "99");
        ok("setbflag", 6);
        ok("setbflag", 6, 1);
        ok("isbflagset", "$var(f)");
        refused("setbflag", "flag 32 is out of range 0..31", 32);
        refused("isbflagset", "the branch index -1 is out of range", 1, -1);
    }

    @Test
    void xlogLevelsAndFacilities() {
        ok("xlog", "only a message $rm\n");
        ok("xlog", "L_INFO", "message\n");
        ok("xlog", "L_ERR", "message\n");
        ok("xlog", "L_DBG", "message\n");
        ok("xlog", "$var(level)", "message\n");
        ok("xlog", "LOG_LOCAL0", "L_WARN", "message\n");
        refused("xlog", "unknown log level \"L_FOO\"", "L_FOO", "message\n");
        refused("xlog", "unknown log level \"X\"", "X", "message\n");
        refused("xlog", "unknown syslog facility \"LOCAL9\"", "LOCAL9", "L_INFO", "message\n");
    }

    @Test
    void wordsFromAFixedSet() {
        ok("is_direction", "downstream");
        ok("is_direction", "UPSTREAM");
        refused("is_direction", "the direction must be downstream, upstream", "sideways");
        ok("t_is_set", "failure_route");
        refused("t_is_set", "is branch_route, failure_route or onreply_route, not 'reply_route'", "reply_route");
        ok("is_supported", "outbound");
        refused("is_supported", "the option", "ice");
    }

    @Test
    void substitutionsHaveThreePartsAndKnownFlags() {
        ok("subst", "/^To:(.*)sip:[^@]*@[a-zA-Z0-9.]+(.*)$/t:\\1\\u\\2/ig");
        ok("subst_uri", "/^sip:([0-9]+)@(.*)$/sip:3463\\1@\\2;orig_uri=\\0/i");
        ok("subst_user", "/3642$/36423463/");
        ok("subst_body", "!a\\!b!c!g");
        refused("subst", "unknown flag 'x'", "/a/b/x");
        refused("subst_body", "expected /re/replacement/flags", "/a/b");
        refused("subst", "the regular expression is empty", "//b/");
    }

    @Test
    void otherNumericArguments() {
        ok("sanity_check", "1511", "7");
        refused("sanity_check", "must be a number", "all");
        refused("nat_uac_test", "must be a number", "nat");
        ok("nat_uac_test", "19");
        ok("t_set_fr", 30000, 5000);
        refused("t_set_fr", "the time must be a number", "soon");
    }

    @Test
    void pseudoVariablesExistOnlyWhileTheirModuleIsLoadedAndCheckTheirName() {
        assertThatThrownBy(() -> host.pseudoVariable(new PvName("ru", null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("is in module 'pv': add loadmodule \"pv.so\"");
        host.modulesLoaded(java.util.Set.of("pv", "tmx"));
        Pv rm = host.pseudoVariable(new PvName("rm", null, null));
        assertThat(rm).isNotNull();
        assertThat(rm.writable()).isFalse();
        assertThat(host.pseudoVariable(new PvName("ru", null, null)).writable()).isTrue();
        assertThat(host.pseudoVariable(new PvName("rU", null, null)).writable()).isTrue();
        assertThat(host.pseudoVariable(new PvName("hdr", "Via", "-1")).writable()).isFalse();
        assertThat(host.pseudoVariable(new PvName("avp", "x", null)).writable()).isTrue();
        assertThat(host.pseudoVariable(new PvName("T_branch_idx", null, null))).isNotNull();

        assertThatThrownBy(() -> host.pseudoVariable(new PvName("hdr", null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a name in parentheses");
        assertThatThrownBy(() -> host.pseudoVariable(new PvName("avp", " ", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a name in parentheses");
        assertThatThrownBy(() -> host.pseudoVariable(new PvName("rm", "x", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("$rm takes no name in parentheses");
        // Kamailio has it, Sipway does not: said so, not "unknown"
        assertThatThrownBy(() -> host.pseudoVariable(new PvName("sqlrows", "ca", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("is a pseudo-variable of Kamailio's sqlops module that Sipway does not implement");
        assertThat(host.pseudoVariable(new PvName("no_such_pv", null, null))).isNull();
        assertThat(host.pseudoVariable(new PvName("caller_user", null, null))).isNull();
    }

    @Test
    void matchKeywordsAreTheCores() {
        assertThat(host.matchKeyword("method")).isNotNull();
        assertThat(host.matchKeyword("msg:len")).isNotNull();
        assertThat(host.matchKeyword("src_ip")).isNotNull();
        assertThat(host.matchKeyword("no_such_keyword")).isNull();
    }

    @Test
    void globalAndModuleParameters() {
        assertThat(host.globalParameter("children")).isTrue();
        assertThat(host.globalParameter("tcp_connection_lifetime")).isTrue();
        assertThat(host.globalParameter("no_such_parameter")).isFalse();
        assertThat(host.moduleParameter("tm", "fr_timer")).isTrue();
        assertThat(host.moduleParameter("tm", "fr_invite_timer")).isFalse();
        assertThat(host.moduleParameter("usrloc", "db_mode")).isTrue();
    }

    @Test
    void anIpv4AddressWithAnOctetAbove255IsRefusedWhereItIs() {
        ScriptHost.ValueProblem p = host.globalParameterProblem("listen", "udp:300.1.2.3:5060", null);
        assertThat(p).isNotNull();
        assertThat(p.offset()).isEqualTo(4);
        assertThat(p.message()).contains("300.1.2.3");
        assertThat(host.globalParameterProblem("listen", "udp:10.0.0.1:5060 advertise 1.2.3.4:5060", null)).isNull();
        assertThat(host.globalParameterProblem("listen", "udp:10.0.0.1:5060 advertise 1.2.3.256", null).offset())
                .isEqualTo(28);
        assertThat(host.globalParameterProblem("alias", "\"300.1.2.3\"", "300.1.2.3")).isNull();
        assertThat(host.globalParameterProblem("alias", "1.2.3.400.example.com", null)).isNull();
        assertThat(host.globalParameterProblem("children", "8", 8L)).isNull();
    }

    @Test
    void transformationsArePvsAndCountTheirParameters() {
        assertThatThrownBy(() -> host.transformation("uri.user", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("is in module 'pv': add loadmodule \"pv.so\"");
        host.modulesLoaded(java.util.Set.of("pv"));
        Transformation user = host.transformation("uri.user", List.of());
        assertThat(user.apply("sip:alice@example.com", ctx)).isEqualTo("alice");
        ValueSource name = c -> "expires";
        assertThat(host.transformation("param.value", List.of(name))).isNotNull();
        assertThatThrownBy(() -> host.transformation("uri.param", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("takes 1 parameter, not 0");
        assertThat(host.transformation("s.reverse", List.of())).isNull();
    }

    @Test
    void aScriptChecksAgainstTheHost() {
        String cfg = """
                #!KAMAILIO
                loadmodule "tm.so"
                loadmodule "tmx.so"
                loadmodule "sl.so"
                loadmodule "rr.so"
                loadmodule "pv.so"
                loadmodule "maxfwd.so"
                loadmodule "textops.so"
                loadmodule "xlog.so"
                modparam("tm", "fr_timer", 30000)
                children=4
                request_route {
                    if (!mf_process_maxfwd_header("10")) {
                        sl_send_reply("483", "Too Many Hops");
                        exit;
                    }
                    if (is_method("INVITE|BYE")) {
                        record_route();
                    }
                    t_on_failure("MISSED");
                    if (!t_relay()) {
                        sl_reply_error();
                    }
                }
                failure_route[MISSED] {
                    xlog("L_INFO", "failed with $T_reply_code for $(ru{uri.user})\\n");
                }
                """;
        ScriptLoader.Result r = ScriptLoader.loadText(cfg, "ok.cfg", Path.of("."), Map.of(), n -> null, host);
        assertThat(r.diagnostics().errorCount()).as(r.diagnostics().render()).isZero();

        String bad = """
                #!KAMAILIO
                loadmodule "tm.so"
                loadmodule "sl.so"
                request_route {
                    sl_send_reply("800", "Nope");
                    t_relay();
                }
                onsend_route {
                    t_relay();
                }
                """;
        ScriptLoader.Result b = ScriptLoader.loadText(bad, "bad.cfg", Path.of("."), Map.of(), n -> null, host);
        assertThat(b.ok()).isFalse();
        assertThat(b.diagnostics().render()).contains("800").contains("t_relay")
                .contains("onsend_route is not run by Sipway");
        assertThat(b.diagnostics().errorCount()).isEqualTo(3);
    }

    @Test
    void registrarWaitsOnTheDatabaseOnlyInTheUsrlocModesThatQueryIt() {
        for (String mode : List.of("0", "1", "2", "3")) {
            String cfg = """
                    #!KAMAILIO
                    loadmodule "sl.so"
                    loadmodule "textops.so"
                    loadmodule "usrloc.so"
                    loadmodule "registrar.so"
                    modparam("usrloc", "db_mode", MODE)
                    request_route {
                        if (is_method("REGISTER")) {
                            route(REGISTRAR);
                        }
                        route(LOCATION);
                    }
                    route[REGISTRAR] {
                        save("location");
                        exit;
                    }
                    route[LOCATION] {
                        if (!lookup("location")) {
                            sl_send_reply("404", "Not Found");
                        }
                    }
                    """.replace("MODE", mode);
            ScriptLoader.Result r = ScriptLoader.loadText(cfg, "registrar.cfg", Path.of("."), Map.of(), n -> null,
                    io.sipway.proxy.Modules.host(new io.sipway.proxy.core.Core()));
            assertThat(r.diagnostics().errorCount()).as(r.diagnostics().render()).isZero();
            io.sipway.cfg.CompiledScript script = r.script();
            // save() writes through in mode 1 and queries in mode 3; lookup() queries only in mode 3
            assertThat(script.entry(RouteType.REQUEST, null).mayWait()).as("request_route, db_mode " + mode)
                    .isEqualTo(mode.equals("1") || mode.equals("3"));
            assertThat(script.entry(RouteType.ROUTE, "LOCATION").mayWait()).as("route[LOCATION], db_mode " + mode)
                    .isEqualTo(mode.equals("3"));
        }
    }
}
