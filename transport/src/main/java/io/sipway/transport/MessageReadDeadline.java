package io.sipway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tcp_msg_read_timeout} (Kamailio 5.8): a SIP message whose first bytes arrived on a TCP/TLS
 * stream must be complete within it, else the connection is closed and counted. Without it a peer
 * sending one header byte every few seconds keeps a connection (and its buffer) forever, since
 * every byte refreshes tcp_connection_lifetime. Bytes of a CRLF keepalive waiting for its second
 * half do not start it. Used on the connection's event loop only.
 */
final class MessageReadDeadline implements LazyTimer.Check {
    private static final Logger LOG = LoggerFactory.getLogger(MessageReadDeadline.class);
    private static final long NONE = Long.MIN_VALUE;

    private final Channel channel;
    private final long timeoutNanos;
    private final int timeoutSeconds;
    private final ConnectionStats stats;
    private final LazyTimer timer;
    /** System.nanoTime() when the message now being read began, or NONE between messages. */
    private long begun = NONE;

    MessageReadDeadline(Channel channel, int timeoutSeconds, ConnectionStats stats) {
        this.channel = channel;
        this.timeoutSeconds = timeoutSeconds;
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
        this.stats = stats;
        this.timer = new LazyTimer(channel.eventLoop(), this);
    }

    /**
     * After a read was framed: {@code unread} holds what is left of the stream (the start of the next
     * message, if any); {@code completed} says whether a message (or keepalive) ended in this read, so
     * that what is left began in it.
     */
    void afterRead(ByteBuf unread, boolean completed) {
        if (timeoutNanos == 0 || !beginsMessage(unread)) {
            begun = NONE;
            return;
        }
        if (begun == NONE || completed) {
            begun = System.nanoTime();
            timer.arm(timeoutNanos);
        }
    }

    /** Whether these unread bytes are part of a message: anything but a CR, LF or CRLF waiting for the rest of a keepalive. */
    private static boolean beginsMessage(ByteBuf unread) {
        int n = unread.readableBytes();
        if (n == 0) {
            return false;
        }
        if (n > 3) {
            return true;
        }
        for (int i = unread.readerIndex(); i < unread.writerIndex(); i++) {
            byte b = unread.getByte(i);
            if (b != '\r' && b != '\n') {
                return true;
            }
        }
        return false;
    }

    @Override
    public long nanosLeft() {
        return begun == NONE || !channel.isActive() ? LazyTimer.IDLE : begun + timeoutNanos - System.nanoTime();
    }

    @Override
    public void expired() {
        stats.add(ConnectionStats.Event.READ_TIMEOUT);
        LOG.info("closing {}: a message begun {} s ago is still not complete (tcp_msg_read_timeout={}s)",
                channel.attr(Transport.CONNECTION).get(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begun), timeoutSeconds);
        begun = NONE;
        Closing.now(channel);
    }
}
