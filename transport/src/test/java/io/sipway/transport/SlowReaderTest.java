package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that floods requests and never reads the replies (over TCP, TLS, WS and WSS): what is
 * queued towards it stays within tcp_conn_wq_max and tcp_wq_max, the connection is closed when the
 * bound is reached or when its writes stop progressing for tcp_send_timeout, and both are counted.
 */
@Timeout(60)
class SlowReaderTest {
    private static final byte[] OPTIONS = ("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.9;branch=z9hG4bKslow\r\n"
            + "To: <sip:x@127.0.0.1>\r\nFrom: <sip:y@127.0.0.1>;tag=1\r\nCall-ID: slow-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    /** What the proxy answers each request with: the size of a 200 OK with a few headers. */
    private static final byte[] REPLY = ("SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.9;branch=z9hG4bKslow\r\n"
            + "To: <sip:x@127.0.0.1>;tag=abc\r\nFrom: <sip:y@127.0.0.1>;tag=1\r\nCall-ID: slow-1\r\nCSeq: 1 OPTIONS\r\n"
            + "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, REFER, MESSAGE, INFO, UPDATE, PRACK\r\n"
            + "Accept: application/sdp\r\nAccept-Language: en\r\nSupported: path, outbound, gruu, timer\r\n"
            + "Server: " + "x".repeat(300) + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final LogCapture log = new LogCapture();
    private LoopbackTransport loopback;
    private Transport transport;
    private ConnectionTable table;

    @BeforeAll
    static void linux() {
        Assumptions.assumeTrue(Transport.EPOLL, "loopback socket buffers as Linux sizes them");
    }

    @AfterEach
    void stop() {
        log.close();
        if (loopback != null) {
            loopback.close();
        }
    }

    /** A transport that answers every request with {@link #REPLY} on the connection it came from. */
    private void start(TcpSettings tcp) throws Exception {
        loopback = LoopbackTransport.tcpAndTls(tcp, (message, from) -> transport.sender().send(Destination.to(from.protocol(),
                from.source()).withConnectionId(from.connectionId()), REPLY));
        transport = loopback.transport;
        table = loopback.table;
    }

    private InetSocketAddress listener(Protocol p) {
        return loopback.listener(p);
    }

    /**
     * Floods requests from a client with a tiny receive buffer that never reads; returns when the
     * proxy closed the connection or after {@code seconds} (at once for 0).
     */
    private Flood flood(Protocol p, long pauseMicros, int seconds) throws Exception {
        RawStreamClient client = RawStreamClient.connect(p, listener(p), 1024);
        Flood f = new Flood(client, pauseMicros);
        f.thread.start();
        if (seconds == 0) {
            return f;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && table.size() == 0) {
            Thread.sleep(1);
        }
        Connection c = table.connections().isEmpty() ? null : table.connections().get(0);
        long previous = 0;
        while (System.nanoTime() < deadline && c != null && c.isOpen()) {
            long queued = transport.queuedBytes(c);
            f.maxQueued = Math.max(f.maxQueued, queued);
            boolean failed = transport.traffic().failures(TrafficStats.SendFailure.SEND_TIMEOUT) > 0; // then the close empties the queue
            if (!failed && (queued == 0 || queued < previous)) { // the kernel took some: progress
                f.lastProgress = System.nanoTime();
            }
            previous = queued;
            Thread.sleep(1);
        }
        f.closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - f.started);
        f.stalledMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - f.lastProgress);
        f.connectionClosed = c != null && !c.isOpen();
        return f;
    }

    private static final class Flood implements AutoCloseable {
        final RawStreamClient client;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong sent = new AtomicLong();
        final Thread thread;
        final long started = System.nanoTime();
        long maxQueued;
        long closedAfterMillis;
        /** System.nanoTime() when the queue was last seen empty or shrinking, and how long before the close that was. */
        long lastProgress = started;
        long stalledMillis;
        boolean connectionClosed;

