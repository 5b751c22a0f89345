package io.sipway.transport;

import java.util.concurrent.atomic.LongAdder;

/**
 * What happened on the HTTP/WebSocket side of the tcp:/tls: listeners that an operator should see:
 * handshakes (as Kamailio's websocket statistics count them) and the connections closed for bad or
 * slow input. Each is also one log line at debug level, so a flood costs no more than a counter.
 */
public final class WebSocketCounters {
    final LongAdder successfulHandshakes = new LongAdder();
    final LongAdder failedHandshakes = new LongAdder();
    final LongAdder httpRequestTimeouts = new LongAdder();
    final LongAdder httpRequestsRefused = new LongAdder();
    final LongAdder messageTimeouts = new LongAdder();
    final LongAdder frameErrors = new LongAdder();
    final LongAdder pongsSkipped = new LongAdder();

    WebSocketCounters() {
    }

    /** Upgrades answered 101 (Kamailio's ws_successful_handshakes). */
    public long successfulHandshakes() {
        return successfulHandshakes.sum();
    }

    /** Upgrades refused with the websocket module's 400 or 426 (Kamailio's ws_failed_handshakes). */
    public long failedHandshakes() {
        return failedHandshakes.sum();
    }

    /** Connections closed because their HTTP request (or its first line) was not whole within the read timeout. */
    public long httpRequestTimeouts() {
        return httpRequestTimeouts.sum();
    }

    /** Connections closed without an answer: an HTTP request that could not be parsed or was longer than tcp_rd_buf_size. */
    public long httpRequestsRefused() {
        return httpRequestsRefused.sum();
    }

    /** WebSocket connections closed because a fragmented message was not finished within the read timeout. */
    public long messageTimeouts() {
        return messageTimeouts.sum();
    }

    /** WebSocket connections closed for a protocol error, a frame over tcp_rd_buf_size or a message over 65,534 bytes. */
    public long frameErrors() {
        return frameErrors.sum();
    }

    /** Pings answered by the pong of a later ping (RFC 6455 5.5.3) because the previous pong was not out yet. */
    public long pongsSkipped() {
        return pongsSkipped.sum();
    }

    @Override
    public String toString() {
        return "handshakes ok=" + successfulHandshakes() + " failed=" + failedHandshakes() + ", http timeouts=" + httpRequestTimeouts()
                + " refused=" + httpRequestsRefused() + ", message timeouts=" + messageTimeouts() + ", frame errors=" + frameErrors()
                + ", pongs skipped=" + pongsSkipped();
    }
}
