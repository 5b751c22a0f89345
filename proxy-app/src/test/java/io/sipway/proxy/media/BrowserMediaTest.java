package io.sipway.proxy.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.Sipp;
import io.sipway.proxy.module.rtpengine.RtpengineProcess;
import io.sipway.transport.TestCertificates;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sound through the WebRTC gateway: {@code examples/cfg/webrtc-gateway.cfg} with its media relay
 * (WITH_RTPENGINE: rtpengine with ICE and DTLS-SRTP on the browser's side, plain RTP on the phone's),
 * a real rtpengine, a real browser (headless Chromium running JsSIP with a fake microphone) and SIPp
 * playing G.711 audio. A phone calls the browser, then the browser calls a phone; each time the
 * browser's own WebRTC statistics show audio received and decrypted (DTLS connected, SRTP packets
 * counted) while it sends its own, and afterwards rtpengine holds no session: the proxy deleted them.
 * Under Sipway and, where it is installed, under Kamailio 5.6.3 with the same script.
 */
@DisplayName("media through the WebRTC gateway: a browser and SIPp with audio through rtpengine")
class BrowserMediaTest {
    private static final Path KAMAILIO = Path.of("/usr/sbin/kamailio");
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** G.711 A-law audio of SIPp's own package (sip-tester), as its scenarios play it. */
    static final Path AUDIO = Path.of("/usr/share/sip-tester/g711a.pcap");

