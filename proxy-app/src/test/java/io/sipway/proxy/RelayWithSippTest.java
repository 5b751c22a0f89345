package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy between real SIP peers: SIPp (Debian package sip-tester) plays caller and callees on
 * loopback, the proxy runs a Kamailio script, and the assertions are what SIPp saw on the wire.
 *
 * <p>Every test starts its own {@link Proxy} and its SIPp processes; nothing outlives a test (the
 * processes are killed in {@link #stopEverything()}). Ports: the scripts are written with fixed
 * ports (the benchmark relay {@code peers/relay.cfg}: proxy 5060, UAS 5070, UAC 5061; the scripts in
 * {@code src/test/resources/relay}: 5090..5093, SIPp on 5170..5179), and each test moves the ones it
 * uses to free ports chosen when it starts ({@link MovedPorts}), so that two runs on one machine
 * cannot clash. The SIPp scenarios that follow the route set are the project's examples
 * ({@code examples/sipp}).
 *
 * <p>Without {@code sipp} on the PATH the class is skipped, unless the environment variable
 * {@code CI} is set: then it fails, because {@code .ci/run} installs sip-tester.
 */
@DisplayName("The proxy relays real SIP traffic between SIPp peers")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayWithSippTest {

    private static final String LOOPBACK = "127.0.0.1";
    /** The scenarios README shows (INVITE/200/ACK/BYE along the route set); tests run in proxy-app/. */
    private static final Path UAC_RR = Path.of("../examples/sipp/uac_rr.xml").toAbsolutePath().normalize();
    private static final Path UAS_RR = Path.of("../examples/sipp/uas_rr.xml").toAbsolutePath().normalize();

    private static String sippPath;

    @TempDir
    Path work;

    private Sipp sipp;
    private Proxy proxy;

    @BeforeAll
    static void sippIsInstalled() {
        sippPath = Sipp.requireInstalled();
        assertThat(UAC_RR).as("the project's SIPp scenarios").isRegularFile();
        assertThat(UAS_RR).as("the project's SIPp scenarios").isRegularFile();
    }

    @org.junit.jupiter.api.BeforeEach
    void sippInTheTestsDirectory() {
        sipp = new Sipp(sippPath, work);
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        if (sipp != null) {
            sipp.stopAll();
        }
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }

    @ParameterizedTest(name = "caller over -t {0}")
    @ValueSource(strings = {"u1", "t1", "tn"})
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    @DisplayName("the benchmark relay (peers/relay.cfg): 1000 calls at 100 calls/s all succeed, and the proxy serves afterwards")
    void benchmarkRelayCarriesEveryCall(String transport) throws Exception {
        MovedPorts ports = MovedPorts.of(5060, 5070, 5061);
        proxy = Proxy.start(ports.script(resource("peers/relay.cfg"), work), Map.of(), List.of());
        // relay.cfg sets $du = sip:127.0.0.1:5070 without a transport: the callee leg is UDP whatever the caller uses
        sipp.uas("uas", UAS_RR, ports.get(5070));

        Sipp.SippResult load = sipp.call("load", UAC_RR, transport, ports.get(5061), ports.get(5060), 1000, 100, Duration.ofSeconds(30));
        assertThat(load.successful()).as(load.describe()).isEqualTo(1000);
        assertThat(load.failed()).as(load.describe()).isZero();
        assertThat(load.exitCode()).as(load.describe()).isZero();

        Sipp.SippResult after = sipp.call("after", UAC_RR, transport, ports.get(5061), ports.get(5060), 10, 10, Duration.ofSeconds(10));
        assertThat(after.successful()).as(after.describe()).isEqualTo(10);
        assertThat(after.failed()).as(after.describe()).isZero();
    }

    @Test
    @DisplayName("CANCEL before answer: the caller gets 200 for its CANCEL and 487 for its INVITE; the ringing callee gets the CANCEL")
    void cancelBeforeAnswer() throws Exception {
        MovedPorts ports = MovedPorts.of(5090, 5170, 5171);
        proxy = Proxy.start(ports.script(resource("relay/basic.cfg"), work), Map.of(), List.of());
        Process callee = sipp.uas("callee", resource("sipp/uas_ring.xml"), ports.get(5170), "-m", "1");

        Sipp.SippResult caller = sipp.call("caller", resource("sipp/uac_cancel.xml"), "u1", ports.get(5171), ports.get(5090), 1, 1,
                Duration.ofSeconds(10));
        assertThat(caller.successful()).as(caller.describe()).isEqualTo(1);
        assertThat(caller.failed()).as(caller.describe()).isZero();

        Sipp.SippResult ringing = sipp.finish("callee", callee, Duration.ofSeconds(5));
        assertThat(ringing.successful()).as("callee saw INVITE, CANCEL and the ACK for its 487\n" + ringing.describe()).isEqualTo(1);
    }

    @Test
    @DisplayName("UAS absent: the caller gets 408 when fr_timer (1 s) ends the unanswered branch, before fr_inv_timer (2 s)")
    void absentCalleeTimesOut() throws Exception {
        MovedPorts ports = MovedPorts.of(5091, 5179, 5172);
        proxy = Proxy.start(ports.script(resource("relay/timeout.cfg"), work), Map.of(), List.of());

        Sipp.SippResult caller = sipp.call("caller", resource("sipp/uac_timeout.xml"), "u1", ports.get(5172), ports.get(5091), 1, 1,
                Duration.ofSeconds(10));
        assertThat(caller.successful()).as("408 arrived and was ACKed\n" + caller.describe()).isEqualTo(1);
        // no provisional ever arrives, so fr_timer governs the INVITE branch (KAMAILIO.md 4.2); Kamailio 5.6.3: 0.96 s
        assertThat(caller.responseTime1()).as("INVITE sent -> 408 received\n" + caller.describe())
                .isBetween(Duration.ofMillis(800), Duration.ofMillis(1900));
    }

    @Test
    @DisplayName("486 from the first callee: failure_route[NEXT] relays to the second callee, whose 200 the caller gets")
    void busyCalleeFailsOverToTheNext() throws Exception {
        MovedPorts ports = MovedPorts.of(5092, 5173, 5174, 5175);
        proxy = Proxy.start(ports.script(resource("relay/failover.cfg"), work), Map.of(), List.of());
        Process busy = sipp.uas("busy", resource("sipp/uas_busy.xml"), ports.get(5173), "-m", "1");
        sipp.uas("second", UAS_RR, ports.get(5174), "-m", "1");

        // uac_rr.xml fails on any reply but 100, 180 and 200: a relayed 486 would fail the call
        Sipp.SippResult caller = sipp.call("caller", UAC_RR, "u1", ports.get(5175), ports.get(5092), 1, 1, Duration.ofSeconds(10));
        assertThat(caller.successful()).as(caller.describe()).isEqualTo(1);
        assertThat(caller.failed()).as(caller.describe()).isZero();

        Sipp.SippResult first = sipp.finish("busy", busy, Duration.ofSeconds(5));
        assertThat(first.successful()).as("the busy callee got the proxy's ACK for its 486\n" + first.describe()).isEqualTo(1);
    }

    @Test
    @DisplayName("two parallel branches: the caller gets the one 200; the ringing branch gets CANCEL")
    void parallelForkCancelsTheLoser() throws Exception {
        MovedPorts ports = MovedPorts.of(5093, 5176, 5177, 5178);
        proxy = Proxy.start(ports.script(resource("relay/fork.cfg"), work), Map.of(), List.of());
        Process answering = sipp.uas("answering", resource("sipp/uas_answer_late.xml"), ports.get(5176), "-m", "1");
        Process ringing = sipp.uas("ringing", resource("sipp/uas_ring.xml"), ports.get(5177), "-m", "1");

        Sipp.SippResult caller = sipp.call("caller", UAC_RR, "u1", ports.get(5178), ports.get(5093), 1, 1, Duration.ofSeconds(10));
        assertThat(caller.successful()).as(caller.describe()).isEqualTo(1);
        assertThat(caller.failed()).as(caller.describe()).isZero();

        Sipp.SippResult winner = sipp.finish("answering", answering, Duration.ofSeconds(5));
        assertThat(winner.successful()).as("the answering callee got ACK and BYE along the route set\n" + winner.describe())
                .isEqualTo(1);
        Sipp.SippResult loser = sipp.finish("ringing", ringing, Duration.ofSeconds(5));
        assertThat(loser.successful()).as("the ringing callee got CANCEL and the ACK for its 487\n" + loser.describe())
                .isEqualTo(1);
    }

    @Test
    @DisplayName("garbage and malformed datagrams: no reply storm (at most one 400 each), the proxy still relays calls")
    void malformedDatagramsAreDroppedQuietly() throws Exception {
        MovedPorts ports = MovedPorts.of(5090, 5170, 5171);
        proxy = Proxy.start(ports.script(resource("relay/basic.cfg"), work), Map.of(), List.of());
        long droppedBefore = proxy.stat("sipway:malformed_dropped");
        int proxyPort = ports.get(5090);

        Map<String, byte[]> bad = new LinkedHashMap<>();
        byte[] noise = new byte[512];
        new Random(42).nextBytes(noise);
        bad.put("random bytes", noise);
        bad.put("no Via", request("OPTIONS", proxyPort, false, "Content-Length: 0\r\n", ""));
        bad.put("Content-Length not a number", request("OPTIONS", proxyPort, true, "Content-Length: abc\r\n", ""));
        bad.put("Content-Length beyond the datagram", request("OPTIONS", proxyPort, true, "Content-Length: 500\r\n", "hello"));
        bad.put("two different Content-Lengths", request("OPTIONS", proxyPort, true, "Content-Length: 5\r\nContent-Length: 7\r\n", "hello"));
        bad.put("headers cut off", ("INVITE sip:service@127.0.0.1:" + proxyPort + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1")
                .getBytes(StandardCharsets.US_ASCII));

        Map<String, List<String>> replies = sendAndListen(bad, new InetSocketAddress(LOOPBACK, proxyPort), Duration.ofSeconds(1));
        replies.forEach((what, got) -> assertThat(got).as("replies to a datagram with %s", what)
                .hasSizeLessThanOrEqualTo(1)
                .allMatch(statusLine -> statusLine.startsWith("SIP/2.0 400 ")));

        sipp.uas("uas", UAS_RR, ports.get(5170));
        Sipp.SippResult after = sipp.call("after", UAC_RR, "u1", ports.get(5171), proxyPort, 5, 5, Duration.ofSeconds(10));
        assertThat(after.successful()).as(after.describe()).isEqualTo(5);
        assertThat(after.failed()).as(after.describe()).isZero();
        // Sipway's own counter (Kamailio has none by this name)
        assertThat(proxy.stat("sipway:malformed_dropped")).isGreaterThan(droppedBefore);
    }

    // ---------------------------------------------------------------------------------------------
    // SIPp

    /** What one SIPp run reported: exit code, its final counters, response time 1 (cumulative mean). */
    // ---------------------------------------------------------------------------------------------
    // Raw datagrams

    /** A request to the proxy from the socket whose port replaces {@code PORT}; Via optional; headers end with the given ones. */
    private static byte[] request(String method, int proxyPort, boolean via, String lengthHeaders, String body) {
        String text = method + " sip:service@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + (via ? "Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bK-malformed-" + method + "\r\n" : "")
                + "From: <sip:probe@127.0.0.1>;tag=probe\r\n"
                + "To: <sip:service@127.0.0.1:" + proxyPort + ">\r\n"
                + "Call-ID: malformed-" + Long.toHexString(System.nanoTime()) + "@127.0.0.1\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Max-Forwards: 70\r\n"
                + lengthHeaders + "\r\n" + body;
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends each datagram from its own socket, then collects the status lines each socket receives for {@code window}. */
    private static Map<String, List<String>> sendAndListen(Map<String, byte[]> datagrams, InetSocketAddress to, Duration window)
            throws IOException, InterruptedException {
        Map<String, DatagramSocket> sockets = new LinkedHashMap<>();
        Map<String, List<String>> replies = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, byte[]> d : datagrams.entrySet()) {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
                s.setSoTimeout(10);
                sockets.put(d.getKey(), s);
                replies.put(d.getKey(), new ArrayList<>());
                byte[] bytes = new String(d.getValue(), StandardCharsets.ISO_8859_1)
                        .replace("127.0.0.1:PORT", "127.0.0.1:" + s.getLocalPort()).getBytes(StandardCharsets.ISO_8859_1);
                s.send(new DatagramPacket(bytes, bytes.length, to));
            }
            long end = System.nanoTime() + window.toNanos();
            byte[] buf = new byte[65535];
            while (System.nanoTime() < end) {
                for (Map.Entry<String, DatagramSocket> s : sockets.entrySet()) {
                    DatagramPacket packet = new DatagramPacket(buf, buf.length);
                    try {
                        s.getValue().receive(packet);
                        String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.ISO_8859_1);
                        replies.get(s.getKey()).add(text.lines().findFirst().orElse(""));
                    } catch (SocketTimeoutException quiet) {
                        // nothing for this one yet
                    }
                }
            }
        } finally {
            sockets.values().forEach(DatagramSocket::close);
        }
        return replies;
    }

    // ---------------------------------------------------------------------------------------------
    // Plumbing

    private static Path resource(String name) throws URISyntaxException {
        URL url = RelayWithSippTest.class.getResource("/" + name);
        assertThat(url).as("test resource %s", name).isNotNull();
        return Path.of(url.toURI());
    }





}
