package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.transport.TestCertificates;
import io.sipway.transport.TestClients;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kamailio's core parameters as a relay script sets them, and the lifecycle around them: what the
 * startup banner lists, what {@code myself} matches, the Warning header of {@code sip_warning},
 * TLS listeners from {@code enable_tls}, and a SIGTERM that lets transactions end.
 *
 * <p>The scripts and the requests are written with fixed ports (5270 to 5284, in the scripts' file
 * names too); every test runs them moved to free ports ({@link MovedPorts}), and what it expects
 * is moved the same way.
 */
@Timeout(30)
class CoreParametersTest {
    private static final Path CFG = Path.of("src/test/resources/proxy");
    private final MovedPorts ports = MovedPorts.of(5270, 5271, 5272, 5273, 5274, 5275, 5276, 5277, 5278,
            5280, 5281, 5282, 5283, 5284);
    @TempDir
    Path work;

    /** The script of src/test/resources/proxy with its ports moved. */
    private Path script(String name) {
        return ports.script(CFG.resolve(name), work);
    }

    private static String options(String ruri, int viaPort) {
        return "OPTIONS " + ruri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + viaPort + ";branch=z9hG4bK-" + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + System.nanoTime() + "@core-params\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /**
     * Sends one request from 127.0.0.1:{@code from} and returns the reply's text (null when none
     * came); the ports, the request's included, are the fixed ones, moved here.
     */
    private String ask(int from, int proxyPort, String request, int waitMs) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(from)))) {
            s.setSoTimeout(waitMs);
            byte[] b = ports.apply(request).getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", ports.get(proxyPort))));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void theBannerListsListenersThenAliasesNewestFirstAsKamailioPrintsThem() throws Exception {
        try (Proxy proxy = Proxy.start(script("core-params-5270.cfg"), Map.of(), List.of())) {
            // Kamailio 5.6.3 prints exactly this for the same listen= and alias= lines on loopback
            assertThat(proxy.banner()).isEqualTo(ports.apply("""
                    Listening on\s
                                 udp: 127.0.0.1:5270
                                 tcp: 127.0.0.1:5270
                    Aliases:\s
                                 tcp: localhost:5270
                                 udp: localhost:5270
                                 udp: other.example.com:*
                                 *: sip.example.com:5270
                    """));
        }
    }

    @Test
    void childrenSetsTheNumberOfEventLoops() throws Exception {
        try (Proxy proxy = Proxy.start(script("core-params-5270.cfg"), Map.of(), List.of())) {
            assertThat(proxy.eventLoops()).isEqualTo(3);
        }
    }

    @Test
    void myselfMatchesAliasesByHostPortAndProtocolAndTheAutomaticReverseDnsName() throws Exception {
        try (Proxy proxy = Proxy.start(script("core-params-5270.cfg"), Map.of(), List.of())) {
            assertThat(ask(5280, 5270, options("sip:bob@sip.example.com:5270", 5280), 3000)).startsWith("SIP/2.0 200 That is me");
            assertThat(ask(5280, 5270, options("sip:bob@sip.example.com:5999", 5280), 3000)).startsWith("SIP/2.0 403 Not me");
            // alias=udp:other.example.com: any port, over UDP
            assertThat(ask(5280, 5270, options("sip:bob@other.example.com:7777", 5280), 3000)).startsWith("SIP/2.0 200 That is me");
            assertThat(ask(5280, 5270, options("sip:bob@other.example.com:7777;transport=tcp", 5280), 3000))
                    .startsWith("SIP/2.0 403 Not me");
            // auto_aliases: 127.0.0.1 is localhost
            assertThat(ask(5280, 5270, options("sip:bob@localhost:5270", 5280), 3000)).startsWith("SIP/2.0 200 That is me");
        }
        try (Proxy proxy = Proxy.start(script("no-auto-aliases-5271.cfg"), Map.of(), List.of())) {
            assertThat(proxy.banner()).endsWith("Aliases: \n");
            assertThat(ask(5281, 5271, options("sip:bob@localhost:5271", 5281), 3000)).startsWith("SIP/2.0 403 Not me");
            assertThat(ask(5281, 5271, options("sip:bob@127.0.0.1:5271", 5281), 3000)).startsWith("SIP/2.0 200 That is me");
        }
    }

    @Test
    void isMyselfAndIsdsturisetAnswerAsTheirModulesDo() throws Exception {
        try (Proxy proxy = Proxy.start(script("core-params-5270.cfg"), Map.of(), List.of())) {
            String base = options("sip:ismyself@127.0.0.1:5270", 5284);
            assertThat(ask(5284, 5270, base.replace("Content-Length", "X-Host: sip.example.com:5270\r\nContent-Length"), 3000))
                    .startsWith("SIP/2.0 200 is_myself");
            assertThat(ask(5284, 5270, base.replace("Content-Length", "X-Host: elsewhere.example.com\r\nContent-Length"), 3000))
                    .startsWith("SIP/2.0 403 not is_myself");
            assertThat(ask(5284, 5270, options("sip:dst@127.0.0.1:5270", 5284), 3000)).startsWith("SIP/2.0 200 du set");
        }
    }

    @Test
    void sipWarningPutsKamailiosNoisyFeedbackWarningOnLocalReplies() throws Exception {
        try (Proxy proxy = Proxy.start(script("core-params-5270.cfg"), Map.of(), List.of())) {
            String reply = ask(5282, 5270, options("sip:bob@127.0.0.1:5270", 5282), 3000);
            assertThat(reply).containsPattern(ports.apply("\r\nWarning: 392 127\\.0\\.0\\.1:5270 \"Noisy feedback tells: pid=\\d+"
                    + " req_src_ip=127\\.0\\.0\\.1 req_src_port=5282 in_uri=sip:bob@127\\.0\\.0\\.1:5270"
                    + " out_uri=sip:bob@127\\.0\\.0\\.1:5270 via_cnt==1\"\r\n"));
        }
        try (Proxy proxy = Proxy.start(script("no-auto-aliases-5271.cfg"), Map.of(), List.of())) {
            assertThat(ask(5282, 5271, options("sip:bob@127.0.0.1:5271", 5282), 3000)).doesNotContain("Warning:");
        }
    }

    @Test
    void aTlsListenerWithoutEnableTlsIsRefusedNamingIt() {
        assertThatThrownBy(() -> Proxy.start(script("tls-without-enable-5272.cfg"), Map.of(), List.of()))
                .isInstanceOf(ProxyStartException.class)
                .hasMessageContaining(ports.apply("listen=tls:127.0.0.1:5272 needs enable_tls=yes"));
    }

    @Test
    void aWebSocketKeepaliveOutOfRangeIsRefusedWithItsLocation(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("ws.cfg");
        Files.writeString(cfg, ports.apply("listen=udp:127.0.0.1:5276\nloadmodule \"websocket.so\"\n"
                + "modparam(\"websocket\", \"keepalive_mechanism\", 7)\nrequest_route {\n\texit;\n}\n"));
        assertThatThrownBy(() -> Proxy.start(cfg, Map.of(), List.of()))
                .isInstanceOf(ProxyStartException.class)
                .hasMessageContaining("ws.cfg:3")
                .hasMessageContaining("keepalive_mechanism must be 0 (none), 1 (ping), 2 (pong) or 3");
    }

    @Test
    void enableTlsWithoutACertificateIsRefusedSayingWhatIsMissing(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("tls.cfg");
        Files.writeString(cfg, ports.apply(Files.readString(CFG.resolve("tls-5273.cfg"))).replaceAll("(?m)^modparam\\(\"tls\".*$", ""));
        assertThatThrownBy(() -> Proxy.start(cfg, Map.of(), List.of()))
                .isInstanceOf(ProxyStartException.class)
                .hasMessageContaining("modparam(\"tls\", \"certificate\", ...)");
    }

    @Test
    void enableTlsServesTheScriptOnATlsListenerWithTheTlsModulesCertificate(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("pki"));
        TestCertificates.create(dir.resolve("pki"));
        Path cfg = dir.resolve("tls.cfg");
        Files.writeString(cfg, ports.apply(Files.readString(CFG.resolve("tls-5273.cfg"))));
        try (Proxy proxy = Proxy.start(cfg, Map.of(), List.of());
             SSLSocket s = (SSLSocket) TestClients.trustingTls().getSocketFactory().createSocket("127.0.0.1", ports.get(5274))) {
            assertThat(proxy.listeners()).contains(ports.apply("tls:127.0.0.1:5274"));
            s.setSoTimeout(5000);
            String req = ports.apply(options("sip:bob@127.0.0.1:5274;transport=tls", 5283).replace("SIP/2.0/UDP", "SIP/2.0/TLS"));
            OutputStream out = s.getOutputStream();
            out.write(req.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            StringBuilder got = new StringBuilder();
            while (!got.toString().contains("\r\n\r\n")) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            assertThat(got.toString()).startsWith("SIP/2.0 200 Over tls");
        }
    }

    @Test
    void aShutdownTakesNoNewRequestsAndLetsTheTransactionInProgressEndWithinTheBound() throws Exception {
        Proxy proxy = Proxy.start(script("drain-5275.cfg"), Map.of(), List.of());
        try (DatagramSocket caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5276)));
             DatagramSocket callee = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5277)))) {
            caller.setSoTimeout(3000);
            callee.setSoTimeout(3000);
            String invite = "INVITE sip:bob@127.0.0.1:5277 SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:5276;branch=z9hG4bK-drain1\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                    + "To: <sip:bob@127.0.0.1>\r\n"
                    + "Call-ID: drain1@core-params\r\n"
                    + "CSeq: 1 INVITE\r\n"
                    + "Content-Length: 0\r\n\r\n";
            byte[] b = ports.apply(invite).getBytes(StandardCharsets.US_ASCII);
            caller.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", ports.get(5275))));
            byte[] buf = new byte[65535];
            DatagramPacket at = new DatagramPacket(buf, buf.length);
            callee.receive(at);
            String forwarded = new String(buf, 0, at.getLength(), StandardCharsets.US_ASCII);

            // SIGTERM now: the INVITE has no final reply yet; the callee answers 600 ms later
            Thread answer = new Thread(() -> {
                try {
                    Thread.sleep(600);
                    StringBuilder r = new StringBuilder("SIP/2.0 486 Busy Here\r\n");
                    for (String line : forwarded.split("\r\n")) {
                        if (line.startsWith("Via:") || line.startsWith("From:") || line.startsWith("Call-ID:")
                                || line.startsWith("CSeq:")) {
                            r.append(line).append("\r\n");
                        } else if (line.startsWith("To:")) {
                            r.append(line).append(";tag=b1\r\n");
                        }
                    }
                    r.append("Content-Length: 0\r\n\r\n");
                    byte[] rb = r.toString().getBytes(StandardCharsets.US_ASCII);
                    callee.send(new DatagramPacket(rb, rb.length, new InetSocketAddress("127.0.0.1", ports.get(5275))));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            answer.start();
            int[] unanswered = new int[1];
            Thread stopping = new Thread(() -> unanswered[0] = proxy.shutdown(Duration.ofSeconds(10)));
            stopping.start();
            Thread.sleep(200);
            // a new call while draining is not taken
            assertThat(ask(5278, 5275, options("sip:bob@127.0.0.1:5275", 5278), 500)).isNull();
            assertThat(proxy.stat("sipway:drained_requests")).isEqualTo(1);

            // the caller still gets the 486 through the transaction in progress
            String last = null;
            while (last == null || last.startsWith("SIP/2.0 100")) {
                caller.receive(at);
                last = new String(buf, 0, at.getLength(), StandardCharsets.US_ASCII);
            }
            assertThat(last).startsWith("SIP/2.0 486 Busy Here");
            stopping.join(10_000);
            assertThat(stopping.isAlive()).isFalse();
            assertThat(unanswered[0]).isZero();
        } finally {
            proxy.close();
        }
    }

    @Test
    void aShutdownBoundEndsTheWaitForATransactionThatNeverEnds() throws Exception {
        Proxy proxy = Proxy.start(script("drain-5275.cfg"), Map.of(), List.of());
        try (DatagramSocket caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5276)));
             DatagramSocket callee = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5277)))) {
            callee.setSoTimeout(3000);
            String invite = "INVITE sip:bob@127.0.0.1:5277 SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:5276;branch=z9hG4bK-drain2\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                    + "To: <sip:bob@127.0.0.1>\r\n"
                    + "Call-ID: drain2@core-params\r\n"
                    + "CSeq: 1 INVITE\r\n"
                    + "Content-Length: 0\r\n\r\n";
            byte[] b = ports.apply(invite).getBytes(StandardCharsets.US_ASCII);
            caller.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", ports.get(5275))));
            byte[] buf = new byte[65535];
            callee.receive(new DatagramPacket(buf, buf.length));
            assertThat(proxy.shutdown(Duration.ofMillis(300))).isEqualTo(1);
        } finally {
            proxy.close();
        }
    }
}
