package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sipway.sip.SipParserConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A peer that resets its connection (over TCP, TLS, WS, WSS): counted, logged at DEBUG, never as a warning with the exception. */
@Timeout(30)
class PeerResetTest {
    private static final byte[] OPTIONS = ("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.9;branch=z9hG4bKreset\r\n"
            + "To: <sip:x@127.0.0.1>\r\nFrom: <sip:y@127.0.0.1>;tag=1\r\nCall-ID: reset-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;
    private static TestCertificates certs;

    private final ConnectionTable table = new ConnectionTable(false, false);
    private final BlockingQueue<ReceiveInfo> received = new LinkedBlockingQueue<>();
    private final LogCapture log = new LogCapture().withDebug();
    private Transport transport;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(dir);
    }

    @AfterEach
    void stop() {
        log.close();
        if (transport != null) {
            transport.close();
        }
        table.checkConsistency();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"TCP", "TLS", "WS", "WSS"})
    void aResetIsCountedAndLoggedAtDebugOnly(Protocol p) throws Exception {
        transport = Transport.start(List.of(ListenSpec.parse("tcp:127.0.0.1:" + freePort()), ListenSpec.parse("tls:127.0.0.1:" + freePort())),
                table, SipParserConfig.defaults(), TlsSettings.server(certs.serverCert, certs.serverKey), TcpSettings.defaults(), 2,
                (m, from) -> received.add(from));
        Protocol family = p.isSecure() ? Protocol.TLS : Protocol.TCP;
        InetSocketAddress at = transport.sockets().stream().filter(s -> s.protocol() == family).findFirst().orElseThrow().local();
        RawStreamClient client = RawStreamClient.connect(p, at, 0);
        client.send(OPTIONS);
        assertThat(received.poll(5, TimeUnit.SECONDS)).as("delivered").isNotNull();
        client.send(java.util.Arrays.copyOf(OPTIONS, 20)); // half a message: the reset cuts it
        client.reset();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && (table.size() > 0
                || transport.connectionStats().count(ConnectionStats.Event.PEER_RESET) == 0)) {
            Thread.sleep(10);
        }
        assertThat(transport.connectionStats().count(ConnectionStats.Event.PEER_RESET)).isEqualTo(1);
        assertThat(table.size()).isZero();
        assertThat(log.lines(Level.WARN, "")).as("warnings").isEmpty();
        assertThat(log.lines(Level.ERROR, "")).as("errors").isEmpty();
        assertThat(log.lines(Level.DEBUG, "reset by the peer")).hasSize(1);
    }
}
