package io.sipway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What waits to be written to one connection, bounded as Kamailio bounds its write queues
 * ({@code tcp_async}): {@code tcp_conn_wq_max} bytes for the connection, {@code tcp_wq_max} for all
 * of them, and {@code tcp_send_timeout} without progress. A send that would pass a bound fails,
 * the connection is closed at once and the failure counted and logged, once per connection.
 *
 * <p>Bytes are counted when a send is accepted, on whichever thread sends, and released when Netty
 * completes the write (the kernel took them, or the write failed): counted in the event loop alone,
 * a send from another loop was checked against a stale count and its message waited in the loop's
 * task queue, which nothing bounds. The count is thus what waits anywhere between the sender and
 * the kernel's send buffer, a little more than Kamailio's queue (which holds only what the kernel
 * refused).
 */
final class WriteQueue {
    private static final Logger LOG = LoggerFactory.getLogger(WriteQueue.class);

    /** The bounds and the total, shared by the connections of one transport. */
    static final class Limits {
        private final TcpSettings tcp;
        private final TrafficStats traffic;
        private final ConnectionStats ended;
        private final AtomicLong total = new AtomicLong();

        Limits(TcpSettings tcp, TrafficStats traffic, ConnectionStats ended) {
            this.tcp = tcp;
            this.traffic = traffic;
            this.ended = ended;
        }

        /** Bytes waiting for all connections. */
        long queued() {
            return total.get();
        }
    }

    private final Channel channel;
    private final Connection connection;
    private final Limits limits;
    private final long sendTimeoutNanos;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final LazyTimer sendTimer;
    /** System.nanoTime() of the last completed write, or of the moment the queue stopped being empty. */
    private volatile long lastProgress = System.nanoTime();

    WriteQueue(Channel channel, Connection connection, Limits limits) {
        this.channel = channel;
        this.connection = connection;
        this.limits = limits;
        this.sendTimeoutNanos = TimeUnit.SECONDS.toNanos(limits.tcp.sendTimeout());
        this.sendTimer = new LazyTimer(channel.eventLoop(), new LazyTimer.Check() {
            @Override
            public long nanosLeft() {
                return queued.get() == 0 || failed.get() ? LazyTimer.IDLE : lastProgress + sendTimeoutNanos - System.nanoTime();
            }

            @Override
            public void expired() {
                fail(TrafficStats.SendFailure.SEND_TIMEOUT, queued.get() + " bytes waiting and no write progressed for tcp_send_timeout="
                        + limits.tcp.sendTimeout() + "s (the peer does not read)");
            }
        });
    }

    /**
     * Writes {@code message} ({@code size} bytes of SIP: a WebSocket frame's or TLS record's overhead
     * is not counted) when it fits; false when the connection has failed or the send fails it.
     */
    boolean write(Object message, int size) {
        if (!reserve(size)) {
            io.netty.util.ReferenceCountUtil.release(message);
            return false;
        }
        ChannelPromise p = channel.newPromise();
        p.addListener(new Release(size));
        channel.writeAndFlush(message, p);
        return true;
    }

    private boolean reserve(int size) {
        if (failed.get()) {
            return false;
        }
        long before = addUpTo(queued, size, limits.tcp.connWriteQueueMax());
        if (before < 0) {
            fail(TrafficStats.SendFailure.WRITE_QUEUE_FULL, size + " more bytes would pass tcp_conn_wq_max="
                    + limits.tcp.connWriteQueueMax() + " (" + queued.get() + " waiting; the peer does not read)");
            return false;
        }
        if (addUpTo(limits.total, size, limits.tcp.writeQueueMax()) < 0) {
            queued.addAndGet(-size);
            fail(TrafficStats.SendFailure.WRITE_QUEUE_FULL, size + " more bytes would pass tcp_wq_max=" + limits.tcp.writeQueueMax()
                    + " for all connections (" + limits.total.get() + " waiting, " + queued.get() + " of them for this one)");
            return false;
        }
        if (before == 0) { // it was empty: the send timeout counts from now
            lastProgress = System.nanoTime();
            sendTimer.arm(sendTimeoutNanos);
        }
        return true;
    }

    /** Adds {@code size} to {@code counter} unless that would pass {@code max}: the value before, or -1. Never over the bound, even for a moment. */
    private static long addUpTo(AtomicLong counter, int size, long max) {
        while (true) {
            long before = counter.get();
            if (before + size > max) {
                return -1;
            }
            if (counter.compareAndSet(before, before + size)) {
                return before;
            }
        }
    }

    /** Bytes waiting for this connection. */
    long queued() {
        return queued.get();
    }

    /** Fails the connection once: counted, logged, closed at once; later sends fail quietly. */
    private void fail(TrafficStats.SendFailure reason, String why) {
        if (!failed.compareAndSet(false, true)) {
            return;
        }
        limits.traffic.failed(reason);
        LOG.warn("closing {}: {}", connection, why);
        Closing.now(channel);
    }

    /** Gives a write's bytes back when Netty is done with it. */
    private final class Release implements ChannelFutureListener {
        private final int size;

        Release(int size) {
            this.size = size;
        }

        @Override
        public void operationComplete(ChannelFuture f) {
            if (f.isSuccess()) {
                lastProgress = System.nanoTime();
            } else if (PeerReset.is(f.cause()) && failed.compareAndSet(false, true)) {
                // The reset reached the write before any read: the kernel hands its error to the write
                // only, and Netty closes without an exceptionCaught. Counted here, once for all the
                // writes it fails, as Kamailio counts a send's ECONNRESET/EPIPE in tcp:con_reset.
                limits.ended.add(ConnectionStats.Event.PEER_RESET);
                LOG.debug("closing {}: reset by the peer ({})", connection, f.cause().getMessage());
            }
            queued.addAndGet(-size);
            limits.total.addAndGet(-size);
        }
    }
}
