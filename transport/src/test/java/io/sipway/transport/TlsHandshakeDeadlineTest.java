package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TLS listener and peers that never complete a handshake: what is not TLS is closed at once
 * (not seconds later, after a close_notify nobody reads), and a handshake that stalls is closed at
 * its deadline, tcp_connect_timeout. Both counted; a real client still gets through.
 */
@Timeout(60)
class TlsHandshakeDeadlineTest {
    private final LogCapture log = new LogCapture().withDebug();
    private LoopbackTransport loopback;
    private Transport transport;
    private ConnectionTable table;

    @AfterEach
    void stop() {
        log.close();
        if (loopback != null) {
            loopback.close();
        }
    }

    private InetSocketAddress start(TcpSettings tcp) throws Exception {
        loopback = LoopbackTransport.tls(tcp, TlsProfile.defaults(), (m, from) -> { });
        transport = loopback.transport;
        table = loopback.table;
        return loopback.listener(Protocol.TLS);
    }

    /** Bytes no TLS implementation takes for a record: random, but starting with a byte that is no record type. */
    private static byte[] garbage(Random random) {
        byte[] b = new byte[64];
        random.nextBytes(b);
        b[0] = (byte) ('A' + random.nextInt(26));
        return b;
    }

    @Test
    void whatIsNotTlsIsClosedAtOnceCountedAndNotWarnedAbout() throws Exception {
        InetSocketAddress at = start(TcpSettings.defaults());
        handshake(at); // the first handshake loads and warms the TLS classes: seconds on a busy machine
        Random random = new Random(14);
        long slowest = 0;
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(5000);
                // SIP sent to the TLS port, or bytes that are no TLS record
                byte[] bytes = i % 2 == 0 ? garbage(random) : "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n".getBytes(StandardCharsets.US_ASCII);
                long start = System.nanoTime();
                s.getOutputStream().write(bytes);
                assertThat(endsWithin(s)).isTrue();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                times.add(ms);
                slowest = Math.max(slowest, ms);
            }
        }
        assertThat(slowest).as("the slowest close, ms: " + times).isLessThan(1000);
        assertThat(transport.connectionStats().count(ConnectionStats.Event.TLS_HANDSHAKE_FAILED)).isEqualTo(100);
        assertThat(log.warnings("")).as("scanners are no news").isEmpty();
        assertThat(log.lines(ch.qos.logback.classic.Level.INFO, "TLS handshake failed")).isEmpty();
        assertThat(LoopbackTransport.waitFor(() -> table.size() == 0)).isTrue();
    }

    /** Refused before any TLS engine is made: 200 of them at once are gone within a second or so, not several. */
    @Test
    void manyConnectionsOfGarbageAtOnceAreAllClosedSoon() throws Exception {
        InetSocketAddress at = start(TcpSettings.defaults());
        handshake(at);
        Random random = new Random(14);
        List<Socket> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            Socket s = new Socket(at.getAddress(), at.getPort());
            s.getOutputStream().write(garbage(random));
            clients.add(s);
        }
        long sent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<Long> times = new ArrayList<>();
        for (Socket s : clients) {
            s.setSoTimeout(15000);
            endsWithin(s);
            times.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            s.close();
        }
        assertThat(java.util.Collections.max(times) - sent).as("ms after the last was sent: " + times).isLessThan(5000);
        assertThat(transport.connectionStats().count(ConnectionStats.Event.TLS_HANDSHAKE_FAILED)).isEqualTo(200);
    }

    @Test
    void aFailedHandshakeIsClosedAtOnceAfterItsAlert() throws Exception {
        InetSocketAddress at = start(TcpSettings.defaults());
        handshake(at);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            try (Socket plain = new Socket(at.getAddress(), at.getPort())) {
                plain.setSoTimeout(6000);
                javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) TestClients.trustingTls().getSocketFactory()
                        .createSocket(plain, at.getHostString(), at.getPort(), false);
                tls.setEnabledProtocols(new String[] {"TLSv1.2"});
                tls.setEnabledCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}); // the server's key is EC
                long start = System.nanoTime();
                org.assertj.core.api.Assertions.assertThatThrownBy(tls::startHandshake).isInstanceOf(javax.net.ssl.SSLException.class);
                assertThat(endsWithin(plain)).isTrue();
                times.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
        }
        assertThat(java.util.Collections.max(times)).as("ms from the alert to the close: " + times).isLessThan(1000);
        assertThat(transport.connectionStats().count(ConnectionStats.Event.TLS_HANDSHAKE_FAILED)).isEqualTo(10);
        assertThat(log.lines(ch.qos.logback.classic.Level.INFO, "TLS handshake failed")).as("a peer that speaks TLS but does not agree: worth a line")
                .hasSize(10);
        assertThat(log.warnings("")).as("and only that line").isEmpty();
    }

    @Test
    void aHandshakeThatStallsIsClosedAtTcpConnectTimeout() throws Exception {
        InetSocketAddress at = start(TcpSettings.defaults().with("tcp_connect_timeout", 2L));
        handshake(at); // a real client is served (and the TLS classes are warm)
        // a TLS record header announcing a ClientHello of 512 bytes, then nothing; and a client that says nothing at all
        byte[] partialHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        try (Socket stalled = new Socket(at.getAddress(), at.getPort()); Socket silent = new Socket(at.getAddress(), at.getPort())) {
            long start = System.nanoTime();
            stalled.getOutputStream().write(partialHello);
            stalled.setSoTimeout(5000);
            silent.setSoTimeout(5000);
            assertThat(endsWithin(stalled)).isTrue();
            assertThat(endsWithin(silent)).isTrue();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(millis).as("at the deadline").isBetween(1800L, 5000L);
        }
        assertThat(transport.connectionStats().count(ConnectionStats.Event.TLS_HANDSHAKE_TIMEOUT)).isEqualTo(2);
        assertThat(LoopbackTransport.waitFor(() -> table.size() == 0)).isTrue();
    }

    private static void handshake(InetSocketAddress at) throws Exception {
        try (javax.net.ssl.SSLSocket client = (javax.net.ssl.SSLSocket) TestClients.trustingTls().getSocketFactory()
                .createSocket(at.getAddress(), at.getPort())) {
            client.startHandshake();
            assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    /** Whether the peer closes before the socket's read timeout (bytes it sent first, such as an alert, are skipped). */
    private static boolean endsWithin(Socket s) throws java.io.IOException {
        byte[] sink = new byte[4096];
        try {
            while (s.getInputStream().read(sink) >= 0) {
                // an alert, maybe
            }
            return true;
        } catch (java.net.SocketTimeoutException open) {
            return false;
        } catch (java.io.IOException reset) {
            return true;
        }
    }
}
