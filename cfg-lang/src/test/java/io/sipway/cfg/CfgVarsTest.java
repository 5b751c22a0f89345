package io.sipway.cfg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The script's own cfg variables (Kamailio's {@code group.var = value desc "..."}) and the selects that
 * read them ({@code @cfg_get.group.var}, {@code $sel(cfg_get.group.var)}), as Debian's default script
 * declares and reads pstn.gw_ip and voicemail.srv_ip.
 */
class CfgVarsTest {
    /** A host whose "tm" group is Kamailio's tm module's, as ModuleHost says of it. */
    private static final class Host extends TestHost {
        @Override
        public String cfgGroupProblem(String group) {
            return group.equals("tm") ? "is the cfg group of Kamailio's tm module" : null;
        }
    }

    private static ScriptLoader.Result load(String text) {
        return ScriptLoader.loadText("#!KAMAILIO\nloadmodule \"xlog.so\"\n" + text, "c.cfg", Path.of("."), Map.of(), k -> null, new Host());
    }

    private static List<String> errors(String text) {
        return load(text).diagnostics().list().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR)
                .map(d -> d.pos().line() + ":" + d.pos().column() + ": " + d.message()).toList();
    }

    private static TestHost.Ctx run(CompiledScript s) {
        TestHost.Ctx ctx = new TestHost.Ctx();
        s.entry(Ast.RouteType.REQUEST, null).run(ctx);
        return ctx;
    }

    @Test
    void declaredVariablesAreReadBySelectsAndSeeChangesAtOnce() {
        ScriptLoader.Result r = load("""
                pstn.gw_ip = "" desc "PSTN GW Address"
                pstn.gw_port = 5060
                request_route {
                    if (strempty($sel(cfg_get.pstn.gw_ip))) { $avp(empty) = 1; }
                    $avp(ip) = @cfg_get.pstn.gw_ip;
                    $avp(port) = $sel(cfg_get.pstn.gw_port);
                }
                """);
        assertThat(r.diagnostics().errorCount()).as(r.diagnostics().render()).isZero();
        CfgVars vars = r.script().cfgVars();
        CfgVars.Var ip = vars.get("pstn", "gw_ip");
        assertThat(ip.type()).isEqualTo(CfgVars.Type.STRING);
        assertThat(ip.description()).isEqualTo("PSTN GW Address");
        assertThat(vars.get("pstn", "gw_port").type()).isEqualTo(CfgVars.Type.INT);

        TestHost.Ctx before = run(r.script());
        assertThat(before.pvs).containsEntry("avp(empty)", 1L).containsEntry("avp(ip)", "").containsEntry("avp(port)", "5060");

        ip.set("10.0.0.101"); // as cfg.sets does at run time
        TestHost.Ctx after = run(r.script());
        assertThat(after.pvs).doesNotContainKey("avp(empty)").containsEntry("avp(ip)", "10.0.0.101");
    }

    @Test
    void valuesAreConvertedToTheVariablesType() {
        CfgVars vars = load("a.s = \"x\"\na.i = 3\nrequest_route { exit; }\n").script().cfgVars();
        vars.get("a", "s").set(5070L);
        assertThat(vars.get("a", "s").value()).isEqualTo("5070");
        vars.get("a", "i").set("42");
        assertThat(vars.get("a", "i").value()).isEqualTo(42L);
        assertThatThrownBy(() -> vars.get("a", "i").set("abc")).hasMessageContaining("a.i is an integer, not 'abc'");
        assertThat(vars.all()).extracting(CfgVars.Var::name).containsExactly("s", "i");
    }

    @Test
    void declarationsKamailioRefusesAreRefused() {
        assertThat(errors("""
                pstn.gw_ip = "1.2.3.4"
                pstn.gw_ip = "5.6.7.8"
                tm.fr_timer = 10
                a.b.c = 1
                x.y = udp:1.2.3.4
                request_route { exit; }
                """)).containsExactly(
                "4:1: cfg variable pstn.gw_ip is already declared at c.cfg:3:1",
                "5:1: tm.fr_timer: 'tm' is the cfg group of Kamailio's tm module",
                "6:1: a cfg variable is named group.var, not 'a.b.c'",
                "7:1: x.y: a cfg variable takes a number or a quoted string");
    }

    @Test
    void selectsOfWhatIsNotDeclaredAreRefusedAtLoad() {
        assertThat(errors("""
                pstn.gw_ip = ""
                request_route {
                    $var(a) = $sel(cfg_get.pstn.nope);
                    $var(b) = @cfg_get.tm.fr_timer;
                    $var(c) = @nope.branch;
                    $var(d) = $sel(cfg_get.pstn);
                    $var(e) = $sel();
                }
                """)).containsExactly(
                "5:15: $sel(cfg_get.pstn.nope): no cfg variable pstn.nope (declare it: pstn.nope = value)",
                "6:15: @cfg_get.tm.fr_timer: 'tm' is the cfg group of Kamailio's tm module",
                "7:15: @nope.branch: Sipway does not implement this select (it has the message's ruri, from, to, via[n],"
                        + " cseq, call_id, method, contact, user_agent, src, dst, msg.body, hf_value, and cfg_get.<group>.<var>)",
                "8:15: $sel(cfg_get.pstn): cfg_get reads a cfg variable: cfg_get.<group>.<var>",
                "9:15: $sel needs a select: $sel(cfg_get.group.var)");
    }

    @Test
    void aSelectPrintsBackAsWritten() {
        Ast.Script ast = load("pstn.gw_ip = \"\"\nrequest_route { $var(x) = @cfg_get.pstn.gw_ip; }\n").ast();
        assertThat(Printer.print(ast)).contains("@cfg_get.pstn.gw_ip").contains("pstn.gw_ip=\"\"");
    }
}
