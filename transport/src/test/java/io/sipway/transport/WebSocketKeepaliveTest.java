package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.sip.SipParserConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The websocket module's keepalive (keepalive_mechanism, keepalive_timeout, keepalive_interval,
 * ping_application_data) on a WS listener, with timeout and interval at their 1 s minimum.
 */
@DisplayName("WebSocket keepalive")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebSocketKeepaliveTest {
    private final ConnectionTable table = new ConnectionTable(true, false);
    private final CountDownLatch closed = new CountDownLatch(1);
    private Transport transport;

    private int start(WebSocketKeepalive keepalive) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        transport = Transport.start(List.of(ListenSpec.parse("tcp:127.0.0.1:" + port)), table, SipParserConfig.defaults(),
                null, (m, from) -> { });
        transport.onWebSocketClosed(c -> closed.countDown());
        transport.webSocketKeepalive(keepalive);
        return port;
    }

    @AfterEach
    void stop() {
        if (transport != null) {
            transport.close();
        }
    }

    @Test
    @DisplayName("an idle browser is pinged with ping_application_data; answering keeps its connection open")
    void anAnsweredPingKeepsTheConnection() throws Exception {
        int port = start(new WebSocketKeepalive(WebSocketKeepalive.PING, 1, 1, "gw-1"));
        AtomicInteger pings = new AtomicInteger();
        StringBuilder data = new StringBuilder();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("sip")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onPing(WebSocket w, ByteBuffer message) {
                        synchronized (data) {
                            data.setLength(0);
                            data.append(StandardCharsets.UTF_8.decode(message));
                        }
                        pings.incrementAndGet();
                        w.request(1);
                        return null; // the JDK client answers with a pong by itself
                    }
                }).get(5, TimeUnit.SECONDS);
        try {
            Thread.sleep(5500);
            assertThat(pings.get()).as("pings in 5.5 s at keepalive_timeout=1").isBetween(2, 5);
            synchronized (data) {
                assertThat(data.toString()).isEqualTo("gw-1");
            }
            assertThat(closed.getCount()).as("websocket:closed not run").isEqualTo(1);
            assertThat(table.size()).isEqualTo(1);
        } finally {
            ws.abort();
        }
    }

    @Test
    @DisplayName("a peer that never answers the ping is closed one timeout later, and websocket:closed runs")
    void anUnansweredPingClosesTheConnection() throws Exception {
        int port = start(new WebSocketKeepalive(WebSocketKeepalive.PING, 1, 1, "Sipway"));
        try (Socket s = upgrade(port)) {
            Frame ping = readFrame(s.getInputStream());
            assertThat(ping.opcode).isEqualTo(0x9);
            assertThat(ping.text()).isEqualTo("Sipway");
            // no pong: the next walk that finds it idle closes it
            assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> {
                while (true) {
                    readFrame(s.getInputStream());
                }
            }).isInstanceOf(IOException.class).hasMessageContaining("closed");
        }
    }

    @Test
    @DisplayName("keepalive_mechanism=2 sends unsolicited pongs and expects nothing back")
    void pongsExpectNoAnswer() throws Exception {
        int port = start(new WebSocketKeepalive(WebSocketKeepalive.PONG, 1, 1, "Sipway"));
        try (Socket s = upgrade(port)) {
            for (int i = 0; i < 2; i++) {
                assertThat(readFrame(s.getInputStream()).opcode).isEqualTo(0xA);
            }
            assertThat(closed.getCount()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("keepalive_mechanism=0 sends nothing")
    void noneSendsNothing() throws Exception {
        int port = start(new WebSocketKeepalive(WebSocketKeepalive.NONE, 1, 1, "Sipway"));
        try (Socket s = upgrade(port)) {
            s.setSoTimeout(3000);
            assertThatThrownBy(() -> readFrame(s.getInputStream())).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new WebSocketKeepalive(4, 180, 1, "x")).hasMessageContaining("keepalive_mechanism");
        assertThatThrownBy(() -> new WebSocketKeepalive(1, 0, 1, "x")).hasMessageContaining("keepalive_timeout");
        assertThatThrownBy(() -> new WebSocketKeepalive(1, 180, 1, "x".repeat(126))).hasMessageContaining("125 bytes");
    }

    /** A WebSocket client by hand (RFC 6455 4.1), so that it can stay silent: the JDK's answers every ping. */
    private static Socket upgrade(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5000);
        String request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.write(b);
        }
        assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
        return s;
    }

    private record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** One unmasked server frame with a payload under 126 bytes (control frames are). */
    private static Frame readFrame(InputStream in) throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
            throw new IOException("connection closed");
        }
        int len = b1 & 0x7F;
        byte[] payload = in.readNBytes(len);
        if (payload.length < len) {
            throw new IOException("connection closed");
        }
        return new Frame(b0 & 0x0F, payload);
    }
}
