package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The connection table's lookup rules (DESIGN.md, "The connection table"), on the table alone: which
 * destination finds which connection. The same matrix over real sockets is the transport's
 * regression suite for the Kamailio 5.8.2 WebSocket bug.
 */
class ConnectionTableTest {
    private static final InetSocketAddress CLIENT = addr("127.0.0.2", 40000);
    private static final InetSocketAddress TCP_LISTENER = addr("127.0.0.1", 5060);
    private static final InetSocketAddress TLS_LISTENER = addr("127.0.0.1", 5061);
    private static final InetSocketAddress OTHER_IP_LISTENER = addr("127.0.0.3", 5060);

    private final List<ConnectionTable> tables = new ArrayList<>();

    private ConnectionTable table(boolean match, boolean reusePort) {
        ConnectionTable t = new ConnectionTable(match, reusePort);
        tables.add(t);
        return t;
    }

    /** The validation hook: after every test, every table used is consistent. */
    @AfterEach
    void tablesStayConsistent() {
        tables.forEach(ConnectionTable::checkConsistency);
    }

    static InetSocketAddress addr(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    /**
     * Which connection kinds each destination spelling may use (rows: what the destination says;
     * columns: the connection's kind). The heart of the 5.8.2 fix: a URI says {@code ws} for a
     * browser on WSS, and must still find it; {@code tls}/{@code wss} never reach plain connections.
     */
    private static final String[][] KIND_TABLE = {
        //            TCP      TLS      WS       WSS
        /* tcp */ {"use", "miss", "miss", "miss"},
        /* tls */ {"miss", "use", "miss", "miss"},
        /* ws  */ {"miss", "miss", "use", "use"},
        /* wss */ {"miss", "miss", "miss", "use"},
    };
    private static final Protocol[] SPELLINGS = {Protocol.TCP, Protocol.TLS, Protocol.WS, Protocol.WSS};
    private static final Protocol[] KINDS = {Protocol.TCP, Protocol.TLS, Protocol.WS, Protocol.WSS};

    static Stream<Arguments> kindsAndSpellings() {
        List<Arguments> cells = new ArrayList<>();
        for (boolean match : new boolean[] {false, true}) {
            for (boolean reuse : new boolean[] {false, true}) {
                for (int k = 0; k < KINDS.length; k++) {
                    for (int s = 0; s < SPELLINGS.length; s++) {
                        cells.add(Arguments.of(match, reuse, KINDS[k], SPELLINGS[s], KIND_TABLE[s][k]));
                    }
                }
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "match={0} reuse_port={1}: {2} connection, destination says {3}: {4}")
    @MethodSource("kindsAndSpellings")
    void destinationSpellingFindsOnlyAllowedKinds(boolean match, boolean reuse, Protocol kind, Protocol spelling, String expected) {
        ConnectionTable t = table(match, reuse);
        Connection c = connect(t, kind, CLIENT, kind.isSecure() ? TLS_LISTENER : TCP_LISTENER);
        Connection found = t.find(Destination.to(spelling, CLIENT));
        assertThat(found).isEqualTo(expected.equals("use") ? c : null);
    }

    private static Connection connect(ConnectionTable t, Protocol kind, InetSocketAddress remote, InetSocketAddress local) {
        Protocol family = kind.isSecure() ? Protocol.TLS : Protocol.TCP;
        Connection c = t.add(family, remote, local);
        if (kind.isWebSocket()) {
            t.upgradeToWebSocket(c);
        }
        return c;
    }

    /**
     * A forced send socket under each setting, for a connection accepted on 127.0.0.1:5060 (TCP/WS)
     * or :5061 (TLS/WSS): the accepting listener; another port on the same IP; another IP.
     * match=0 ignores the local side; match=1 with reuse_port=no accepts the same IP; with
     * reuse_port=yes only the exact local ip:port.
     */
    static Stream<Arguments> forcedSockets() {
        List<Arguments> cells = new ArrayList<>();
        String[][] table = {
            // socket:             accepting  same-ip-other-port  other-ip
            /* match=0 reuse=no  */ {"use", "use", "use"},
            /* match=0 reuse=yes */ {"use", "use", "use"},
            /* match=1 reuse=no  */ {"use", "use", "miss"},
            /* match=1 reuse=yes */ {"use", "miss", "miss"},
        };
        String[] sockets = {"accepting", "same-ip-other-port", "other-ip"};
        int row = 0;
        for (boolean match : new boolean[] {false, true}) {
            for (boolean reuse : new boolean[] {false, true}) {
                for (Protocol kind : KINDS) {
                    for (int s = 0; s < sockets.length; s++) {
                        cells.add(Arguments.of(match, reuse, kind, sockets[s], table[row][s]));
                    }
                }
                row++;
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "match={0} reuse_port={1}: {2} connection, forced socket {3}: {4}")
    @MethodSource("forcedSockets")
    void forcedSocketNarrowsOnlyUnderConnectionMatch(boolean match, boolean reuse, Protocol kind, String socket, String expected) {
        ConnectionTable t = table(match, reuse);
        InetSocketAddress accepting = kind.isSecure() ? TLS_LISTENER : TCP_LISTENER;
        Connection c = connect(t, kind, CLIENT, accepting);
        InetSocketAddress local = switch (socket) {
            case "accepting" -> accepting;
            case "same-ip-other-port" -> addr("127.0.0.1", 5080);
            default -> OTHER_IP_LISTENER;
        };
        // a registrar stores transport=ws for WS and WSS alike; the socket is tcp: or tls: (a forced
        // tls: socket is valid for a ws destination)
        Protocol spelling = kind.isWebSocket() ? Protocol.WS : kind;
        SendSocket forced = new SendSocket(kind.isSecure() ? Protocol.TLS : Protocol.TCP, local);
        Connection found = t.find(Destination.to(spelling, CLIENT).withForcedSocket(forced));
        assertThat(found).isEqualTo(expected.equals("use") ? c : null);
    }

    @Test
    @DisplayName("a ws destination prefers the WSS connection over a WS one to the same peer")
    void wsPrefersWss() {
        ConnectionTable t = table(true, false);
        Connection ws = connect(t, Protocol.WS, CLIENT, TCP_LISTENER);
        Connection wss = connect(t, Protocol.WSS, CLIENT, TLS_LISTENER);
        assertThat(t.find(Destination.to(Protocol.WS, CLIENT))).isSameAs(wss);
        t.remove(wss);
        assertThat(t.find(Destination.to(Protocol.WS, CLIENT))).isSameAs(ws);
        assertThat(t.find(Destination.to(Protocol.WSS, CLIENT))).isNull();
    }

    @Test
    @DisplayName("several connections to the same peer: the newest wins")
    void newestWins() {
        ConnectionTable t = table(false, false);
        Connection first = t.add(Protocol.TCP, CLIENT, TCP_LISTENER);
        Connection second = t.add(Protocol.TCP, CLIENT, addr("127.0.0.1", 5080));
        assertThat(t.find(Destination.to(Protocol.TCP, CLIENT))).isSameAs(second);
        t.remove(second);
        assertThat(t.find(Destination.to(Protocol.TCP, CLIENT))).isSameAs(first);
    }

    @Test
    @DisplayName("under match=1 and a forced socket, the connection on the socket's port beats a newer one on the same IP")
    void forcedSocketPortIsPreferred() {
        ConnectionTable t = table(true, false);
        Connection onSocketPort = t.add(Protocol.TCP, CLIENT, TCP_LISTENER);
        t.add(Protocol.TCP, CLIENT, addr("127.0.0.1", 5080));
        SendSocket forced = new SendSocket(Protocol.TCP, TCP_LISTENER);
        assertThat(t.find(Destination.to(Protocol.TCP, CLIENT).withForcedSocket(forced))).isSameAs(onSocketPort);
    }

    @Test
    @DisplayName("a connection id finds its connection whatever the destination says (replies go by id)")
    void idLookupIgnoresProtocolAndAddress() {
        ConnectionTable t = table(true, true);
        Connection wss = connect(t, Protocol.WSS, CLIENT, TLS_LISTENER);
        Destination byIdOnly = Destination.to(Protocol.TCP, addr("192.0.2.9", 9)).withConnectionId(wss.id());
        assertThat(t.find(byIdOnly)).isSameAs(wss);
        assertThat(t.byId(wss.id())).isSameAs(wss);
    }

    @Test
    @DisplayName("a gone connection id falls back to the address lookup")
    void goneIdFallsBackToAddress() {
        ConnectionTable t = table(false, false);
        Connection old = t.add(Protocol.TCP, CLIENT, TCP_LISTENER);
        t.remove(old);
        Connection current = t.add(Protocol.TCP, CLIENT, TCP_LISTENER);
        assertThat(current.id()).isNotEqualTo(old.id());
        assertThat(t.find(Destination.to(Protocol.TCP, CLIENT).withConnectionId(old.id()))).isSameAs(current);
        assertThat(t.byId(old.id())).isNull();
    }

    @Test
    @DisplayName("port aliases (Via alias, force_tcp_alias) reach the connection; only the port is aliased")
    void aliases() {
        ConnectionTable t = table(false, false);
        Connection c = t.add(Protocol.TCP, CLIENT, TCP_LISTENER);
        assertThat(t.addAlias(c, 5060)).isTrue();
        assertThat(t.find(Destination.to(Protocol.TCP, addr("127.0.0.2", 5060)))).isSameAs(c);
        assertThat(t.find(Destination.to(Protocol.TCP, addr("127.0.0.9", 5060)))).isNull();
        for (int port = 6000; port < 6011; port++) {
            assertThat(t.addAlias(c, port)).isTrue();
        }
        assertThat(t.addAlias(c, 7000)).as("the thirteenth alias").isFalse();
        t.remove(c);
        assertThat(t.find(Destination.to(Protocol.TCP, addr("127.0.0.2", 5060)))).isNull();
    }

    @Test
    @DisplayName("UDP destinations never use a connection; a closed connection is never found")
    void udpAndClosed() {
        ConnectionTable t = table(false, false);
        Connection c = t.add(Protocol.TCP, CLIENT, TCP_LISTENER);
        assertThat(t.find(Destination.to(Protocol.UDP, CLIENT))).isNull();
        t.remove(c);
        assertThat(c.isOpen()).isFalse();
        assertThat(t.find(Destination.to(Protocol.TCP, CLIENT))).isNull();
        assertThat(t.size()).isZero();
    }

    @Test
    @DisplayName("the table grows past its first buckets and keeps every connection and alias reachable")
    void growth() {
        ConnectionTable t = table(false, false);
        List<Connection> all = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Connection c = t.add(Protocol.TCP, addr("10.0." + (i / 250) + "." + (i % 250), 30000 + i), TCP_LISTENER);
            t.addAlias(c, 5060);
            all.add(c);
        }
        for (int i = 0; i < all.size(); i += 7) {
            Connection c = all.get(i);
            assertThat(t.find(Destination.to(Protocol.TCP, c.remote()))).isSameAs(c);
            assertThat(t.find(Destination.to(Protocol.TCP, new InetSocketAddress(c.remote().getAddress(), 5060)))).isSameAs(c);
            assertThat(t.byId(c.id())).isSameAs(c);
        }
        assertThat(t.size()).isEqualTo(5000);
    }

    @Test
    @DisplayName("allowed kinds in order of preference, for error messages")
    void allowedKinds() {
        assertThat(ConnectionTable.allowedKinds(Protocol.WS)).containsExactly(Protocol.WSS, Protocol.WS);
        assertThat(ConnectionTable.allowedKinds(Protocol.WSS)).containsExactly(Protocol.WSS);
        assertThat(ConnectionTable.allowedKinds(Protocol.TLS)).containsExactly(Protocol.TLS);
        assertThat(ConnectionTable.allowedKinds(Protocol.UDP)).isEmpty();
    }
}
