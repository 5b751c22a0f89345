package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.slf4j.LoggerFactory;

/**
 * Garbled HTTP upgrade requests and WebSocket frames, fed to a real WS/WSS listener. Whatever comes:
 * no exception reaches the end of a pipeline (Netty would log it), nothing is logged as an error, no
 * buffer leaks (Netty's paranoid leak detector), whatever the server answers is well-formed, and no
 * connection is held: the server closes it within the read timeout, or it is a WebSocket, which then
 * still reads (bytes that cannot be a frame close it at once), or it turned out to speak SIP (whose
 * reads are bounded elsewhere). Tries of each socket property: {@code -Dsipway.fuzz.tries=N} (200
 * by default, under a minute for the two in CI; 1,000 each take about three minutes). A failing
 * input found this way becomes a test of its own (HttpOnWebSocketPortsTest, WebSocketLimitsTest).
 */
class WebSocketFuzzPropertyTest {
    private static final Duration READ_TIMEOUT = Duration.ofMillis(200);
    private static final int RD_BUF = 4096;
    /** Bytes that complete any frame the decoder may be inside (payload at most RD_BUF), then are an unmasked frame: a protocol error. */
    private static final byte[] FILLER = new byte[RD_BUF + 64];
    private static WebSocketTestServer server;
    private static ListAppender<ILoggingEvent> logs;
    private static ResourceLeakDetector.Level leakLevel;

