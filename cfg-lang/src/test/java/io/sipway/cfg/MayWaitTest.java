package io.sipway.cfg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A route entry tells whether running it can reach a function that may wait (docs/ARCHITECTURE.md,
 * "Functions that may wait"): the host runs such an entry on a worker, every other one on its
 * event loop. {@code wait_for_db()} is the test host's waiting function.
 */
class MayWaitTest {
    private final TestHost host = new TestHost();

    private CompiledScript compile(String body) {
        String text = "#!KAMAILIO\nloadmodule \"tm.so\"\nloadmodule \"sl.so\"\n" + body;
        ScriptLoader.Result r = ScriptLoader.loadText(text, "t.cfg", Path.of("."), Map.of(), k -> null, host);
        assertThat(r.diagnostics().render()).as("diagnostics").doesNotContain("error:");
        return r.script();
    }

    private static boolean mayWait(CompiledScript s, Ast.RouteType type, String name) {
        return s.entry(type, name).mayWait();
    }

    @Test
    void aRouteCallingAWaitingFunctionMayWaitAndOneThatDoesNotRunsWithoutWaiting() {
        CompiledScript s = compile("""
                request_route { if (wait_for_db()) { t_relay(); } }
                reply_route { sl_send_reply("200", "OK"); }
                """);
        assertThat(mayWait(s, Ast.RouteType.REQUEST, null)).isTrue();
        assertThat(s.entry(Ast.RouteType.REQUEST, null).waitingFunction()).isEqualTo("wait_for_db");
        assertThat(mayWait(s, Ast.RouteType.REPLY, null)).isFalse();
        assertThat(s.entry(Ast.RouteType.REPLY, null).waitingFunction()).isNull();
    }

    @Test
    void aSubRouteReachedThroughRouteCallsCountsTransitively() {
        CompiledScript s = compile("""
                request_route { route(A); }
                route[A] { route(B); }
                route[B] { $var(x) = 1; if ($var(x) == 1) { wait_for_db(); } }
                route[C] { t_relay(); }
                event_route[tm:local-request] { route(C); }
                """);
        assertThat(mayWait(s, Ast.RouteType.REQUEST, null)).isTrue();
        assertThat(mayWait(s, Ast.RouteType.ROUTE, "A")).isTrue();
        assertThat(mayWait(s, Ast.RouteType.ROUTE, "C")).isFalse();
        assertThat(mayWait(s, Ast.RouteType.EVENT, "tm:local-request")).isFalse();
    }

    @Test
    void routesCallingEachOtherInACycleAreAnswered() {
        CompiledScript s = compile("""
                request_route { route(A); }
                route[A] { if ($rU == "b") { route(B); } }
                route[B] { if ($rU == "a") { route(A); } wait_for_db(); }
                failure_route[F] { route(C); }
                route[C] { if ($rU == "d") { route(D); } }
                route[D] { if ($rU == "c") { route(C); } }
                """);
        assertThat(mayWait(s, Ast.RouteType.REQUEST, null)).isTrue();
        assertThat(mayWait(s, Ast.RouteType.ROUTE, "B")).isTrue();
        assertThat(mayWait(s, Ast.RouteType.FAILURE, "F")).isFalse();
        assertThat(mayWait(s, Ast.RouteType.ROUTE, "D")).isFalse();
    }

    @Test
    void aRouteByNameFromAVariableMayReachAnyRoute() {
        CompiledScript s = compile("""
                request_route { $var(r) = "PLAIN"; route($var(r)); }
                route[PLAIN] { t_relay(); }
                route[AUTH] { wait_for_db(); }
                """);
        assertThat(mayWait(s, Ast.RouteType.REQUEST, null)).isTrue();
        assertThat(mayWait(s, Ast.RouteType.ROUTE, "PLAIN")).isFalse();
    }

    @Test
    void theBranchRouteArmedRunsInsideTheRunButFailureAndReplyRoutesAreTheirOwnEntries() {
        CompiledScript s = compile("""
                request_route {
                    if ($rU == "b") { t_on_branch("LOOKUP"); }
                    t_on_failure("RETRY");
                    t_on_reply("REPLY");
                    t_relay();
                }
                route[FROM_FAILURE] { t_on_branch("LOOKUP"); t_relay(); }
                branch_route[LOOKUP] { wait_for_db(); }
                failure_route[RETRY] { route(FROM_FAILURE); }
                failure_route[PLAIN] { t_relay(); }
                onreply_route[REPLY] { wait_for_db(); }
                """);
        assertThat(mayWait(s, Ast.RouteType.REQUEST, null)).as("t_on_branch + t_relay run the branch_route").isTrue();
        assertThat(mayWait(s, Ast.RouteType.BRANCH, "LOOKUP")).isTrue();
        assertThat(mayWait(s, Ast.RouteType.FAILURE, "RETRY")).as("through route(X) then t_on_branch").isTrue();
        assertThat(mayWait(s, Ast.RouteType.FAILURE, "PLAIN")).isFalse();
        assertThat(mayWait(s, Ast.RouteType.ONREPLY, "REPLY")).isTrue();

        CompiledScript noBranch = compile("""
                request_route { t_on_failure("WAITS"); t_on_reply("REPLY"); t_relay(); }
                failure_route[WAITS] { wait_for_db(); }
                onreply_route[REPLY] { wait_for_db(); }
                """);
        assertThat(mayWait(noBranch, Ast.RouteType.REQUEST, null))
                .as("the failure and onreply routes run later, each dispatched on its own").isFalse();
        assertThat(mayWait(noBranch, Ast.RouteType.FAILURE, "WAITS")).isTrue();
    }

    @Test
    void aBranchRouteNamedByAnExpressionMayBeAny() {
        CompiledScript s = compile("""
                request_route { $var(b) = "ONE"; t_on_branch($var(b)); t_relay(); }
                branch_route[ONE] { t_relay(); }
                branch_route[TWO] { wait_for_db(); }
                """);
        assertThat(mayWait(s, Ast.RouteType.REQUEST, null)).isTrue();
    }
}
