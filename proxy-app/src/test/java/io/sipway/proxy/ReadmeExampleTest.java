package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's first example, as README writes it: {@code ./sipway -f SCRIPT}, a SIPp callee and a SIPp
 * caller with README's own arguments, and every call the caller places completes. The commands are
 * read from README.md, so an edit there that would break the example for users fails here.
 *
 * <p>Two things differ from a user's terminal, neither of which changes a SIP message: the ports
 * README names (proxy 5060, callee 5070, caller 5061) are moved to free ones chosen now
 * ({@link MovedPorts}), in the script and in SIPp's arguments alike, and SIPp writes its statistics
 * file and reads no keyboard. The proxy is started as {@code sipway -f} starts it, without the RPC
 * listener (whose fixed port another run may hold).
 */
@DisplayName("README's SIPp example completes every call")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeExampleTest {
    /** Tests run in proxy-app/; README's commands run in the project root. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern PROXY_COMMAND = Pattern.compile("(?m)^\\./sipway -f (\\S+)");
    /** A command line of a code block that starts SIPp, without its trailing comment. */
    private static final Pattern SIPP_COMMAND = Pattern.compile("(?m)^sipp ([^#\\n]*[^#\\s])");

    @TempDir
    Path work;

    private Sipp sipp;
    private Proxy proxy;

    /** The example as README writes it. */
    record Example(Path script, List<String> callee, List<String> caller) {
        int calls() {
            return Integer.parseInt(option(caller, "-m", "README's caller places a bounded number of calls"));
        }

        /**
         * The caller's own port. README must name it: SIPp's default, 5060, is the proxy's port, and
         * SIPp manages to bind it beside Sipway's SO_REUSEPORT sockets and then receives its own
         * INVITEs. The test moves every port, so only this check can see that mistake.
         */
        int callerPort() {
            return Integer.parseInt(option(caller, "-p", "README's caller names its own port"));
        }

        private static String option(List<String> args, String name, String why) {
            int i = args.indexOf(name);
            assertThat(i).as("%s (%s): %s", why, name, args).isNotNegative().isLessThan(args.size() - 1);
            return args.get(i + 1);
        }
    }

    static Example fromReadme() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String first = readme.substring(0, readme.indexOf("\n## ", readme.indexOf("\n## ") + 1));
        Matcher proxy = PROXY_COMMAND.matcher(first);
        assertThat(proxy.find()).as("README shows ./sipway -f SCRIPT").isTrue();
        List<List<String>> commands = sippCommands(first);
        assertThat(commands).as("README's two SIPp commands, callee then caller").hasSize(2);
        return new Example(ROOT.resolve(proxy.group(1)), commands.get(0), commands.get(1));
    }

    /** README's load balancer: its script, its two gateways (SIPp callees) and its caller. */
    record LoadBalancer(Path script, List<List<String>> gateways, List<String> caller) {
    }

    static LoadBalancer loadBalancerFromReadme() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int at = readme.indexOf("\n## Sipway as a load balancer");
        assertThat(at).as("README has a section \"Sipway as a load balancer\"").isPositive();
        String section = readme.substring(at, readme.indexOf("\n## ", at + 1));
        Matcher proxy = PROXY_COMMAND.matcher(section);
        assertThat(proxy.find()).as("the section shows ./sipway -f SCRIPT").isTrue();
        List<List<String>> commands = sippCommands(section);
        assertThat(commands).as("the section's SIPp commands: two gateways, then the caller").hasSize(3);
        return new LoadBalancer(ROOT.resolve(proxy.group(1)), commands.subList(0, 2), commands.get(2));
    }

    private static List<List<String>> sippCommands(String text) {
        Matcher sipp = SIPP_COMMAND.matcher(text);
        List<List<String>> commands = new ArrayList<>();
        while (sipp.find()) {
            commands.add(Arrays.asList(sipp.group(1).trim().split("\\s+")));
        }
        return commands;
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        if (sipp != null) {
            sipp.stopAll();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    @DisplayName("./sipway -f examples/cfg/relay.cfg, README's SIPp callee and caller: every call succeeds, none fails")
    void everyCallOfReadmesExampleSucceeds() throws Exception {
        String executable = Sipp.find();
        if (executable == null) {
            if (System.getenv("CI") != null) {
                fail("sipp is not on the PATH but CI is set: install the Debian package sip-tester (.ci/run does)");
            }
            assumeTrue(false, "sipp is not on the PATH (Debian package sip-tester): README's example skipped");
        }
        Example example = fromReadme();
        assertThat(example.callerPort()).as("the caller's port is not the proxy's").isNotEqualTo(5060);
        MovedPorts ports = MovedPorts.of(5060, 5070, example.callerPort());
        sipp = new Sipp(executable, work);

        proxy = Proxy.start(ports.script(example.script(), work), Map.of(), List.of());
        Process callee = sipp.startAsTyped("callee", asTyped(example.callee(), ports));
        Sipp.awaitUdpBound(ports.get(5070), callee);
        List<String> caller = asTyped(example.caller(), ports);
        caller.addAll(List.of("-timeout", "30", "-timeout_error"));
        Sipp.SippResult calls = sipp.finish("caller", sipp.startAsTyped("caller", caller), Duration.ofSeconds(40));

        assertThat(calls.successful()).as(calls.describe()).isEqualTo(example.calls());
        assertThat(calls.failed()).as(calls.describe()).isZero();
        assertThat(calls.exitCode()).as(calls.describe()).isZero();
        assertThat(callee.isAlive()).as("the callee still answers (it has no -m)").isTrue();
    }

    @Test
    @DisplayName("./sipway -f examples/cfg/dispatcher.cfg, README's two SIPp gateways and caller: every call succeeds, both gateways take calls")
    void everyCallThroughReadmesLoadBalancerSucceeds() throws Exception {
        String executable = Sipp.find();
        assumeTrue(executable != null || System.getenv("CI") == null, "sipp is not on the PATH but CI is set");
        assumeTrue(executable != null, "sipp is not on the PATH (Debian package sip-tester): README's example skipped");
        LoadBalancer lb = loadBalancerFromReadme();
        int callerPort = Integer.parseInt(lb.caller().get(lb.caller().indexOf("-p") + 1));
        MovedPorts ports = MovedPorts.of(5060, 5070, 5071, callerPort);
        sipp = new Sipp(executable, work);
        // the list beside the script, as README's repository has it
        ports.script(lb.script().resolveSibling("dispatcher.list"), work);
        proxy = Proxy.start(ports.script(lb.script(), work), Map.of(), List.of());
        List<Process> gateways = new ArrayList<>();
        for (int g = 0; g < 2; g++) {
            Process gw = sipp.startAsTyped("gateway" + (g + 1), asTyped(lb.gateways().get(g), ports));
            Sipp.awaitUdpBound(ports.get(5070 + g), gw);
            gateways.add(gw);
        }
        List<String> caller = asTyped(lb.caller(), ports);
        caller.addAll(List.of("-timeout", "60", "-timeout_error"));
        Sipp.SippResult calls = sipp.finish("caller", sipp.startAsTyped("caller", caller), Duration.ofSeconds(70));

        int placed = Integer.parseInt(lb.caller().get(lb.caller().indexOf("-m") + 1));
        assertThat(calls.successful()).as(calls.describe()).isEqualTo(placed);
        assertThat(calls.failed()).as(calls.describe()).isZero();
        assertThat(gateways).as("the gateways still answer (they have no -m)").allMatch(Process::isAlive);
        for (int g = 1; g <= 2; g++) {
            String gwStats = sipp.finish("gateway" + g, gateways.get(g - 1), Duration.ofSeconds(10)).describe();
            assertThat(gwStats).as("gateway %d took calls in turn", g).doesNotContain("successful=0 ");
        }
    }

    /** README's arguments with its ports moved and its scenario files found from the project root. */
    private static List<String> asTyped(List<String> args, MovedPorts ports) {
        List<String> out = new ArrayList<>();
        for (String arg : args) {
            out.add(arg.endsWith(".xml") ? ROOT.resolve(arg).toString() : ports.apply(arg));
        }
        return out;
    }
}
