package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipParserConfig;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The regression suite for the Kamailio 5.8.2 bug ("TCP/TLS connection for WebSocket could not be
 * found"), over real loopback sockets: a client connects over TCP, TLS, WS or WSS and sends a
 * request; the destination a registrar / nathelper / loose_route would build from it (the URI
 * spelling {@code tcp}, {@code tls}, {@code ws} for WS and WSS alike, or {@code wss} as a Via says,
 * plus the receiving socket when forced) must reach exactly that connection, or must not (a
 * tls/wss destination never reaches a plain connection; a forced socket on another IP under
 * tcp_connection_match=1 misses), for both values of tcp_connection_match and tcp_reuse_port.
 * Where it is used, the client receives what is sent.
 */
@Timeout(120)
class WebSocketConnectionLookup582RegressionTest {
    private static final byte[] REGISTER = ("REGISTER sip:127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/TCP 127.0.0.9;branch=z9hG4bKreg\r\nTo: <sip:u@127.0.0.1>\r\nFrom: <sip:u@127.0.0.1>;tag=1\r\n"
            + "Call-ID: reg-1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    /** One proxy per (tcp_connection_match, tcp_reuse_port), each with tcp and tls listeners on two IPs. */
    private record Proxy(Transport transport, ConnectionTable table, BlockingQueue<ReceiveInfo> received) {
        SendSocket socket(Protocol family, String ip) {
            return transport.sockets().stream()
                    .filter(s -> s.protocol() == family && s.local().getAddress().getHostAddress().equals(ip))
                    .findFirst().orElseThrow();
        }
    }

    private static final List<Proxy> PROXIES = new ArrayList<>();
    private static Path certDir;

    @BeforeAll
    static void startProxies() throws Exception {
        certDir = Files.createTempDirectory("sipway-582");
        TestCertificates certs = TestCertificates.create(certDir);
        for (boolean match : new boolean[] {false, true}) {
            for (boolean reuse : new boolean[] {false, true}) {
                ConnectionTable table = new ConnectionTable(match, reuse);
                BlockingQueue<ReceiveInfo> received = new LinkedBlockingQueue<>();
                List<ListenSpec> listens = new ArrayList<>();
                for (String ip : new String[] {"127.0.0.1", "127.0.0.2"}) {
                    listens.add(ListenSpec.parse("tcp:" + ip + ":" + freePort(ip)));
                    listens.add(ListenSpec.parse("tls:" + ip + ":" + freePort(ip)));
                }
                Transport t = Transport.start(listens, table, SipParserConfig.defaults(),
                        TlsSettings.server(certs.serverCert, certs.serverKey), (message, from) -> received.add(from));
                PROXIES.add(new Proxy(t, table, received));
            }
        }
    }

    @AfterAll
    static void stopProxies() {
        PROXIES.forEach(p -> p.transport().close());
    }

    /** The validation hook: after every cell every table is consistent. */
    @AfterEach
    void tablesStayConsistent() {
        PROXIES.forEach(p -> p.table().checkConsistency());
    }

    private static int freePort(String ip) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(ip))) {
            return s.getLocalPort();
        }
    }

    /** Rows: what the destination says; columns: the connection's kind (TCP, TLS, WS, WSS). */
    private static final String[][] KIND = {
        /* tcp */ {"use", "miss", "miss", "miss"},
        /* tls */ {"miss", "use", "miss", "miss"},
        /* ws  */ {"miss", "miss", "use", "use"},
        /* wss */ {"miss", "miss", "miss", "use"},
    };
    /** Rows: (match, reuse_port) = (0,no) (0,yes) (1,no) (1,yes); columns: forced socket none, accepting, other IP. */
    private static final String[][] SOCKET = {
        {"use", "use", "use"},
        {"use", "use", "use"},
        {"use", "use", "miss"},
        {"use", "use", "miss"},
    };
    private static final Protocol[] KINDS = {Protocol.TCP, Protocol.TLS, Protocol.WS, Protocol.WSS};
    private static final Protocol[] SPELLINGS = {Protocol.TCP, Protocol.TLS, Protocol.WS, Protocol.WSS};
    private static final String[] FORCED = {"none", "accepting", "other-ip"};

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (int setting = 0; setting < 4; setting++) {
            for (int k = 0; k < KINDS.length; k++) {
                for (int sp = 0; sp < SPELLINGS.length; sp++) {
                    for (int f = 0; f < FORCED.length; f++) {
                        boolean use = KIND[sp][k].equals("use") && SOCKET[setting][f].equals("use");
                        cells.add(Arguments.of(setting >= 2, setting % 2 == 1, KINDS[k], SPELLINGS[sp], FORCED[f], use ? "use" : "miss"));
                    }
                }
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "match={0} reuse_port={1}: {2} client, destination {3}, forced socket {4}: {5}")
    @MethodSource("cells")
    void destinationBuiltFromTheMessageFindsItsConnection(boolean match, boolean reuse, Protocol kind, Protocol spelling,
                                                           String forced, String expected) throws Exception {
        Proxy proxy = PROXIES.get((match ? 2 : 0) + (reuse ? 1 : 0));
        Protocol family = kind.isSecure() ? Protocol.TLS : Protocol.TCP;
        SendSocket accepting = proxy.socket(family, "127.0.0.1");
        try (Client client = Client.connect(kind, accepting.local())) {
            client.send(REGISTER);
            ReceiveInfo from = proxy.received().poll(10, TimeUnit.SECONDS);
            assertThat(from).as("the proxy received the request").isNotNull();
            assertThat(from.protocol()).isEqualTo(kind);
            Connection arrivedOn = proxy.table().byId(from.connectionId());

            Destination d = Destination.to(spelling, from.source());
            if (forced.equals("accepting")) {
                d = d.withForcedSocket(from.localSocket());
            } else if (forced.equals("other-ip")) {
                d = d.withForcedSocket(proxy.socket(family, "127.0.0.2"));
            }
            int newestBefore = newestId(proxy.table());
            if (expected.equals("use")) {
                assertThat(proxy.table().find(d)).isSameAs(arrivedOn);
                assertThat(proxy.transport().sender().send(d, REGISTER)).isEqualTo(SendStatus.SENT);
                assertThat(client.receive(REGISTER.length)).isEqualTo(REGISTER);
            } else {
                assertThat(proxy.table().find(d)).isNull();
                SendStatus status = proxy.transport().sender().send(d.withNoConnect(), REGISTER);
                assertThat(status).isEqualTo(SendStatus.NO_CONNECTION);
                if (spelling.isWebSocket()) {
                    // a WebSocket miss never dials: same answer without no-connect, and no new connection
                    assertThat(proxy.transport().sender().send(d, REGISTER)).isEqualTo(SendStatus.NO_CONNECTION);
                }
                assertThat(newestId(proxy.table())).as("no connection was opened").isEqualTo(newestBefore);
            }
        }
    }

    /** The highest connection id in the table (ids only grow; closes of earlier cells may still be settling). */
    private static int newestId(ConnectionTable table) {
        return table.connections().stream().mapToInt(Connection::id).max().orElse(0);
    }

    /** A SIP client over TCP, TLS, WS or WSS. */
    private interface Client extends AutoCloseable {
        void send(byte[] message) throws Exception;

        byte[] receive(int length) throws Exception;

        @Override
        void close() throws Exception;

        static Client connect(Protocol kind, InetSocketAddress proxy) throws Exception {
            return switch (kind) {
                case TCP -> new StreamClient(new Socket(proxy.getAddress(), proxy.getPort()));
                case TLS -> new StreamClient(TestClients.trustingTls().getSocketFactory().createSocket(proxy.getAddress(), proxy.getPort()));
                case WS, WSS -> WsClient.open((kind == Protocol.WSS ? "wss" : "ws") + "://127.0.0.1:" + proxy.getPort() + "/");
                default -> throw new IllegalArgumentException(kind.text());
            };
        }
    }

    private record StreamClient(Socket socket) implements Client {
        StreamClient {
            try {
                socket.setSoTimeout(5000);
            } catch (java.net.SocketException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void send(byte[] message) throws Exception {
            socket.getOutputStream().write(message);
            socket.getOutputStream().flush();
        }

        @Override
        public byte[] receive(int length) throws Exception {
            InputStream in = socket.getInputStream();
            return in.readNBytes(length);
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static final class WsClient extends TestClients.TextCollector implements Client {
        private WebSocket ws;

        static WsClient open(String uri) throws Exception {
            WsClient c = new WsClient();
            c.ws = HttpClient.newBuilder().sslContext(TestClients.trustingTls()).build().newWebSocketBuilder().subprotocols("sip")
                    .buildAsync(URI.create(uri), c).get(10, TimeUnit.SECONDS);
            return c;
        }

        @Override
        public void send(byte[] message) throws Exception {
            ws.sendText(new String(message, StandardCharsets.UTF_8), true).get(5, TimeUnit.SECONDS);
        }

        @Override
        public byte[] receive(int length) throws Exception {
            String t = texts.poll(5, TimeUnit.SECONDS);
            return t == null ? new byte[0] : t.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            ws.abort();
        }
    }
}
