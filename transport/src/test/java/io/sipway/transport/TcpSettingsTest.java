package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipParserConfig;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Kamailio's tcp_max_connections and tcp_connection_lifetime over loopback. */
@Timeout(30)
class TcpSettingsTest {
    private static final byte[] OPTIONS = ("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.9;branch=z9hG4bKt\r\n"
            + "To: <sip:x@127.0.0.1>\r\nFrom: <sip:y@127.0.0.1>;tag=1\r\nCall-ID: t-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final ConnectionTable table = new ConnectionTable(false, false);
    private final BlockingQueue<ReceiveInfo> received = new LinkedBlockingQueue<>();
    private Transport transport;

    private int start(TcpSettings tcp) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        transport = Transport.start(List.of(ListenSpec.parse("tcp:127.0.0.1:" + port)), table, SipParserConfig.defaults(),
                null, tcp, (m, from) -> received.add(from));
        return port;
    }

    @AfterEach
    void stop() {
        if (transport != null) {
            transport.close();
        }
        table.checkConsistency();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void connectionsBeyondTcpMaxConnectionsAreRefusedAndCounted() throws Exception {
        int port = start(TcpSettings.defaults().withMaxConnections(2));
        try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port)) {
            waitFor(() -> table.size() == 2);
            assertThat(table.size()).isEqualTo(2);
            // both carry SIP: neither makes room for a newcomer (ConnectionEvictionTest: idle ones do)
            a.getOutputStream().write(OPTIONS);
            b.getOutputStream().write(OPTIONS);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isNotNull();
            assertThat(received.poll(5, TimeUnit.SECONDS)).isNotNull();
            try (Socket c = new Socket("127.0.0.1", port)) {
                c.setSoTimeout(5000);
                assertThat(c.getInputStream().read()).as("the third connection is closed at once").isEqualTo(-1);
            }
            assertThat(transport.refusedConnections()).isEqualTo(1);
            a.getOutputStream().write(OPTIONS);
            assertThat(received.poll(5, TimeUnit.SECONDS)).as("the first two still work").isNotNull();
            // an outbound connect beyond the limit is refused too, without dialling
            assertThat(transport.sender().send(Destination.to(Protocol.TCP, new InetSocketAddress("127.0.0.1", 9)), OPTIONS))
                    .isEqualTo(SendStatus.NO_CONNECTION);
            assertThat(transport.refusedConnections()).isEqualTo(2);
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTcpConnectionLifetime() throws Exception {
        int port = start(TcpSettings.defaults().withConnectionLifetime(1));
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(OPTIONS);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isNotNull();
            long start = System.nanoTime();
            assertThat(client.getInputStream().read()).as("closed by the proxy when idle").isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("not before the lifetime").isGreaterThanOrEqualTo(500);
            waitFor(() -> table.size() == 0);
            assertThat(table.size()).isZero();
        }
    }

    @Test
    void settingsAreChecked() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TcpSettings.defaults().withMaxConnections(0))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TcpSettings.defaults().withKeepalive(-1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TcpSettings.defaults().withKeepalive(30, 0, 0).keepaliveOn()).isTrue();
    }

    /** Kamailio opens from the forced socket's IP (tcp_reuse_port=no: any port). */
    @Test
    void anOutboundConnectionLeavesFromTheForcedSocket() throws Exception {
        outboundConnectionFromTheForcedSocket(false);
    }

    /** With tcp_reuse_port=yes Kamailio binds the forced socket's port as well (SO_REUSEPORT). */
    @Test
    void underTcpReusePortAnOutboundConnectionLeavesFromTheForcedSocketsPort() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Transport.EPOLL, "SO_REUSEPORT on outbound sockets needs epoll");
        outboundConnectionFromTheForcedSocket(true);
    }

    private void outboundConnectionFromTheForcedSocket(boolean reusePort) throws Exception {
        ConnectionTable t = new ConnectionTable(true, reusePort);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.2"))) {
            port = s.getLocalPort();
        }
        try (Transport tr = Transport.start(List.of(ListenSpec.parse("tcp:127.0.0.2:" + port)), t, SipParserConfig.defaults(),
                null, TcpSettings.defaults(), (m, from) -> { });
             ServerSocket peer = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(5000);
            SendSocket forced = tr.sockets().get(0);
            Destination d = Destination.to(Protocol.TCP, new InetSocketAddress("127.0.0.1", peer.getLocalPort())).withForcedSocket(forced);
            assertThat(tr.sender().send(d, OPTIONS)).isEqualTo(SendStatus.CONNECTING);
            try (Socket accepted = peer.accept()) {
                assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo("127.0.0.2");
                if (reusePort) {
                    assertThat(accepted.getPort()).as("the listener's port, shared").isEqualTo(port);
                } else {
                    assertThat(accepted.getPort()).isNotEqualTo(port);
                }
                accepted.setSoTimeout(5000);
                assertThat(accepted.getInputStream().readNBytes(OPTIONS.length)).isEqualTo(OPTIONS);
                // and the next send to the same destination finds that connection under match=1
                waitFor(() -> t.find(d) != null);
                assertThat(tr.sender().send(d, OPTIONS)).isEqualTo(SendStatus.SENT);
                assertThat(accepted.getInputStream().readNBytes(OPTIONS.length)).isEqualTo(OPTIONS);
            }
        }
        t.checkConsistency();
    }
}
