package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * tcp_msg_read_timeout: a message begun on a stream must be complete within it. Here 1 s, where
 * Kamailio's default is 20 s: peers dribbling a byte at a time are closed; a slow but steady peer
 * whose every message completes in time, and a lone CRLF keepalive, are not.
 */
@Timeout(30)
class MessageReadTimeoutTest {
    private static final byte[] OPTIONS = ("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.9;branch=z9hG4bKdribble\r\n"
            + "To: <sip:x@127.0.0.1>\r\nFrom: <sip:y@127.0.0.1>;tag=1\r\nCall-ID: dribble-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private LoopbackTransport loopback;
    private Transport transport;

    @AfterEach
    void stop() {
        if (loopback != null) {
            loopback.close();
        }
    }

    private InetSocketAddress start(TcpSettings tcp) throws Exception {
        loopback = LoopbackTransport.tcp(tcp, (m, from) -> received.add(m));
        transport = loopback.transport;
        return loopback.listener(Protocol.TCP);
    }

    @Test
    void kamailiosNameAndDefault() {
        assertThat(TcpSettings.defaults().messageReadTimeout()).isEqualTo(20);
        assertThat(TcpSettings.defaults().with("tcp_msg_read_timeout", "5").messageReadTimeout()).isEqualTo(5);
        assertThat(TcpSettings.has("tcp_msg_read_timeout")).isTrue();
    }

    @Test
    void peersDribblingAHeaderByteAtATimeAreClosedAfterTheTimeout() throws Exception {
        InetSocketAddress at = start(TcpSettings.defaults().with("tcp_msg_read_timeout", 1L));
        List<RawStreamClient> dribblers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                dribblers.add(RawStreamClient.connect(Protocol.TCP, at, 0));
            }
            long start = System.nanoTime();
            int open = dribblers.size();
            // a byte of the request line every 300 ms: each read refreshes tcp_connection_lifetime
            for (int b = 0; b < 12 && open > 0; b++) {
                open = 0;
                for (RawStreamClient d : dribblers) {
                    try {
                        d.sendRaw(new byte[] {OPTIONS[b]});
                        open++;
                    } catch (java.io.IOException closed) {
                        // closed by the proxy: what the test waits for
                    }
                }
                Thread.sleep(300);
            }
            for (RawStreamClient d : dribblers) {
                assertThat(d.closedByPeerWithin(1000)).as("closed").isTrue();
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(millis).as("not before the timeout").isGreaterThanOrEqualTo(900);
            assertThat(transport.connectionStats().count(ConnectionStats.Event.READ_TIMEOUT)).isEqualTo(20);
            assertThat(received).isEmpty();
        } finally {
            for (RawStreamClient d : dribblers) {
                d.close();
            }
        }
    }

    @Test
    void theDeadlineIsPerMessageAndAKeepaliveHalfStartsNone() throws Exception {
        InetSocketAddress at = start(TcpSettings.defaults().with("tcp_msg_read_timeout", 1L));
        try (RawStreamClient client = RawStreamClient.connect(Protocol.TCP, at, 0)) {
            // three messages in two halves 600 ms apart: each is complete in time, the whole takes longer
            for (int i = 0; i < 3; i++) {
                client.sendRaw(java.util.Arrays.copyOfRange(OPTIONS, 0, 40));
                Thread.sleep(600);
                client.sendRaw(java.util.Arrays.copyOfRange(OPTIONS, 40, OPTIONS.length));
                assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(OPTIONS);
            }
            client.sendRaw("\r\n".getBytes(StandardCharsets.US_ASCII)); // a lone CRLF waits for the rest of a ping
            assertThat(client.closedByPeerWithin(1800)).as("still open").isFalse();
            assertThat(transport.connectionStats().count(ConnectionStats.Event.READ_TIMEOUT)).isZero();
        }
    }

    @Test
    void zeroMeansNoLimit() throws Exception {
        InetSocketAddress at = start(TcpSettings.defaults().with("tcp_msg_read_timeout", 0L));
        try (RawStreamClient client = RawStreamClient.connect(Protocol.TCP, at, 0)) {
            client.sendRaw(java.util.Arrays.copyOfRange(OPTIONS, 0, 10));
            assertThat(client.closedByPeerWithin(1500)).isFalse();
        }
    }
}
