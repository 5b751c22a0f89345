package io.sipway.cfg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the checker says about broken scripts: the exact file:line:col and message of each mistake,
 * all of them in one run, before anything runs.
 */
class CheckErrorsTest {
    private static final String HEADER = "#!KAMAILIO\nloadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"xlog.so\"\n";

    private static Diagnostics check(String text) {
        return ScriptLoader.loadText(text, "bad.cfg", Path.of("."), Map.of(), k -> null, new TestHost()).diagnostics();
    }

    /** The diagnostics in source order as "line:col: severity: message" lines (the file is always bad.cfg). */
    private static List<String> findings(String body) {
        return check(HEADER + body).list().stream()
                .sorted((a, b) -> a.pos().compareTo(b.pos()))
                .map(d -> d.pos().line() + ":" + d.pos().column() + ": " + d.severity().name().toLowerCase() + ": " + d.message())
                .toList();
    }

    @Test
    void aMissingSemicolonIsReportedAtTheTokenThatCameInstead() {
        assertThat(findings("request_route {\n\tt_relay()\n\texit;\n}\n"))
                .containsExactly("7:2: error: expected ';' after ')' before 'exit'");
    }

    @Test
    void plusAssignAndColonAssignAreNotKamailio() {
        assertThat(findings("request_route {\n\t$var(x) += 1;\n\t$var(y) := 2;\n}\n")).containsExactly(
                "6:10: error: '+=' is not an assignment in kamailio.cfg: write $var(x) = $var(x) + ...;",
                "7:10: error: ':=' is not an assignment in kamailio.cfg: write $var(y) = ...;");
    }

    @Test
    void percentAndNotMatchAreRefusedWithWhatToWrite() {
        assertThat(findings("request_route {\n\t$var(x) = 7 % 2;\n\tif ($var(x) !~ \"a\") { exit; }\n}\n")).containsExactly(
                "6:14: error: '%' is not an operator in kamailio.cfg: modulo is 'mod'",
                "7:14: error: there is no '!~' operator in kamailio.cfg: write !(a =~ b)");
    }

    @Test
    void unknownFunctionsModulesArityAndRoutes() {
        assertThat(findings("request_route {\n\tt_relay(1, 2, 3);\n\tno_such();\n\trecord_route();\n\troute(NOWHERE);\n}\n"))
                .containsExactly(
                        "6:2: error: function 't_relay' takes 0 to 2 arguments, not 3",
                        "7:2: error: unknown function 'no_such' (missing loadmodule?)",
                        "8:2: error: function 'record_route' is in module 'rr': add loadmodule \"rr.so\"",
                        // Kamailio 5.6 accepts it and runs an empty route: a warning, not an error
                        "9:8: warning: unknown route 'NOWHERE': no route[NOWHERE] block; it runs as an empty route");
    }

    @Test
    void aModuleSipwayDoesNotHaveIsNamedWithTheOnesItHas() {
        assertThat(findings("loadmodule \"dialog.so\"\n")).containsExactly(
                "5:1: error: module 'dialog' is not supported by Sipway; the modules it has: maxfwd, pv, rr, siputils, sl, textops, tm, xlog");
    }

    @Test
    void badPseudoVariablesAndAssignmentsToReadOnlyOnes() {
        assertThat(findings("request_route {\n\t$rm = \"x\";\n\txlog(\"$nope\");\n\t$var(a) = $nope;\n\t$var(b) = $(rU{s.nothing});\n}\n"))
                .containsExactly(
                        "6:2: error: cannot assign to read-only pseudo-variable $rm",
                        "8:12: error: unknown pseudo-variable $nope",
                        "9:12: error: unknown transformation {s.nothing} in $(rU{s.nothing})");
    }

    @Test
    void aBadConstantRegexIsFoundAtLoadTime() {
        assertThat(findings("request_route {\n\tif ($rU =~ \"(unclosed\") { exit; }\n}\n")).hasSize(1)
                .first().asString().startsWith("6:13: error: bad regular expression \"(unclosed\"");
    }

    @Test
    void switchRules() {
        assertThat(findings("request_route {\n\tswitch ($rU) {\n\tcase 1: break;\n\tcase \"a\": break;\n\tdefault: break;\n\tdefault: exit;\n\t}\n}\n"))
                .containsExactly("8:7: error: switch mixes integer and string cases (the first case, at bad.cfg:7:7, is an integer)",
                        "10:2: error: switch has more than one default");
    }

