package io.sipway.cfg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scripts run for real against the test host: control flow, return codes, operators, variables. */
class ScriptRunTest {
    private final TestHost host = new TestHost();

    private CompiledScript compile(String body) {
        String text = "#!KAMAILIO\nloadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"rr.so\"\nloadmodule \"maxfwd.so\"\n"
                + "loadmodule \"siputils.so\"\nloadmodule \"textops.so\"\nloadmodule \"xlog.so\"\n" + body;
        ScriptLoader.Result r = ScriptLoader.loadText(text, "t.cfg", Path.of("."), Map.of(), k -> null, host);
        assertThat(r.diagnostics().render()).as("diagnostics").doesNotContain("error:");
        return r.script();
    }

    private TestHost.Ctx run(CompiledScript s, TestHost.Ctx ctx) {
        s.entry(Ast.RouteType.REQUEST, null).run(ctx);
        return ctx;
    }

    private Object evaluate(String expression, TestHost.Ctx ctx) {
        CompiledScript s = compile("request_route {\n $var(result) = " + expression + ";\n $avp(out) = $var(result);\n}\n");
        return run(s, ctx).pvs.get("avp(out)");
    }

    private Object evaluate(String expression) {
        return evaluate(expression, new TestHost.Ctx());
    }

    @Test
    void theRelayScriptTakesTheInitialRequestPath() {
        CompiledScript s = compile("""
                request_route {
                    if (!mf_process_maxfwd_header("10")) {
                        sl_send_reply("483", "Too Many Hops");
                        exit;
                    }
                    if (has_totag()) {
                        if (loose_route()) { t_relay(); exit; }
                        sl_send_reply("404", "Not here");
                        exit;
                    }
                    if (is_method("INVITE")) {
                        record_route();
                    }
                    $du = "sip:127.0.0.1:5070";
                    if (!t_relay()) {
                        sl_reply_error();
                    }
                    exit;
                }
                """);
        TestHost.Ctx ctx = run(s, new TestHost.Ctx().returns("has_totag", -1));
        assertThat(ctx.calls).containsExactly("mf_process_maxfwd_header(10)", "has_totag()", "is_method(INVITE)",
                "record_route()", "t_relay()");
        assertThat(ctx.pvs).containsEntry("du", "sip:127.0.0.1:5070");
        assertThat(ctx.exited()).isTrue();
        assertThat(ctx.dropped()).isFalse();
    }

    @Test
    void aFunctionReturningZeroEndsTheScript() {
        CompiledScript s = compile("request_route {\n t_check_trans();\n xlog(\"after\");\n}\n");
        TestHost.Ctx ctx = run(s, new TestHost.Ctx().returns("t_check_trans", 0));
        assertThat(ctx.calls).containsExactly("t_check_trans()");
        assertThat(ctx.exited()).isTrue();
    }

    @Test
    void aNegativeResultIsFalseAndSetsRc() {
        CompiledScript s = compile("request_route {\n if (t_relay()) { xlog(\"yes\"); } else { xlog(\"no\"); }\n $avp(rc) = $rc;\n}\n");
        TestHost.Ctx ctx = run(s, new TestHost.Ctx().returns("t_relay", -2));
        assertThat(ctx.calls).containsExactly("t_relay()", "xlog(no)");
        assertThat(ctx.pvs).containsEntry("avp(rc)", 1L); // $rc after xlog
    }

    @Test
    void routeCallsReturnTheirValueAndReturnStopsAtTheBoundary() {
        CompiledScript s = compile("""
                request_route {
                    route(CHECK);
                    $avp(first) = $rc;
                    if (route(CHECK)) { xlog("true"); }
                    xlog("end");
                }
                route[CHECK] {
                    return -3;
                    xlog("never");
                }
                """);
        TestHost.Ctx ctx = run(s, new TestHost.Ctx());
        assertThat(ctx.pvs).containsEntry("avp(first)", -3L);
        assertThat(ctx.calls).containsExactly("xlog(end)");
    }

    @Test
    void returnZeroFromASubRouteEndsTheWholeScript() {
        CompiledScript s = compile("request_route {\n route(STOP);\n xlog(\"after\");\n}\nroute[STOP] {\n return 0;\n}\n");
        TestHost.Ctx ctx = run(s, new TestHost.Ctx());
        assertThat(ctx.calls).isEmpty();
        assertThat(ctx.exited()).isTrue();
    }

