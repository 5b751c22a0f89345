package io.sipway.transport;

import io.sipway.sip.SipParserConfig;
import java.util.Locale;
import java.util.Set;

/**
 * Kamailio's {@code tcp_*} core parameters that shape connections (KAMAILIO.md 1.7 and 2.8), with
 * its names, units and defaults (src/core/tcp_init.h, tcp_options.c). Immutable: {@link #with}
 * gives a copy with one parameter changed, by its Kamailio name, so a script's globals apply
 * without one line per parameter.
 *
 * <table>
 * <caption>What applies</caption>
 * <tr><th>global</th><th>default</th><th>effect</th></tr>
 * <tr><td>{@code tcp_connect_timeout} s</td><td>10</td><td>an outbound TCP/TLS connect that is not up by then fails; the
 *     message waiting for it fails with it ({@link SendListener})</td></tr>
 * <tr><td>{@code tcp_send_timeout} s</td><td>10</td><td>a connection whose queued writes make no progress for that long
 *     (the peer does not read) is closed; counted</td></tr>
 * <tr><td>{@code tcp_conn_wq_max} bytes</td><td>32 KiB</td><td>bytes accepted for one connection and not yet taken by the
 *     kernel; a send that would pass it fails and the connection is closed (as Kamailio marks it bad); counted</td></tr>
 * <tr><td>{@code tcp_wq_max} bytes</td><td>10 MiB</td><td>the same, summed over all connections: the connection whose
 *     send would pass it fails and is closed; counted</td></tr>
 * <tr><td>{@code tcp_msg_read_timeout} s</td><td>20</td><td>a SIP message begun on a TCP/TLS stream and not complete by
 *     then closes the connection (Kamailio 5.8's parameter; 0 = no limit); counted</td></tr>
 * <tr><td>{@code tcp_max_connections}</td><td>2048</td><td>TCP+TLS+WS+WSS connections, accepted and outbound; when full,
 *     the oldest accepted connection that never carried a SIP message makes room (counted), else the new one is refused</td></tr>
 * <tr><td>{@code tcp_connection_lifetime} s</td><td>120</td><td>idle close; any read or write refreshes it; negative = never</td></tr>
 * <tr><td>{@code tcp_keepalive}</td><td>yes</td><td>SO_KEEPALIVE; forced on by any of the next three</td></tr>
 * <tr><td>{@code tcp_keepidle}, {@code tcp_keepintvl} s, {@code tcp_keepcnt}</td><td>0 = OS default</td>
 *     <td>TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT (epoll only)</td></tr>
 * <tr><td>{@code tcp_rd_buf_size} bytes</td><td>16384</td><td>largest message on a stream (512..16 MiB): Kamailio reads a
 *     message into a buffer of this size and closes the connection on overrun</td></tr>
 * <tr><td>{@code tcp_accept_no_cl}</td><td>no</td><td>a stream message without Content-Length is taken as body-less;
 *     without it the connection is closed, no reply (Kamailio's TCP_REQ_BAD_LEN)</td></tr>
 * <tr><td>{@code tcp_crlf_ping}</td><td>yes</td><td>answer a CRLFCRLF keepalive with CRLF; no = consume it silently</td></tr>
 * <tr><td>{@code tcp_no_connect}</td><td>no</td><td>never open an outbound TCP/TLS connection</td></tr>
 * <tr><td>{@code tcp_async}, {@code tcp_buf_write}</td><td>yes</td><td>writes are always asynchronous here; {@code no}
 *     is refused</td></tr>
 * </table>
 */
public final class TcpSettings {
    /** Kamailio's DEFAULT_TCP_BUF_SIZE. */
    public static final int DEFAULT_READ_BUFFER = 16384;
    /** Kamailio's tcp_rd_buf_size bounds (cfg_core: 512..16777216); the top is also what sip-parser's offsets hold. */
    static final int MIN_READ_BUFFER = 512;
    /** Kamailio's tcp_conn_wq_max default (32 KiB). */
    public static final int DEFAULT_CONN_WQ_MAX = 32 * 1024;
    /** Kamailio's tcp_wq_max default (10 MiB). */
    public static final long DEFAULT_WQ_MAX = 10L * 1024 * 1024;

    private static final Set<String> NAMES = Set.of("tcp_connect_timeout", "tcp_send_timeout", "tcp_max_connections",
            "tcp_connection_lifetime", "tcp_keepalive", "tcp_keepidle", "tcp_keepintvl", "tcp_keepcnt", "tcp_rd_buf_size",
            "tcp_accept_no_cl", "tcp_crlf_ping", "tcp_conn_wq_max", "tcp_wq_max", "tcp_msg_read_timeout", "tcp_no_connect", "tcp_async",
            "tcp_buf_write");

