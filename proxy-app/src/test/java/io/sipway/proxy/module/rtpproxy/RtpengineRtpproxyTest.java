package io.sipway.proxy.module.rtpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.module.ModuleExports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rtpproxy against a real relay: rtpengine's rtpproxy-compatible control listener, started by the
 * test on free loopback ports (userspace forwarding, a session deleted 1 s after D). Skipped when
 * /usr/bin/rtpengine is absent, unless SIPWAY_TEST_REQUIRE_RTPENGINE=1.
 */
class RtpengineRtpproxyTest {
    private static final Path RTPENGINE = Path.of(System.getenv().getOrDefault("SIPWAY_TEST_RTPENGINE", "/usr/bin/rtpengine"));
    @TempDir
    Path dir;
    private Process rtpengine;
    private int control;
    private int cli;

    @BeforeEach
    void startRtpengine() throws Exception {
        if (!Files.isExecutable(RTPENGINE)) {
            Assumptions.assumeTrue("1".equals(System.getenv("SIPWAY_TEST_REQUIRE_RTPENGINE")), "no rtpengine at " + RTPENGINE);
            throw new AssertionError("SIPWAY_TEST_REQUIRE_RTPENGINE=1 and no rtpengine at " + RTPENGINE);
        }
        int[] ports = FreePorts.udpAndTcp(2);
        control = ports[0];
        cli = ports[1];
        rtpengine = new ProcessBuilder(RTPENGINE.toString(), "--config-file=none", "--table=-1", "--interface=127.0.0.1",
                "--listen-udp=127.0.0.1:" + control, "--listen-cli=127.0.0.1:" + cli, "--delete-delay=1", "--foreground",
                "--log-stderr", "--pidfile=" + dir.resolve("rtpengine.pid"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("rtpengine.log").toFile()).start();
        // (none: not Debian's /etc/rtpengine/rtpengine.conf, whose fixed ports another instance may hold)
        // it takes about a second to start: asked V until it answers
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(200);
            for (int i = 0; ; i++) {
                byte[] v = "t_0 V".getBytes(StandardCharsets.ISO_8859_1);
                s.send(new DatagramPacket(v, v.length, new InetSocketAddress("127.0.0.1", control)));
                try {
                    s.receive(new DatagramPacket(new byte[256], 256));
                    break;
                } catch (IOException e) {
                    if (i == 50) {
                        throw new AssertionError("rtpengine did not answer: " + Files.readString(dir.resolve("rtpengine.log")));
                    }
                }
            }
        }
        // its CLI listener may open after the control socket answers (seen on a loaded machine): until it accepts
        for (int i = 0; ; i++) {
            try (Socket s = new Socket("127.0.0.1", cli)) {
                break;
            } catch (IOException e) {
                if (i == 100) {
                    throw new AssertionError("rtpengine's CLI does not accept: " + Files.readString(dir.resolve("rtpengine.log")));
                }
                Thread.sleep(50);
            }
        }
    }

