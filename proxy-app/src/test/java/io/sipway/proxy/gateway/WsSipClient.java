package io.sipway.proxy.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SIP user agent over WebSocket, as a browser running JsSIP or SIP.js is to the gateway, written
 * on Netty's WebSocket client: it opens a WS or WSS connection with subprotocol {@code sip}, names
 * itself by an unreachable {@code .invalid} host in Via and Contact ({@code transport=ws} for both
 * WS and WSS, as a URI can only say), registers, and answers calls: 180 and 200 to an INVITE, 200
 * to a BYE. With {@link #autoAnswer} it does that by itself; otherwise the test reads each message
 * with {@link #next}. Pings are answered with pongs (Netty's protocol handler), as browsers do.
 *
 * <p>All clients share two event loops: a thousand of them cost the test JVM two threads.
 */
public final class WsSipClient implements AutoCloseable {
    private static final int MAX_MESSAGE = 65536;
    private static final EventLoopGroup LOOPS =
            new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("ws-sip-client", true), NioIoHandler.newFactory());
    private static final SslContext TRUST_ANY;

    static {
        try {
            TRUST_ANY = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        } catch (javax.net.ssl.SSLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String user;
    private final String domain;
    private final String host;
    private final String viaTransport;
    private final Channel channel;
    private final BlockingQueue<SipMessage> received = new LinkedBlockingQueue<>();
    private final AtomicInteger cseq;
    private volatile boolean autoAnswer;
    /** Calls answered and BYEs answered in auto-answer mode. */
    final AtomicInteger answered = new AtomicInteger();
    private final java.util.Set<String> answeredCalls = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final AtomicInteger byes = new AtomicInteger();
    private final AtomicInteger sendErrors = new AtomicInteger();

    /**
     * Connects and completes the WebSocket handshake (10 s at most).
     *
     * @param uri {@code ws://127.0.0.1:8080/} or {@code wss://127.0.0.1:4443/} (the server certificate is not checked)
     */
    WsSipClient(URI uri, String user, String domain) {
        this(uri, user, domain, UUID.randomUUID().toString().substring(0, 12) + ".invalid", 1);
    }

    /**
     * A client that names itself {@code host} in its Contact and Call-ID and numbers its requests from
     * {@code firstCseq}: a browser that reconnects keeps its Contact (JsSIP makes it once per UA), so
     * its new REGISTER updates its binding rather than adding one.
     */
    public WsSipClient(URI uri, String user, String domain, String host, int firstCseq) {
        this.user = user;
        this.domain = domain;
        this.host = host;
        this.cseq = new AtomicInteger(firstCseq);
        boolean secure = uri.getScheme().equalsIgnoreCase("wss");
        this.viaTransport = secure ? "WSS" : "WS";
        CompletableFuture<Void> handshake = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(LOOPS).channel(NioSocketChannel.class).option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (secure) {
                            ch.pipeline().addLast(TRUST_ANY.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_MESSAGE),
                                new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(
                                        uri, WebSocketVersion.V13, "sip", false, new DefaultHttpHeaders(), MAX_MESSAGE)),
                                new WebSocketFrameAggregator(MAX_MESSAGE), new Receiver(handshake));
                    }
                });
        try {
            this.channel = b.connect(uri.getHost(), uri.getPort()).sync().channel();
            handshake.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(user + ": no WebSocket to " + uri + ": " + e, e);
        }
    }

    private final class Receiver extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final CompletableFuture<Void> handshake;

        Receiver(CompletableFuture<Void> handshake) {
            this.handshake = handshake;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshake.complete(null);
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                handshake.completeExceptionally(new IllegalStateException("handshake timed out"));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshake.completeExceptionally(new IllegalStateException("connection closed"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                handle(frame.content().toString(StandardCharsets.UTF_8));
            }
        }
    }

    private void handle(String text) {
        SipMessage m;
        try {
            m = SipParser.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return;
        }
        if (autoAnswer && m.isRequest()) {
            switch (m.methodName()) {
                case "INVITE" -> {
                    sendAsync(reply(m, 180, "Ringing"));
                    sendAsync(reply(m, 200, "OK"));
                    if (answeredCalls.add(m.callId())) { // a retransmitted INVITE is answered again, counted once
                        answered.incrementAndGet();
                    }
                    return;
                }
                case "BYE" -> {
                    sendAsync(reply(m, 200, "OK"));
                    byes.incrementAndGet();
                    return;
                }
                case "ACK" -> {
                    return;
                }
                default -> {
                    sendAsync(reply(m, 200, "OK"));
                    return;
                }
            }
        }
        received.add(m);
    }

    /** From now on INVITE gets 180 and 200, BYE gets 200, ACK is taken; nothing is queued. */
    public void autoAnswer() {
        autoAnswer = true;
    }

    public String user() {
        return user;
    }

    /** The Contact this client registers: {@code sip:user@<random>.invalid;transport=ws}. */
    public String contact() {
        return "sip:" + user + "@" + host + ";transport=ws";
    }

    /** Sends one message and waits until it is written (from a test's thread). */
    public void send(String text) {
        try {
            sendAsync(text).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            sendErrors.incrementAndGet();
        }
    }

    /** One text frame; Netty keeps the order of writes, so auto-answering on the event loop uses this. */
    private io.netty.channel.ChannelFuture sendAsync(String text) {
        return channel.writeAndFlush(new TextWebSocketFrame(text)).addListener(f -> {
            if (!f.isSuccess()) {
                sendErrors.incrementAndGet();
            }
        });
    }

    /** The next message the gateway sent this client, or an AssertionError after {@code within}. */
    public SipMessage next(Duration within) {
        try {
            SipMessage m = received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError(user + ": nothing received in " + within.toMillis() + " ms");
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next request of that method, skipping nothing: any other message first is a failure. */
    SipMessage nextRequest(String method, Duration within) {
        SipMessage m = next(within);
        if (!m.isRequest() || !m.methodName().equals(method)) {
            throw new AssertionError(user + ": expected " + method + ", got " + firstLine(m));
        }
        return m;
    }

    /** The next final reply (provisional ones skipped). */
    public SipMessage nextFinal(Duration within) {
        while (true) {
            SipMessage m = next(within);
            if (m.isResponse() && m.statusCode() >= 200) {
                return m;
            }
        }
    }

    private static String firstLine(SipMessage m) {
        String s = new String(m.toBytes(), StandardCharsets.UTF_8);
        int nl = s.indexOf('\r');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** REGISTER for {@code expires} seconds; returns the final reply. */
    public SipMessage register(int expires, Duration within) {
        send(registerRequest(expires));
        return nextFinal(within);
    }

    String registerRequest(int expires) {
        return "REGISTER sip:" + domain + " SIP/2.0\r\n"
                + via()
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@" + domain + ">;tag=" + user + "-reg\r\n"
                + "To: <sip:" + user + "@" + domain + ">\r\n"
                + "Call-ID: reg-" + user + "-" + host + "\r\n"
                + "CSeq: " + cseq.getAndIncrement() + " REGISTER\r\n"
                + "Contact: <" + contact() + ">;expires=" + expires + "\r\n"
                + "User-Agent: Sipway WsSipClient\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private String via() {
        return "Via: SIP/2.0/" + viaTransport + " " + host + ";branch=z9hG4bK" + UUID.randomUUID().toString().replace("-", "") + "\r\n";
    }

    /** A reply to a request received: Vias, From, To (tagged), Call-ID, CSeq; Record-Route and Contact on 18x/2xx. */
    String reply(SipMessage req, int code, String reason) {
        StringBuilder b = new StringBuilder("SIP/2.0 " + code + " " + reason + "\r\n");
        for (String v : req.headers("Via")) {
            b.append("Via: ").append(v).append("\r\n");
        }
        if (code > 100 && code < 300) {
            for (String rr : req.headers("Record-Route")) {
                b.append("Record-Route: ").append(rr).append("\r\n");
            }
        }
        b.append("From: ").append(req.header("From")).append("\r\n");
        String to = req.header("To");
        b.append("To: ").append(to).append(req.toTag() == null && code > 100 ? ";tag=" + user + "-dlg" : "").append("\r\n");
        b.append("Call-ID: ").append(req.callId()).append("\r\n");
        b.append("CSeq: ").append(req.header("CSeq")).append("\r\n");
        if (code > 100 && code < 300 && !"BYE".equals(req.methodName())) {
            b.append("Contact: <").append(contact()).append(">\r\n");
        }
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString();
    }

    /**
     * A BYE ending the dialog an INVITE received here opened (we are its UAS): to the caller's
     * Contact, through the route set the INVITE's Record-Route gave, in their order.
     */
    String byeFor(SipMessage invite) {
        String contact = invite.header("Contact");
        String target = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>') > 0 ? contact.indexOf('>') : contact.length());
        if (!contact.contains("<")) {
            target = contact.trim();
        }
        StringBuilder b = new StringBuilder("BYE " + target + " SIP/2.0\r\n");
        b.append(via());
        List<String> routes = invite.headers("Record-Route");
        for (String r : routes) {
            b.append("Route: ").append(r).append("\r\n");
        }
        b.append("Max-Forwards: 70\r\n");
        b.append("From: ").append(invite.header("To")).append(";tag=").append(user).append("-dlg\r\n");
        b.append("To: ").append(invite.header("From")).append("\r\n");
        b.append("Call-ID: ").append(invite.callId()).append("\r\n");
        b.append("CSeq: ").append(100 + cseq.getAndIncrement()).append(" BYE\r\n");
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString();
    }

    int sendErrors() {
        return sendErrors.get();
    }

    @Override
    public void close() {
        try {
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "bye")).sync();
            channel.closeFuture().await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            channel.close();
        }
    }

    /** Calls answered in auto-answer mode. */
    public int answeredCalls() {
        return answered.get();
    }

    /** Whether the WebSocket connection is still up. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** The next CSeq number this client would use. */
    public int nextCseq() {
        return cseq.get();
    }

    /** Drops the connection without a closing handshake, as a browser tab that is killed. */
    public void abort() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