    /**
     * The test's files (script, certificates, logs of rtpengine, Kamailio and SIPp): a directory of its
     * own, removed at the end as far as it can be (Kamailio's processes may still write a line as they go).
     */
    private Path dir;
    private RtpengineProcess rtpengine;
    private Proxy sipway;
    private Process kamailio;
    private Sipp sipp;
    private final List<BrowserPhone> phones = new java.util.ArrayList<>();
    private int sipPort;
    private int wsPort;
    private int wssPort;

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String proxy : List.of("sipway", "kamailio")) {
            for (String transport : List.of("wss", "ws")) {
                for (int match : new int[] {1, 0}) {
                    b.add(Arguments.of(proxy, transport, match));
                }
            }
        }
        return b.build();
    }

    /** The real parts; without one the test is skipped, unless SIPWAY_TEST_REQUIRE_MEDIA is set (CI installs them). */
    private static void requireRealParts() throws Exception {
        String sippPath = Sipp.find();
        boolean ok = sippPath != null && Files.isRegularFile(AUDIO) && Files.isExecutable(Path.of("/usr/bin/rtpengine")) && BrowserPhone.installed()
                && BrowserPhone.bundle();
        if (!ok && System.getenv("SIPWAY_TEST_REQUIRE_MEDIA") != null) {
            throw new AssertionError("SIPWAY_TEST_REQUIRE_MEDIA is set but sipp, rtpengine, chromium or npm is missing");
        }
        Assumptions.assumeTrue(ok, "sipp (sip-tester), rtpengine (rtpengine-daemon), chromium and npm are needed: media tests skipped");
    }

    @BeforeEach
    void makeDir() throws Exception {
        dir = Files.createTempDirectory("sipway-media-");
    }

    @AfterEach
    void stop() throws Exception {
        for (BrowserPhone p : phones) {
            p.close();
        }
        if (sipp != null) {
            sipp.stopAll();
        }
        if (sipway != null) {
            sipway.close();
        }
        if (kamailio != null) {
            kamailio.destroy();
            if (!kamailio.waitFor(10, TimeUnit.SECONDS)) {
                kamailio.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (rtpengine != null) {
            rtpengine.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException ignored) {
            // best effort: a temporary directory left behind harms no later run
        }
    }

    @ParameterizedTest(name = "{0} over {1}, tcp_connection_match={2}")
    @MethodSource("cases")
    @DisplayName("a phone calls a browser, then a browser calls a phone: audio both ways, rtpengine's sessions freed")
    void audioFlowsBothWays(String proxy, String transport, int match) throws Exception {
        requireRealParts();
        rtpengine = RtpengineProcess.start(dir);
        startGateway(proxy, match);
        sipp = new Sipp(Sipp.find(), dir);
        String ws = transport.equals("wss") ? "wss://127.0.0.1:" + wssPort : "ws://127.0.0.1:" + wsPort;

        // a phone (SIPp over UDP) calls the browser alice
        BrowserPhone alice = phone();
        alice.open(ws, "alice", "127.0.0.1", null);
        alice.await("registered", WAIT);
        int[] callerPorts = FreePorts.udpAndTcp(2);
        Process caller = sipp.start("caller", scenario("uac_media.xml"), "u1", callerPorts[0], "127.0.0.1:" + sipPort,
                List.of("-s", "alice", "-m", "1", "-mi", "127.0.0.1", "-mp", Integer.toString(callerPorts[1]),
                        "-timeout", "40", "-timeout_error"));
        alice.await("confirmed", WAIT);
        audioReceived(alice, "the phone's audio, in the browser");
        bothSidesSentMedia("a phone calls the browser");
        alice.await("ended", WAIT);
        Sipp.SippResult callerResult = sipp.finish("caller", caller, Duration.ofSeconds(30));
        assertThat(callerResult.successful()).as(callerResult.describe()).isEqualTo(1);

        // the browser carol calls a phone (SIPp as bob, registered over UDP)
        int[] calleePorts = FreePorts.udpAndTcp(2);
        Process callee = sipp.uas("callee", scenario("uas_media.xml"), calleePorts[0], "-mi", "127.0.0.1", "-mp",
                Integer.toString(calleePorts[1]), "-m", "1");
        registerPhone("bob", calleePorts[0]);
        BrowserPhone carol = phone();
        carol.open(ws, "carol", "127.0.0.1", "sip:bob@127.0.0.1");
        carol.await("confirmed", WAIT);
        audioReceived(carol, "the phone's audio, in the calling browser");
        bothSidesSentMedia("the browser calls a phone");
        carol.await("ended", WAIT);
        Sipp.SippResult calleeResult = sipp.finish("callee", callee, Duration.ofSeconds(30));
        assertThat(calleeResult.successful()).as(calleeResult.describe()).isEqualTo(1);

        // BYE went through the proxy's rtpengine_delete: no session left in rtpengine (no delete delay)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> calls = rtpengine.calls();
        while (!calls.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            calls = rtpengine.calls();
        }
        assertThat(calls).as("the calls rtpengine still holds").isEmpty();
    }

    /**
     * rtpengine's own view of the call in progress: it received RTP from both sides, the browser's
     * (which it sends on to SIPp's media port, plain RTP) and SIPp's (on to the browser, SRTP).
     */
    private void bothSidesSentMedia(String what) throws Exception {
        List<String> calls = rtpengine.calls();
        assertThat(calls).as(what + ": the call's session in rtpengine").hasSize(1);
        Map<String, Long> packets = rtpengine.packetsByTag(calls.get(0));
        assertThat(packets).as(what + ": RTP packets rtpengine received from each side").hasSize(2)
                .allSatisfy((tag, n) -> assertThat(n).as(tag).isGreaterThanOrEqualTo(20));
    }

    private BrowserPhone phone() throws Exception {
        BrowserPhone p = BrowserPhone.serve();
        phones.add(p);
        return p;
    }

    /** Statistics until the browser has received (and decrypted) a second of audio over DTLS-SRTP, sending its own. */
    private static void audioReceived(BrowserPhone phone, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = phone.await("stats", WAIT);
            if (BrowserPhone.number(last, "packetsReceived") >= 50 && BrowserPhone.number(last, "packetsSent") >= 50) {
                assertThat(BrowserPhone.text(last, "dtlsState")).as(what).isEqualTo("connected");
                assertThat(BrowserPhone.number(last, "bytesReceived")).as(what).isPositive();
                return;
            }
        }
        throw new AssertionError(what + ": no audio received in " + WAIT + "; last statistics " + last);
    }

    /** A SIP phone's registration over UDP (its Contact: the SIPp callee's port). */
    private void registerPhone(String user, int contactPort) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(5000);
            int port = s.getLocalPort();
            String m = "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK" + user + port
                    + ";rport\r\nFrom: <sip:" + user + "@127.0.0.1>;tag=r" + port + "\r\nTo: <sip:" + user + "@127.0.0.1>\r\n"
                    + "Call-ID: reg-" + user + "-" + port + "\r\nCSeq: 1 REGISTER\r\nContact: <sip:" + user + "@127.0.0.1:"
                    + contactPort + ">\r\nExpires: 600\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
            byte[] out = m.getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(out, out.length, new InetSocketAddress("127.0.0.1", sipPort)));
            byte[] in = new byte[4096];
            DatagramPacket p = new DatagramPacket(in, in.length);
            s.receive(p);
            assertThat(new String(in, 0, p.getLength(), StandardCharsets.US_ASCII)).startsWith("SIP/2.0 200");
        }
    }

    /** The example with its ports moved, the media relay on, a tls.cfg and certificates beside it; Sipway or Kamailio runs it. */
    private void startGateway(String proxy, int match) throws Exception {
        int[] ports = FreePorts.udpAndTcp(3);
        sipPort = ports[0];
        wsPort = ports[1];
        wssPort = ports[2];
        String cfg = Files.readString(Path.of("../examples/cfg/webrtc-gateway.cfg"))
                .replace("!SIP_PORT!5060!", "!SIP_PORT!" + sipPort + "!")
                .replace("!WS_PORT!8080!", "!WS_PORT!" + wsPort + "!")
                .replace("!WSS_PORT!4443!", "!WSS_PORT!" + wssPort + "!")
                .replace("!RTPENGINE_SOCK!udp:127.0.0.1:2223!", "!RTPENGINE_SOCK!udp:127.0.0.1:" + rtpengine.port + "!")
                .replace("tcp_connection_match=1", "tcp_connection_match=" + match);
        Files.createDirectories(dir.resolve("pki"));
        TestCertificates.create(dir.resolve("pki"));
        Files.writeString(dir.resolve("tls.cfg"), "[server:default]\nmethod = TLSv1.2+\n"
                + "certificate = pki/server.pem\nprivate_key = pki/server-key.pem\n");
        Path script = dir.resolve("webrtc-gateway.cfg");
        Files.writeString(script, cfg);
        if (proxy.equals("sipway")) {
            Map<String, String> defines = new HashMap<>();
            defines.put("WITH_RTPENGINE", null);
            sipway = Proxy.start(script, defines, List.of());
            return;
        }
        Assumptions.assumeTrue(Files.isExecutable(KAMAILIO), "kamailio is not installed: Kamailio's side skipped");
        kamailio = new ProcessBuilder(KAMAILIO.toString(), "-f", script.toString(), "-A", "WITH_RTPENGINE", "-DD", "-E",
                "-m", "64", "-M", "8", "-Y", dir.toString(), "-w", dir.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("kamailio.log").toFile()).start();
        Sipp.awaitUdpBound(sipPort, kamailio);
        Thread.sleep(500); // its TCP and TLS listeners come up beside the UDP one
    }

    private static Path scenario(String name) throws URISyntaxException {
        return Path.of(BrowserMediaTest.class.getResource("/media/" + name).toURI());
    }
}