    @AfterEach
    void stopRtpengine() throws InterruptedException {
        if (rtpengine != null) {
            rtpengine.destroy();
            if (!rtpengine.waitFor(5, TimeUnit.SECONDS)) {
                rtpengine.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** rtpengine's own count of the sessions it holds (its CLI: "list numsessions"). */
    private int sessions() throws IOException {
        try (Socket s = new Socket("127.0.0.1", cli)) {
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write("list numsessions\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            Matcher m = Pattern.compile("Current sessions own: (\\d+)").matcher(text);
            if (!m.find()) {
                throw new AssertionError("rtpengine's CLI said: " + text);
            }
            return Integer.parseInt(m.group(1));
        }
    }

    private Proxy proxy(int port, String socks) throws Exception {
        Path cfg = dir.resolve("rtpengine-" + port + ".cfg");
        String script = RtpproxyCommandsTest.script(port, 0)
                .replace("modparam(\"rtpproxy\", \"rtpproxy_sock\", \"udp:127.0.0.1:0\")",
                        "modparam(\"rtpproxy\", \"rtpproxy_sock\", \"" + socks + "\")\n"
                                + "modparam(\"rtpproxy\", \"rtpproxy_retr\", 2)\nmodparam(\"rtpproxy\", \"rtpproxy_tout\", 1)");
        Files.writeString(cfg, script);
        return Proxy.start(cfg, Map.of(), List.of());
    }

    private static final Pattern AUDIO = Pattern.compile("m=audio (\\d+) ");

    private static int audioPort(String message) {
        Matcher m = AUDIO.matcher(SdpCall.body(message));
        assertThat(m.find()).as("an audio stream in %s", message).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void offerAndAnswerPutTheRelayInTheSdpAndDestroyFreesTheSession() throws Exception {
        int port = FreePorts.udpAndTcp();
        int[] during = new int[1];
        try (Proxy p = proxy(port, "udp:127.0.0.1:" + control); SdpCall call = new SdpCall(port)) {
            call.beforeBye = () -> {
                try {
                    during[0] = sessions();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            };
            call.run("", "");
            // the caller's SDP now points at the relay (rtpengine on 127.0.0.1), on the ports it chose
            String offer = SdpCall.body(call.invite);
            assertThat(offer).contains("o=alice 2890844526 2890844526 IN IP4 127.0.0.1\r\n").contains("c=IN IP4 127.0.0.1\r\n")
                    .doesNotContain("10.0.0.").endsWith("a=nortpproxy:yes\r\n");
            int relayForCaller = audioPort(call.invite);
            assertThat(relayForCaller).isNotEqualTo(49170).isPositive();
            assertThat(offer).contains("a=rtcp:" + (relayForCaller + 1) + "\r\n").doesNotContain("m=video 51372");
            String answer = SdpCall.body(call.ok);
            assertThat(answer).contains("c=IN IP4 127.0.0.1\r\n").doesNotContain("10.0.0.9").endsWith("a=nortpproxy:yes\r\n");
            int relayForCallee = audioPort(call.ok);
            assertThat(relayForCallee).isNotEqualTo(6000).isNotEqualTo(relayForCaller);
            assertThat(during[0]).as("rtpengine's sessions during the call").isEqualTo(1);
            Thread.sleep(2500); // deleted 1 s after D (--delete-delay=1)
            assertThat(sessions()).as("rtpengine's sessions after the BYE").isZero();
        }
    }

    @Test
    void anInstanceThatStopsAnsweringIsDisabledAndAnotherOfTheSetTakesTheCall() throws Exception {
        int port = FreePorts.udpAndTcp();
        try (FakeRtpproxy mute = new FakeRtpproxy()) {
            // the mute one answers V at start, so it is enabled; its weight makes every Call-ID hash to it first
            try (Proxy p = proxy(port, "udp:127.0.0.1:" + mute.port() + "=100 udp:127.0.0.1:" + control + "=1");
                 SdpCall call = new SdpCall(port)) {
                mute.silent = true;
                call.run("", "");
                assertThat(mute.calls()).as("the offer went to the first instance, which did not answer")
                        .anyMatch(c -> c.startsWith("U"));
                assertThat(mute.calls().stream().filter(c -> c.startsWith("U")).count()).as("sent rtpproxy_retr times").isEqualTo(2);
                assertThat(SdpCall.body(call.invite)).contains("c=IN IP4 127.0.0.1\r\n");
                assertThat(audioPort(call.invite)).isNotEqualTo(49170).isNotEqualTo(40002);
                assertThat(mute.calls()).as("disabled: the answer and the BYE's D went elsewhere")
                        .noneMatch(c -> c.startsWith("L") || c.startsWith("D"));
                Object list = rpc(p, "rtpproxy.list");
                assertThat(list.toString()).contains("url=udp:127.0.0.1:" + mute.port() + ", index=0, disabled=1")
                        .contains("url=udp:127.0.0.1:" + control + ", index=1, disabled=0");
            }
        }
    }

    private static Object rpc(Proxy p, String name) throws Exception {
        for (ModuleExports t : p.tables()) {
            if (t.rpcs().containsKey(name)) {
                return t.rpcs().get(name).handler().call(List.of());
            }
        }
        throw new AssertionError("no RPC " + name);
    }
}
