package io.sipway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Supplier;

/**
 * The first line of an accepted connection decides what it speaks, as Kamailio's first-line parser
 * does: a request line ending in {@code HTTP/1.0} or {@code HTTP/1.1}, whatever the method, is HTTP
 * (the script's event_route[xhttp:request], which may upgrade it to a WebSocket); anything else is
 * SIP. A SIP message waits for nothing more than its own first line.
 */
final class HttpSniffer extends ChannelInboundHandlerAdapter {
    /** The longest first line looked at; a longer one is not an HTTP request line (Netty's own limit is 4,096). */
    static final int MAX_LINE = 4096;

    enum Kind { UNDECIDED, HTTP, SIP }

    private final WebSocketServer server;
    private final Supplier<ChannelHandler> sip;
    private CompositeByteBuf first;

    HttpSniffer(WebSocketServer server, Supplier<ChannelHandler> sip) {
        this.server = server;
        this.sip = sip;
    }

    /** What the bytes from the reader index on are, or UNDECIDED while the first line is not whole. */
    static Kind kind(ByteBuf b) {
        int start = b.readerIndex();
        int n = b.readableBytes();
        if (n == 0) {
            return Kind.UNDECIDED;
        }
        byte c = b.getByte(start);
        if (c < 'A' || c > 'Z') { // a method is an upper-case token; CRLF keepalives and all else are SIP's
            return Kind.SIP;
        }
        int lf = b.indexOf(start, start + Math.min(n, MAX_LINE), (byte) '\n');
        if (lf < 0) {
            return n >= MAX_LINE ? Kind.SIP : Kind.UNDECIDED;
        }
        int end = lf > start && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        return endsWith(b, start, end, " HTTP/1.1") || endsWith(b, start, end, " HTTP/1.0") ? Kind.HTTP : Kind.SIP;
    }

    private static boolean endsWith(ByteBuf b, int start, int end, String suffix) {
        int from = end - suffix.length();
        if (from < start) {
            return false;
        }
        for (int i = 0; i < suffix.length(); i++) {
            if (b.getByte(from + i) != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (first == null) {
            first = ctx.alloc().compositeBuffer();
        }
        first.addComponent(true, in);
        Kind kind = kind(first);
        if (kind == Kind.UNDECIDED) {
            return;
        }
        if (kind == Kind.HTTP) {
            if (!server.addHttpHandlers(ctx)) { // already longer than an HTTP request may be: closed
                first.release();
                first = null;
                return;
            }
        } else {
            server.leaveHttp(ctx.pipeline());
            ctx.pipeline().addAfter(ctx.name(), "sip", sip.get());
        }
        ByteBuf data = first;
        first = null;
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(data);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (first != null) {
            first.release();
            first = null;
        }
    }
}