        Flood(RawStreamClient client, long pauseMicros) {
            this.client = client;
            this.thread = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        client.send(OPTIONS);
                        sent.incrementAndGet();
                        if (pauseMicros > 0) {
                            TimeUnit.MICROSECONDS.sleep(pauseMicros);
                        }
                    }
                } catch (IOException | InterruptedException closed) {
                    // the proxy closed the connection: the flood ends
                }
            }, "flood");
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            client.close();
            thread.join(5000);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"TCP", "TLS", "WS", "WSS"})
    void aClientThatNeverReadsIsClosedAtTcpConnWqMaxCountedAndLoggedOnce(Protocol p) throws Exception {
        start(TcpSettings.defaults().with("tcp_send_timeout", 30L).with("tcp_conn_wq_max", 64L * 1024));
        try (Flood f = flood(p, 0, 20)) {
            assertThat(f.connectionClosed).as("closed within 20 s (" + f.sent.get() + " requests sent)").isTrue();
            assertThat(f.maxQueued).as("queued towards it").isLessThanOrEqualTo(64L * 1024);
            assertThat(f.client.closedByPeerWithin(3000)).as("the socket closed too").isTrue();
            assertThat(transport.traffic().failures(TrafficStats.SendFailure.WRITE_QUEUE_FULL)).isEqualTo(1);
            assertThat(transport.traffic().failures(TrafficStats.SendFailure.SEND_TIMEOUT)).isZero();
            // the replies to what it sent after the queue was full fail quietly: one line, not one per reply
            assertThat(log.warnings("closing connection")).as("log lines").hasSize(1);
            assertThat(transport.queuedBytes()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"TCP", "TLS", "WS", "WSS"})
    void aClientThatNeverReadsIsClosedAfterTcpSendTimeout(Protocol p) throws Exception {
        start(TcpSettings.defaults().with("tcp_send_timeout", 1L).with("tcp_conn_wq_max", 64L * 1024 * 1024));
        // paced, so that the bounds are not what stops it; the kernel's buffers (grown by Linux up to
        // megabytes) take some seconds to fill before anything waits, then tcp_send_timeout runs
        try (Flood f = flood(p, 500, 20)) {
            assertThat(f.connectionClosed).as("closed within 20 s (" + f.sent.get() + " requests sent)").isTrue();
            assertThat(transport.traffic().failures(TrafficStats.SendFailure.SEND_TIMEOUT)).isEqualTo(1);
            assertThat(transport.traffic().failures(TrafficStats.SendFailure.WRITE_QUEUE_FULL)).isZero();
            assertThat(f.stalledMillis).as("closed after writes stopped progressing for tcp_send_timeout=1s, ms").isBetween(800L, 3000L);
            assertThat(log.warnings("closing connection")).hasSize(1);
        }
    }

    @Test
    void tcpWqMaxBoundsWhatWaitsForAllConnectionsTogether() throws Exception {
        start(TcpSettings.defaults().with("tcp_send_timeout", 30L).with("tcp_conn_wq_max", 64L * 1024).with("tcp_wq_max", 48L * 1024));
        assertThat(transport.tcpSettings().writeQueueMax()).isEqualTo(48L * 1024);
        try (Flood a = flood(Protocol.TCP, 0, 0); Flood b = flood(Protocol.TCP, 0, 0)) {
            long max = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && transport.traffic().failures(TrafficStats.SendFailure.WRITE_QUEUE_FULL) < 2) {
                max = Math.max(max, transport.queuedBytes());
                Thread.sleep(1);
            }
            assertThat(transport.traffic().failures(TrafficStats.SendFailure.WRITE_QUEUE_FULL)).as("both closed").isEqualTo(2);
            assertThat(max).as("waiting for both together").isLessThanOrEqualTo(48L * 1024);
            assertThat(log.warnings("tcp_wq_max=49152")).as("the total's bound named").isNotEmpty();
        }
    }

    /**
     * Sends from a thread other than the connection's event loop, while that loop is busy: each
     * message waits in the loop's task queue. The bound holds there too (it used to be checked
     * against what the loop had seen, so everything was accepted until the loop came round).
     */
    @Test
    void sendsFromAnotherThreadWhileTheLoopIsBusyAreBoundedToo() throws Exception {
        start(TcpSettings.defaults().with("tcp_send_timeout", 30L).with("tcp_conn_wq_max", 64L * 1024));
        try (RawStreamClient client = RawStreamClient.connect(Protocol.TCP, listener(Protocol.TCP), 1024)) {
            client.send(OPTIONS);
            assertThat(LoopbackTransport.waitFor(() -> table.size() == 1)).isTrue();
            Connection c = table.connections().get(0);
            io.netty.channel.Channel ch = (io.netty.channel.Channel) c.handle;
            java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            ch.eventLoop().execute(() -> {
                busy.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
            byte[] chunk = new byte[16 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            Destination to = Destination.to(Protocol.TCP, c.remote()).withConnectionId(c.id());
            long accepted = 0;
            for (int i = 0; i < 200; i++) {
                if (transport.sender().send(to, chunk) == SendStatus.SENT) {
                    accepted += chunk.length;
                }
            }
            release.countDown();
            assertThat(accepted).as("accepted while the loop was busy").isLessThanOrEqualTo(64L * 1024);
            assertThat(LoopbackTransport.waitFor(() -> !c.isOpen())).isTrue();
            assertThat(transport.traffic().failures(TrafficStats.SendFailure.WRITE_QUEUE_FULL)).isEqualTo(1);
        }
    }
}
