package io.sipway.transport;

/**
 * The websocket module's keepalive (KAMAILIO.md 1.7): every {@code interval} seconds the WS and WSS
 * connections are walked; one that has received nothing for {@code timeout} seconds gets a PING
 * (mechanism 1) or an unsolicited PONG (2). A connection still waiting for the answer to its PING
 * when it is found idle again is closed, which runs {@code event_route[websocket:closed]}.
 * Mechanism 0 sends nothing; 3 (Kamailio's check that the TCP connection still exists) sends
 * nothing either, because a closed socket already ends its WebSocket here.
 *
 * @param mechanism {@code keepalive_mechanism}: 0 none, 1 PING (default), 2 PONG, 3 connection check
 * @param timeout   {@code keepalive_timeout}: seconds without a received frame before a keepalive (180)
 * @param interval  {@code keepalive_interval}: seconds between walks over the connections (1)
 * @param data      {@code ping_application_data}: the payload of PING and PONG frames (at most 125 bytes)
 */
public record WebSocketKeepalive(int mechanism, int timeout, int interval, String data) {
    public static final int NONE = 0;
    public static final int PING = 1;
    public static final int PONG = 2;
    public static final int CONNECTION_CHECK = 3;

    public WebSocketKeepalive {
        if (mechanism < NONE || mechanism > CONNECTION_CHECK) {
            throw new IllegalArgumentException("keepalive_mechanism must be 0 (none), 1 (ping), 2 (pong) or 3 (connection check), not " + mechanism);
        }
        if (timeout < 1 || interval < 1) {
            throw new IllegalArgumentException("keepalive_timeout and keepalive_interval must be at least 1 second");
        }
        if (data == null || data.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 125) {
            throw new IllegalArgumentException("ping_application_data must be at most 125 bytes (RFC 6455 5.5)");
        }
    }

    /** The websocket module's defaults: PING after 180 s idle, checked every second. */
    public static WebSocketKeepalive defaults() {
        return new WebSocketKeepalive(PING, 180, 1, "Sipway");
    }

    /** Whether anything is ever sent. */
    boolean sends() {
        return mechanism == PING || mechanism == PONG;
    }
}
