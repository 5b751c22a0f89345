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
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N browsers for the gateway load of benchmarks/run.sh: each opens a WSS (or WS) connection with
 * subprotocol sip, registers user0000... at 127.0.0.1 with an .invalid Contact (transport=ws), and
 * answers every INVITE with 180 and 200 and every BYE with 200. As a browser's SIP stack does, a
 * REGISTER unanswered after 5 s is sent again (CSeq + 1), and a 200 to an INVITE is sent again until
 * its ACK arrives (RFC 3261 13.3.1.4: 500 ms, doubling up to 4 s, for 32 s), so that a 200 the
 * caller's side lost under load ends as a slower call, not a failed one. Prints "registered N", then serves
 * until a line (or end of file) arrives on standard input and prints "answered A byes B". Run with
 * Sipway's jar on the class path (Netty):
 *   java -cp proxy-app/target/sipway.jar benchmarks/tools/WssBrowsers.java wss://127.0.0.1:8461/ 200
 * The server certificate is not checked: a load tool on loopback.
 */
public class WssBrowsers {
    static final AtomicLong answered = new AtomicLong();
    static final AtomicLong byes = new AtomicLong();

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int n = Integer.parseInt(args[1]);
        boolean secure = uri.getScheme().equals("wss");
        SslContext tls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CountDownLatch registered = new CountDownLatch(n);
        List<Channel> channels = new ArrayList<>();
        List<Browser> browsers = new java.util.concurrent.CopyOnWriteArrayList<>();
        String run = Long.toHexString(System.nanoTime());
        for (int i = 0; i < n; i++) {
            String user = String.format("user%04d", i);
            String host = "b" + i + ".invalid";
            Bootstrap b = new Bootstrap().group(loops).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (secure) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                    }
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                            new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13,
                                    "sip", false, new DefaultHttpHeaders(), 65536)),
                            new WebSocketFrameAggregator(65536), track(browsers, new Browser(user, host, secure ? "WSS" : "WS", run, registered)));
                }
            });
            channels.add(b.connect(uri.getHost(), uri.getPort()).sync().channel());
            if (i % 50 == 49) {
                Thread.sleep(20); // do not make the gateway's accept queue the thing measured
            }
        }
        loops.next().scheduleAtFixedRate(() -> {
            for (Browser b : browsers) {
                b.registerAgainIfUnanswered();
            }
        }, 5, 5, TimeUnit.SECONDS);
        if (!registered.await(120, TimeUnit.SECONDS)) {
            System.out.println("registered " + (n - registered.getCount()) + " of " + n);
            System.exit(1);
        }
        System.out.println("registered " + n);
        System.out.flush();
        System.in.read();
        System.out.println("answered " + answered.get() + " byes " + byes.get());
        for (Channel c : channels) {
            c.close();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    static Browser track(List<Browser> all, Browser b) {
        all.add(b);
        return b;
    }

    static final class Browser extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        final String user;
        final String host;
        final String via;
        final String run;
        final CountDownLatch registered;
        volatile boolean counted;
        volatile ChannelHandlerContext ctx;
        volatile long registerSent;
        int cseq;
        /** 200s to INVITEs still waiting for their ACK, by Call-ID; only this connection's loop touches it. */
        final Map<String, String> unacknowledged = new HashMap<>();

        Browser(String user, String host, String via, String run, CountDownLatch registered) {
            this.user = user;
            this.host = host;
            this.via = via;
            this.run = run;
            this.registered = registered;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                this.ctx = ctx;
                register();
            }
            ctx.fireUserEventTriggered(evt);
        }

        void register() {
            cseq++;
            registerSent = System.nanoTime();
            ctx.writeAndFlush(new TextWebSocketFrame("REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                    + "Via: SIP/2.0/" + via + " " + host + ";branch=z9hG4bK-reg-" + user + "-" + cseq + "\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:" + user + "@127.0.0.1>;tag=r-" + user + "\r\n"
                    + "To: <sip:" + user + "@127.0.0.1>\r\nCall-ID: reg-" + user + "-" + run + "\r\nCSeq: " + cseq + " REGISTER\r\n"
                    + "Contact: <sip:" + user + "@" + host + ";transport=ws>;expires=3600\r\nContent-Length: 0\r\n\r\n"));
        }

        /** From the timer: a REGISTER without its 200 for 5 s goes again, on this connection's loop. */
        void registerAgainIfUnanswered() {
            ChannelHandlerContext c = ctx;
            if (c != null && !counted && System.nanoTime() - registerSent > 5_000_000_000L) {
                c.executor().execute(this::register);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            String m = frame.text();
            if (m.startsWith("SIP/2.0 200") && !counted && m.contains(" REGISTER\r\n")) {
                counted = true;
                registered.countDown();
            } else if (m.startsWith("INVITE ")) {
                String ok = reply(m, "200 OK", true);
                String callId = callId(m);
                ctx.write(new TextWebSocketFrame(reply(m, "180 Ringing", true)));
                ctx.writeAndFlush(new TextWebSocketFrame(ok));
                if (unacknowledged.put(callId, ok) == null) {
                    answered.incrementAndGet();
                    ctx.executor().schedule(() -> retransmit(ctx, callId, 500, 500), 500, TimeUnit.MILLISECONDS);
                }
            } else if (m.startsWith("ACK ")) {
                unacknowledged.remove(callId(m));
            } else if (m.startsWith("BYE ")) {
                ctx.writeAndFlush(new TextWebSocketFrame(reply(m, "200 OK", false)));
                byes.incrementAndGet();
            }
        }

        /** Sends the 200 again while its ACK has not come: every {@code interval} ms, doubling up to 4 s, for 32 s. */
        void retransmit(ChannelHandlerContext ctx, String callId, long interval, long waited) {
            String ok = unacknowledged.get(callId);
            if (ok == null || !ctx.channel().isActive()) {
                return;
            }
            if (waited >= 32_000) {
                unacknowledged.remove(callId);
                return;
            }
            ctx.writeAndFlush(new TextWebSocketFrame(ok));
            long next = Math.min(interval * 2, 4_000);
            ctx.executor().schedule(() -> retransmit(ctx, callId, next, waited + next), next, TimeUnit.MILLISECONDS);
        }

        static String callId(String message) {
            for (String line : message.split("\r\n")) {
                String lower = line.toLowerCase();
                if (lower.startsWith("call-id:") || lower.startsWith("i:")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
            return "";
        }

        /** A reply: the request's Vias, Record-Routes (dialog-making replies), From, To (tagged), Call-ID, CSeq. */
        String reply(String req, String status, boolean dialog) {
            StringBuilder b = new StringBuilder("SIP/2.0 ").append(status).append("\r\n");
            for (String line : req.split("\r\n")) {
                String lower = line.toLowerCase();
                if (lower.startsWith("via:") || lower.startsWith("from:") || lower.startsWith("call-id:") || lower.startsWith("cseq:")
                        || (dialog && lower.startsWith("record-route:"))) {
                    b.append(line).append("\r\n");
                } else if (lower.startsWith("to:")) {
                    b.append(line).append(line.contains(";tag=") ? "" : ";tag=" + user).append("\r\n");
                } else if (line.isEmpty()) {
                    break;
                }
            }
            if (dialog) {
                b.append("Contact: <sip:").append(user).append('@').append(host).append(";transport=ws>\r\n");
            }
            return b.append("Content-Length: 0\r\n\r\n").toString();
        }
    }
}
