package io.sipway.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP and WebSocket side of the tcp:/tls: listeners (RFC 6455, RFC 7118; Kamailio's xhttp and
 * websocket modules): telling HTTP from SIP, the bounds of the HTTP request, the upgrade, and the
 * open WS/WSS connections with their keepalive. Transport adds {@link #addSniffer} to each accepted
 * connection; the pipeline then grows as the connection shows what it is:
 * <pre>
 *   http-bounds, sniffer                                     (first line)
 *   http-bounds, http-decoder, http-encoder, http-aggregate, http-request    (an HTTP request)
 *   ws-decoder, ws-encoder, ws-fragments, ws-aggregate, ws-frames             (after the 101)
 * </pre>
 */
final class WebSocketServer {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketServer.class);
    /** Kamailio's BUF_SIZE less one: its websocket module reassembles a fragmented message in a buffer of BUF_SIZE (65,535). */
    static final int MAX_FRAGMENTED_MESSAGE = 65534;
    /**
     * Until a script's setting reaches it: Kamailio's tcp_msg_read_timeout default (20 s; Kamailio
     * 5.7 and later: 5.6 has no such bound, and keeps a half-sent request open until
     * tcp_connection_lifetime).
     */
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(20);
    static final String HTTP_AGGREGATE = "http-aggregate";

    final WebSocketCounters counters = new WebSocketCounters();
    private final ConnectionTable table;
    private final EventLoopGroup group;
    private final int maxMessage;
    private final BiConsumer<byte[], ReceiveInfo> deliver;
    /** The open WS/WSS connections, walked by the keepalive timer. */
    private final Set<WebSocketFrameHandler> open = ConcurrentHashMap.newKeySet();
    private volatile WebSocketUpgrade.Policy policy = WebSocketUpgrade.Policy.ACCEPT_SIP;
    private volatile WebSocketKeepalive keepalive = WebSocketKeepalive.defaults();
    private volatile long readTimeoutNanos = DEFAULT_READ_TIMEOUT.toNanos();
    private ScheduledFuture<?> keepaliveWalk;
    /** The transport's: a first line that never completes is a SIP stream's read timeout as much as an HTTP one. */
    private volatile ConnectionStats connectionStats;

    /**
     * @param maxMessage tcp_rd_buf_size: the longest HTTP request and WebSocket frame (Kamailio reads both into that buffer)
     * @param deliver    where each SIP message goes, as a stream's do
     */
    WebSocketServer(ConnectionTable table, EventLoopGroup group, int maxMessage, BiConsumer<byte[], ReceiveInfo> deliver) {
        this.table = table;
        this.group = group;
        this.maxMessage = maxMessage;
        this.deliver = deliver;
    }

    void connectionStats(ConnectionStats stats) {
        this.connectionStats = stats;
    }

    /** A connection whose first line was not whole within the read timeout: not known to be HTTP, counted as tcp_msg_read_timeout's. */
    void undecidedTimedOut() {
        ConnectionStats stats = connectionStats;
        if (stats != null) {
            stats.add(ConnectionStats.Event.READ_TIMEOUT);
        }
    }

    static Connection connection(ChannelHandlerContext ctx) {
        return ctx.channel().attr(Transport.CONNECTION).get();
    }

    /** The first handlers of an accepted connection: they find out whether it speaks HTTP or SIP ({@code sip} makes SIP's handler). */
    void addSniffer(ChannelPipeline p, Supplier<ChannelHandler> sip) {
        p.addLast(HttpRequestBounds.NAME, new HttpRequestBounds(this));
        p.addLast("sniffer", new HttpSniffer(this, sip));
    }

    /** The connection speaks HTTP: the request's decoder and its handler after the sniffer. False when it is already too long (closed). */
    boolean addHttpHandlers(ChannelHandlerContext sniffer) {
        ChannelPipeline p = sniffer.pipeline();
        ChannelHandlerContext bounds = p.context(HttpRequestBounds.NAME);
        if (bounds != null && !((HttpRequestBounds) bounds.handler()).httpFound(bounds)) {
            return false;
        }
        String at = sniffer.name();
        p.addAfter(at, "http-decoder", new HttpRequestDecoder(HttpSniffer.MAX_LINE, maxMessage, 8192));
        p.addAfter("http-decoder", "http-encoder", new HttpResponseEncoder());
        p.addAfter("http-encoder", HTTP_AGGREGATE, new QuietAggregator(maxMessage, this));
        p.addAfter(HTTP_AGGREGATE, "http-request", new HttpRequestHandler(this));
        return true;
    }

    /** The connection speaks SIP: no HTTP bounds on it. */
    void leaveHttp(ChannelPipeline p) {
        if (p.get(HttpRequestBounds.NAME) != null) {
            p.remove(HttpRequestBounds.NAME);
        }
    }

    /**
     * After the 101 went into the encoder (called from the request handler, on the loop): the HTTP
     * handlers give way to the WebSocket ones. The decoder goes last, so that bytes that came after
     * the request (a client that did not wait for the 101) reach the frame decoder, and whatever is
     * answered to them leaves after the 101.
     */
    void switchToWebSocket(ChannelHandlerContext request) {
        ChannelPipeline p = request.pipeline();
        table.upgradeToWebSocket(connection(request)); // TCP -> WS, TLS -> WSS: same id
        p.replace("http-encoder", "ws-encoder", new WebSocket13FrameEncoder(false));
        p.remove(HTTP_AGGREGATE);
        p.addAfter(request.name(), "ws-fragments", new FragmentDeadline(this));
        p.addAfter("ws-fragments", "ws-aggregate", new WebSocketFrameAggregator(MAX_FRAGMENTED_MESSAGE));
        p.addAfter("ws-aggregate", "ws-frames", new WebSocketFrameHandler(this));
        p.remove(request.handler());
        p.replace("http-decoder", "ws-decoder", new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxMessage).expectMaskedFrames(true).allowMaskMismatch(false).allowExtensions(false)
                .closeOnProtocolViolation(false) // the frame handler answers as Kamailio does
                .withUTF8Validator(false).build()));
    }

    /**
     * The HTTP aggregator without its 413: a request announcing a body longer than tcp_rd_buf_size
     * is closed unanswered, as Kamailio's buffer overrun is.
     */
    private static final class QuietAggregator extends HttpObjectAggregator {
        private final WebSocketServer server;

        QuietAggregator(int max, WebSocketServer server) {
            super(max);
            this.server = server;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            if (!ctx.channel().isActive()) {
                return;
            }
            server.counters.httpRequestsRefused.increment();
            LOG.debug("closing {}: HTTP request body longer than tcp_rd_buf_size={}", connection(ctx), server.maxMessage);
            ctx.close();
        }
    }

    void deliver(byte[] message, ReceiveInfo from) {
        deliver.accept(message, from);
    }

    int maxMessage() {
        return maxMessage;
    }

    long readTimeoutNanos() {
        return readTimeoutNanos;
    }

    void readTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the read timeout must be positive, not " + timeout);
        }
        readTimeoutNanos = timeout.toNanos();
    }

    WebSocketUpgrade.Policy policy() {
        return policy;
    }

    void policy(WebSocketUpgrade.Policy policy) {
        this.policy = Objects.requireNonNull(policy);
    }

    WebSocketKeepalive keepalive() {
        return keepalive;
    }

    void opened(WebSocketFrameHandler ws) {
        open.add(ws);
    }

    void closed(WebSocketFrameHandler ws) {
        open.remove(ws);
    }

    /** The websocket module's keepalive: one timer walks the connections every {@code interval} seconds. */
    synchronized void keepalive(WebSocketKeepalive settings) {
        this.keepalive = Objects.requireNonNull(settings);
        stop();
        if (settings.sends()) {
            keepaliveWalk = group.next().scheduleAtFixedRate(this::walk, settings.interval(), settings.interval(), TimeUnit.SECONDS);
        }
    }

    /** One keepalive walk: each connection idle past the timeout is handled on its own event loop. */
    private void walk() {
        long idleSince = System.nanoTime() - TimeUnit.SECONDS.toNanos(keepalive.timeout());
        for (WebSocketFrameHandler ws : open) {
            if (ws.lastActivity - idleSince < 0) {
                ws.channel.eventLoop().execute(ws::keepalive);
            }
        }
    }

    synchronized void stop() {
        if (keepaliveWalk != null) {
            keepaliveWalk.cancel(false);
            keepaliveWalk = null;
        }
    }
}
