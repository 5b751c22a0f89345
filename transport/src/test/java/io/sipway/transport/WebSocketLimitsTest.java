package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What bounds the HTTP request and the WebSocket messages, with Kamailio 5.6.3's limits (read off
 * the wire): an HTTP request longer than tcp_rd_buf_size and a frame longer than it are closed
 * without an answer; a fragmented message may grow to Kamailio's BUF_SIZE (65,535 bytes, beyond
 * tcp_rd_buf_size) and must finish within the read timeout; the close and protocol-error frames
 * carry Kamailio's codes and texts; a CRLF keepalive frame is answered with CRLF.
 */
@DisplayName("WebSocket and HTTP limits")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebSocketLimitsTest {
    private static final int RD_BUF = 16384;
    private WebSocketTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = WebSocketTestServer.start(TcpSettings.defaults().with("tcp_rd_buf_size", RD_BUF), Duration.ofMillis(500));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawWebSocket open() throws Exception {
        RawWebSocket c = RawWebSocket.connect(server.wsPort, false);
        assertThat(c.upgrade()).startsWith("HTTP/1.1 101");
        return c;
    }

    private static byte[] options(int bodyLength) {
        String body = "b".repeat(bodyLength);
        return ("OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.1:5999;branch=z9hG4bK1\r\nCall-ID: big\r\n"
                + "CSeq: 1 OPTIONS\r\nContent-Length: " + bodyLength + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    private static void sendFragmented(RawWebSocket c, byte[] message, int fragment, boolean finish) throws Exception {
        for (int off = 0; off < message.length; off += fragment) {
            int end = Math.min(message.length, off + fragment);
            boolean last = end == message.length;
            byte[] part = java.util.Arrays.copyOfRange(message, off, end);
            c.sendFrame(off == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION, part, last && finish);
        }
    }

    @Test
    @DisplayName("an HTTP request longer than tcp_rd_buf_size is closed without an answer")
    void anHttpRequestBeyondTheReadBufferIsClosed() throws Exception {
        try (RawWebSocket c = RawWebSocket.connect(server.wsPort, false)) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nX-Pad: " + "y".repeat(RD_BUF + 100) + "\r\n\r\n");
            assertThat(c.in.read()).as("no answer, end of stream").isEqualTo(-1);
        }
        try (RawWebSocket c = RawWebSocket.connect(server.wsPort, false)) {
            c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n");
            assertThat(c.in.read()).as("no 413, no 100: end of stream").isEqualTo(-1);
        }
        assertThat(server.transport.webSocketCounters().httpRequestsRefused()).isEqualTo(2);
    }

    @Test
    @DisplayName("a fragmented message longer than tcp_rd_buf_size but within Kamailio's 65,535 bytes is delivered")
    void aFragmentedMessageMayPassTheReadBuffer() throws Exception {
        byte[] message = options(25_000); // the echo must stay within tcp_conn_wq_max (32 KiB)
        try (RawWebSocket c = open()) {
            sendFragmented(c, message, 10_000, true);
            byte[] got = server.received.poll(5, TimeUnit.SECONDS);
            assertThat(got).isEqualTo(message);
            RawWebSocket.Frame echo = c.readFrame();
            assertThat(echo.payload()).isEqualTo(message);
        }
    }

    @Test
    @DisplayName("a fragmented message reaching 65,535 bytes closes the connection")
    void aFragmentedMessageBeyondBufSizeIsClosed() throws Exception {
        try (RawWebSocket c = open()) {
            sendFragmented(c, options(66_000), 10_000, true);
            assertThat(c.closedWithin(3000)).isTrue();
        }
        assertThat(server.received).isEmpty();
    }

    @Test
    @DisplayName("a fragmented message that never finishes is closed at the read timeout")
    void anUnfinishedFragmentedMessageIsClosed() throws Exception {
        try (RawWebSocket c = open()) {
            sendFragmented(c, options(100), 50, false);
            long start = System.nanoTime();
            assertThat(c.closedWithin(3000)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(300);
            assertThat(server.transport.webSocketCounters().messageTimeouts()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a frame longer than tcp_rd_buf_size closes the connection without a close frame")
    void aFrameBeyondTheReadBufferIsClosed() throws Exception {
        try (RawWebSocket c = open()) {
            c.sendFrame(RawWebSocket.TEXT, options(RD_BUF + 10), true);
            // end of stream, or a reset when the rest of the frame was still unread at the server
            assertThatThrownBy(c::readFrame).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    @DisplayName("a CRLF or CRLFCRLF frame is a keepalive: answered with CRLF in a frame of the same kind")
    void crlfFramesAreAnswered() throws Exception {
        try (RawWebSocket c = open()) {
            c.sendFrame(RawWebSocket.TEXT, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), true);
            RawWebSocket.Frame f = c.readFrame();
            assertThat(f.opcode()).isEqualTo(RawWebSocket.TEXT);
            assertThat(f.text()).isEqualTo("\r\n");
            c.sendFrame(RawWebSocket.BINARY, "\r\n".getBytes(StandardCharsets.US_ASCII), true);
            f = c.readFrame();
            assertThat(f.opcode()).isEqualTo(RawWebSocket.BINARY);
            assertThat(f.text()).isEqualTo("\r\n");
        }
        assertThat(server.received).isEmpty();
    }

    @Test
    @DisplayName("a close frame is answered with 1000 Normal closure, then the connection closes")
    void aCloseIsAnswered() throws Exception {
        try (RawWebSocket c = open()) {
            c.sendFrame(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'}, true);
            RawWebSocket.Frame f = c.readFrame();
            assertThat(f.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(f.closeCode()).isEqualTo(1000);
            assertThat(f.closeReason()).isEqualTo("Normal closure");
            assertThat(c.closedWithin(2000)).isTrue();
        }
    }

    @Test
    @DisplayName("protocol errors: 1002 Protocol error (unmasked, RSV bits), 1008 Unsupported opcode; then close")
    void protocolErrorsAreClosedWithKamailiosCodes() throws Exception {
        assertClosedWith(RawWebSocket.frame(RawWebSocket.TEXT, options(0), true, false), 1002, "Protocol error");
        byte[] rsv = RawWebSocket.frame(RawWebSocket.TEXT, options(0), true, true);
        rsv[0] |= 0x40;
        assertClosedWith(rsv, 1002, "Protocol error");
        assertClosedWith(RawWebSocket.frame(0x3, new byte[] {'x'}, true, true), 1008, "Unsupported opcode");
        assertClosedWith(RawWebSocket.frame(0xB, new byte[] {'x'}, true, true), 1008, "Unsupported opcode");
        assertThat(server.transport.webSocketCounters().frameErrors()).isEqualTo(4);
    }

    private void assertClosedWith(byte[] bad, int code, String reason) throws Exception {
        try (RawWebSocket c = open()) {
            c.send(bad);
            RawWebSocket.Frame f = c.readFrame();
            assertThat(f.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(f.closeCode()).isEqualTo(code);
            assertThat(f.closeReason()).isEqualTo(reason);
            assertThat(c.closedWithin(2000)).isTrue();
        }
    }
}