    private int connectTimeout = 10;
    private int sendTimeout = 10;
    private int maxConnections = 2048;
    private int connectionLifetime = 120;
    private boolean keepalive = true;
    private int keepIdle;
    private int keepInterval;
    private int keepCount;
    private int readBufferSize = DEFAULT_READ_BUFFER;
    private boolean acceptNoContentLength;
    private boolean crlfPing = true;
    private int connWriteQueueMax = DEFAULT_CONN_WQ_MAX;
    private long writeQueueMax = DEFAULT_WQ_MAX;
    private int messageReadTimeout = 20;
    private boolean noConnect;

    private TcpSettings() {
    }

    private TcpSettings copy() {
        TcpSettings t = new TcpSettings();
        t.connectTimeout = connectTimeout;
        t.sendTimeout = sendTimeout;
        t.maxConnections = maxConnections;
        t.connectionLifetime = connectionLifetime;
        t.keepalive = keepalive;
        t.keepIdle = keepIdle;
        t.keepInterval = keepInterval;
        t.keepCount = keepCount;
        t.readBufferSize = readBufferSize;
        t.acceptNoContentLength = acceptNoContentLength;
        t.crlfPing = crlfPing;
        t.connWriteQueueMax = connWriteQueueMax;
        t.writeQueueMax = writeQueueMax;
        t.messageReadTimeout = messageReadTimeout;
        t.noConnect = noConnect;
        return t;
    }

    /** Kamailio's defaults. */
    public static TcpSettings defaults() {
        return new TcpSettings();
    }

    /** Whether {@link #with} knows this Kamailio global. */
    public static boolean has(String kamailioName) {
        return NAMES.contains(kamailioName);
    }

    /**
     * A copy with the Kamailio global {@code name} set to {@code value} (a number, a boolean, or the
     * script's text: {@code yes}/{@code no}/{@code on}/{@code off}/digits).
     *
     * @throws IllegalArgumentException for an unknown name or a value Kamailio would not take, naming both
     */
    public TcpSettings with(String name, Object value) {
        TcpSettings t = copy();
        switch (name) {
            case "tcp_connect_timeout" -> t.connectTimeout = positive(name, value);
            case "tcp_send_timeout" -> t.sendTimeout = positive(name, value);
            case "tcp_max_connections" -> t.maxConnections = positive(name, value);
            case "tcp_connection_lifetime" -> t.connectionLifetime = number(name, value);
            case "tcp_keepalive" -> t.keepalive = truth(name, value);
            case "tcp_keepidle" -> t.keepIdle = notNegative(name, value);
            case "tcp_keepintvl" -> t.keepInterval = notNegative(name, value);
            case "tcp_keepcnt" -> t.keepCount = notNegative(name, value);
            case "tcp_rd_buf_size" -> {
                int n = number(name, value);
                if (n < MIN_READ_BUFFER || n > SipParserConfig.MAX_MESSAGE_SIZE_LIMIT + 1) {
                    throw bad(name, value, "bytes in " + MIN_READ_BUFFER + ".." + (SipParserConfig.MAX_MESSAGE_SIZE_LIMIT + 1));
                }
                t.readBufferSize = Math.min(n, SipParserConfig.MAX_MESSAGE_SIZE_LIMIT);
            }
            case "tcp_accept_no_cl" -> t.acceptNoContentLength = truth(name, value);
            case "tcp_crlf_ping" -> t.crlfPing = truth(name, value);
            case "tcp_conn_wq_max" -> t.connWriteQueueMax = positive(name, value);
            case "tcp_wq_max" -> t.writeQueueMax = positive(name, value);
            case "tcp_msg_read_timeout" -> t.messageReadTimeout = notNegative(name, value);
            case "tcp_no_connect" -> t.noConnect = truth(name, value);
            case "tcp_async", "tcp_buf_write" -> {
                if (!truth(name, value)) {
                    throw bad(name, value, "yes: Sipway's writes are always asynchronous (a queue per connection)");
                }
            }
            default -> throw new IllegalArgumentException(name + " is not a TCP setting Sipway applies");
        }
        return t;
    }

    public TcpSettings withMaxConnections(int n) {
        return with("tcp_max_connections", n);
    }

    public TcpSettings withConnectionLifetime(int seconds) {
        return with("tcp_connection_lifetime", seconds);
    }

    public TcpSettings withKeepalive(int idle, int interval, int count) {
        return with("tcp_keepalive", true).with("tcp_keepidle", idle).with("tcp_keepintvl", interval).with("tcp_keepcnt", count);
    }