    /** The tries of a property over sockets: {@code sipway.fuzz.tries}, 200 unless set (some 0.15 s each). */
    static final class Tries implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            context.attributes().setTries(Integer.getInteger("sipway.fuzz.tries", 200));
            return property.execute();
        }
    }

    @BeforeContainer
    static void start() throws Exception {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        server = WebSocketTestServer.start(TcpSettings.defaults().with("tcp_rd_buf_size", RD_BUF), READ_TIMEOUT);
        server.transport.upgradePolicy(WebSocketTestServer.EXAMPLE_CFG);
        warmUp();
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    /** One upgrade, one HTTP answer and one SIP message first: the first connection of a JVM takes seconds of class loading. */
    private static void warmUp() throws Exception {
        for (boolean tls : new boolean[] {false, true}) {
            try (RawWebSocket c = RawWebSocket.connect(server.port(tls), tls)) {
                c.upgrade();
                c.sendFrame(RawWebSocket.TEXT, "OPTIONS sip:a SIP/2.0\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), true);
                c.readFrame();
            }
            try (RawWebSocket c = RawWebSocket.connect(server.port(tls), tls)) {
                c.send("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
                c.readHead();
            }
            try (RawWebSocket c = RawWebSocket.connect(server.port(tls), tls)) {
                byte[] sip = "OPTIONS sip:a SIP/2.0\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                c.send(sip);
                c.in.readNBytes(sip.length);
            }
        }
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            awaitEmptyTable();
            // a leaked buffer is reported when a later one is allocated after the collector found it
            System.gc();
            Thread.sleep(100);
            for (int i = 0; i < 100; i++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(64);
                b.release();
            }
            assertNothingEscaped();
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
            ResourceLeakDetector.setLevel(leakLevel);
            server.close();
        }
    }

    private static void awaitEmptyTable() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.table.size() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(server.table.connections()).as("connections the clients closed").isEmpty();
    }

    /** Netty's warnings (an exception at the tail, a leak) and anyone's errors fail the property. */
    private static void assertNothingEscaped() {
        List<String> bad = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            if (e.getLevel().isGreaterOrEqual(Level.ERROR) || (e.getLevel().isGreaterOrEqual(Level.WARN) && e.getLoggerName().startsWith("io.netty"))) {
                bad.add(e.getLoggerName() + ": " + e.getFormattedMessage());
            }
        }
        logs.list.clear();
        assertThat(bad).as("escaped exceptions, errors and leaks").isEmpty();
    }

    // ---- upgrade requests ----

    /** A byte-level change to a message: flip, drop, insert, cut, or repeat a stretch. */
    record Mutation(int kind, int position, int value) {
        byte[] apply(byte[] in) {
            if (in.length == 0) {
                return new byte[] {(byte) value};
            }
            int at = Math.floorMod(position, in.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
            switch (kind) {
                case 0 -> { // flip
                    byte[] copy = in.clone();
                    copy[at] ^= (byte) (value | 1);
                    return copy;
                }
                case 1 -> { // drop
                    out.write(in, 0, at);
                    out.write(in, at + 1, in.length - at - 1);
                }
                case 2 -> { // insert a byte, often a delimiter
                    out.write(in, 0, at);
                    out.write(new byte[] {'\r', '\n', ' ', ':', 0, (byte) 0x80, ',', (byte) value}[Math.floorMod(value, 8)]);
                    out.write(in, at, in.length - at);
                }
                case 3 -> out.write(in, 0, at); // cut
                default -> { // repeat a stretch
                    int len = Math.min(in.length - at, 1 + Math.floorMod(value, 64));
                    out.write(in, 0, at + len);
                    out.write(in, at, in.length - at);
                }
            }
            return out.toByteArray();
        }
    }

    private static final String[] HEADERS = {"Host: 127.0.0.1", "Upgrade: websocket", "Upgrade: WebSocket, h2c", "Connection: Upgrade",
        "Connection: keep-alive, upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Key:", "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Version: 8", "Sec-WebSocket-Version: +13", "Sec-WebSocket-Version: 99999999999", "Sec-WebSocket-Protocol: sip",
        "Sec-WebSocket-Protocol: chat, SIP", "Sec-WebSocket-Protocol:", "Origin: https://a.example", "Content-Length: 5",
        "Content-Length: -1", "Content-Length: 99999999999999999999", "Content-Length: 100000", "Transfer-Encoding: chunked",
        "Expect: 100-continue", "X-Long: " + "a".repeat(RD_BUF), "No-Colon", ": empty-name", " folded", "X-Nul: a\0b", "X-8bit: \u00e9"};

    @Provide
    Arbitrary<byte[]> upgradeRequests() {
        Arbitrary<String> method = Arbitraries.of("GET", "GET", "GET", "POST", "OPTIONS", "HEAD", "PUT", "get", "INVITE", "PRI", "G");
        Arbitrary<String> target = Arbitraries.of("/", "/ws", "*", "", "sip:a@b", "/" + "p".repeat(5000), "/a b", "http://a/");
        Arbitrary<String> version = Arbitraries.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "SIP/2.0", "HTTP/1.1 ", "", "HTTP/1.1\r");
        Arbitrary<List<String>> headers = Arbitraries.of(HEADERS).list().ofMaxSize(12);
        Arbitrary<String> body = Arbitraries.of("", "", "hello", "5\r\nhello\r\n0\r\n\r\n", "x".repeat(RD_BUF + 10));
        Arbitrary<List<Mutation>> mutations = mutations(4);
        return Combinators.combine(method, target, version, headers, body, mutations).as((m, t, v, h, b, mu) -> {
            StringBuilder s = new StringBuilder(m).append(' ').append(t).append(' ').append(v).append("\r\n");
            h.forEach(x -> s.append(x).append("\r\n"));
            byte[] bytes = s.append("\r\n").append(b).toString().getBytes(StandardCharsets.ISO_8859_1);
            for (Mutation x : mu) {
                bytes = x.apply(bytes);
            }
            return bytes;
        });
    }

    private static Arbitrary<List<Mutation>> mutations(int max) {
        return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers(), Arbitraries.integers().between(0, 255))
                .as(Mutation::new).list().ofMaxSize(max);
    }

    @Property
    @AddLifecycleHook(Tries.class)
    void garbledUpgradeRequestsAreAnsweredOrClosedInTime(@ForAll("upgradeRequests") byte[] request, @ForAll("splits") List<Integer> splits,
                                                         @ForAll boolean tls) throws Exception {
        try (RawWebSocket c = RawWebSocket.connect(server.port(tls), tls)) {
            sendInPieces(c, request, splits);
            // the slack is for a loaded machine: most tries end at once (answered, closed, or SIP)
            checkAnswer(c, request, Reply.read(c, request, READ_TIMEOUT.toMillis() + 2000));
        }
        assertNothingEscaped();
    }

    private static void checkAnswer(RawWebSocket c, byte[] request, Reply reply) throws IOException {
        if (reply.head != null && !reply.head.startsWith("HTTP/")) {
            // not HTTP after all: SIP, which the test server echoes (its reads are bounded elsewhere)
            assertThat(new String(request, StandardCharsets.ISO_8859_1)).as("a SIP echo").contains(reply.head);
            return;
        }
        if (reply.head != null) {
            assertThat(reply.head).as("a well-formed status line").matches("HTTP/1\\.[01] \\d{3} [^\r\n]*(\r\n[^\r\n]+: [^\r\n]*)*");
        }
        if (reply.head != null && reply.head.matches("HTTP/1\\.[01] 101 (?s).*")) {
            assertThat(reply.closed).as("a WebSocket stays").isFalse();
            assertStillReadsFrames(c);
        } else if (!reply.closed) {
            assertThat(reply.head).as("only a WebSocket stays open after an answer").isNull();
            // silence is no request (tcp_connection_lifetime governs an idle connection)
            assertThat(request.length == 0 || speaksSip(c)).as("open past the HTTP deadline: only a SIP connection may be").isTrue();
        }
    }

    @Provide
    Arbitrary<List<Integer>> splits() {
        return Arbitraries.integers().between(1, 200).list().ofMaxSize(4);
    }

    private static void sendInPieces(RawWebSocket c, byte[] bytes, List<Integer> splits) throws InterruptedException {
        int at = 0;
        try {
            for (int n : splits) {
                if (at >= bytes.length) {
                    break;
                }
                int len = Math.min(n, bytes.length - at);
                c.out.write(bytes, at, len);
                c.out.flush();
                at += len;
                Thread.sleep(2);
            }
            c.out.write(bytes, at, bytes.length - at);
            c.out.flush();
        } catch (IOException e) {
            // the server closed already (an early answer or a bound): what it said is read after
        }
    }

    /** Whether the server's side of this client's connection is on the SIP path (its reads are bounded there, not here). */
    private static boolean speaksSip(RawWebSocket client) {
        return server.table.connections().stream().filter(c -> c.remote().getPort() == client.socket.getLocalPort())
                .anyMatch(c -> c.handle instanceof io.netty.channel.Channel ch && ch.pipeline().get("sip") != null);
    }

    /** A WebSocket still reads: bytes that complete any frame in progress and then break the protocol close it. */
    private static void assertStillReadsFrames(RawWebSocket c) throws IOException {
        try {
            c.send(FILLER);
        } catch (IOException e) {
            return; // closed meanwhile
        }
        assertThat(c.closedWithin(2000)).as("closed after bytes that cannot be a frame").isTrue();
    }

    // ---- frames after a good upgrade ----

    /** One frame as a client might send it, right or wrong. */
    record FrameSpec(int opcode, boolean fin, int rsv, boolean masked, int lengthForm, int lengthLie, byte[] payload) {
        byte[] bytes() {
            ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
            b.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
            long len = Math.max(0, payload.length + lengthLie);
            int mask = masked ? 0x80 : 0;
            if (lengthForm == 0 && len < 126) {
                b.write(mask | (int) len);
            } else if (lengthForm <= 1 && len < 65536) {
                b.write(mask | 126);
                b.write((int) (len >> 8));
                b.write((int) len);
            } else {
                b.write(mask | 127);
                long wire = lengthForm == 3 ? len | (1L << 62) : len; // 3: a length no one can send
                for (int s = 56; s >= 0; s -= 8) {
                    b.write((int) (wire >> s));
                }
            }
            byte[] key = {0x12, 0x34, 0x56, 0x78};
            if (masked) {
                b.writeBytes(key);
            }
            for (int i = 0; i < payload.length; i++) {
                b.write(payload[i] ^ (masked ? key[i & 3] : 0));
            }
            return b.toByteArray();
        }
    }

    @Provide
    Arbitrary<byte[]> frameSequences() {
        Arbitrary<Integer> opcode = Arbitraries.frequency(
                Tuple.of(4, 1), Tuple.of(2, 2), Tuple.of(3, 0), Tuple.of(3, 9),
                Tuple.of(1, 10), Tuple.of(1, 8), Tuple.of(1, 3), Tuple.of(1, 11));
        Arbitrary<Integer> rsv = Arbitraries.frequency(Tuple.of(9, 0), Tuple.of(1, 4));
        Arbitrary<Integer> lengthLie = Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, -2), Tuple.of(1, 3));
        Arbitrary<byte[]> payload = Arbitraries.oneOf(
                Arbitraries.of("\r\n", "\r\n\r\n", "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n", "")
                        .map(s -> s.getBytes(StandardCharsets.US_ASCII)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                Arbitraries.integers().between(120, RD_BUF + 300).map(byte[]::new));
        Arbitrary<FrameSpec> frame = Combinators.combine(opcode, Arbitraries.frequency(Tuple.of(8, true), Tuple.of(2, false)),
                rsv, Arbitraries.frequency(Tuple.of(19, true), Tuple.of(1, false)),
                Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, 1), Tuple.of(1, 2), Tuple.of(1, 3)),
                lengthLie, payload).as(FrameSpec::new);
        return Combinators.combine(frame.list().ofMinSize(1).ofMaxSize(8), mutations(2)).as((frames, mu) -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            frames.forEach(f -> b.writeBytes(f.bytes()));
            byte[] bytes = b.toByteArray();
            for (Mutation x : mu) {
                bytes = x.apply(bytes);
            }
            return bytes;
        });
    }

    @Property
    @AddLifecycleHook(Tries.class)
    void garbledFramesNeverWedgeTheConnection(@ForAll("frameSequences") byte[] frames, @ForAll("splits") List<Integer> splits,
                                              @ForAll boolean tls) throws Exception {
        try (RawWebSocket c = RawWebSocket.connect(server.port(tls), tls)) {
            assertThat(c.upgrade()).startsWith("HTTP/1.1 101 ");
            sendInPieces(c, frames, splits);
            List<RawWebSocket.Frame> got = readFramesUntilQuiet(c, 150);
            for (RawWebSocket.Frame f : got) {
                assertThat(f.opcode()).as("what the server sends").isIn(RawWebSocket.TEXT, RawWebSocket.BINARY, RawWebSocket.CLOSE,
                        RawWebSocket.PONG);
                if (f.opcode() == RawWebSocket.CLOSE) {
                    assertThat(f.closeCode()).isIn(1000, 1002, 1008);
                }
            }
            assertStillReadsFrames(c);
        }
        assertNothingEscaped();
    }

    /** Frames until the server is quiet for {@code quietMillis} or closes. */
    private static List<RawWebSocket.Frame> readFramesUntilQuiet(RawWebSocket c, int quietMillis) throws IOException {
        List<RawWebSocket.Frame> frames = new ArrayList<>();
        c.socket.setSoTimeout(quietMillis);
        try {
            while (frames.size() < 10_000) {
                frames.add(c.readFrame());
            }
        } catch (SocketTimeoutException | java.io.EOFException | SocketException | javax.net.ssl.SSLException e) {
            // quiet, or closed
        }
        return frames;
    }

    // ---- the pure pieces, many more tries: they need no socket ----

    @Property(tries = 500)
    void theSnifferDecidesOnceAndForAll(@ForAll("upgradeRequests") byte[] bytes) {
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.wrappedBuffer(bytes);
        HttpSniffer.Kind whole = HttpSniffer.kind(b);
        for (int n = 0; n <= bytes.length; n++) {
            HttpSniffer.Kind prefix = HttpSniffer.kind(b.slice(0, n));
            if (prefix != HttpSniffer.Kind.UNDECIDED) {
                assertThat(prefix).as("decided on %d bytes", n).isEqualTo(whole);
                break;
            }
        }
    }

    @Property(tries = 1000)
    void theHandshakeCheckAnswersOnlyKamailiosWay(@ForAll("headerLists") List<java.util.Map.Entry<String, String>> headers) {
        WebSocketHandshake.Outcome o = WebSocketHandshake.check(headers);
        assertThat(o.status()).isIn(101, 400, 426);
        if (o.accepted()) {
            assertThat(o.headers()).extracting(java.util.Map.Entry::getKey)
                    .containsExactly("Sec-WebSocket-Protocol", "Upgrade", "Connection", "Sec-WebSocket-Accept");
        }
    }

    @Provide
    Arbitrary<List<java.util.Map.Entry<String, String>>> headerLists() {
        return Arbitraries.of(HEADERS).map(h -> {
            int colon = h.indexOf(':');
            return colon < 0 ? java.util.Map.entry(h, "") : java.util.Map.entry(h.substring(0, colon), h.substring(colon + 1));
        }).list().ofMaxSize(12);
    }

    /** What the server said to a request: its answer head (or null) and whether it closed, read within a bound. */
    private record Reply(String head, boolean closed) {
        /**
         * Reads until the server closes, answers 101, turns out to speak SIP, or {@code millis} pass
         * (nothing sent: nothing to wait for).
         */
        static Reply read(RawWebSocket c, byte[] request, long millis) throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long end = System.nanoTime() + (request.length == 0 ? 0 : millis * 1_000_000L);
            boolean closed = false;
            byte[] buf = new byte[8192];
            c.socket.setSoTimeout(25);
            while (System.nanoTime() < end) {
                String s = got.toString(StandardCharsets.ISO_8859_1);
                int headEnd = s.indexOf("\r\n\r\n");
                if (headEnd >= 0 && s.matches("HTTP/1\\.[01] 101 (?s).*")) {
                    return new Reply(s.substring(0, headEnd), false); // a WebSocket now: checked by the caller
                }
                try {
                    int n = c.in.read(buf);
                    if (n < 0) {
                        closed = true;
                        break;
                    }
                    got.write(buf, 0, n);
                } catch (SocketTimeoutException e) {
                    if (speaksSip(c)) {
                        break;
                    }
                } catch (SocketException | javax.net.ssl.SSLException e) {
                    closed = true;
                    break;
                }
            }
            String s = got.toString(StandardCharsets.ISO_8859_1);
            int headEnd = s.indexOf("\r\n\r\n");
            String head = s.isEmpty() ? null : headEnd < 0 ? s : s.substring(0, headEnd);
            if (head != null && head.startsWith("HTTP/1.1 100 Continue")) { // Expect: 100-continue, then the answer (if any)
                String rest = headEnd < 0 ? "" : s.substring(headEnd + 4);
                int next = rest.indexOf("\r\n\r\n");
                head = rest.isEmpty() ? null : next < 0 ? rest : rest.substring(0, next);
            }
            return new Reply(head, closed);
        }
    }
}
