package io.sipway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;

/** Closing a connection that has failed. */
final class Closing {
    private Closing() {
    }

    /**
     * Closes {@code ch} at once: it reads nothing more, and the close goes straight to the socket,
     * past the handlers that would first say goodbye (the TLS close_notify, the WebSocket close
     * frame) and wait up to seconds for it to be flushed: the peer of a failed connection does not
     * read, sent garbage, or was evicted. The pipeline still hears channelInactive (the table
     * forgets the connection, websocket:closed runs). Any thread.
     */
    static void now(Channel ch) {
        if (!ch.eventLoop().inEventLoop()) {
            try {
                ch.eventLoop().execute(() -> now(ch));
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                ch.close();
            }
            return;
        }
        ch.config().setAutoRead(false);
        ChannelHandlerContext first = ch.pipeline().firstContext();
        if (first != null) {
            first.close(); // travels towards the head only: no handler sees it
        } else {
            ch.close();
        }
    }
}