    @Test
    void dropEndsTheScriptAndMarksTheMessage() {
        CompiledScript s = compile("request_route {\n drop;\n}\n");
        TestHost.Ctx ctx = run(s, new TestHost.Ctx());
        assertThat(ctx.dropped()).isTrue();
    }

    @Test
    void routeRecursionIsBounded() {
        CompiledScript s = compile("request_route {\n route(LOOP);\n}\nroute[LOOP] {\n $var(n) = $var(n) + 1;\n route(LOOP);\n}\n");
        TestHost.Ctx ctx = run(s, new TestHost.Ctx());
        assertThat(ctx.exited()).isTrue();
        assertThat(ctx.returnCode()).isEqualTo(-1);
        // request_route is the first level, so route(LOOP) ran MAX_ROUTE_DEPTH - 1 times
        assertThat(ctx.vars[0]).isEqualTo((long) Exec.MAX_ROUTE_DEPTH - 1);
    }

    @Test
    void whileLoopsAndBreak() {
        CompiledScript s = compile("""
                request_route {
                    $var(i) = 0;
                    while ($var(i) < 10) {
                        $var(i) = $var(i) + 1;
                        if ($var(i) == 4) { break; }
                    }
                    $avp(i) = $var(i);
                }
                """);
        assertThat(run(s, new TestHost.Ctx()).pvs).containsEntry("avp(i)", 4L);
    }

    @Test
    void aRunawayWhileStopsAtMaxWhileLoops() {
        CompiledScript s = compile("max_while_loops=5\nrequest_route {\n $var(i) = 0;\n while (1) { $var(i) = $var(i) + 1; }\n $avp(i) = $var(i);\n}\n");
        assertThat(run(s, new TestHost.Ctx()).pvs).containsEntry("avp(i)", 5L);
    }

    @Test
    void switchFallsThroughUntilBreak() {
        CompiledScript s = compile("""
                request_route {
                    switch ($rU) {
                        case "alice": xlog("a");
                        case "bob": xlog("b"); break;
                        case /"^9[0-9]+$": xlog("nine"); break;
                        default: xlog("other");
                    }
                }
                """);
        assertThat(run(s, new TestHost.Ctx().set("rU", "alice")).calls).containsExactly("xlog(a)", "xlog(b)");
        assertThat(run(s, new TestHost.Ctx().set("rU", "911")).calls).containsExactly("xlog(nine)");
        assertThat(run(s, new TestHost.Ctx().set("rU", "carol")).calls).containsExactly("xlog(other)");
    }

    @Test
    void switchOnIntegers() {
        CompiledScript s = compile("request_route {\n switch ($var(x)) {\n case -1: xlog(\"m1\"); break;\n case 2: xlog(\"two\");\n }\n}\n");
        assertThat(run(s, new TestHost.Ctx()).calls).isEmpty(); // $var(x) unset reads 0
    }

    @Test
    void operatorsFollowKamailiosPrecedence() {
        assertThat(evaluate("1 + 2 * 3")).isEqualTo(7L);
        assertThat(evaluate("7 mod 4")).isEqualTo(3L);
        assertThat(evaluate("6 & 3 ^ 1")).isEqualTo(2L); // ^ binds tighter than &: 6 & (3 ^ 1)
        assertThat(evaluate("1 << 2 == 4")).isEqualTo(1L); // shifts bind looser than ==: 1 << (2 == 4) = 1 << 0
        assertThat(evaluate("-2 + 5")).isEqualTo(3L);
        assertThat(evaluate("~0")).isEqualTo(-1L);
        assertThat(evaluate("!0 && 2 > 1")).isEqualTo(1L);
        assertThat(evaluate("0 || 3 >= 3")).isEqualTo(1L);
        assertThat(evaluate("16 >> 2")).isEqualTo(4L);
        assertThat(evaluate("5 | 2")).isEqualTo(7L);
    }

    @Test
    void plusConcatenatesWhenTheLeftSideIsAString() {
        assertThat(evaluate("\"a\" + 1")).isEqualTo("a1");
        assertThat(evaluate("1 + \"2\"")).isEqualTo(3L);
        assertThat(evaluate("\"sip:\" + $rU + \"@x\"", new TestHost.Ctx().set("rU", "bob"))).isEqualTo("sip:bob@x");
    }

