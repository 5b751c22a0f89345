import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N browsers for the gateway load of benchmarks/run.sh: each opens a WSS (or WS) connection with
 * subprotocol sip, registers user0000... at 127.0.0.1 with an .invalid Contact (transport=ws), and
 * answers every INVITE with 180 and 200 and every BYE with 200. As a browser's SIP stack does, a
 * REGISTER unanswered after 5 s is sent again (CSeq + 1), and a 200 to an INVITE is sent again until
 * its ACK arrives (RFC 3261 13.3.1.4: 500 ms, doubling up to 4 s, for 32 s), so that a 200 the
 * caller's side lost under load ends as a slower call, not a failed one. Prints "registered N", then serves
 * until a line (or end of file) arrives on standard input and prints "answered A byes B reconnects R
 * busy_closes C failed_reconnects F"; the line "churn off" only stops the churn below (printing
 * "churn stopped, reconnects R" once its reconnection under way is over). Run with Sipway's jar on the class path (Netty):
 *   java -cp proxy-app/target/sipway.jar benchmarks/tools/WssBrowsers.java wss://127.0.0.1:8461/ 200 [CHURN_SECONDS]
 * With CHURN_SECONDS (the soak of benchmarks/run.sh), browsers connect and vanish: every
 * CHURN_SECONDS one browser, in turn, is reloaded as a browser tab is: a new connection registers
 * the same user and Contact under a new Call-ID (the binding moves to it), then the old connection,
 * once it has no call in progress and got no INVITE for a second (the calls the proxy routed to it
 * before the new binding end there), closes without unregistering and without a WebSocket close:
 * a TCP close one time, a reset (SO_LINGER 0) the next. No call is routed to a vanishing connection:
 * one closed with a call still in progress (none in 35 s) counts in busy_closes. Each reconnection
 * prints "reconnect R USER".
 * The server certificate is not checked: a load tool on loopback.
 */
public class WssBrowsers {
    /** -Dbrowsers.sdp=webrtc: the 200 to an INVITE carries a browser's SDP (the media path of run.sh load). */
    static final boolean ANSWER_SDP = "webrtc".equals(System.getProperty("browsers.sdp"));

    static final AtomicLong answered = new AtomicLong();
    static final AtomicLong byes = new AtomicLong();
    static final AtomicLong reconnects = new AtomicLong();
    static final AtomicLong busyCloses = new AtomicLong();
    static final AtomicLong failedReconnects = new AtomicLong();
    static final List<Browser> browsers = new CopyOnWriteArrayList<>();
    /**
     * Browsers between their connect and their first 200 at most: on a busy machine a burst of TLS
     * handshakes outlasts the handshake timeouts (the proxy's and ours), each waiting for the others.
     */
    static final Semaphore connecting = new Semaphore(8);
    static final String run = Long.toHexString(System.nanoTime());
    static URI uri;
    static boolean secure;
    static SslContext tls;
    static EventLoopGroup loops;

