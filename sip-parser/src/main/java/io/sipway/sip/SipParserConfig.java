package io.sipway.sip;

/**
 * Limits and options of the parser and the stream framer. Immutable; build variants with the
 * {@code with*} methods.
 *
 * <table>
 * <caption>Limits</caption>
 * <tr><th>setting</th><th>default</th><th>when exceeded</th></tr>
 * <tr><td>{@code maxMessageSize}: start line + headers + body, bytes</td><td>65,535 (Kamailio's BUF_SIZE)</td>
 *     <td>{@link SipParseException} "message larger than ..." (the stream framer raises it as soon as the
 *     header block or the announced Content-Length cannot fit)</td></tr>
 * <tr><td>{@code maxHeaders}: header fields (lines after unfolding)</td><td>256</td>
 *     <td>{@link SipParseException} "more than N header fields"</td></tr>
 * <tr><td>{@code acceptNoContentLength}: Kamailio's {@code tcp_accept_no_cl}</td><td>false</td>
 *     <td>a stream message without Content-Length is refused; when true it is taken to have no body</td></tr>
 * </table>
 */
public final class SipParserConfig {
    /** Kamailio's BUF_SIZE: the largest datagram it reads and the default largest message. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 65_535;
    public static final int DEFAULT_MAX_HEADERS = 256;
    /** Kamailio's largest tcp_rd_buf_size (16 MiB); also what the parser's 24-bit header offsets hold. */
    public static final int MAX_MESSAGE_SIZE_LIMIT = 16 * 1024 * 1024 - 1;

    private static final SipParserConfig DEFAULTS =
            new SipParserConfig(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_HEADERS, false);

    private final int maxMessageSize;
    private final int maxHeaders;
    private final boolean acceptNoContentLength;

    private SipParserConfig(int maxMessageSize, int maxHeaders, boolean acceptNoContentLength) {
        if (maxMessageSize < 64 || maxMessageSize > MAX_MESSAGE_SIZE_LIMIT) {
            throw new IllegalArgumentException("maxMessageSize must be 64.." + MAX_MESSAGE_SIZE_LIMIT + ", got " + maxMessageSize);
        }
        if (maxHeaders < 1) {
            throw new IllegalArgumentException("maxHeaders must be positive, got " + maxHeaders);
        }
        this.maxMessageSize = maxMessageSize;
        this.maxHeaders = maxHeaders;
        this.acceptNoContentLength = acceptNoContentLength;
    }

    public static SipParserConfig defaults() {
        return DEFAULTS;
    }

    public SipParserConfig withMaxMessageSize(int bytes) {
        return new SipParserConfig(bytes, maxHeaders, acceptNoContentLength);
    }

    public SipParserConfig withMaxHeaders(int count) {
        return new SipParserConfig(maxMessageSize, count, acceptNoContentLength);
    }

    public SipParserConfig withAcceptNoContentLength(boolean accept) {
        return new SipParserConfig(maxMessageSize, maxHeaders, accept);
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    public int maxHeaders() {
        return maxHeaders;
    }

    public boolean acceptNoContentLength() {
        return acceptNoContentLength;
    }
}
