package io.sipway.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fragmented WebSocket message must be finished within the read timeout from its first fragment,
 * as a SIP message on a stream must (Kamailio's tcp_msg_read_timeout): its fragments are frames, so
 * the keepalive sees a busy connection while the message never ends. Sits between the frame decoder
 * and the aggregator; closes and counts a message that is late.
 */
final class FragmentDeadline extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FragmentDeadline.class);

    private final WebSocketServer server;
    private ScheduledFuture<?> deadline;

    FragmentDeadline(WebSocketServer server) {
        this.server = server;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if ((msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) && deadline == null
                && !((WebSocketFrame) msg).isFinalFragment()) {
            deadline = ctx.executor().schedule(() -> expire(ctx), server.readTimeoutNanos(), TimeUnit.NANOSECONDS);
        } else if (msg instanceof ContinuationWebSocketFrame f && f.isFinalFragment()) {
            cancel();
        }
        ctx.fireChannelRead(msg);
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (ctx.isRemoved() || !ctx.channel().isActive()) {
            return;
        }
        server.counters.messageTimeouts.increment();
        LOG.debug("closing {}: fragmented WebSocket message not finished within {} ms", WebSocketServer.connection(ctx),
                TimeUnit.NANOSECONDS.toMillis(server.readTimeoutNanos()));
        ctx.close();
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }
}