    @Test
    void duplicateNamedRoutesAndUnknownFailureRoutes() {
        assertThat(findings("request_route {\n\tt_on_failure(\"MISSING\");\n\troute(A);\n}\nroute[A] { exit; }\nroute[A] { drop; }\n"))
                .containsExactly(
                        "6:15: warning: unknown failure_route 'MISSING': no failure_route[MISSING] block; arming it does nothing",
                        "10:7: error: duplicate route: route[A] is already defined at bad.cfg:9:1");
    }

    @Test
    void functionsAreCheckedAgainstTheRouteKind() {
        assertThat(findings("onsend_route {\n\tforce_rport();\n}\n"))
                .containsExactly("6:2: error: function 'force_rport' cannot be used in onsend_route");
    }

    @Test
    void fixupsCheckConstantArguments() {
        assertThat(findings("request_route {\n\tsetflag(40);\n}\n"))
                .containsExactly("6:2: error: setflag: flag 40 out of range 0..31");
    }

    @Test
    void unknownGlobalParametersAndUndefinedNames() {
        assertThat(findings("no_such_param=1\nrequest_route {\n\t$du = UAS;\n}\n")).containsExactly(
                "5:1: error: unknown global parameter 'no_such_param'",
                "7:8: error: unknown name 'UAS': a #!define that is not defined?");
    }

    @Test
    void warningsForUnreachableStatementsAndUnusedRoutes() {
        assertThat(findings("request_route {\n\texit;\n\txlog(\"never\");\n}\nroute[UNUSED] { exit; }\n")).containsExactly(
                "7:2: warning: unreachable statement",
                "9:1: warning: route[UNUSED] is never used");
    }

    @Test
    void everyErrorOfTheFileInOneRun() {
        Diagnostics d = check(HEADER + "request_route {\n\tno_such();\n\t$rm = 1;\n\t$var(x) = NOPE;\n\tt_relay(1,2,3);\n}\n");
        assertThat(d.errorCount()).isEqualTo(4);
    }

    @Test
    void theReportShowsTheLineAndACaretUnderTheSpot() {
        Diagnostics d = check(HEADER + "request_route {\n\tno_such();\n}\n");
        assertThat(d.render()).isEqualTo("""
                bad.cfg:6:2: error: unknown function 'no_such' (missing loadmodule?)
                \tno_such();
                \t^
                """);
    }

    @Test
    void anUnterminatedStringIsNamed() {
        assertThat(findings("request_route {\n\txlog(\"oops);\n}\n")).first().asString()
                .isEqualTo("6:7: error: unterminated string");
    }

    @Test
    void anEmptyBlockIsRefusedAsKamailioDoesButASemicolonIsAStatement() {
        assertThat(findings("request_route {\n\tif (1) {\n\t}\n\tif (1) { ; }\n}\nroute[R] {\n}\n")).containsExactly(
                "7:2: error: empty block: Kamailio needs at least one statement between '{' and '}' (';' will do)",
                "10:1: warning: route[R] is never used",
                "11:1: error: empty block: Kamailio needs at least one statement between '{' and '}' (';' will do)");
    }

    @Test
    void functionParametersMustBeConstants() {
        assertThat(findings("request_route {\n\tsl_send_reply($var(code), \"Not Found\");\n\txlog(\"code $var(code)\");\n}\n"))
                .containsExactly("6:16: error: function 'sl_send_reply': parameter 1 is not constant (a pseudo-variable goes inside a string: \"$var(x)\")");
    }

    @Test
    void aFunctionNamedWithoutParenthesesIsPointedOut() {
        assertThat(findings("request_route {\n\tif (t_relay) { exit; }\n}\n"))
                .containsExactly("6:13: error: 't_relay' is a function: call it as t_relay()");
    }

    @Test
    void modparamNamesAreCheckedWhenTheHostKnowsThem() {
        assertThat(findings("modparam(\"tm\", \"fr_timer\", 30000)\nmodparam(\"tm\", \"fr_invite_timer\", 1)\nmodparam(\"dialog\", \"x\", 1)\n"))
                .containsExactly("6:16: error: module 'tm' has no parameter 'fr_invite_timer'",
                        "7:1: error: modparam for module 'dialog', which is not loaded (loadmodule \"dialog.so\" must come first)");
    }
}
