package io.sipway.transport;

import java.util.concurrent.atomic.LongAdder;

/**
 * Why connections ended other than by a close of either side, counted where it happens: the
 * things an overloaded or attacked proxy does to stay up. Failed sends are {@link TrafficStats}'.
 * Read by the metrics endpoint and the RPC, never per message.
 */
public final class ConnectionStats {
    /** What ended a connection. */
    public enum Event {
        /** A SIP message begun on a TCP/TLS stream was not complete within tcp_msg_read_timeout. */
        READ_TIMEOUT("read_timeout"),
        /** The TLS handshake failed (not TLS, no common protocol or suite, a refused certificate). */
        TLS_HANDSHAKE_FAILED("tls_handshake_failed"),
        /** The TLS handshake was not done within its deadline (tcp_connect_timeout). */
        TLS_HANDSHAKE_TIMEOUT("tls_handshake_timeout"),
        /** tcp_max_connections was reached and this connection, which never carried a SIP message, made room. */
        EVICTED("evicted"),
        /** The peer reset the connection (ECONNRESET, EPIPE): normal on the Internet, not an error here. */
        PEER_RESET("peer_reset");

        private final String label;

        Event(String label) {
            this.label = label;
        }

        /** The event as a metrics label value. */
        public String label() {
            return label;
        }
    }

    private final LongAdder[] counts = new LongAdder[Event.values().length];

    ConnectionStats() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void add(Event e) {
        counts[e.ordinal()].increment();
    }

    /** How many connections ended by {@code e}. */
    public long count(Event e) {
        return counts[e.ordinal()].sum();
    }
}
