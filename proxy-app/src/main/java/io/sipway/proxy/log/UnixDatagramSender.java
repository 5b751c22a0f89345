package io.sipway.proxy.log;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Datagrams to a unix socket path ({@code /dev/log}), as syslog(3) sends them: Java 17 has no unix
 * datagram socket, Netty's epoll transport has. The socket is not connected: each datagram names
 * the path, so a syslog daemon that starts (or restarts) later is reached. Sending never waits:
 * the datagram is queued on a logging event loop of its own; one that cannot leave (no daemon, the
 * queue full) is dropped and counted, as syslog(3) loses lines nobody reads.
 */
final class UnixDatagramSender implements AutoCloseable {
    /** Beyond this many bytes queued the logger drops lines instead of growing without bound. */
    private static final int HIGH_WATER = 4 * 1024 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;
    private final DomainSocketAddress to;
    private final LongAdder dropped = new LongAdder();

    private UnixDatagramSender(EventLoopGroup group, Channel channel, String path) {
        this.group = group;
        this.channel = channel;
        this.to = new DomainSocketAddress(path);
    }

    /** Whether this platform has unix datagram sockets (Linux with Netty's epoll transport). */
    static boolean available() {
        return Epoll.isAvailable();
    }

    /** A sender to {@code path}; fails where {@link #available()} is false. */
    static UnixDatagramSender open(String path) {
        if (!available()) {
            throw new IllegalStateException("no unix datagram sockets here (Netty's epoll transport is unavailable: "
                    + Epoll.unavailabilityCause() + ")");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sipway-syslog", true),
                EpollIoHandler.newFactory());
        Channel ch = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new io.netty.channel.WriteBufferWaterMark(HIGH_WATER / 2, HIGH_WATER))
                .handler(new ChannelInboundHandlerAdapter())
                .register().syncUninterruptibly().channel();
        return new UnixDatagramSender(group, ch, path);
    }

    /** Queues one datagram; never waits. */
    void send(byte[] datagram) {
        if (!channel.isWritable()) {
            dropped.increment();
            return;
        }
        channel.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(datagram), to)).addListener(f -> {
            if (!f.isSuccess()) {
                dropped.increment();
            }
        });
    }

    /** Datagrams that could not be sent. */
    long dropped() {
        return dropped.sum();
    }

    /** Sends what is queued (waiting up to a second), then closes. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
