package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * tcp_max_connections reached by idle connections: a new caller is served all the same, the oldest
 * connection that never carried a SIP message making room (counted); connections that carried SIP
 * are kept, and when all of them have, the newcomer is refused as Kamailio refuses it.
 */
@Timeout(30)
class ConnectionEvictionTest {
    private static final byte[] OPTIONS = ("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.9;branch=z9hG4bKevict\r\n"
            + "To: <sip:x@127.0.0.1>\r\nFrom: <sip:y@127.0.0.1>;tag=1\r\nCall-ID: evict-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final BlockingQueue<ReceiveInfo> received = new LinkedBlockingQueue<>();
    private final List<RawStreamClient> clients = new ArrayList<>();
    private LoopbackTransport loopback;
    private Transport transport;
    private ConnectionTable table;

    @AfterEach
    void stop() throws Exception {
        for (RawStreamClient c : clients) {
            c.close();
        }
        if (loopback != null) {
            loopback.close();
        }
    }

    private InetSocketAddress start(int maxConnections) throws Exception {
        loopback = LoopbackTransport.tcp(TcpSettings.defaults().with("tcp_max_connections", (long) maxConnections),
                (m, from) -> received.add(from));
        transport = loopback.transport;
        table = loopback.table;
        return loopback.listener(Protocol.TCP);
    }

    private RawStreamClient connect(InetSocketAddress at, int expectedTableSize) throws Exception {
        RawStreamClient c = RawStreamClient.connect(Protocol.TCP, at, 0);
        clients.add(c);
        assertThat(LoopbackTransport.waitFor(() -> table.size() == expectedTableSize)).as("table size " + expectedTableSize).isTrue();
        return c;
    }

    /** Sends a request and waits for it to arrive from this client's port. */
    private void sip(RawStreamClient c) throws Exception {
        c.send(OPTIONS);
        ReceiveInfo from = received.poll(5, TimeUnit.SECONDS);
        assertThat(from).as("delivered").isNotNull();
        assertThat(from.source().getPort()).isEqualTo(c.localPort());
    }

    @Test
    void whenTheTableIsFullTheOldestConnectionWithoutSipMakesRoom() throws Exception {
        InetSocketAddress at = start(5);
        RawStreamClient caller = connect(at, 1);
        sip(caller);
        List<RawStreamClient> idle = new ArrayList<>();
        for (int i = 2; i <= 5; i++) {
            idle.add(connect(at, i));
        }
        RawStreamClient newcomer = RawStreamClient.connect(Protocol.TCP, at, 0);
        clients.add(newcomer);
        sip(newcomer); // served: before, it was closed at once

        assertThat(idle.get(0).closedByPeerWithin(3000)).as("the oldest idle one made room").isTrue();
        for (RawStreamClient other : idle.subList(1, idle.size())) {
            assertThat(other.closedByPeerWithin(100)).as("younger idle ones stay").isFalse();
        }
        sip(caller); // the one that carried SIP stays
        assertThat(transport.connectionStats().count(ConnectionStats.Event.EVICTED)).isEqualTo(1);
        assertThat(transport.refusedConnections()).isZero();
        assertThat(LoopbackTransport.waitFor(() -> table.size() == 5)).isTrue();
    }

    @Test
    void whenEveryConnectionCarriedSipTheNewcomerIsRefused() throws Exception {
        InetSocketAddress at = start(3);
        for (int i = 1; i <= 3; i++) {
            sip(connect(at, i));
        }
        RawStreamClient newcomer = RawStreamClient.connect(Protocol.TCP, at, 0);
        clients.add(newcomer);
        assertThat(newcomer.closedByPeerWithin(3000)).as("refused").isTrue();
        assertThat(transport.refusedConnections()).isEqualTo(1);
        assertThat(transport.connectionStats().count(ConnectionStats.Event.EVICTED)).isZero();
        assertThat(table.size()).isEqualTo(3);
    }
}
