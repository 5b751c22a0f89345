package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipParserConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLSocket;

/**
 * SIP over real loopback sockets on each of the five transports (udp, tcp, tls, ws, wss): what
 * arrives goes upward as (bytes, ReceiveInfo), what is sent goes out through the Sender. The layer
 * above here is an echo: it sends every message back where it came from, the way a reply goes
 * (UDP by address, streams by connection id).
 */
@Timeout(30)
class TransportEchoTest {
    private static final byte[] OPTIONS = ("OPTIONS sip:echo@127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKecho1\r\n"
            + "To: <sip:echo@127.0.0.1>\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nCall-ID: echo-1\r\nCSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final BlockingQueue<ReceiveInfo> received = new LinkedBlockingQueue<>();
    private final ConnectionTable table = new ConnectionTable(true, false);
    private Transport transport;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        int port = freePort();
        int tlsPort = freePort();
        TestCertificates certs = TestCertificates.create(dir);
        transport = Transport.start(List.of(ListenSpec.parse("udp:127.0.0.1:" + port), ListenSpec.parse("tcp:127.0.0.1:" + port),
                        ListenSpec.parse("tls:127.0.0.1:" + tlsPort)), table, SipParserConfig.defaults(),
                TlsSettings.server(certs.serverCert, certs.serverKey),
                (message, from) -> {
                    received.add(from);
                    Destination back = from.protocol() == Protocol.UDP
                            ? Destination.to(Protocol.UDP, from.source()).withForcedSocket(from.localSocket())
                            : Destination.to(from.protocol(), from.source()).withConnectionId(from.connectionId());
                    transport.sender().send(back, message);
                });
    }

    @AfterEach
    void stop() {
        transport.close();
        table.checkConsistency();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private SendSocket socket(Protocol p) {
        return transport.sockets().stream().filter(s -> s.protocol() == p).findFirst().orElseThrow();
    }

    @Test
    void onLinuxUdpUsesEpollWithOneReusePortSocketPerEventLoop() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").equals("amd64"), "epoll is bundled for linux-x86_64");
        assertThat(Transport.EPOLL).isTrue();
        assertThat(transport.udpSocketCount()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void udpDatagramIsDeliveredAndEchoed() throws Exception {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5000);
            client.send(new DatagramPacket(OPTIONS, OPTIONS.length, socket(Protocol.UDP).local()));
            byte[] buf = new byte[4096];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            client.receive(reply);
            assertThat(Arrays.copyOf(buf, reply.getLength())).isEqualTo(OPTIONS);
            ReceiveInfo info = received.poll(5, TimeUnit.SECONDS);
            assertThat(info.protocol()).isEqualTo(Protocol.UDP);
            assertThat(info.source().getPort()).isEqualTo(client.getLocalPort());
            assertThat(info.localSocket()).isEqualTo(socket(Protocol.UDP));
            assertThat(info.connectionId()).isZero();
        }
    }

