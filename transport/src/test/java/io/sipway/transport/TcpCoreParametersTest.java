package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollSocketChannelConfig;
import io.sipway.sip.SipParserConfig;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kamailio's tcp_* core parameters over real loopback sockets, each by its effect: keepalive options
 * on the socket, a hanging connect failing after tcp_connect_timeout, a peer that stops reading
 * dropped after tcp_send_timeout, the write queue bounded by tcp_conn_wq_max, the largest message
 * (tcp_rd_buf_size), messages without Content-Length (tcp_accept_no_cl), CRLF pings (tcp_crlf_ping)
 * and tcp_no_connect.
 */
@Timeout(60)
class TcpCoreParametersTest {
    private static final String OPTIONS_HEAD = "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.9;branch=z9hG4bKt\r\n"
            + "To: <sip:x@127.0.0.1>\r\nFrom: <sip:y@127.0.0.1>;tag=1\r\nCall-ID: t-1\r\nCSeq: 1 OPTIONS\r\n";
    private static final byte[] OPTIONS = (OPTIONS_HEAD + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    /** What a stalled peer gets: big writes fill the kernel's buffers in a few hundred sends. */
    private static final byte[] CHUNK = new byte[16 * 1024];
    private static final int MAX_SENDS = 5000;

    private final ConnectionTable table = new ConnectionTable(false, false);
    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private Transport transport;

    @BeforeAll
    static void epoll() {
        Assumptions.assumeTrue(Transport.EPOLL, "keepalive probes and these tests assume Linux epoll");
        Arrays.fill(CHUNK, (byte) 'x');
    }

    /** Starts a transport with one tcp: listener on a free loopback port; returns the port. */
    private int start(TcpSettings tcp) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // listen= takes no port 0
        }
        transport = Transport.start(List.of(ListenSpec.parse("tcp:127.0.0.1:" + port)), table, SipParserConfig.defaults(),
                null, tcp, (m, from) -> received.add(m));
        return port;
    }

    @AfterEach
    void stop() {
        if (transport != null) {
            transport.close();
        }
        table.checkConsistency();
    }

    private static boolean waitFor(BooleanSupplier condition, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    // ---- TcpSettings by Kamailio name ---------------------------------------------------------

    @Test
    void settingsTakeKamailiosNamesAndValues() {
        TcpSettings t = TcpSettings.defaults();
        assertThat(t.connectTimeout()).isEqualTo(10);
        assertThat(t.sendTimeout()).isEqualTo(10);
        assertThat(t.readBufferSize()).as("Kamailio's DEFAULT_TCP_BUF_SIZE").isEqualTo(16384);
        assertThat(t.acceptNoContentLength()).isFalse();
        assertThat(t.crlfPing()).isTrue();
        assertThat(t.connWriteQueueMax()).isEqualTo(32 * 1024);

        t = t.with("tcp_send_timeout", 3L).with("tcp_connect_timeout", "2").with("tcp_keepalive", "yes")
                .with("tcp_keepidle", 30L).with("tcp_keepintvl", 10L).with("tcp_keepcnt", 3L).with("tcp_rd_buf_size", 32768L)
                .with("tcp_accept_no_cl", "yes").with("tcp_crlf_ping", "no").with("tcp_async", "yes").with("tcp_no_connect", 1L);
        assertThat(t.sendTimeout()).isEqualTo(3);
        assertThat(t.connectTimeout()).isEqualTo(2);
        assertThat(t.keepIdle()).isEqualTo(30);
        assertThat(t.keepInterval()).isEqualTo(10);
        assertThat(t.keepCount()).isEqualTo(3);
        assertThat(t.readBufferSize()).isEqualTo(32768);
        assertThat(t.acceptNoContentLength()).isTrue();
        assertThat(t.crlfPing()).isFalse();
        assertThat(t.noConnect()).isTrue();
        assertThat(TcpSettings.defaults().sendTimeout()).as("with() copies").isEqualTo(10);

        for (String name : List.of("tcp_send_timeout", "tcp_connect_timeout", "tcp_keepalive", "tcp_keepidle", "tcp_keepintvl",
                "tcp_keepcnt", "tcp_rd_buf_size", "tcp_accept_no_cl", "tcp_max_connections", "tcp_connection_lifetime")) {
            assertThat(TcpSettings.has(name)).as(name).isTrue();
        }
        assertThat(TcpSettings.has("tcp_connection_match")).as("a connection table setting").isFalse();
        assertThat(TcpSettings.has("tcp_defer_accept")).isFalse();
    }

    @Test
    void badValuesAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> TcpSettings.defaults().with("tcp_send_timeout", 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tcp_send_timeout=0");
        assertThatThrownBy(() -> TcpSettings.defaults().with("tcp_connect_timeout", "soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tcp_connect_timeout=soon").hasMessageContaining("number");
        assertThatThrownBy(() -> TcpSettings.defaults().with("tcp_keepcnt", -1L)).hasMessageContaining("tcp_keepcnt");
        assertThatThrownBy(() -> TcpSettings.defaults().with("tcp_rd_buf_size", 100L)).hasMessageContaining("512..");
        assertThatThrownBy(() -> TcpSettings.defaults().with("tcp_accept_no_cl", "maybe")).hasMessageContaining("yes or no");
        assertThatThrownBy(() -> TcpSettings.defaults().with("tcp_async", "no")).hasMessageContaining("asynchronous");
        assertThatThrownBy(() -> TcpSettings.defaults().with("tcp_linger2", 5L)).hasMessageContaining("tcp_linger2");
    }

    // ---- tcp_keepalive, tcp_keepidle, tcp_keepintvl, tcp_keepcnt -------------------------------

    @Test
    void keepaliveOptionsAreOnAcceptedAndOutboundSockets() throws Exception {
        TcpSettings tcp = TcpSettings.defaults().with("tcp_keepalive", "yes").with("tcp_keepidle", 30L)
                .with("tcp_keepintvl", 10L).with("tcp_keepcnt", 3L);
        int port = start(tcp);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
             ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            assertThat(waitFor(() -> table.size() == 1, 5)).isTrue();
            Connection accepted = table.connections().get(0);
            assertKeepalive(accepted, 30, 10, 3);

            Destination out = Destination.to(Protocol.TCP, (InetSocketAddress) peer.getLocalSocketAddress());
            assertThat(transport.sender().send(out, OPTIONS)).isEqualTo(SendStatus.CONNECTING);
            peer.setSoTimeout(5000);
            try (Socket s = peer.accept()) {
                assertThat(waitFor(() -> table.find(out) != null, 5)).isTrue();
                assertKeepalive(table.find(out), 30, 10, 3);
            }
        }
    }

    @Test
    void withoutProbeSettingsTheOsDefaultsStayAndTcpKeepaliveNoTurnsItOff() throws Exception {
        int port = start(TcpSettings.defaults().with("tcp_keepalive", "no"));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(waitFor(() -> table.size() == 1, 5)).isTrue();
            EpollSocketChannelConfig config = ((EpollSocketChannel) table.connections().get(0).handle).config();
            assertThat(config.isKeepAlive()).isFalse();
        }
    }

    private static void assertKeepalive(Connection c, int idle, int interval, int count) {
        EpollSocketChannelConfig config = ((EpollSocketChannel) c.handle).config(); // read back from the socket
        assertThat(config.isKeepAlive()).as("SO_KEEPALIVE on " + c).isTrue();
        assertThat(config.getTcpKeepIdle()).as("TCP_KEEPIDLE on " + c).isEqualTo(idle);
        assertThat(config.getTcpKeepIntvl()).as("TCP_KEEPINTVL on " + c).isEqualTo(interval);
        assertThat(config.getTcpKeepCnt()).as("TCP_KEEPCNT on " + c).isEqualTo(count);
    }

    // ---- tcp_connect_timeout -----------------------------------------------------------------

    @Test
    void aConnectThatHangsFailsAfterTcpConnectTimeoutAndTheSendHearsIt() throws Exception {
        start(TcpSettings.defaults().with("tcp_connect_timeout", 1L));
        try (UnansweredListener nobody = new UnansweredListener()) {
            CompletableFuture<TrafficStats.SendFailure> failure = new CompletableFuture<>();
            long start = System.nanoTime();
            SendStatus status = transport.sender().send(Destination.to(Protocol.TCP, nobody.address()), OPTIONS,
                    (d, reason) -> failure.complete(reason));
            assertThat(status).isEqualTo(SendStatus.CONNECTING);
            assertThat(failure.get(8, TimeUnit.SECONDS)).isEqualTo(TrafficStats.SendFailure.CONNECT_FAILED);
            assertThat(millisSince(start)).as("not before tcp_connect_timeout").isGreaterThanOrEqualTo(800);
            assertThat(transport.traffic().failures(TrafficStats.SendFailure.CONNECT_FAILED)).isEqualTo(1);
            assertThat(table.size()).isZero();
        }
    }

    @Test
    void aRefusedConnectIsToldToTheSendToo() throws Exception {
        start(TcpSettings.defaults());
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        CompletableFuture<TrafficStats.SendFailure> failure = new CompletableFuture<>();
        assertThat(transport.sender().send(Destination.to(Protocol.TCP, new InetSocketAddress("127.0.0.1", closedPort)), OPTIONS,
                (d, reason) -> failure.complete(reason))).isEqualTo(SendStatus.CONNECTING);
        assertThat(failure.get(5, TimeUnit.SECONDS)).isEqualTo(TrafficStats.SendFailure.CONNECT_FAILED);
    }

    // ---- tcp_send_timeout and tcp_conn_wq_max ------------------------------------------------

    /** A peer that accepts and never reads, with a small receive buffer; returns the connection the transport opened to it. */
    private Connection connectToStalledPeer(ServerSocket peer) throws Exception {
        Destination d = Destination.to(Protocol.TCP, (InetSocketAddress) peer.getLocalSocketAddress());
        assertThat(transport.sender().send(d, OPTIONS)).isEqualTo(SendStatus.CONNECTING);
        // in the table first, its channel set a moment later (on the connecting loop)
        assertThat(waitFor(() -> table.find(d) != null && table.find(d).handle != null, 5)).isTrue();
        Connection c = table.find(d);
        // a fixed send buffer: Linux would otherwise grow it (up to tcp_wmem's 4 MiB) and take in
        // what was queued a moment ago, long after the peer stopped reading
        ((io.netty.channel.Channel) c.handle).config().setOption(io.netty.channel.ChannelOption.SO_SNDBUF, 8192);
        return c;
    }

    private static ServerSocket stalledPeer() throws Exception {
        ServerSocket peer = new ServerSocket();
        peer.setReceiveBufferSize(4096); // inherited by the accepted socket: the window fills sooner
        peer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
        peer.setSoTimeout(5000);
        return peer;
    }

    @Test
    void aPeerThatStopsReadingIsDroppedAfterTcpSendTimeout() throws Exception {
        // a write queue large enough that only the timeout can end the connection
        start(TcpSettings.defaults().with("tcp_send_timeout", 1L).with("tcp_conn_wq_max", 64L * 1024 * 1024));
        try (ServerSocket peer = stalledPeer()) {
            Connection c = connectToStalledPeer(peer);
            try (Socket neverRead = peer.accept()) {
                Destination same = Destination.to(Protocol.TCP, c.remote()).withNoConnect();
                // the kernel's buffers take the first chunks; once they are full the transport queues
                for (int sends = 1; sends <= MAX_SENDS; sends++) {
                    assertThat(transport.sender().send(same, CHUNK)).isEqualTo(SendStatus.SENT);
                    if (sends % 20 == 0) {
                        Thread.sleep(20); // the loop has flushed since: what is still queued, the kernel refused
                        if (transport.queuedBytes(c) > 0) {
                            break;
                        }
                    }
                }
                assertThat(transport.queuedBytes(c)).as("the peer's window filled within " + MAX_SENDS + " sends").isPositive();
                long stalled = System.nanoTime();
                assertThat(waitFor(() -> !c.isOpen(), 10)).as("dropped").isTrue();
                assertThat(millisSince(stalled)).as("not before tcp_send_timeout").isGreaterThanOrEqualTo(500);
                assertThat(transport.traffic().failures(TrafficStats.SendFailure.SEND_TIMEOUT)).isEqualTo(1);
                assertThat(waitFor(() -> table.size() == 0, 5)).isTrue();
            }
        }
    }

    @Test
    void theWriteQueueTowardsAStalledPeerIsBoundedByTcpConnWqMax() throws Exception {
        start(TcpSettings.defaults().with("tcp_send_timeout", 30L).with("tcp_conn_wq_max", 64L * 1024));
        try (ServerSocket peer = stalledPeer()) {
            Connection c = connectToStalledPeer(peer);
            try (Socket neverRead = peer.accept()) {
                Destination same = Destination.to(Protocol.TCP, c.remote()).withNoConnect();
                SendStatus last = SendStatus.SENT;
                long max = 0;
                for (int sends = 0; sends < MAX_SENDS && last == SendStatus.SENT && c.isOpen(); sends++) {
                    last = transport.sender().send(same, CHUNK);
                    max = Math.max(max, transport.queuedBytes(c));
                    if (sends % 50 == 0) {
                        Thread.sleep(5);
                    }
                }
                assertThat(waitFor(() -> !c.isOpen(), 5)).as("closed when the queue would pass the bound").isTrue();
                assertThat(max).as("never more queued than tcp_conn_wq_max").isLessThanOrEqualTo(64L * 1024);
                // counted per refused send: one more may come in before the loop has closed the connection
                assertThat(transport.traffic().failures(TrafficStats.SendFailure.WRITE_QUEUE_FULL)).isBetween(1L, 2L);
                assertThat(transport.traffic().failures(TrafficStats.SendFailure.SEND_TIMEOUT)).isZero();
                // the send that overflowed failed (or, when the loop saw it first, the next one finds no connection)
                SendStatus after = last == SendStatus.SENT ? transport.sender().send(same, CHUNK) : last;
                assertThat(after).isIn(SendStatus.QUEUE_FULL, SendStatus.NO_CONNECTION);
            }
        }
    }

    // ---- tcp_rd_buf_size ---------------------------------------------------------------------

    @Test
    void tcpRdBufSizeIsTheLargestMessageOnAStream() throws Exception {
        int port = start(TcpSettings.defaults().with("tcp_rd_buf_size", 1024L));
        byte[] fits = withBody(1000 - withBody(0).length);
        byte[] tooBig = withBody(2000);
        assertThat(fits.length).isLessThanOrEqualTo(1024);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(5000);
            client.getOutputStream().write(fits);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(fits);
            client.getOutputStream().write(tooBig);
            assertThat(closedByPeer(client)).as("closed, as Kamailio's buffer overrun").isTrue();
            assertThat(received.poll(200, TimeUnit.MILLISECONDS)).isNull();
            assertThat(transport.droppedFrames()).isEqualTo(1);
        }
    }

    /** The peer closed: end of stream, or a reset when it closed with our bytes unread. */
    private static boolean closedByPeer(Socket s) throws java.io.IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private static byte[] withBody(int bodyLength) {
        byte[] body = new byte[bodyLength];
        Arrays.fill(body, (byte) 'b');
        String head = OPTIONS_HEAD + "Content-Type: text/plain\r\nContent-Length: " + bodyLength + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] m = Arrays.copyOf(h, h.length + bodyLength);
        System.arraycopy(body, 0, m, h.length, bodyLength);
        return m;
    }

    // ---- tcp_accept_no_cl --------------------------------------------------------------------

    private static final byte[] NO_CONTENT_LENGTH = (OPTIONS_HEAD + "\r\n").getBytes(StandardCharsets.US_ASCII);

    @Test
    void withoutTcpAcceptNoClAMessageWithoutContentLengthClosesTheConnection() throws Exception {
        int port = start(TcpSettings.defaults());
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(5000);
            client.getOutputStream().write(NO_CONTENT_LENGTH);
            // Kamailio: TCP_REQ_BAD_LEN, the connection is closed without a reply
            assertThat(closedByPeer(client)).isTrue();
            assertThat(received).isEmpty();
            assertThat(transport.droppedFrames()).isEqualTo(1);
        }
    }

    @Test
    void withTcpAcceptNoClABodylessMessageWithoutContentLengthIsAccepted() throws Exception {
        int port = start(TcpSettings.defaults().with("tcp_accept_no_cl", "yes"));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.getOutputStream().write(NO_CONTENT_LENGTH);
            client.getOutputStream().write(NO_CONTENT_LENGTH);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(NO_CONTENT_LENGTH);
            assertThat(received.poll(5, TimeUnit.SECONDS)).as("framed as body-less: the next one follows").isEqualTo(NO_CONTENT_LENGTH);
            assertThat(transport.droppedFrames()).isZero();
        }
    }

    // ---- tcp_crlf_ping and tcp_no_connect ----------------------------------------------------

    @Test
    void tcpCrlfPingAnswersADoubleCrlfAndNoConsumesItSilently() throws Exception {
        assertThat(pongTo(TcpSettings.defaults())).as("tcp_crlf_ping=yes (default)").isTrue();
        transport.close();
        assertThat(pongTo(TcpSettings.defaults().with("tcp_crlf_ping", "no"))).as("tcp_crlf_ping=no").isFalse();
    }

    private boolean pongTo(TcpSettings tcp) throws Exception {
        int port = start(tcp);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(700);
            client.getOutputStream().write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().write(OPTIONS);
            assertThat(received.poll(5, TimeUnit.SECONDS)).as("the connection still works").isEqualTo(OPTIONS);
            InputStream in = client.getInputStream();
            try {
                return in.read() == '\r' && in.read() == '\n';
            } catch (SocketTimeoutException none) {
                return false;
            }
        }
    }

    @Test
    void tcpNoConnectNeverOpensAConnection() throws Exception {
        start(TcpSettings.defaults().with("tcp_no_connect", "yes"));
        try (ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            assertThat(transport.sender().send(Destination.to(Protocol.TCP, (InetSocketAddress) peer.getLocalSocketAddress()), OPTIONS))
                    .isEqualTo(SendStatus.NO_CONNECTION);
            assertThat(transport.traffic().failures(TrafficStats.SendFailure.NO_CONNECT)).isEqualTo(1);
            assertThat(table.size()).isZero();
        }
    }
}