    static IllegalArgumentException bad(String name, Object value, String expected) {
        return new IllegalArgumentException(name + "=" + value + ": expected " + expected);
    }

    static int number(String name, Object value) {
        if (value instanceof Number n) {
            long l = n.longValue();
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw bad(name, value, "a number that fits 32 bits");
            }
            return (int) l;
        }
        if (value instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw bad(name, value, "a number");
    }

    private static int positive(String name, Object value) {
        int n = number(name, value);
        if (n < 1) {
            throw bad(name, value, "a positive number");
        }
        return n;
    }

    private static int notNegative(String name, Object value) {
        int n = number(name, value);
        if (n < 0) {
            throw bad(name, value, "0 (the OS default) or more");
        }
        return n;
    }

    static boolean truth(String name, Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.longValue() != 0;
        }
        switch (String.valueOf(value).trim().toLowerCase(Locale.ROOT)) {
            case "yes", "on", "true", "1" -> {
                return true;
            }
            case "no", "off", "false", "0" -> {
                return false;
            }
            default -> throw bad(name, value, "yes or no");
        }
    }

    /** {@code tcp_connect_timeout}: seconds an outbound connect may take. */
    public int connectTimeout() {
        return connectTimeout;
    }

    /** {@code tcp_send_timeout}: seconds a write may stay queued before the connection fails. */
    public int sendTimeout() {
        return sendTimeout;
    }

    /** {@code tcp_max_connections}: TCP+TLS connections, accepted and outbound. */
    public int maxConnections() {
        return maxConnections;
    }

    /** {@code tcp_connection_lifetime}: seconds idle before a connection is closed; negative = never. */
    public int connectionLifetime() {
        return connectionLifetime;
    }

    /** {@code tcp_keepalive}. */
    public boolean keepalive() {
        return keepalive;
    }

    /** {@code tcp_keepidle}: seconds idle before probes, 0 = OS default. */
    public int keepIdle() {
        return keepIdle;
    }

    /** {@code tcp_keepintvl}: seconds between probes, 0 = OS default. */
    public int keepInterval() {
        return keepInterval;
    }

    /** {@code tcp_keepcnt}: unanswered probes before the connection is dropped, 0 = OS default. */
    public int keepCount() {
        return keepCount;
    }

    /** {@code tcp_rd_buf_size}: the largest message on a TCP/TLS/WS stream, bytes. */
    public int readBufferSize() {
        return readBufferSize;
    }

    /** {@code tcp_accept_no_cl}. */
    public boolean acceptNoContentLength() {
        return acceptNoContentLength;
    }

    /** {@code tcp_crlf_ping}. */
    public boolean crlfPing() {
        return crlfPing;
    }

    /** {@code tcp_conn_wq_max}: bytes that may wait for one connection (beyond the kernel's buffer). */
    public int connWriteQueueMax() {
        return connWriteQueueMax;
    }

    /** {@code tcp_wq_max}: bytes that may wait for all connections together. */
    public long writeQueueMax() {
        return writeQueueMax;
    }

    /** {@code tcp_msg_read_timeout}: seconds a SIP message may take to arrive on a stream once begun; 0 = no limit. */
    public int messageReadTimeout() {
        return messageReadTimeout;
    }

    /** {@code tcp_no_connect}. */
    public boolean noConnect() {
        return noConnect;
    }

    /** SO_KEEPALIVE is on when asked for or when any probe setting is given (as in Kamailio). */
    boolean keepaliveOn() {
        return keepalive || keepIdle > 0 || keepInterval > 0 || keepCount > 0;
    }

    /** How streams are framed: the parser's settings with tcp_rd_buf_size and tcp_accept_no_cl (datagrams keep theirs). */
    SipParserConfig streamParserConfig(SipParserConfig base) {
        return base.withMaxMessageSize(readBufferSize).withAcceptNoContentLength(acceptNoContentLength);
    }

    @Override
    public String toString() {
        return "tcp_connect_timeout=" + connectTimeout + " tcp_send_timeout=" + sendTimeout + " tcp_max_connections=" + maxConnections
                + " tcp_connection_lifetime=" + connectionLifetime + " tcp_keepalive=" + keepalive + " tcp_keepidle=" + keepIdle
                + " tcp_keepintvl=" + keepInterval + " tcp_keepcnt=" + keepCount + " tcp_rd_buf_size=" + readBufferSize
                + " tcp_accept_no_cl=" + acceptNoContentLength + " tcp_crlf_ping=" + crlfPing + " tcp_conn_wq_max=" + connWriteQueueMax
                + " tcp_wq_max=" + writeQueueMax + " tcp_msg_read_timeout=" + messageReadTimeout + " tcp_no_connect=" + noConnect;
    }
}