    @Test
    void aDatagramLongerThanNettysDefaultReadBufferArrivesWhole() throws Exception {
        // 20,000 bytes: beyond Netty's 2,048-byte default, as a large SDP or a long Record-Route set can be
        byte[] big = new String(OPTIONS, StandardCharsets.US_ASCII).replace("Content-Length: 0",
                "X-Pad: " + "a".repeat(20_000) + "\r\nContent-Length: 0").getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5000);
            client.send(new DatagramPacket(big, big.length, socket(Protocol.UDP).local()));
            byte[] buf = new byte[65536];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            client.receive(reply);
            assertThat(Arrays.copyOf(buf, reply.getLength())).isEqualTo(big);
        }
    }

    @Test
    void tcpStreamIsFramedDeliveredEchoedAndPingedBack() throws Exception {
        try (Socket client = new Socket("127.0.0.1", socket(Protocol.TCP).local().getPort())) {
            client.setSoTimeout(5000);
            OutputStream out = client.getOutputStream();
            // two messages and a ping, split mid-message
            byte[] stream = new byte[OPTIONS.length * 2 + 4];
            System.arraycopy(OPTIONS, 0, stream, 0, OPTIONS.length);
            System.arraycopy(OPTIONS, 0, stream, OPTIONS.length, OPTIONS.length);
            System.arraycopy(new byte[] {'\r', '\n', '\r', '\n'}, 0, stream, OPTIONS.length * 2, 4);
            out.write(stream, 0, 100);
            out.flush();
            out.write(stream, 100, stream.length - 100);
            out.flush();
            byte[] expected = new byte[OPTIONS.length * 2 + 2];
            System.arraycopy(stream, 0, expected, 0, OPTIONS.length * 2);
            expected[expected.length - 2] = '\r';
            expected[expected.length - 1] = '\n';
            assertThat(client.getInputStream().readNBytes(expected.length)).isEqualTo(expected);
            ReceiveInfo info = received.poll(5, TimeUnit.SECONDS);
            assertThat(info.protocol()).isEqualTo(Protocol.TCP);
            assertThat(info.connectionId()).isPositive();
            assertThat(table.byId(info.connectionId()).remote().getPort()).isEqualTo(client.getLocalPort());
        }
    }

    @Test
    void aStreamWithoutContentLengthIsClosedAndCounted() throws Exception {
        try (Socket client = new Socket("127.0.0.1", socket(Protocol.TCP).local().getPort())) {
            client.setSoTimeout(5000);
            client.getOutputStream().write("OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            assertThat(in.read()).as("the proxy closes the connection").isEqualTo(-1);
            assertThat(transport.droppedFrames()).isEqualTo(1);
            assertThat(received).isEmpty();
        }
    }

    @Test
    void tcpWithoutAConnectionOpensOneAndWebSocketNeverDoes() throws Exception {
        try (ServerSocket peer = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(5000);
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", peer.getLocalPort());
            assertThat(transport.sender().send(Destination.to(Protocol.WS, at), OPTIONS)).isEqualTo(SendStatus.NO_CONNECTION);
            assertThat(transport.sender().send(Destination.to(Protocol.TCP, at).withNoConnect(), OPTIONS))
                    .isEqualTo(SendStatus.NO_CONNECTION);
            assertThat(transport.sender().webSocketMisses()).isEqualTo(1);
            assertThat(transport.sender().noConnectMisses()).isEqualTo(1);
            assertThat(transport.sender().send(Destination.to(Protocol.TCP, at), OPTIONS)).isEqualTo(SendStatus.CONNECTING);
            try (Socket accepted = peer.accept()) {
                accepted.setSoTimeout(5000);
                assertThat(accepted.getInputStream().readNBytes(OPTIONS.length)).isEqualTo(OPTIONS);
            }
        }
    }

    @Test
    void tlsStreamIsDeliveredAndEchoed() throws Exception {
        try (SSLSocket client = (SSLSocket) TestClients.trustingTls().getSocketFactory()
                .createSocket("127.0.0.1", socket(Protocol.TLS).local().getPort())) {
            client.setSoTimeout(5000);
            client.getOutputStream().write(OPTIONS);
            client.getOutputStream().flush();
            assertThat(client.getInputStream().readNBytes(OPTIONS.length)).isEqualTo(OPTIONS);
            ReceiveInfo info = received.poll(5, TimeUnit.SECONDS);
            assertThat(info.protocol()).isEqualTo(Protocol.TLS);
            assertThat(info.localSocket().local()).isEqualTo(socket(Protocol.TLS).local());
        }
    }

    private WebSocket openWebSocket(String scheme, Protocol listener, TestClients.TextCollector client, String subprotocol) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TestClients.trustingTls()).build();
        URI uri = URI.create(scheme + "://127.0.0.1:" + socket(listener).local().getPort() + "/");
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (subprotocol != null) {
            b = b.subprotocols(subprotocol);
        }
        return b.buildAsync(uri, client).get(10, TimeUnit.SECONDS);
    }

    @Test
    void webSocketOnTheTcpListenerIsWsAndEchoed() throws Exception {
        echoOverWebSocket("ws", Protocol.TCP, Protocol.WS);
    }

    @Test
    void webSocketOnTheTlsListenerIsWssAndEchoed() throws Exception {
        echoOverWebSocket("wss", Protocol.TLS, Protocol.WSS);
    }

    private void echoOverWebSocket(String scheme, Protocol listener, Protocol expected) throws Exception {
        TestClients.TextCollector client = new TestClients.TextCollector();
        WebSocket ws = openWebSocket(scheme, listener, client, "sip");
        assertThat(ws.getSubprotocol()).isEqualTo("sip");
        String text = new String(OPTIONS, StandardCharsets.US_ASCII);
        ws.sendText(text, true).get(5, TimeUnit.SECONDS);
        assertThat(client.texts.poll(5, TimeUnit.SECONDS)).isEqualTo(text);
        ReceiveInfo info = received.poll(5, TimeUnit.SECONDS);
        assertThat(info.protocol()).isEqualTo(expected);
        Connection c = table.byId(info.connectionId());
        assertThat(c.protocol()).isEqualTo(expected);
        // the 5.8.2 case: a URI can only say transport=ws; it must still reach this connection
        assertThat(table.find(Destination.to(Protocol.WS, info.source()))).isSameAs(c);
        assertThat(transport.sender().send(Destination.to(Protocol.WS, info.source()), OPTIONS)).isEqualTo(SendStatus.SENT);
        assertThat(client.texts.poll(5, TimeUnit.SECONDS)).isEqualTo(text);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void webSocketWithoutTheSipSubprotocolIsRefused() {
        TestClients.TextCollector client = new TestClients.TextCollector();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> openWebSocket("ws", Protocol.TCP, client, "chat"))
                .hasStackTraceContaining("400");
        assertThat(received).isEmpty();
    }

    @Test
    void theUpgradePolicySeesTheRequestAndMayRefuseIt() throws Exception {
        BlockingQueue<WebSocketUpgrade> asked = new LinkedBlockingQueue<>();
        transport.upgradePolicy(u -> {
            asked.add(u);
            return !"evil.example".equals(u.header("Origin"));
        });
        TestClients.TextCollector client = new TestClients.TextCollector();
        WebSocket ws = openWebSocket("wss", Protocol.TLS, client, "sip");
        WebSocketUpgrade seen = asked.poll(5, TimeUnit.SECONDS);
        assertThat(seen.uri()).isEqualTo("/");
        assertThat(seen.secure()).isTrue();
        assertThat(seen.header("sec-websocket-protocol")).isEqualTo("sip");
        ws.abort();
        transport.upgradePolicy(u -> false);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> openWebSocket("ws", Protocol.TCP, new TestClients.TextCollector(), "sip"))
                .hasStackTraceContaining("403");
    }

    /** Kamailio's tcpconn_add_alias: Via alias (tcp_accept_aliases) and force_tcp_alias(). */
    @Test
    void aTcpAliasMakesTheConnectionReachableOnThePeersAliasPortAndWebSocketOrUdpNeverAlias() throws Exception {
        try (Socket client = new Socket("127.0.0.1", socket(Protocol.TCP).local().getPort())) {
            client.setSoTimeout(5000);
            client.getOutputStream().write(OPTIONS);
            assertThat(client.getInputStream().readNBytes(OPTIONS.length)).isEqualTo(OPTIONS);
            ReceiveInfo info = received.poll(5, TimeUnit.SECONDS);
            Destination toAliasPort = Destination.to(Protocol.TCP, new InetSocketAddress("127.0.0.1", 5999)).withNoConnect();
            assertThat(table.find(toAliasPort)).as("before the alias").isNull();

            assertThat(transport.addTcpAlias(info, 5999)).isTrue();
            assertThat(transport.addTcpAlias(info, 0)).as("port 0: the family's default port").isTrue();

            Connection c = table.byId(info.connectionId());
            assertThat(c.aliasPorts()).containsExactly(5999, 5060);
            assertThat(transport.sender().send(toAliasPort, OPTIONS)).isEqualTo(SendStatus.SENT);
            assertThat(client.getInputStream().readNBytes(OPTIONS.length)).isEqualTo(OPTIONS);
        }
        ReceiveInfo overUdp = new ReceiveInfo(Protocol.UDP, new InetSocketAddress("127.0.0.1", 5999), socket(Protocol.UDP), 0);
        assertThat(transport.addTcpAlias(overUdp, 5999)).isFalse();

        TestClients.TextCollector browser = new TestClients.TextCollector();
        WebSocket ws = openWebSocket("ws", Protocol.TCP, browser, "sip");
        ws.sendText(new String(OPTIONS, StandardCharsets.US_ASCII), true).get(5, TimeUnit.SECONDS);
        ReceiveInfo overWs = received.poll(5, TimeUnit.SECONDS);
        assertThat(overWs.protocol()).isEqualTo(Protocol.WS);
        assertThat(transport.addTcpAlias(overWs, 5999)).as("never for WS/WSS, as in Kamailio").isFalse();
        assertThat(table.byId(overWs.connectionId()).aliasPorts()).isEmpty();
        ws.abort();
    }
}
