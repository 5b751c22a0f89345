package io.sipway.proxy.module.rtpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same script and the same call through Kamailio 5.6.3 and through Sipway, each against its own
 * recording rtpproxy: the commands (cookies left out) and the relayed SDP must be the same. Runs
 * when kamailio (with rtpproxy.so) is installed.
 */
class KamailioSideBySideTest {
    private static final Path KAMAILIO = Path.of("/usr/sbin/kamailio");
    private static final Path RTPPROXY_SO = Path.of("/usr/lib/x86_64-linux-gnu/kamailio/modules/rtpproxy.so");
    @TempDir
    Path dir;

    private record Seen(List<String> commands, String invite, String ok) {
    }

    /** The script both run, for a proxy on {@code port} and that rtpproxy. */
    private Path write(String who, int port, FakeRtpproxy rtpproxy, boolean manage) throws java.io.IOException {
        Path cfg = dir.resolve(who + "-" + port + ".cfg");
        Files.writeString(cfg, manage ? RtpproxyCommandsTest.manageScript(port, rtpproxy.port())
                : RtpproxyCommandsTest.script(port, rtpproxy.port()));
        return cfg;
    }

    private Seen kamailio(String flags, boolean manage, boolean multipart) throws Exception {
        try (FakeRtpproxy rtpproxy = new FakeRtpproxy()) {
            int port = FreePorts.udpAndTcp();
            Path cfg = write("kamailio", port, rtpproxy, manage);
            Path run = Files.createTempDirectory(dir, "run");
            Process k = new ProcessBuilder(KAMAILIO.toString(), "-f", cfg.toString(), "-DD", "-E", "-n", "1", "-m", "32", "-M", "8",
                    "-w", run.toString(), "-Y", run.toString(), "-P", run.resolve("k.pid").toString())
                    .redirectErrorStream(true).redirectOutput(run.resolve("kamailio.log").toFile()).start();
            try (SdpCall call = new SdpCall(port)) {
                // its processes ask V and VF at start: the call goes once they have
                for (int i = 0; i < 100 && rtpproxy.commands.stream().filter(c -> c.startsWith("VF 20081102")).count() < 2; i++) {
                    Thread.sleep(50);
                }
                Thread.sleep(300);
                call.multipart = multipart;
                call.run(flags, "");
                Thread.sleep(200);
                return new Seen(rtpproxy.calls(), call.invite, call.ok);
            } finally {
                k.destroy();
                if (!k.waitFor(5, TimeUnit.SECONDS)) {
                    k.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private Seen sipway(String flags, boolean manage, boolean multipart) throws Exception {
        try (FakeRtpproxy rtpproxy = new FakeRtpproxy()) {
            int port = FreePorts.udpAndTcp();
            Path cfg = write("sipway", port, rtpproxy, manage);
            try (Proxy p = Proxy.start(cfg, Map.of(), List.of()); SdpCall call = new SdpCall(port)) {
                call.multipart = multipart;
                call.run(flags, "");
                Thread.sleep(200);
                return new Seen(rtpproxy.calls(), call.invite, call.ok);
            }
        }
    }

    @Test
    void sipwaySendsWhatKamailioSendsAndRelaysTheSameSdp() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(KAMAILIO) && Files.exists(RTPPROXY_SO), "Kamailio 5.6 with rtpproxy.so is not installed");
        for (String flags : List.of("", "r", "wie", "ac")) {
            for (boolean manage : new boolean[] {false, true}) {
                Seen k = kamailio(flags, manage, false);
                Seen s = sipway(flags, manage, false);
                String what = "flags '" + flags + "'" + (manage ? " with rtpproxy_manage" : "");
                assertThat(k.commands()).as(what + ": Kamailio's offer, answer and delete").anyMatch(c -> c.startsWith("U"))
                        .anyMatch(c -> c.startsWith("L")).anyMatch(c -> c.startsWith("D"));
                assertThat(s.commands()).as(what).isEqualTo(k.commands());
                assertThat(SdpCall.body(s.invite())).as(what).isEqualTo(SdpCall.body(k.invite()));
                assertThat(SdpCall.body(s.ok())).as(what).isEqualTo(SdpCall.body(k.ok()));
            }
        }
    }

    @Test
    void theSdpPartOfAMultipartBodyIsTheOneRewritten() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(KAMAILIO) && Files.exists(RTPPROXY_SO), "Kamailio 5.6 with rtpproxy.so is not installed");
        Seen k = kamailio("", false, true);
        Seen s = sipway("", false, true);
        assertThat(k.commands()).anyMatch(c -> c.startsWith("Uc0,8,101 "));
        assertThat(s.commands()).isEqualTo(k.commands());
        assertThat(SdpCall.body(s.invite())).isEqualTo(SdpCall.body(k.invite())).contains("c=IN IP4 192.0.2.9").contains("hello");
    }
}
