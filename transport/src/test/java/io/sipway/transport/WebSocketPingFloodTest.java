package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A ping flood must not starve SIP on its connection: 10,000 pings from a client that reads
 * nothing meanwhile (a small receive window), then a SIP request, which must be answered within
 * seconds. The pongs owed are bounded (RFC 6455 5.5.3: only the latest ping needs its pong): one
 * pong per read of pings and at most one not yet taken by the socket, so they never fill the
 * connection's write queue nor stand between the request and its answer. Before, every ping got its
 * pong: 10,000 of them, and the answer came after megabytes of them (6 s over WSS here).
 */
@DisplayName("WebSocket ping flood")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketPingFloodTest {
    private static final byte[] OPTIONS = ("OPTIONS sip:flood@127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/WSS 127.0.0.1:5999;branch=z9hG4bKflood\r\n"
            + "To: <sip:flood@127.0.0.1>\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nCall-ID: flood-1\r\nCSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final int PINGS = 10_000;

    private WebSocketTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = WebSocketTestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    @DisplayName("WSS: 10,000 pings unread, then a request: it is answered within seconds, the latest ping is ponged")
    void sipAfterAPingFloodOverWss() throws Exception {
        flood(true);
    }

    @Test
    @DisplayName("WS: the same over plain TCP")
    void sipAfterAPingFloodOverWs() throws Exception {
        flood(false);
    }

    private void flood(boolean tls) throws Exception {
        try (RawWebSocket c = RawWebSocket.connect(server.port(tls), tls, 4096)) {
            assertThat(c.upgrade()).startsWith("HTTP/1.1 101");
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            String last = null;
            for (int i = 0; i < PINGS; i++) {
                last = String.format("ping %05d %s", i, "x".repeat(100)); // 125 bytes: the longest a control frame may be
                batch.writeBytes(RawWebSocket.frame(RawWebSocket.PING, last.getBytes(StandardCharsets.US_ASCII), true, true));
                if (batch.size() > 64 * 1024) {
                    c.send(batch.toByteArray());
                    batch.reset();
                }
            }
            c.send(batch.toByteArray());
            long sent = System.nanoTime();
            c.sendFrame(RawWebSocket.TEXT, OPTIONS, true);

            int pongs = 0;
            String answer = null;
            boolean latestPonged = false;
            while (answer == null || !latestPonged) {
                RawWebSocket.Frame f = c.readFrame();
                if (f.opcode() == RawWebSocket.PONG) {
                    pongs++;
                    latestPonged |= f.text().equals(last);
                } else if (f.opcode() == RawWebSocket.TEXT) {
                    answer = f.text();
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent)).as("answered within seconds").isLessThan(5000);
                }
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sent)).isLessThan(10);
            }
            assertThat(answer).isEqualTo(new String(OPTIONS, StandardCharsets.US_ASCII));
            // one pong per read of pings at most, not one per ping: the answer is not queued behind megabytes of them
            assertThat(pongs).as("pongs").isBetween(1, PINGS / 10);
            assertThat(server.transport.webSocketCounters().pongsSkipped()).isEqualTo(PINGS - pongs);
            assertThat(server.table.size()).isEqualTo(1);
        }
    }
}