    public static void main(String[] args) throws Exception {
        uri = URI.create(args[0]);
        int n = Integer.parseInt(args[1]);
        double churnSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        secure = uri.getScheme().equals("wss");
        tls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CountDownLatch registered = new CountDownLatch(n);
        Browser[] slots = new Browser[n];
        for (int i = 0; i < n; i++) {
            slots[i] = open(i, "reg-" + user(i) + "-" + run, registered);
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
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn = new Thread(() -> churn(slots, (long) (churnSeconds * 1000), stop), "churn");
        churn.setDaemon(true);
        if (churnSeconds > 0) {
            churn.start();
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); "churn off".equals(line); line = in.readLine()) {
            stop.set(true); // the reconnection under way ends first (its old connection's calls end there)
            churn.join(90_000);
            System.out.println("churn stopped, reconnects " + reconnects.get());
            System.out.flush();
        }
        stop.set(true);
        churn.interrupt();
        churn.join(5_000);
        System.out.println("answered " + answered.get() + " byes " + byes.get() + " reconnects " + reconnects.get()
                + " busy_closes " + busyCloses.get() + " failed_reconnects " + failedReconnects.get());
        for (Browser b : browsers) {
            b.channel.close();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    static String user(int i) {
        return String.format("user%04d", i);
    }

    /** Browser i on a new connection, registering with that Call-ID; counts down {@code registered} at its first 200. */
    static Browser open(int i, String callId, CountDownLatch registered) throws InterruptedException {
        Browser browser = new Browser(user(i), "b" + i + ".invalid", secure ? "WSS" : "WS", callId, registered);
        Bootstrap b = new Bootstrap().group(loops).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (secure) {
                    SslHandler handshake = tls.newHandler(ch.alloc(), uri.getHost(), uri.getPort());
                    handshake.setHandshakeTimeoutMillis(60_000); // Netty's 10 s is too short on a machine SIPp keeps busy
                    ch.pipeline().addLast(handshake);
                }
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                        new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13,
                                "sip", false, new DefaultHttpHeaders(), 65536)),
                        new WebSocketFrameAggregator(65536), browser);
            }
        });
        browsers.add(browser);
        connecting.acquire();
        browser.holdsPermit.set(true);
        try {
            browser.channel = b.connect(uri.getHost(), uri.getPort()).sync().channel();
        } catch (Throwable e) { // Netty rethrows a failed connect's cause, checked or not
            browser.releasePermit();
            throw e;
        }
        return browser;
    }

    /** Until stopped: every {@code everyMs} the next browser in turn reloads (see the class comment). */
    static void churn(Browser[] slots, long everyMs, AtomicBoolean stop) {
        long next = System.currentTimeMillis() + everyMs;
        for (int turn = 0; !stop.get(); turn++) {
            try {
                Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
                if (stop.get()) {
                    return;
                }
                next = System.currentTimeMillis() + everyMs;
                int k = turn % slots.length;
                Browser old = slots[k];
                CountDownLatch up = new CountDownLatch(1);
                Browser fresh = open(k, "reg-" + user(k) + "-" + run + "-" + (turn + 1), up);
                if (!up.await(30, TimeUnit.SECONDS)) {
                    System.out.println("reconnect of " + user(k) + " failed: no 200 to its REGISTER in 30 s");
                    failedReconnects.incrementAndGet();
                    fresh.vanish(false);
                    continue;
                }
                slots[k] = fresh;
                if (!old.awaitQuiet(1_000, 35_000)) {
                    busyCloses.incrementAndGet();
                    System.out.println("busy close of " + user(k) + ": calls in progress " + old.inProgress + ", 200s unacknowledged "
                            + old.unacknowledged.keySet());
                }
                old.vanish(turn % 2 == 1);
                System.out.println("reconnect " + reconnects.incrementAndGet() + " " + user(k));
                System.out.flush();
            } catch (InterruptedException e) {
                return; // stopped
            }
        }
    }

    static final class Browser extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        final String user;
        final String host;
        final String via;
        final String registerCallId;
        final CountDownLatch registered;
        volatile Channel channel;
        volatile boolean counted;
        volatile ChannelHandlerContext ctx;
        volatile long registerSent;
        int cseq;
        /** 200s to INVITEs still waiting for their ACK, by Call-ID (the churn thread asks whether any is left). */
        final Map<String, String> unacknowledged = new ConcurrentHashMap<>();
        /** Calls answered here whose BYE has not come yet, by Call-ID. */
        final Set<String> inProgress = ConcurrentHashMap.newKeySet();
        volatile long lastInvite = System.nanoTime();
        final AtomicBoolean holdsPermit = new AtomicBoolean();

        Browser(String user, String host, String via, String registerCallId, CountDownLatch registered) {
            this.user = user;
            this.host = host;
            this.via = via;
            this.registerCallId = registerCallId;
            this.registered = registered;
        }

        /**
         * Waits (the churn thread) until no call is in progress here and no INVITE came for {@code quietMs}, counted
         * from now at the earliest; false when that did not happen within {@code maxMs}.
         */
        boolean awaitQuiet(long quietMs, long maxMs) throws InterruptedException {
            long from = System.nanoTime();
            long deadline = from + maxMs * 1_000_000;
            while (System.nanoTime() < deadline) {
                long quietSince = Math.max(from, lastInvite);
                if (inProgress.isEmpty() && unacknowledged.isEmpty() && System.nanoTime() - quietSince >= quietMs * 1_000_000) {
                    return true;
                }
                Thread.sleep(100);
            }
            return false;
        }

        void releasePermit() {
            if (holdsPermit.compareAndSet(true, false)) {
                connecting.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            releasePermit();
            super.channelInactive(ctx);
        }

        /** Gone without a word: no REGISTER with expires 0, no WebSocket close; a reset instead of a close when asked. */
        void vanish(boolean reset) {
            browsers.remove(this);
            Channel c = channel;
            if (c != null) {
                if (reset) {
                    c.config().setOption(ChannelOption.SO_LINGER, 0);
                }
                c.close();
            }
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
                    + "To: <sip:" + user + "@127.0.0.1>\r\nCall-ID: " + registerCallId + "\r\nCSeq: " + cseq + " REGISTER\r\n"
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
                releasePermit();
                registered.countDown();
            } else if (m.startsWith("INVITE ")) {
                String ok = reply(m, "200 OK", true);
                String callId = callId(m);
                lastInvite = System.nanoTime();
                inProgress.add(callId);
                ctx.write(new TextWebSocketFrame(reply(m, "180 Ringing", true)));
                ctx.writeAndFlush(new TextWebSocketFrame(ok));
                if (unacknowledged.put(callId, ok) == null) {
                    answered.incrementAndGet();
                    ctx.executor().schedule(() -> retransmit(ctx, callId, 500, 500), 500, TimeUnit.MILLISECONDS);
                }
            } else if (m.startsWith("ACK ")) {
                unacknowledged.remove(callId(m));
            } else if (m.startsWith("BYE ")) {
                inProgress.remove(callId(m));
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
        /**
         * An answer as Chrome writes one (DTLS-SRTP, ICE, rtcp-mux), for the gateway's media relay to take
         * (-Dbrowsers.sdp=webrtc): nothing listens on its port, the benchmark measures signalling and control.
         */
        String webRtcAnswer() {
            return "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                    + "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8\r\nc=IN IP4 127.0.0.1\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
                    + "a=candidate:1 1 udp 2122260223 127.0.0.1 " + (40000 + Math.floorMod(user.hashCode(), 20000)) + " typ host generation 0\r\n"
                    + "a=ice-ufrag:Sw4y\r\na=ice-pwd:sipwaybenchmarkicepassword\r\na=ice-options:trickle\r\n"
                    + "a=fingerprint:sha-256 7C:3E:1A:55:90:2B:44:D1:0F:6E:83:9A:21:C4:5D:B7:E2:08:19:AF:3C:66:D4:71:8B:02:E9:5F:A3:14:C8:90\r\n"
                    + "a=setup:active\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n"
                    + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n";
        }

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
            if (ANSWER_SDP && status.startsWith("200") && req.startsWith("INVITE ")) {
                String sdp = webRtcAnswer();
                return b.append("Content-Type: application/sdp\r\nContent-Length: ").append(sdp.length()).append("\r\n\r\n")
                        .append(sdp).toString();
            }
            return b.append("Content-Length: 0\r\n\r\n").toString();
        }
    }
}
