package io.sipway.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Forms of the cfg language found in real scripts, each in the smallest script that shows it, with
 * the verdict of {@code kamailio -c} 5.6.3: {@code sipway -c} gives the same one, and where Kamailio
 * is installed the test asks it too. (What the accepted forms do when they run is cfg-lang's
 * KamailioSyntaxTest.)
 */
class KamailioCheckVerdictsTest {
    private static final String MODULES = "loadmodule \"pv.so\"\nloadmodule \"sl.so\"\nloadmodule \"tm.so\"\n"
            + "loadmodule \"textops.so\"\nloadmodule \"xlog.so\"\n";

    static Stream<Arguments> scripts() {
        return Stream.of(
                accepted("drop, exit and return with empty parentheses",
                        "route[R] { return(); }\nrequest_route { route(R); if ($rU == \"x\") { drop(); } exit(); }"),
                accepted("if and while without parentheses",
                        "request_route { if !($rU =~ \"^1\") { $var(i) = 0; while $var(i) < 3 { $var(i) = $var(i) + 1; } } }"),
                accepted("a negated protocol comparison", "request_route { if (!proto == WSS && !proto == WS) { drop; } }"),
                accepted("a host name with '-' in alias and listen's advertise",
                        "alias=sip-proxy.service.consul\nalias=edge-1.example.com:5060\nrequest_route { drop; }"),
                accepted("quotes inside transformation parameters", "request_route {\n"
                        + " $var(a) = $(hdr(WWW-Authenticate){re.subst,/(ck|ik)=\\\"\\w+\\\"//gi});\n"
                        + " $var(b) = $(hdr(Allow){re.subst,/(methods=\"[^\"]*\")//});\n"
                        + " xlog(\"L_INFO\", \"after\\n\");\n}"),
                accepted("an escaped dollar in a transformation parameter", "request_route { $var(x) = $(rU{s.replace,$$,}); }"),
                accepted("a substdef defining its name again",
                        "#!substdef \"!HOST!first!\"\n#!substdef \"!HOST!second!\"\nrequest_route { $var(h) = \"HOST\"; }"),
                accepted("$env in a substdef", "#!substdefs \"!HOMEDIR!$env(HOME)!\"\nrequest_route { $var(d) = HOMEDIR; }"),
                accepted("text after the name of an #!ifdef", "#!define WITH_X\n#!ifdef WITH_X junk here\nrequest_route { drop; }\n#!endif"),
                accepted("emoji in a comment", "# routing \uD83D\uDE00\uD83C\uDF89 for everyone\nroute[RELAY] { t_relay(); }\n"
                        + "request_route { route(RELAY); }"),
                accepted("t_on_failure naming no failure_route", "request_route { t_on_failure(\"NOPE\"); t_relay(); }"),
                accepted("cfgengine native", "cfgengine \"native\"\nrequest_route { drop; }"),
                accepted("the select framework", "pstn.gw_ip = \"10.0.0.1\" desc \"PSTN gateway\"\nrequest_route {\n"
                        + " $var(b) = @via[1].branch; $var(u) = @hf_value.route.uri; $var(g) = @cfg_get.pstn.gw_ip;\n"
                        + " $var(f) = @from.uri.user + $sel(cseq.num);\n}"),
                refused("a #!define defined twice", "#!define X 1\n#!define X 2\nrequest_route { $var(x) = X; }", 7),
                refused("a define whose text is no number where a number is needed",
                        "#!define DBG -\ndebug=DBG\nrequest_route { drop; }", 8),
                refused("a define whose text is no expression where it is used",
                        "#!define BAD 1 +\nrequest_route { $var(x) = BAD; }", 7));
    }

    private static Arguments accepted(String name, String body) {
        return Arguments.of(name, MODULES + body + "\n", true, 0);
    }

    /** Refused, the first error on {@code line} of the whole script (the modules' lines count). */
    private static Arguments refused(String name, String body, int line) {
        return Arguments.of(name, MODULES + body + "\n", false, line);
    }

    @ParameterizedTest(name = "sipway -c: {0}")
    @MethodSource("scripts")
    void sipwayGivesKamailiosVerdict(String name, String script, boolean ok, int line, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path cfg = dir.resolve("kamailio.cfg");
        Files.writeString(cfg, script);
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("-c", "-f", cfg.toString());

        if (ok) {
            assertThat(err.toString()).as(name).endsWith("config file ok, exiting...\n").doesNotContain(": error:");
            assertThat(code).isZero();
        } else {
            assertThat(err.toString()).as(name).contains(cfg + ":" + line + ":").contains(": error:");
            assertThat(code).isNotZero();
        }
    }

    @ParameterizedTest(name = "kamailio -c: {0}")
    @MethodSource("scripts")
    void kamailioGivesTheSameVerdict(String name, String script, boolean ok, int line, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        String kamailio = kamailio();
        assumeTrue(kamailio != null, "kamailio is not on the PATH (Debian package kamailio): Kamailio's check skipped");
        Path cfg = dir.resolve("kamailio.cfg");
        Files.writeString(cfg, script);
        Path output = dir.resolve("kamailio.out");
        ProcessBuilder pb = new ProcessBuilder(kamailio, "-c", "-f", cfg.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        Process p = pb.start();
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        String out = Files.readString(output, StandardCharsets.ISO_8859_1);

        assertThat(exited).as("kamailio -c ended within 30 s\n%s", out).isTrue();
        if (ok) {
            assertThat(p.exitValue()).as("%s: kamailio -c\n%s", name, out).isZero();
        } else {
            assertThat(p.exitValue()).as("%s: kamailio -c\n%s", name, out).isNotZero();
            assertThat(out).contains("line " + line + ",");
        }
    }

    /** Kamailio from the PATH (Debian installs it in /usr/sbin), or null. */
    private static String kamailio() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(d.isEmpty() ? "." : d, "kamailio");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
