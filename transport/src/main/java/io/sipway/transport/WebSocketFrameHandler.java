package io.sipway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.MessageAggregationException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WS/WSS connection after the upgrade, as Kamailio's websocket module runs it (ws_frame.c): each
 * text or binary message (fragments reassembled) is one SIP message, except a lone CRLF or CRLFCRLF,
 * a keepalive answered with CRLF; pings are answered (bounded, {@link PongCoalescer}); a close is
 * answered with 1000 "Normal closure" and the connection closed; a protocol error is answered with
 * 1002 "Protocol error" (1008 "Unsupported opcode" for a reserved opcode) and closed; a frame over
 * tcp_rd_buf_size or a message over Kamailio's 65,534 bytes is closed without a word, as Kamailio's
 * buffer overrun is. Also the connection's keepalive state: when a frame last arrived, and whether a
 * PING is unanswered.
 */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrameHandler.class);
    private static final byte[] CRLF = {'\r', '\n'};

    private final WebSocketServer server;
    private final PongCoalescer pongs;
    private SendSocket localSocket;
    Channel channel;
    /** System.nanoTime() of the last frame received, or of the last keepalive sent. */
    volatile long lastActivity = System.nanoTime();
    /** Touched only on the channel's event loop. */
    private boolean awaitingPong;
    /** A close frame went out: what still arrives is dropped. */
    private boolean closing;

    WebSocketFrameHandler(WebSocketServer server) {
        this.server = server;
        this.pongs = new PongCoalescer(server.counters.pongsSkipped);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        server.opened(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        server.closed(this);
        pongs.discard();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        server.closed(this);
        pongs.discard();
        ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (closing) {
            return;
        }
        lastActivity = System.nanoTime();
        Connection c = WebSocketServer.connection(ctx);
        c.touch();
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            ByteBuf content = frame.content();
            if (isCrlf(content)) { // Kamailio's ws_send_crlf: the keepalive of RFC 5626 over a WebSocket
                ctx.writeAndFlush(frame instanceof TextWebSocketFrame ? new TextWebSocketFrame(Unpooled.wrappedBuffer(CRLF))
                        : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(CRLF)));
                return;
            }
            if (localSocket == null) { // the listener's socket, made once per connection
                localSocket = new SendSocket(c.protocol().isSecure() ? Protocol.TLS : Protocol.TCP, c.local());
            }
            server.deliver(ByteBufUtil.getBytes(content), new ReceiveInfo(c.protocol(), c.remote(), localSocket, c.id()));
        } else if (frame instanceof PingWebSocketFrame) {
            pongs.ping(frame.content());
        } else if (frame instanceof PongWebSocketFrame) {
            awaitingPong = false;
        } else if (frame instanceof CloseWebSocketFrame) {
            closeWith(ctx, WebSocketCloseStatus.NORMAL_CLOSURE.code(), "Normal closure");
        }
    }

    private static boolean isCrlf(ByteBuf b) {
        int n = b.readableBytes();
        int i = b.readerIndex();
        return (n == 2 || n == 4) && b.getByte(i) == '\r' && b.getByte(i + 1) == '\n'
                && (n == 2 || (b.getByte(i + 2) == '\r' && b.getByte(i + 3) == '\n'));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        pongs.flush(ctx); // one pong for the pings of this read
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Connection c = WebSocketServer.connection(ctx);
        if (cause instanceof CorruptedWebSocketFrameException e && e.closeStatus() != WebSocketCloseStatus.MESSAGE_TOO_BIG) {
            server.counters.frameErrors.increment();
            boolean opcode = String.valueOf(e.getMessage()).contains("reserved opcode");
            LOG.debug("closing {}: WebSocket protocol error: {}", c, e.getMessage());
            closeWith(ctx, opcode ? WebSocketCloseStatus.POLICY_VIOLATION.code() : WebSocketCloseStatus.PROTOCOL_ERROR.code(),
                    opcode ? "Unsupported opcode" : "Protocol error");
        } else if (cause instanceof CorruptedWebSocketFrameException || cause instanceof TooLongFrameException) {
            server.counters.frameErrors.increment();
            LOG.debug("closing {}: WebSocket frame or message too long: {}", c, cause.getMessage());
            ctx.close();
        } else if (cause instanceof PrematureChannelClosureException) {
            LOG.debug("{} closed in the middle of a fragmented message", c);
        } else if (cause instanceof MessageAggregationException) {
            server.counters.frameErrors.increment(); // a new message inside a fragmented one
            LOG.debug("closing {}: WebSocket protocol error: a message started inside a fragmented one", c);
            closeWith(ctx, WebSocketCloseStatus.PROTOCOL_ERROR.code(), "Protocol error");
        } else {
            LOG.warn("closing {}: {}", c, cause.toString());
            ctx.close();
        }
    }

    /** Kamailio's close_connection: a close frame with this status and reason, then the connection closes. */
    private void closeWith(ChannelHandlerContext ctx, int status, String reason) {
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        closing = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Found idle by the keepalive walk (on this channel's loop): PING or PONG, or close when a PING went unanswered. */
    void keepalive() {
        WebSocketKeepalive k = server.keepalive();
        if (!channel.isActive() || System.nanoTime() - lastActivity < TimeUnit.SECONDS.toNanos(k.timeout())) {
            return; // closed, or a frame arrived since the walk looked
        }
        if (awaitingPong) {
            LOG.warn("closing {}: no pong to the keepalive ping within keepalive_timeout={}s", channel.attr(Transport.CONNECTION).get(),
                    k.timeout());
            channel.close();
            return;
        }
        ByteBuf data = Unpooled.copiedBuffer(k.data(), StandardCharsets.UTF_8);
        channel.writeAndFlush(k.mechanism() == WebSocketKeepalive.PING ? new PingWebSocketFrame(data) : new PongWebSocketFrame(data));
        awaitingPong = k.mechanism() == WebSocketKeepalive.PING;
        lastActivity = System.nanoTime(); // the answer gets a whole timeout to arrive
    }
}
