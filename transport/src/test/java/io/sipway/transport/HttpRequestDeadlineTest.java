package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An HTTP request on a tcp:/tls: listener must arrive whole within the request timeout (Kamailio's
 * tcp_msg_read_timeout; 500 ms here): half-sent WebSocket upgrades are closed, on WS and WSS.
 */
@DisplayName("HTTP request deadline on the WebSocket ports")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpRequestDeadlineTest {
    private static final String HALF_UPGRADE = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websock";
    private WebSocketTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = WebSocketTestServer.start(TcpSettings.defaults(), Duration.ofMillis(500));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    @DisplayName("300 half-sent upgrades (150 WS, 150 WSS) are all closed soon after the deadline")
    void halfSentUpgradesAreClosed() throws Exception {
        List<RawWebSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                RawWebSocket c = RawWebSocket.connect(server.port(i % 2 == 1), i % 2 == 1);
                c.send(HALF_UPGRADE);
                clients.add(c);
            }
            long start = System.nanoTime();
            for (RawWebSocket c : clients) {
                assertThat(c.closedWithin(5000)).as("closed by the server").isTrue();
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
            awaitEmptyTable();
            assertThat(server.transport.webSocketCounters().httpRequestTimeouts()).isEqualTo(300);
        } finally {
            for (RawWebSocket c : clients) {
                c.close();
            }
        }
    }

    @Test
    @DisplayName("the deadline is the script's tcp_msg_read_timeout")
    void theDeadlineIsTcpMsgReadTimeout() throws Exception {
        try (WebSocketTestServer oneSecond = WebSocketTestServer.start(TcpSettings.defaults().with("tcp_msg_read_timeout", "1"));
                RawWebSocket c = RawWebSocket.connect(oneSecond.wsPort, false)) {
            c.send(HALF_UPGRADE);
            long start = System.nanoTime();
            assertThat(c.closedWithin(5000)).as("closed by the server").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(700L, 3000L);
        }
    }

    @Test
    @DisplayName("a connection that sent too little to tell HTTP from SIP is closed too")
    void anUndecidedFirstLineIsClosed() throws Exception {
        try (RawWebSocket c = RawWebSocket.connect(server.wsPort, false)) {
            c.send("GE");
            assertThat(c.closedWithin(3000)).isTrue();
        }
    }

    @Test
    @DisplayName("an upgrade sent in pieces within the deadline is answered, and the WebSocket then has no deadline")
    void aSlowButTimelyUpgradeSucceeds() throws Exception {
        for (boolean tls : new boolean[] {false, true}) {
            try (RawWebSocket c = RawWebSocket.connect(server.port(tls), tls)) {
                c.send(RawWebSocket.UPGRADE.substring(0, 40));
                Thread.sleep(200);
                c.send(RawWebSocket.UPGRADE.substring(40));
                assertThat(c.readHead()).startsWith("HTTP/1.1 101 Switching Protocols");
                assertThat(c.closedWithin(1000)).as("open past the request deadline").isFalse();
            }
        }
    }

    @Test
    @DisplayName("an idle connection that sent nothing is not closed by the HTTP deadline (tcp_connection_lifetime governs it)")
    void silenceIsNotAnHttpRequest() throws Exception {
        try (RawWebSocket c = RawWebSocket.connect(server.wsPort, false)) {
            assertThat(c.closedWithin(1200)).isFalse();
        }
    }

    @Test
    @DisplayName("a SIP connection is not bound by the HTTP deadline")
    void sipIsNotBoundByIt() throws Exception {
        try (RawWebSocket c = RawWebSocket.connect(server.wsPort, false)) {
            c.send("OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK1\r\n");
            assertThat(c.closedWithin(1200)).isFalse();
        }
    }

    private void awaitEmptyTable() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.table.size() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(server.table.size()).isZero();
    }
}
