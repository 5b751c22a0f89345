package io.sipway.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.sipway.sip.SipParseException;
import io.sipway.sip.SipParserConfig;
import io.sipway.sip.StreamFramer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners and the connections of one Sipway instance on Netty: UDP datagrams and TCP streams
 * so far (TLS, WebSocket, epoll with SO_REUSEPORT follow in issue 3). Every message goes upward as
 * (bytes, {@link ReceiveInfo}); every message goes out through {@link #sender()}.
 */
public final class Transport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    private final EventLoopGroup group;
    private final ConnectionTable table;
    private final SipParserConfig parserConfig;
    private final Inbound inbound;
    private final List<SendSocket> sockets = new ArrayList<>();
    private final List<Channel> udpChannels = new ArrayList<>();
    private final List<Channel> serverChannels = new ArrayList<>();
    private final AtomicLong droppedFrames = new AtomicLong();
    private final Sender sender;

    private Transport(ConnectionTable table, SipParserConfig parserConfig, Inbound inbound, int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.table = table;
        this.parserConfig = parserConfig;
        this.inbound = inbound;
        this.sender = new Sender(this);
    }

    /**
     * Binds every listen spec (expanded: a bare address gives udp and tcp) and starts reading.
     * Port 0 binds an ephemeral port; {@link #sockets()} tells the real ones.
     */
    public static Transport start(List<ListenSpec> listens, ConnectionTable table, SipParserConfig parserConfig,
                                  Inbound inbound) throws InterruptedException {
        Transport t = new Transport(table, parserConfig, inbound, Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            for (ListenSpec spec : ListenSpec.expand(listens, false)) {
                t.bind(spec);
            }
        } catch (RuntimeException | InterruptedException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private void bind(ListenSpec spec) throws InterruptedException {
        InetSocketAddress at = new InetSocketAddress(spec.host(), spec.port());
        switch (spec.protocol()) {
            case UDP -> {
                Channel ch = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                        .handler(new UdpHandler()).bind(at).sync().channel();
                SendSocket s = new SendSocket(Protocol.UDP, (InetSocketAddress) ch.localAddress());
                ch.attr(UdpHandler.SOCKET).set(s);
                udpChannels.add(ch);
                sockets.add(s);
            }
            case TCP -> {
                ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(new StreamHandler(Protocol.TCP, null));
                            }
                        });
                Channel ch = b.bind(at).sync().channel();
                SendSocket s = new SendSocket(Protocol.TCP, (InetSocketAddress) ch.localAddress());
                serverChannels.add(ch);
                sockets.add(s);
            }
            default -> throw new IllegalArgumentException("listener " + spec + ": only udp and tcp are implemented yet");
        }
        LOG.info("listening on {}", sockets.get(sockets.size() - 1));
    }

    /** The bound sockets, in listen order (real ports when 0 was asked for). */
    public List<SendSocket> sockets() {
        return List.copyOf(sockets);
    }

    public ConnectionTable connections() {
        return table;
    }

    /** The one door out (Kamailio's msg_send_buffer). */
    public Sender sender() {
        return sender;
    }

    /** Stream bytes that could not be framed (the connection was closed) or datagrams refused. */
    public long droppedFrames() {
        return droppedFrames.get();
    }

    Channel udpChannelFor(Destination d) {
        SendSocket forced = d.forcedSocket();
        boolean v6 = d.address().getAddress() instanceof java.net.Inet6Address;
        for (Channel ch : udpChannels) {
            SendSocket s = ch.attr(UdpHandler.SOCKET).get();
            if (forced != null ? s.equals(forced) : (s.local().getAddress() instanceof java.net.Inet6Address) == v6) {
                return ch;
            }
        }
        return null;
    }

    /** Opens a TCP connection to {@code d}; the message is written once it is up. */
    void connect(Destination d, byte[] message) {
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new StreamHandler(Protocol.TCP, message));
                    }
                })
                .connect(d.address()).addListener(f -> {
                    if (!f.isSuccess()) {
                        LOG.warn("connect to {} failed: {}", d, f.cause().toString());
                    }
                });
    }

    void write(Connection c, byte[] message) {
        Channel ch = (Channel) c.handle;
        ch.writeAndFlush(Unpooled.wrappedBuffer(message));
    }

    /** Datagrams: one datagram, one message. */
    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        static final io.netty.util.AttributeKey<SendSocket> SOCKET = io.netty.util.AttributeKey.valueOf("sipway.socket");

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            byte[] bytes = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), bytes);
            deliver(bytes, new ReceiveInfo(Protocol.UDP, packet.sender(), ctx.channel().attr(SOCKET).get(), 0));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("udp {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }

    private void deliver(byte[] bytes, ReceiveInfo info) {
        try {
            inbound.onMessage(bytes, info);
        } catch (RuntimeException e) { // no exception escapes a network handler
            LOG.error("message from {} {} failed in the layer above: {}", info.protocol().text(), info.source(), e.toString(), e);
        }
    }

    /**
     * A TCP connection, accepted or opened: frames the stream with sip-parser's {@link StreamFramer},
     * answers a CRLF ping with a pong, and keeps the connection in the table while it is open.
     */
    private final class StreamHandler extends ChannelInboundHandlerAdapter {
        private final Protocol family;
        private final byte[] firstMessage;
        private final StreamFramer framer = new StreamFramer(parserConfig);
        private ByteBuf pending;
        private Connection connection;
        private SendSocket localSocket;

        StreamHandler(Protocol family, byte[] firstMessage) {
            this.family = family;
            this.firstMessage = firstMessage;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
            connection = table.add(family, remote, local);
            connection.handle = ctx.channel();
            localSocket = new SendSocket(family, local);
            pending = ctx.alloc().heapBuffer(1024);
            if (firstMessage != null) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(firstMessage));
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (connection != null) {
                table.remove(connection);
            }
            if (pending != null) {
                pending.release();
                pending = null;
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                pending.writeBytes(in);
            } finally {
                in.release();
            }
            try {
                while (pending.isReadable()) {
                    byte[] array = pending.array();
                    int off = pending.arrayOffset() + pending.readerIndex();
                    int n = framer.next(array, off, pending.readableBytes());
                    if (n == 0) {
                        break;
                    }
                    if (framer.kind() == StreamFramer.Kind.MESSAGE) {
                        byte[] message = new byte[n];
                        pending.readBytes(message);
                        deliver(message, new ReceiveInfo(connection.protocol(), connection.remote(), localSocket, connection.id()));
                    } else {
                        pending.skipBytes(n);
                        if (framer.kind() == StreamFramer.Kind.PING) {
                            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'\r', '\n'})); // RFC 5626 3.5.1 pong
                        }
                    }
                }
                pending.discardReadBytes();
            } catch (SipParseException e) {
                droppedFrames.incrementAndGet();
                LOG.warn("closing {}: {} ({} bytes unread)", connection, e.getMessage(), pending.readableBytes());
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("closing {}: {}", connection, cause.toString());
            ctx.close();
        }
    }

    @Override
    public void close() {
        for (Channel ch : udpChannels) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (Channel ch : serverChannels) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
