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
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
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
 * The listeners and the connections of one Sipway instance on Netty: UDP datagrams, TCP and TLS
 * streams, and WebSocket (WS/WSS) upgrades on tcp:/tls: listeners (epoll with SO_REUSEPORT and the
 * tcp_* limits follow). Every message goes upward as
 * (bytes, {@link ReceiveInfo}); every message goes out through {@link #sender()}.
 */
public final class Transport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    private final EventLoopGroup group;
    private final ConnectionTable table;
    private final SipParserConfig parserConfig;
    /** How TCP/TLS/WS streams are framed: parserConfig with tcp_rd_buf_size and tcp_accept_no_cl. */
    private final SipParserConfig streamConfig;
    private final Inbound inbound;
    private final List<SendSocket> sockets = new ArrayList<>();
    private final List<Channel> udpChannels = new ArrayList<>();
    private final List<Channel> serverChannels = new ArrayList<>();
    private final AtomicLong droppedFrames = new AtomicLong();
    private final TrafficStats traffic = new TrafficStats();
    private final ConnectionStats connectionStats = new ConnectionStats();
    /** Which connection makes room when tcp_max_connections is reached. */
    private final Eviction eviction;
    /** tcp_conn_wq_max, tcp_wq_max and tcp_send_timeout, with the bytes waiting for all connections. */
    private final WriteQueue.Limits writeLimits;
    private final Sender sender;
    private final SslContext serverTls;
    private final SslContext clientTls;
    private final TcpSettings tcp;
    private volatile java.util.function.Consumer<ReceiveInfo> webSocketClosed;
    /** What rewrites messages on their way in and out (the topoh module); null: nothing does. */
    private volatile NetData netData;
    /** Who answers STUN on the SIP listeners (the stun module); null: everything is SIP. */
    private volatile StunResponder stun;
    /** HTTP requests and WS/WSS connections on the tcp:/tls: listeners. */
    private final WebSocketServer webSockets;
    private final AtomicLong refusedConnections = new AtomicLong();
    static final AttributeKey<Connection> CONNECTION = AttributeKey.valueOf("sipway.connection");
    /** The largest UDP payload (IPv4: 65,535 - 8 - 20); Kamailio's BUF_SIZE is the same order. */
    static final int UDP_MAX = 65507;
    /** SO_RCVBUF and SO_SNDBUF asked for UDP sockets; the kernel caps them at net.core.rmem_max / wmem_max. */
    static final int UDP_SOCKET_BUFFER = 1 << 20;
    /** Netty's native epoll transport when the platform has it (Linux), else NIO. */
    static final boolean EPOLL = Epoll.isAvailable();
    private final int threads;
    private static final Class<? extends Channel> DATAGRAM = EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
    private static final Class<? extends ServerSocketChannel> SERVER = EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    private static final Class<? extends SocketChannel> CLIENT = EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;

    private Transport(ConnectionTable table, SipParserConfig parserConfig, Inbound inbound, int threads,
                      SslContext serverTls, SslContext clientTls, TcpSettings tcp) {
        this.tcp = tcp;
        this.writeLimits = new WriteQueue.Limits(tcp, traffic, connectionStats);
        this.group = new MultiThreadIoEventLoopGroup(threads, EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.threads = threads;
        this.table = table;
        this.eviction = new Eviction(table, connectionStats);
        this.parserConfig = parserConfig;
        this.streamConfig = tcp.streamParserConfig(parserConfig);
        this.inbound = inbound;
        this.sender = new Sender(this);
        this.serverTls = serverTls;
        this.clientTls = clientTls;
        this.webSockets = new WebSocketServer(table, group, streamConfig.maxMessageSize(), this::deliver);
        webSockets.connectionStats(connectionStats);
        if (tcp.messageReadTimeout() > 0) { // 0 lifts the bound on SIP messages only: an HTTP request keeps the default
            webSockets.readTimeout(java.time.Duration.ofSeconds(tcp.messageReadTimeout()));
        }
    }

    /**
     * Binds every listen spec (expanded: a bare address gives udp and tcp, and tls when TLS
     * settings are given) and starts reading. {@link #sockets()} tells the bound sockets.
     *
     * @param tls the server certificate and policy for tls: listeners, or null without TLS
     */
    public static Transport start(List<ListenSpec> listens, ConnectionTable table, SipParserConfig parserConfig,
                                  TlsSettings tls, Inbound inbound) throws InterruptedException, TlsContexts.TlsConfigException {
        return start(listens, table, parserConfig, tls, TcpSettings.defaults(), inbound);
    }

    /** {@link #start(List, ConnectionTable, SipParserConfig, TlsSettings, Inbound)} with Kamailio's tcp_* settings. */
    public static Transport start(List<ListenSpec> listens, ConnectionTable table, SipParserConfig parserConfig,
                                  TlsSettings tls, TcpSettings tcp, Inbound inbound)
            throws InterruptedException, TlsContexts.TlsConfigException {
        return start(listens, table, parserConfig, tls, tcp, Runtime.getRuntime().availableProcessors(), inbound);
    }

    /**
     * As above with {@code eventLoops} I/O threads (Kamailio's {@code children}: the workers that
     * receive and route; with epoll each UDP listener gets one SO_REUSEPORT socket per loop).
     */
    public static Transport start(List<ListenSpec> listens, ConnectionTable table, SipParserConfig parserConfig,
                                  TlsSettings tls, TcpSettings tcp, int eventLoops, Inbound inbound)
            throws InterruptedException, TlsContexts.TlsConfigException {
        SslContext server = tls == null ? null : TlsContexts.forServer(tls);
        SslContext client = TlsContexts.forClient(TlsSettings.client());
        Transport t = new Transport(table, parserConfig, inbound, Math.max(1, eventLoops), server, client, tcp);
        try {
            // each listen as the script wrote it, expanded (a bare address: udp and tcp, and tls), each socket once
            java.util.Set<ListenSpec> bound = new java.util.HashSet<>();
            for (ListenSpec written : listens) {
                for (ListenSpec spec : ListenSpec.expand(List.of(written), tls != null)) {
                    if (bound.add(spec)) {
                        t.bind(spec, written);
                    }
                }
            }
        } catch (RuntimeException | InterruptedException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** The I/O threads that receive and route (Kamailio's {@code children}). */
    public int eventLoops() {
        return threads;
    }

    /**
     * A builder of the {@link SipResolver} whose DNS queries run on one of these event loops (the
     * resolver's channel is then epoll or NIO as the listeners are). The caller closes the resolver.
     */
    public SipResolver.Builder resolverBuilder() {
        return SipResolver.builder(group.next());
    }

    /**
     * The event loops themselves: a message is delivered on the loop of the channel that read it;
     * tm runs each transaction on the loop that read its request, and its timers there.
     */
    public EventLoopGroup eventLoopGroup() {
        return group;
    }

    /** Binds {@code spec}, one of the sockets of the script's {@code written}; a failure names both (ListenerBindException). */
    private void bind(ListenSpec spec, ListenSpec written) throws InterruptedException {
        InetSocketAddress at = new InetSocketAddress(spec.host(), spec.port());
        switch (spec.protocol()) {
            case UDP -> {
                // With epoll, one socket per event loop on the same address (SO_REUSEPORT): the
                // kernel spreads datagrams over the loops. NIO has no SO_REUSEPORT: one socket.
                int copies = EPOLL ? threads : 1;
                // the socket is known before the bind (set on the channel before any datagram can
                // arrive), except for port 0, where the first bind tells the port the copies use
                SendSocket s = at.getPort() == 0 ? null : new SendSocket(Protocol.UDP, at);
                for (int i = 0; i < copies; i++) {
                    Bootstrap b = new Bootstrap().group(group).channel(DATAGRAM).handler(new UdpHandler())
                            // a datagram may be as long as UDP allows: Netty's default 2,048-byte read
                            // buffer cut longer SIP messages, which then failed to parse and were dropped
                            .option(ChannelOption.RCVBUF_ALLOCATOR, new io.netty.channel.FixedRecvByteBufAllocator(UDP_MAX))
                            // room for bursts while a loop is busy (Kamailio probes its receive buffer up too)
                            .option(ChannelOption.SO_RCVBUF, UDP_SOCKET_BUFFER)
                            .option(ChannelOption.SO_SNDBUF, UDP_SOCKET_BUFFER);
                    if (EPOLL) {
                        b.option(EpollChannelOption.SO_REUSEPORT, true);
                    }
                    if (s != null) {
                        b.attr(UdpHandler.SOCKET, s);
                    }
                    Channel ch = bound(b, s == null ? at : s.local(), spec, written);
                    if (s == null) {
                        s = new SendSocket(Protocol.UDP, (InetSocketAddress) ch.localAddress());
                        ch.attr(UdpHandler.SOCKET).set(s);
                    }
                    udpChannels.add(ch);
                }
                sockets.add(s);
            }
            case TCP, TLS -> {
                Protocol family = spec.protocol() == ListenSpec.ListenProtocol.TLS ? Protocol.TLS : Protocol.TCP;
                if (family == Protocol.TLS && serverTls == null) {
                    throw new IllegalArgumentException("listener " + spec + " needs TLS settings (certificate, private_key)");
                }
                ServerBootstrap b = new ServerBootstrap().group(group).channel(SERVER)
                        .childOption(ChannelOption.TCP_NODELAY, true);
                if (table.reusePort() && EPOLL) {
                    b.option(EpollChannelOption.SO_REUSEPORT, true); // tcp_reuse_port: outbound connects may bind this port
                }
                b.childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                if (table.size() >= tcp.maxConnections() && !eviction.makeRoom(tcp.maxConnections())) {
                                    refusedConnections.incrementAndGet();
                                    LOG.warn("maximum number of connections exceeded ({}): refusing {}", tcp.maxConnections(), ch.remoteAddress());
                                    ch.close();
                                    return;
                                }
                                configure(ch);
                                if (family == Protocol.TLS) {
                                    TlsHandshake.acceptOn(ch, () -> serverTls.newHandler(ch.alloc()), tcp.connectTimeout() * 1000L, connectionStats);
                                }
                                ch.pipeline().addLast(new Registrar(family, null, null, null));
                                webSockets.addSniffer(ch.pipeline(), StreamHandler::new);
                            }
                        });
                Channel ch = bound(b, at, spec, written);
                SendSocket s = new SendSocket(family, (InetSocketAddress) ch.localAddress());
                serverChannels.add(ch);
                sockets.add(s);
            }
            default -> throw new IllegalArgumentException("listener " + spec + ": sctp is not supported");
        }
        LOG.info("listening on {}", sockets.get(sockets.size() - 1));
    }

    private static Channel bound(io.netty.bootstrap.AbstractBootstrap<?, ?> b, InetSocketAddress at, ListenSpec spec, ListenSpec written)
            throws InterruptedException {
        try {
            return b.bind(at).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // sync() rethrows the bind's cause, checked or not: in use, not local, not permitted
            throw new ListenerBindException(written, spec, e);
        }
    }

    /** The bound sockets, in listen order (real ports when 0 was asked for). */
    public List<SendSocket> sockets() {
        return List.copyOf(sockets);
    }

    /** How many UDP sockets are open (with epoll one per event loop and listener, sharing the port). */
    int udpSocketCount() {
        return udpChannels.size();
    }

    public ConnectionTable connections() {
        return table;
    }

    /** The one door out (Kamailio's msg_send_buffer). */
    public Sender sender() {
        return sender;
    }

    /** Stream bytes that could not be framed (the connection was closed) or datagrams refused. */
    /** The tcp_* settings it runs with. */
    public TcpSettings tcpSettings() {
        return tcp;
    }

    /** Messages in and out by protocol and kind, and failed sends by reason. */
    public TrafficStats traffic() {
        return traffic;
    }

    /** Connections ended by a timeout, a failed TLS handshake, an eviction or a reset. */
    public ConnectionStats connectionStats() {
        return connectionStats;
    }

    public long droppedFrames() {
        return droppedFrames.get();
    }

    /**
     * The listener a message to {@code d} leaves from, as a Via or Record-Route names it: the forced
     * socket, else for UDP the socket the Sender would use, for streams the first listener of the
     * connection's family (TCP for tcp/ws, TLS for tls/wss) and address family. Null when none fits.
     */
    public SendSocket sendSocketFor(Destination d) {
        if (d.forcedSocket() != null) {
            return d.forcedSocket();
        }
        boolean v6 = d.address() != null && d.address().getAddress() instanceof java.net.Inet6Address;
        if (d.protocol() == Protocol.UDP) {
            Channel ch = udpChannelFor(d);
            return ch == null ? null : ch.attr(UdpHandler.SOCKET).get();
        }
        Protocol family = d.protocol().isSecure() ? Protocol.TLS : Protocol.TCP;
        for (SendSocket s : sockets) {
            if (s.protocol() == family && (s.local().getAddress() instanceof java.net.Inet6Address) == v6) {
                return s;
            }
        }
        return null;
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

    /**
     * Socket options and the idle timer of a TCP/TLS connection: SO_KEEPALIVE and its probes (epoll
     * only) and tcp_connection_lifetime (closed when idle, any read or write refreshes it). The
     * write bounds are the connection's {@link WriteQueue}.
     */
    private void configure(SocketChannel ch) {
        ch.config().setKeepAlive(tcp.keepaliveOn());
        if (EPOLL && ch instanceof EpollSocketChannel e) {
            if (tcp.keepIdle() > 0) {
                e.config().setTcpKeepIdle(tcp.keepIdle());
            }
            if (tcp.keepInterval() > 0) {
                e.config().setTcpKeepIntvl(tcp.keepInterval());
            }
            if (tcp.keepCount() > 0) {
                e.config().setTcpKeepCnt(tcp.keepCount());
            }
        }
        if (tcp.connectionLifetime() >= 0) {
            ch.pipeline().addLast("lifetime", new io.netty.handler.timeout.IdleStateHandler(0, 0, tcp.connectionLifetime(), TimeUnit.SECONDS) {
                @Override
                protected void channelIdle(ChannelHandlerContext ctx, io.netty.handler.timeout.IdleStateEvent evt) {
                    LOG.debug("closing {}: idle for tcp_connection_lifetime={}s", ctx.channel().attr(CONNECTION).get(), tcp.connectionLifetime());
                    ctx.close();
                }
            });
        }
    }

    /**
     * Answers STUN Binding requests that arrive on the UDP SIP listeners (Kamailio's stun module;
     * Kamailio 5.6 answers none on TCP, whose STUN reading is a compile option left out of its
     * builds); null (the default) turns it off again. See {@link StunResponder}.
     */
    public void stunResponder(StunResponder responder) {
        this.stun = responder;
    }

    /** Rewrites every message received and sent from now on (Kamailio's net data events); null: none. */
    public void netData(NetData rewrite) {
        this.netData = rewrite;
    }

    /** The rewrite of messages in and out, or null. */
    NetData netData() {
        return netData;
    }

    /** Who hears that a WS or WSS connection closed (Kamailio's event_route[websocket:closed]); called on its event loop. */
    public void onWebSocketClosed(java.util.function.Consumer<ReceiveInfo> listener) {
        this.webSocketClosed = listener;
    }

    /**
     * The websocket module's keepalive for WS and WSS connections (Kamailio's defaults until this is
     * called): one timer walks them every {@code interval} seconds.
     */
    public void webSocketKeepalive(WebSocketKeepalive settings) {
        webSockets.keepalive(settings);
    }

    /**
     * Who decides on HTTP requests and WebSocket upgrades (the script's event_route[xhttp:request]
     * and {@code ws_handle_handshake()}); the default asks for the upgrade of every request, which
     * the websocket module's checks then accept or refuse.
     */
    public void upgradePolicy(WebSocketUpgrade.Policy policy) {
        webSockets.policy(policy);
    }

    /**
     * How long an HTTP request on a tcp:/tls: listener (from its first byte) and a fragmented
     * WebSocket message (from its first fragment) may take to arrive whole; a connection that is
     * late is closed and counted. Kamailio's tcp_msg_read_timeout; 20 s until set.
     */
    public void webSocketReadTimeout(java.time.Duration timeout) {
        webSockets.readTimeout(timeout);
    }

    /** Handshakes, and the HTTP/WebSocket connections closed for bad or slow input. */
    public WebSocketCounters webSocketCounters() {
        return webSockets.counters;
    }

    /**
     * Kamailio's {@code tcpconn_add_alias}: makes {@code port} an alias of the connection a message
     * arrived on, so that requests to the peer's IP and that port reuse it (RFC 5923 style). The
     * core calls it for a top Via with {@code alias} under {@code tcp_accept_aliases=yes}, and the
     * script's {@code force_tcp_alias([port])}. Port 0 means the default port of the connection's
     * family (5060, or 5061 for TLS). Only messages received over TCP or TLS qualify (not WS/WSS,
     * not UDP): for them it is a no-op returning false, as in Kamailio.
     *
     * @return true when the alias is in place; false when the message did not come over TCP/TLS,
     *         the connection is gone, or it already has Kamailio's 12 aliases (logged)
     */
    public boolean addTcpAlias(ReceiveInfo from, int port) {
        if (from.protocol() != Protocol.TCP && from.protocol() != Protocol.TLS) {
            return false;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("alias port out of range: " + port);
        }
        Connection c = table.byId(from.connectionId());
        if (c == null) {
            LOG.warn("no connection {} (from {}) to add alias port {} to", from.connectionId(), from.source(), port);
            return false;
        }
        int aliasPort = port != 0 ? port : from.protocol() == Protocol.TLS ? 5061 : 5060;
        if (!table.addAlias(c, aliasPort)) {
            LOG.warn("could not add alias port {} to {}: too many aliases or connection closing", aliasPort, c);
            return false;
        }
        return true;
    }

    /** Bytes queued on {@code c} that the kernel has not taken yet (what tcp_conn_wq_max bounds); tests read it. */
    long queuedBytes(Connection c) {
        WriteQueue q = c.writes;
        return q == null ? 0 : q.queued();
    }

    /** Bytes queued on all connections (what tcp_wq_max bounds). */
    public long queuedBytes() {
        return writeLimits.queued();
    }

    /** Connections refused because tcp_max_connections was reached (accepted and outbound). */
    public long refusedConnections() {
        return refusedConnections.get();
    }

    /**
     * Opens a TCP or TLS connection to {@code d}; the message is written once it is up. A connect
     * that fails (refused, or not up within tcp_connect_timeout) or a first write that fails is told
     * to {@code lateFailure} (may be null).
     */
    boolean connect(Destination d, byte[] message, SendListener lateFailure) {
        if (table.size() >= tcp.maxConnections() && !eviction.makeRoom(tcp.maxConnections())) {
            refusedConnections.incrementAndGet();
            LOG.warn("maximum number of connections exceeded ({}): not connecting to {}", tcp.maxConnections(), d);
            return false;
        }
        Protocol family = d.protocol();
        Bootstrap b = new Bootstrap().group(group).channel(CLIENT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, tcp.connectTimeout() * 1000);
        // Kamailio opens from the forced send socket's IP, so the connection's local side is what a
        // later lookup under tcp_connection_match=1 asks for; with tcp_reuse_port it binds the
        // socket's port too (SO_REUSEPORT on both the listener and the outbound socket), which is
        // why a lookup under reuse_port then demands the exact local port.
        InetSocketAddress from = null;
        SendSocket forced = d.forcedSocket();
        boolean sharePort = forced != null && table.reusePort() && EPOLL;
        if (forced != null) {
            from = new InetSocketAddress(forced.local().getAddress(), sharePort ? forced.local().getPort() : 0);
        }
        b.handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) throws java.io.IOException {
                        if (sharePort) {
                            // runs at registration, before the bind: Netty's client channel config
                            // has no SO_REUSEPORT, the socket underneath does
                            ((io.netty.channel.unix.Socket) ((EpollSocketChannel) ch).fd()).setReusePort(true);
                        }
                        configure(ch);
                        if (family == Protocol.TLS) {
                            TlsHandshake.connectOn(ch, clientTls.newHandler(ch.alloc(), d.address().getHostString(), d.address().getPort()),
                                    tcp.connectTimeout() * 1000L, connectionStats);
                        }
                        ch.pipeline().addLast(new Registrar(family, message, d, lateFailure), new StreamHandler());
                    }
                });
        (from == null ? b.connect(d.address()) : b.connect(d.address(), from)).addListener(f -> {
            if (!f.isSuccess()) {
                traffic.failed(TrafficStats.SendFailure.CONNECT_FAILED);
                LOG.warn("connect to {} failed: {}", d, f.cause().toString());
                tell(lateFailure, d, TrafficStats.SendFailure.CONNECT_FAILED);
            }
        });
        return true;
    }

    /** Tells a send's late failure to whoever waits for it; nothing it throws reaches Netty. */
    private static void tell(SendListener listener, Destination d, TrafficStats.SendFailure reason) {
        if (listener == null) {
            return;
        }
        try {
            listener.failed(d, reason);
        } catch (RuntimeException e) {
            LOG.error("send failure listener for {} failed: {}", d, e.toString(), e);
        }
    }

    /**
     * Queues {@code message} on the connection; false when it would pass tcp_conn_wq_max (the
     * connection is then closed and the failure counted).
     */
    boolean write(Connection c, byte[] message) {
        c.touch();
        // one message per frame; text when it is UTF-8, as Kamailio's websocket module does
        Object out = !c.protocol().isWebSocket() ? Unpooled.wrappedBuffer(message)
                : isUtf8(message) ? new TextWebSocketFrame(Unpooled.wrappedBuffer(message))
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message));
        return c.writes.write(out, message.length);
    }

    /**
     * Whether {@code b} is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most
     * U+10FFFF), checked in place: a WebSocket text frame must carry UTF-8, anything else goes binary.
     */
    static boolean isUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int extra;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                extra = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                extra = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                extra = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + extra >= n) { // truncated sequence
                return false;
            }
            int cp = c & (0x3F >> extra);
            for (int k = 1; k <= extra; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += extra + 1;
        }
        return true;
    }

    /** Datagrams: one datagram, one message. */
    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        static final io.netty.util.AttributeKey<SendSocket> SOCKET = io.netty.util.AttributeKey.valueOf("sipway.socket");

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            byte[] bytes = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), bytes);
            ReceiveInfo from = new ReceiveInfo(Protocol.UDP, packet.sender(), ctx.channel().attr(SOCKET).get(), 0);
            StunResponder s = stun;
            if (s != null && bytes.length > 0 && StunResponder.startsStun(bytes[0])) {
                stunOverUdp(ctx, s, bytes, from);
                return;
            }
            deliver(bytes, from);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("udp {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }

    /** A datagram the STUN responder takes: its answer leaves from the socket that read it, to the sender. */
    private void stunOverUdp(ChannelHandlerContext ctx, StunResponder s, byte[] bytes, ReceiveInfo from) {
        byte[] answer;
        try {
            answer = s.answer(bytes, from);
        } catch (RuntimeException e) { // no exception escapes a network handler
            LOG.error("STUN message from {} failed: {}", from.source(), e.toString(), e);
            return;
        }
        if (answer != null) {
            ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(answer), from.source()));
        }
    }

    private void deliver(byte[] bytes, ReceiveInfo info) {
        traffic.received(info.protocol(), bytes);
        if (info.protocol().isWebSocket()) { // TCP and TLS streams tell it themselves, with the connection at hand
            eviction.carriedSip(table.byId(info.connectionId()));
        }
        try {
            NetData rewrite = netData;
            if (rewrite != null) {
                bytes = rewrite.received(bytes, info);
            }
            inbound.onMessage(bytes, info);
        } catch (RuntimeException e) { // no exception escapes a network handler
            LOG.error("message from {} {} failed in the layer above: {}", info.protocol().text(), info.source(), e.toString(), e);
        }
    }

    /**
     * Keeps a TCP/TLS connection in the table while it is open (from connect/accept to close), and
     * writes the first message of an outbound connection.
     */
    private final class Registrar extends ChannelInboundHandlerAdapter {
        private final Protocol family;
        private final byte[] firstMessage;
        private final Destination destination;
        private final SendListener lateFailure;
        private Connection connection;

        Registrar(Protocol family, byte[] firstMessage, Destination destination, SendListener lateFailure) {
            this.family = family;
            this.firstMessage = firstMessage;
            this.destination = destination;
            this.lateFailure = lateFailure;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connection = table.add(family, (InetSocketAddress) ctx.channel().remoteAddress(),
                    (InetSocketAddress) ctx.channel().localAddress());
            connection.writes = new WriteQueue(ctx.channel(), connection, writeLimits);
            connection.handle = ctx.channel(); // volatile: publishes the write queue with it
            ctx.channel().attr(CONNECTION).set(connection);
            if (destination == null) { // accepted: evictable until it carries SIP
                eviction.accepted(connection);
            }
            if (firstMessage != null) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(firstMessage)).addListener(f -> {
                    if (!f.isSuccess()) { // e.g. the TLS handshake failed: the message never left
                        tell(lateFailure, destination, TrafficStats.SendFailure.CONNECT_FAILED);
                    }
                });
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (connection != null) {
                table.remove(connection);
                eviction.closed(connection);
                java.util.function.Consumer<ReceiveInfo> closed = webSocketClosed;
                Protocol p = connection.protocol();
                if (closed != null && (p == Protocol.WS || p == Protocol.WSS)) {
                    try {
                        closed.accept(new ReceiveInfo(p, connection.remote(),
                                new SendSocket(p == Protocol.WSS ? Protocol.TLS : Protocol.TCP, connection.local()), connection.id()));
                    } catch (RuntimeException e) {
                        LOG.error("websocket closed handler failed for {}: {}", connection, e.toString(), e);
                    }
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeOnError(ctx, cause);
        }
    }

    /** No exception escapes a network handler: log it with the connection (a reset is only counted) and close the connection. */
    private void closeOnError(ChannelHandlerContext ctx, Throwable cause) {
        Connection c = ctx.channel().attr(CONNECTION).get();
        if (PeerReset.is(cause)) { // the peer went away: normal, counted
            connectionStats.add(ConnectionStats.Event.PEER_RESET);
            LOG.debug("closing {}: reset by the peer ({})", c, cause.getMessage());
        } else if (TlsHandshake.hasFailed(ctx.channel())) { // TlsHandshake counted it and said what it needed to
            LOG.debug("closing {}: {}", c, cause.toString());
        } else {
            LOG.warn("closing {}: {}", c, cause.toString());
        }
        ctx.close();
    }

    /**
     * SIP on a TCP/TLS stream: frames it with sip-parser's {@link StreamFramer} and answers a CRLF
     * ping with a pong. A framing error closes the connection (no resynchronisation).
     */
    private final class StreamHandler extends ChannelInboundHandlerAdapter {
        private final StreamFramer framer = new StreamFramer(streamConfig);
        private ByteBuf pending;
        private SendSocket localSocket;
        private MessageReadDeadline readDeadline;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            pending = ctx.alloc().heapBuffer(1024);
            readDeadline = new MessageReadDeadline(ctx.channel(), tcp.messageReadTimeout(), connectionStats);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeOnError(ctx, cause);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (pending != null) {
                pending.release();
                pending = null;
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            Connection connection = ctx.channel().attr(CONNECTION).get();
            connection.touch();
            if (localSocket == null) {
                localSocket = new SendSocket(connection.protocol(), connection.local());
            }
            try {
                pending.writeBytes(in);
            } finally {
                in.release();
            }
            boolean completed = false;
            try {
                while (pending.isReadable()) {
                    byte[] array = pending.array();
                    int off = pending.arrayOffset() + pending.readerIndex();
                    int n = framer.next(array, off, pending.readableBytes());
                    if (n == 0) {
                        break;
                    }
                    completed = true;
                    if (framer.kind() == StreamFramer.Kind.MESSAGE) {
                        eviction.carriedSip(connection);
                        byte[] message = new byte[n];
                        pending.readBytes(message);
                        deliver(message, new ReceiveInfo(connection.protocol(), connection.remote(), localSocket, connection.id()));
                    } else {
                        pending.skipBytes(n);
                        if (framer.kind() == StreamFramer.Kind.PING && tcp.crlfPing()) { // tcp_crlf_ping=no: consumed silently
                            connection.writes.write(Unpooled.wrappedBuffer(new byte[] {'\r', '\n'}), 2); // RFC 5626 3.5.1 pong
                        }
                    }
                }
                pending.discardReadBytes();
                readDeadline.afterRead(pending, completed);
            } catch (SipParseException e) {
                droppedFrames.incrementAndGet();
                LOG.warn("closing {}: {} ({} bytes unread)", connection, e.getMessage(), pending.readableBytes());
                ctx.close();
            }
        }
    }

    @Override
    public void close() {
        webSockets.stop();
        for (Channel ch : udpChannels) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (Channel ch : serverChannels) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
