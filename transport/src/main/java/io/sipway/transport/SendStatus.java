package io.sipway.transport;

/** What {@link Sender#send} did with a message. */
public enum SendStatus {
    /** Handed to the socket (UDP) or to an existing connection. */
    SENT,
    /** No connection existed; a new one is being opened and the message goes out when it is up. */
    CONNECTING,
    /**
     * No connection and none may be opened: always for WS/WSS (the server never dials a browser),
     * for TCP/TLS with no-connect. Logged with what was looked for; tm answers 477.
     */
    NO_CONNECTION,
    /** No socket for the destination's protocol or address family. */
    NO_SOCKET,
    /**
     * The connection's write queue would pass {@code tcp_conn_wq_max} (its peer stopped reading):
     * the message was not queued and the connection was closed, as Kamailio marks it bad.
     */
    QUEUE_FULL
}
