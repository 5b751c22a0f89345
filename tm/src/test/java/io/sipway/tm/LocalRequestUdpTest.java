package io.sipway.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.sip.SipParserConfig;
import io.sipway.transport.ConnectionTable;
import io.sipway.transport.Destination;
import io.sipway.transport.ListenSpec;
import io.sipway.transport.Protocol;
import io.sipway.transport.Transport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A request tm originates over real UDP sockets on loopback: the transport's event loops and
 * {@link LoopTimers}, a peer that is the test's own socket. Timers are short (T1 100 ms, T2 400 ms,
 * fr_timer 1.5 s) so the real clock is cheap.
 */
@DisplayName("a request tm originates, over UDP on loopback")
class LocalRequestUdpTest {
    private final AtomicReference<TransactionLayer> tmRef = new AtomicReference<>();
    private Transport transport;
    private TransactionLayer tm;
    private DatagramSocket peer;

    private void start() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = s.getLocalPort();
        }
        transport = Transport.start(List.of(ListenSpec.parse("udp:127.0.0.1:" + port)), new ConnectionTable(false, false),
                SipParserConfig.defaults(), null, (bytes, from) -> {
                    SipMessage m = SipParser.parse(bytes);
                    if (!m.isRequest()) {
                        tmRef.get().onReply(m, from);
                    }
                });
        TmSettings settings = TmSettings.defaults().with("retr_timer1", 100).with("retr_timer2", 400).with("fr_timer", 1500);
        tm = new TransactionLayer(transport, settings, new TransactionLayer.Hooks() { });
        tmRef.set(tm);
        peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        peer.setSoTimeout(3000);
    }

    @AfterEach
    void stop() {
        if (tm != null) {
            tm.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    private TransactionLayer.Target options() {
        return new TransactionLayer.Target(Destination.to(Protocol.UDP, (InetSocketAddress) peer.getLocalSocketAddress()),
                via -> ("OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\nVia: " + via + "\r\nTo: <sip:gw@127.0.0.1>\r\n"
                        + "From: <sip:dispatcher@localhost>;tag=ds\r\nCSeq: 10 OPTIONS\r\nCall-ID: probe@127.0.0.1\r\n"
                        + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private DatagramPacket receive() throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
        peer.receive(p);
        return p;
    }

    private static SipMessage parse(DatagramPacket p) {
        return SipParser.parse(java.util.Arrays.copyOf(p.getData(), p.getLength()));
    }

    private boolean onALoop() {
        for (EventExecutor e : transport.eventLoopGroup()) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    @Test
    @DisplayName("unanswered at first, it is retransmitted with the same branch; the peer's 200 reaches the callback on an event loop")
    void retransmittedThenAnswered() throws Exception {
        start();
        CompletableFuture<Integer> done = new CompletableFuture<>();
        AtomicReference<Boolean> onLoop = new AtomicReference<>();
        assertThat(tm.request(options(), (request, code, reply) -> {
            if (code >= 200) {
                onLoop.set(onALoop());
                done.complete(code);
            }
        })).isTrue();
        DatagramPacket first = receive();
        long t0 = System.nanoTime();
        SipMessage request = parse(first);
        assertThat(request.topVia().toString()).startsWith("SIP/2.0/UDP 127.0.0.1:" + transport.sockets().get(0).local().getPort());
        DatagramPacket again = receive(); // not answered: Timer E
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(50);
        assertThat(parse(again).topVia().branch()).isEqualTo(request.topVia().branch());
        byte[] ok = Replies.build(parse(again), 200, "OK", "gw", null, null);
        peer.send(new DatagramPacket(ok, ok.length, again.getSocketAddress()));
        assertThat(done.get(3, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(onLoop.get()).as("the callback runs on the transaction's event loop").isTrue();
    }

    @Test
    @DisplayName("a peer that never answers: retransmissions, then the callback hears tm's 408 at fr_timer")
    void neverAnswered() throws Exception {
        start();
        CompletableFuture<Integer> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        tm.request(options(), (request, code, reply) -> {
            if (code >= 200 && reply == null) {
                done.complete(code);
            }
        });
        int received = 0;
        peer.setSoTimeout(2500);
        while (!done.isDone()) {
            try {
                receive();
                received++;
            } catch (java.net.SocketTimeoutException e) {
                break;
            }
        }
        assertThat(done.get(3, TimeUnit.SECONDS)).isEqualTo(408);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(1400);
        assertThat(received).as("0, 100, 300, 700, 1100 ms").isGreaterThanOrEqualTo(4);
        assertThat(tm.stat("tmx:UAC_transactions")).isEqualTo(1);
    }
}
