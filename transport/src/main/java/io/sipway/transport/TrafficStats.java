package io.sipway.transport;

import java.util.concurrent.atomic.LongAdder;

/**
 * What went in and out of the transport, counted where it happens (Transport.deliver, Sender.send):
 * messages by protocol and kind (a request method, or a reply class), and sends that failed by
 * reason. The kind is read from the message's first bytes: no parse, no allocation, no lookup by
 * name. Read by the metrics endpoint and the RPC, never per message.
 */
public final class TrafficStats {
    /** The kinds of message counted: the methods of RFC 3261 and its extensions, "other", then reply classes. */
    public static final String[] KINDS = {"INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "SUBSCRIBE", "NOTIFY",
        "PUBLISH", "MESSAGE", "INFO", "PRACK", "UPDATE", "REFER", "other", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx"};
    /** The index in {@link #KINDS} of the first reply class (1xx). */
    public static final int FIRST_REPLY = 15;
    private static final int OTHER = 14;
    private static final byte[][] METHODS = new byte[OTHER][];

    static {
        for (int i = 0; i < OTHER; i++) {
            METHODS[i] = (KINDS[i] + " ").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** Why a send failed. */
    public enum SendFailure {
        /** A WS/WSS destination without its connection: Kamailio's "TCP/TLS connection for WebSocket could not be found". */
        CONNECTION_NOT_FOUND("connection_not_found"),
        /** A TCP/TLS destination without a connection, and no-connect set. */
        NO_CONNECT("no_connect"),
        /** No listener of the destination's protocol or address family to send from. */
        NO_SOCKET("no_socket"),
        /** An outbound connection could not be opened (refused, or not up within tcp_connect_timeout). */
        CONNECT_FAILED("connect_failed"),
        /** A write stayed queued longer than tcp_send_timeout (the peer stopped reading); the connection was closed. */
        SEND_TIMEOUT("send_timeout"),
        /** A send would have queued more than tcp_conn_wq_max bytes for one connection; it failed and the connection was closed. */
        WRITE_QUEUE_FULL("write_queue_full");

        private final String label;

        SendFailure(String label) {
            this.label = label;
        }

        /** The reason as a metrics label value. */
        public String label() {
            return label;
        }
    }

    private final LongAdder[][] received = table();
    private final LongAdder[][] sent = table();
    private final LongAdder[] failures = new LongAdder[SendFailure.values().length];

    TrafficStats() {
        for (int i = 0; i < failures.length; i++) {
            failures[i] = new LongAdder();
        }
    }

    private static LongAdder[][] table() {
        LongAdder[][] t = new LongAdder[Protocol.values().length][KINDS.length];
        for (LongAdder[] row : t) {
            for (int k = 0; k < row.length; k++) {
                row[k] = new LongAdder();
            }
        }
        return t;
    }

    /** The kind of a message from its start line: a method index, "other", or a reply class. */
    static int kindOf(byte[] m) {
        if (m.length > 9 && m[0] == 'S' && m[1] == 'I' && m[2] == 'P' && m[3] == '/' && m[7] == ' ') {
            int c = m[8] - '0';
            return c >= 1 && c <= 6 ? FIRST_REPLY + c - 1 : OTHER;
        }
        for (int i = 0; i < OTHER; i++) {
            byte[] p = METHODS[i];
            if (m.length > p.length && m[0] == p[0] && startsWith(m, p)) {
                return i;
            }
        }
        return OTHER;
    }

    private static boolean startsWith(byte[] m, byte[] p) {
        for (int i = 1; i < p.length; i++) {
            if (m[i] != p[i]) {
                return false;
            }
        }
        return true;
    }

    void received(Protocol p, byte[] message) {
        received[p.ordinal()][kindOf(message)].increment();
    }

    void sent(Protocol p, byte[] message) {
        sent[p.ordinal()][kindOf(message)].increment();
    }

    void failed(SendFailure reason) {
        failures[reason.ordinal()].increment();
    }

    /** Messages received over {@code p} of kind {@code KINDS[kind]}. */
    public long received(Protocol p, int kind) {
        return received[p.ordinal()][kind].sum();
    }

    /** Messages handed to a socket or connection over {@code p} of kind {@code KINDS[kind]}. */
    public long sent(Protocol p, int kind) {
        return sent[p.ordinal()][kind].sum();
    }

    public long failures(SendFailure reason) {
        return failures[reason.ordinal()].sum();
    }
}
