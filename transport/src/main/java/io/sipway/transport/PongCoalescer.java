package io.sipway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pongs a WebSocket connection owes, bounded: RFC 6455 5.5.3 lets an endpoint "send a Pong frame
 * for only the most recently processed Ping frame". The pings of one read are answered by one pong,
 * for the last of them, when the read is done; and while a pong is not yet taken by the socket (the
 * peer does not read), later pings only replace the one owed. So a ping flood costs at most one pong
 * in the write queue and one ping's payload here, and the SIP that follows it is not queued behind
 * thousands of pongs. Used on the connection's event loop only.
 */
final class PongCoalescer {
    private final LongAdder skipped;
    /** The payload of the latest ping not answered yet, or null. */
    private ByteBuf owed;
    private boolean writing;

    PongCoalescer(LongAdder skipped) {
        this.skipped = skipped;
    }

    /** A ping arrived: it is owed a pong instead of any earlier one still owed. Takes a reference to {@code data}. */
    void ping(ByteBuf data) {
        if (owed != null) {
            owed.release();
            skipped.increment();
        }
        owed = data.retain();
    }

    /** The read is done: the pong owed goes out, unless one is still on its way (then it follows that one). */
    void flush(ChannelHandlerContext ctx) {
        if (owed == null || writing || !ctx.channel().isActive()) {
            return;
        }
        ByteBuf data = owed;
        owed = null;
        writing = true;
        ctx.writeAndFlush(new PongWebSocketFrame(data)).addListener(f -> {
            writing = false;
            if (f.isSuccess()) {
                flush(ctx);
            } else {
                discard();
            }
        });
    }

    /** The connection is gone: nothing is owed any more. */
    void discard() {
        if (owed != null) {
            owed.release();
            owed = null;
        }
    }
}
