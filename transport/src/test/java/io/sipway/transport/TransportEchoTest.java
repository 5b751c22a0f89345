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

/**
 * SIP over real loopback sockets: what arrives goes upward as (bytes, ReceiveInfo), what is sent
 * goes out through the Sender. The layer above here is an echo: it sends every message back where
 * it came from, the way a reply goes (UDP by address, TCP by connection id).
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
    void start() throws Exception {
        int port = freePort();
        transport = Transport.start(List.of(ListenSpec.parse("127.0.0.1:" + port)), table, SipParserConfig.defaults(),
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
            assertThat(transport.sender().send(Destination.to(Protocol.TCP, at), OPTIONS)).isEqualTo(SendStatus.CONNECTING);
            try (Socket accepted = peer.accept()) {
                accepted.setSoTimeout(5000);
                assertThat(accepted.getInputStream().readNBytes(OPTIONS.length)).isEqualTo(OPTIONS);
            }
        }
    }
}
