package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A peer that resets its connection (over TCP, TLS, WS, WSS): counted, logged at DEBUG, never as a warning with the exception. */
@Timeout(30)
class PeerResetTest {
    private static final byte[] OPTIONS = ("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.9;branch=z9hG4bKreset\r\n"
            + "To: <sip:x@127.0.0.1>\r\nFrom: <sip:y@127.0.0.1>;tag=1\r\nCall-ID: reset-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final BlockingQueue<ReceiveInfo> received = new LinkedBlockingQueue<>();
    private final LogCapture log = new LogCapture().withDebug();
    private LoopbackTransport loopback;

    @AfterEach
    void stop() {
        log.close();
        if (loopback != null) {
            loopback.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"TCP", "TLS", "WS", "WSS"})
    void aResetIsCountedAndLoggedAtDebugOnly(Protocol p) throws Exception {
        loopback = LoopbackTransport.tcpAndTls(TcpSettings.defaults(), (m, from) -> received.add(from));
        Transport transport = loopback.transport;
        ConnectionTable table = loopback.table;
        RawStreamClient client = RawStreamClient.connect(p, loopback.listener(p), 0);
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

    /**
     * A CRLF ping and at once a reset: the proxy's pong runs into the reset (the write fails) or the
     * read does, whichever comes first. Kamailio counts either as tcp:con_reset; so does Sipway, once.
     */
    @org.junit.jupiter.api.RepeatedTest(5) // the race goes either way: several tries see both
    void aResetThatAReplyRunsIntoIsCountedOnce() throws Exception {
        loopback = LoopbackTransport.tcpAndTls(TcpSettings.defaults(), (m, from) -> received.add(from));
        Transport transport = loopback.transport;
        RawStreamClient client = RawStreamClient.connect(Protocol.TCP, loopback.listener(Protocol.TCP), 0);
        client.sendRaw("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        client.reset();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && (loopback.table.size() > 0
                || transport.connectionStats().count(ConnectionStats.Event.PEER_RESET) == 0)) {
            Thread.sleep(10);
        }
        Thread.sleep(50); // a second count, if there were one, would come within this
        assertThat(transport.connectionStats().count(ConnectionStats.Event.PEER_RESET)).isEqualTo(1);
        assertThat(loopback.table.size()).isZero();
        assertThat(log.lines(Level.WARN, "")).as("warnings").isEmpty();
    }
}
