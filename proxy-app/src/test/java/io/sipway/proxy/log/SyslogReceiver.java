package io.sipway.proxy.log;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test's own syslog daemon: a unix datagram socket at a path of the test's, keeping every
 * datagram it reads (Java has no unix datagram sockets; Netty's epoll transport has).
 */
public final class SyslogReceiver implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final BlockingQueue<String> datagrams = new LinkedBlockingQueue<>();
    private final Channel channel;
    private final Path path;

    public SyslogReceiver(Path path) throws InterruptedException {
        this.path = path;
        channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                        ByteBuf b = p.content();
                        datagrams.add(b.toString(StandardCharsets.UTF_8));
                    }
                })
                .bind(new DomainSocketAddress(path.toFile())).sync().channel();
    }

    public Path path() {
        return path;
    }

    /** The next datagram, or null when none arrives within {@code wait}. */
    public String next(Duration wait) throws InterruptedException {
        return datagrams.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next datagram containing {@code text}, skipping others; null when none comes within {@code wait}. */
    public String nextWith(String text, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (long left = wait.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            String d = datagrams.poll(left, TimeUnit.NANOSECONDS);
            if (d != null && d.contains(text)) {
                return d;
            }
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        channel.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        Files.deleteIfExists(path);
    }
}