    @Test
    void comparisonsAreTypedByTheLeftOperand() {
        assertThat(evaluate("\"10\" == 10")).isEqualTo(1L);
        assertThat(evaluate("\"010\" == 10")).isEqualTo(0L); // string compare: "010" vs "10"
        assertThat(evaluate("10 == \"010\"")).isEqualTo(1L); // int compare
        assertThat(evaluate("\"abc\" eq \"abc\"")).isEqualTo(1L);
        assertThat(evaluate("\"010\" ieq 10")).isEqualTo(1L);
        assertThat(evaluate("\"a\" ne \"b\"")).isEqualTo(1L);
    }

    @Test
    void nullComparisonsAreDefinedTests() {
        assertThat(evaluate("$rU == $null", new TestHost.Ctx())).isEqualTo(1L);
        assertThat(evaluate("$rU != $null", new TestHost.Ctx().set("rU", "x"))).isEqualTo(1L);
        assertThat(evaluate("defined $rU", new TestHost.Ctx())).isEqualTo(0L);
    }

    @Test
    void regexMatchIsCaseInsensitiveAndUnanchored() {
        assertThat(evaluate("$ua =~ \"friendly|scanner\"", new TestHost.Ctx().set("ua", "Friendly-Scanner 1.0"))).isEqualTo(1L);
        assertThat(evaluate("\"12345\" =~ \"^[[:digit:]]+$\"")).isEqualTo(1L);
        assertThat(evaluate("\"x\" =~ \"y\"")).isEqualTo(0L);
    }

    @Test
    void stringFunctionsAndCasts() {
        assertThat(evaluate("strlen(\"abcd\")")).isEqualTo(4L);
        assertThat(evaluate("strempty(\"\")")).isEqualTo(1L);
        assertThat(evaluate("selval(1 > 2, \"a\", \"b\")")).isEqualTo("b");
        assertThat(evaluate("(int)\"42\" + 1")).isEqualTo(43L);
        assertThat(evaluate("(str)42 + 1")).isEqualTo("421");
    }

    @Test
    void transformationsApplyLeftToRight() {
        assertThat(evaluate("$(rU{s.len})", new TestHost.Ctx().set("rU", "alice"))).isEqualTo(5L);
        assertThat(evaluate("$(rU{s.substr,1,3}{s.toupper})", new TestHost.Ctx().set("rU", "alice"))).isEqualTo("LIC");
        assertThat(evaluate("$(rU{s.select,1,,})", new TestHost.Ctx().set("rU", "a,b,c"))).isEqualTo("b");
    }

    @Test
    void matchKeywordsAndMyself() {
        CompiledScript s = compile("""
                request_route {
                    if (method == "INVITE") { xlog("invite"); }
                    if (method == REGISTER) { xlog("register"); }
                    if (uri == myself) { xlog("mine"); }
                    if (src_ip == 10.0.0.0/8) { xlog("ten"); }
                    if (src_ip != 192.168.1.1) { xlog("not192"); }
                    if (myself != uri) { xlog("foreign"); }
                }
                """);
        assertThat(run(s, new TestHost.Ctx().set("rm", "invite").set("ru", "sip:a@127.0.0.1").set("si", "10.1.2.3")).calls)
                .containsExactly("xlog(invite)", "xlog(mine)", "xlog(ten)", "xlog(not192)");
        assertThat(run(s, new TestHost.Ctx().set("rm", "REGISTER").set("ru", "sip:a@example.com").set("si", "192.168.1.1")).calls)
                .containsExactly("xlog(register)", "xlog(foreign)");
    }

    @Test
    void varValuesPersistAcrossRunsOnOneContextLikeKamailiosPerProcessVars() {
        CompiledScript s = compile("request_route {\n $var(n) = $var(n) + 1;\n $avp(n) = $var(n);\n}\n");
        TestHost.Ctx ctx = new TestHost.Ctx();
        run(s, ctx);
        run(s, ctx);
        assertThat(ctx.pvs).containsEntry("avp(n)", 2L);
    }

    @Test
    void assigningNullResets() {
        CompiledScript s = compile("request_route {\n $du = \"sip:x\";\n $du = $null;\n}\n");
        assertThat(run(s, new TestHost.Ctx()).pvs).containsEntry("du", null);
    }

    @Test
    void unnamedRequestRoutesAreAppended() {
        CompiledScript s = compile("request_route {\n xlog(\"one\");\n}\nroute {\n xlog(\"two\");\n}\n");
        assertThat(run(s, new TestHost.Ctx()).calls).containsExactly("xlog(one)", "xlog(two)");
    }
}
