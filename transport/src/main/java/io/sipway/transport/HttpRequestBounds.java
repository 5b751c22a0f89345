package io.sipway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the HTTP request of a connection (and, before that, its first line while it is not yet
 * known to be SIP): whole within the read timeout from its first byte, and no longer than
 * tcp_rd_buf_size, the buffer Kamailio reads it into (an overrun closes the connection there, no
 * answer). A slow or endless request is closed and counted; nothing is answered. Removed once the
 * request is whole, or once the connection turns out to speak SIP (whose reads have their own bounds).
 */
final class HttpRequestBounds extends ChannelInboundHandlerAdapter {
    static final String NAME = "http-bounds";
    private static final Logger LOG = LoggerFactory.getLogger(HttpRequestBounds.class);

    private final WebSocketServer server;
    private long received;
    private boolean http;
    private ScheduledFuture<?> deadline;

    HttpRequestBounds(WebSocketServer server) {
        this.server = server;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            if (deadline == null) {
                long nanos = server.readTimeoutNanos();
                deadline = ctx.executor().schedule(() -> expire(ctx), nanos, TimeUnit.NANOSECONDS);
            }
            received += b.readableBytes();
            if (http && tooLong(ctx)) {
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The connection speaks HTTP: from now on its request is held to tcp_rd_buf_size (a SIP
     * connection's first read may well be longer). False when what came already is too long (closed).
     */
    boolean httpFound(ChannelHandlerContext ctx) {
        http = true;
        return !tooLong(ctx);
    }

    private boolean tooLong(ChannelHandlerContext ctx) {
        if (received <= server.maxMessage()) {
            return false;
        }
        if (!ctx.channel().isActive()) {
            return true; // already closed (and counted) for what came before
        }
        server.counters.httpRequestsRefused.increment();
        LOG.debug("closing {}: HTTP request longer than tcp_rd_buf_size={}", WebSocketServer.connection(ctx), server.maxMessage());
        ctx.close();
        return true;
    }

    private void expire(ChannelHandlerContext ctx) {
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            return;
        }
        if (http) {
            server.counters.httpRequestTimeouts.increment();
        } else {
            server.undecidedTimedOut(); // its first line never came whole: SIP or HTTP, a message read timeout
        }
        LOG.debug("closing {}: {} not whole within {} ms ({} bytes read)", WebSocketServer.connection(ctx),
                http ? "HTTP request" : "first line", TimeUnit.NANOSECONDS.toMillis(server.readTimeoutNanos()), received);
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
