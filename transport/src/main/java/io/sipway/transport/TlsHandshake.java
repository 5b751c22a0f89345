package io.sipway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS handshake of a connection, bounded. Kamailio's tls module has no deadline of its own;
 * tcp_connect_timeout is used, the time a connection may take to come up: a handshake not done by
 * then closes the connection, and so does one that fails. Both counted, closed at once.
 *
 * <p>On an accepted connection the first bytes are looked at before any TLS engine is made: a TLS
 * client starts with a handshake record (type 22, version 3.x); anything else (a scanner, SIP sent
 * to the TLS port) is refused for the price of two bytes. Making the engine first and letting it
 * fail cost some 10 ms of the event loop per connection here, so that 200 connections of garbage
 * arriving together kept the last of them open for seconds.
 */
final class TlsHandshake extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshake.class);
    /** TLS record type of a handshake (RFC 8446 5.1); SSL 2 hellos are not taken (no TLS 1.2/1.3 client sends one). */
    private static final int HANDSHAKE_RECORD = 22;
    private static final int MAJOR_VERSION = 3;

    private final Supplier<SslHandler> engine;
    private final long timeoutMillis;
    private final ConnectionStats stats;
    private ByteBuf first;

    private TlsHandshake(Supplier<SslHandler> engine, long timeoutMillis, ConnectionStats stats) {
        this.engine = engine;
        this.timeoutMillis = timeoutMillis;
        this.stats = stats;
    }

    /** An accepted connection: the TLS engine is made when the first bytes look like TLS, the deadline runs from now. */
    static void acceptOn(SocketChannel ch, Supplier<SslHandler> engine, long timeoutMillis, ConnectionStats stats) {
        ch.pipeline().addLast("tls", new TlsHandshake(engine, timeoutMillis, stats));
    }

    /** An outbound connection: its engine at once (it speaks first), with the deadline. */
    static void connectOn(SocketChannel ch, SslHandler tls, long timeoutMillis, ConnectionStats stats) {
        tls.setHandshakeTimeoutMillis(timeoutMillis);
        ch.pipeline().addLast("tls", tls);
        watch(ch, tls, stats);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        ch.eventLoop().schedule(() -> {
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (ch.isActive() && (tls == null || !tls.handshakeFuture().isDone())) {
                failed(stats, ch, ConnectionStats.Event.TLS_HANDSHAKE_TIMEOUT, "TLS handshake not done within tcp_connect_timeout ("
                        + timeoutMillis + " ms)", false);
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        first = first == null ? in : Unpooled.wrappedBuffer(first, in);
        if (first.readableBytes() < 2) {
            return;
        }
        ByteBuf bytes = first;
        first = null;
        if (bytes.getUnsignedByte(bytes.readerIndex()) != HANDSHAKE_RECORD || bytes.getUnsignedByte(bytes.readerIndex() + 1) != MAJOR_VERSION) {
            String start = io.netty.buffer.ByteBufUtil.hexDump(bytes, bytes.readerIndex(), Math.min(8, bytes.readableBytes()));
            bytes.release();
            failed(stats, ctx.channel(), ConnectionStats.Event.TLS_HANDSHAKE_FAILED, "not TLS (first bytes " + start + ")", false);
            return;
        }
        SslHandler tls = engine.get();
        tls.setHandshakeTimeoutMillis(0); // the deadline runs since the connection came up (channelActive)
        ctx.pipeline().addAfter(ctx.name(), "tls-engine", tls);
        watch(ctx.channel(), tls, stats);
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(bytes);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (first != null) {
            first.release();
            first = null;
        }
    }

    /** Closes the connection when its handshake fails (the deadline of an outbound one included). */
    private static void watch(Channel ch, SslHandler tls, ConnectionStats stats) {
        tls.handshakeFuture().addListener(f -> {
            if (!f.isSuccess() && ch.isActive()) {
                boolean timeout = f.cause() instanceof SslHandshakeTimeoutException;
                failed(stats, ch, timeout ? ConnectionStats.Event.TLS_HANDSHAKE_TIMEOUT : ConnectionStats.Event.TLS_HANDSHAKE_FAILED,
                        "TLS handshake failed: " + f.cause().getMessage(), !timeout);
            }
        });
    }

    /** Whether {@code ch}'s TLS handshake failed (then its error was counted and told by {@link #watch}). */
    static boolean hasFailed(Channel ch) {
        SslHandler tls = ch.pipeline().get(SslHandler.class);
        return tls != null && tls.handshakeFuture().isDone() && !tls.handshakeFuture().isSuccess();
    }

    private static void failed(ConnectionStats stats, Channel ch, ConnectionStats.Event why, String what, boolean worthALine) {
        stats.add(why);
        Object connection = ch.attr(Transport.CONNECTION).get();
        if (worthALine) { // a TLS peer that could not agree with us: a configuration to look at
            LOG.info("closing {}: {}", connection, what);
        } else { // scanners and stray clients: counted, not worth a line each
            LOG.debug("closing {}: {}", connection, what);
        }
        Closing.now(ch);
    }
}
