package io.sipway.transport;

/**
 * Kamailio's {@code tcp_*} core parameters that shape connections (KAMAILIO.md 2.8), with its
 * defaults. Seconds where Kamailio counts seconds.
 *
 * @param connectTimeout      {@code tcp_connect_timeout}: seconds an outbound connect may take (10)
 * @param sendTimeout         {@code tcp_send_timeout}: seconds a write may stay queued before the connection fails (10)
 * @param maxConnections      {@code tcp_max_connections}: TCP+TLS connections, accepted and outbound (2048)
 * @param connectionLifetime  {@code tcp_connection_lifetime}: seconds idle before a connection is closed;
 *                            reading or writing refreshes it; negative = never (120)
 * @param keepalive           {@code tcp_keepalive}: SO_KEEPALIVE (on); forced on by any of the next three
 * @param keepIdle            {@code tcp_keepidle}: seconds idle before probes, 0 = OS default
 * @param keepInterval        {@code tcp_keepintvl}: seconds between probes, 0 = OS default
 * @param keepCount           {@code tcp_keepcnt}: probes before the connection is dropped, 0 = OS default
 */
public record TcpSettings(int connectTimeout, int sendTimeout, int maxConnections, int connectionLifetime,
                          boolean keepalive, int keepIdle, int keepInterval, int keepCount) {

    public TcpSettings {
        if (connectTimeout < 1 || sendTimeout < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("tcp_connect_timeout, tcp_send_timeout and tcp_max_connections must be positive");
        }
        if (keepIdle < 0 || keepInterval < 0 || keepCount < 0) {
            throw new IllegalArgumentException("tcp_keepidle, tcp_keepintvl and tcp_keepcnt cannot be negative");
        }
    }

    /** Kamailio's defaults. */
    public static TcpSettings defaults() {
        return new TcpSettings(10, 10, 2048, 120, true, 0, 0, 0);
    }

    public TcpSettings withMaxConnections(int n) {
        return new TcpSettings(connectTimeout, sendTimeout, n, connectionLifetime, keepalive, keepIdle, keepInterval, keepCount);
    }

    public TcpSettings withConnectionLifetime(int seconds) {
        return new TcpSettings(connectTimeout, sendTimeout, maxConnections, seconds, keepalive, keepIdle, keepInterval, keepCount);
    }

    public TcpSettings withKeepalive(int idle, int interval, int count) {
        return new TcpSettings(connectTimeout, sendTimeout, maxConnections, connectionLifetime, true, idle, interval, count);
    }

    /** SO_KEEPALIVE is on when asked for or when any probe setting is given (as in Kamailio). */
    boolean keepaliveOn() {
        return keepalive || keepIdle > 0 || keepInterval > 0 || keepCount > 0;
    }
}
