package io.sipway.transport;

import io.sipway.sip.SipParserConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A transport with one tcp: and one tls: listener on loopback whose layer above echoes every
 * message back on its connection (as a reply goes), for the WebSocket tests.
 */
final class WebSocketTestServer implements AutoCloseable {
    /** The policy of misc/examples/webrtc/kamailio-default-websocket.cfg: upgrade a GET asking for it, else 404. */
    static final WebSocketUpgrade.Policy EXAMPLE_CFG = new WebSocketUpgrade.Policy() {
        @Override
        public boolean allow(WebSocketUpgrade upgrade) {
            return true;
        }

        @Override
        public WebSocketUpgrade.Answer answer(WebSocketUpgrade r) {
            // the cfg's =~ matches ignore case
            String upgrade = String.valueOf(r.header("Upgrade")).toLowerCase(java.util.Locale.ROOT);
            String connection = String.valueOf(r.header("Connection")).toLowerCase(java.util.Locale.ROOT);
            if (upgrade.contains("websocket") && connection.contains("upgrade") && r.method().equals("GET")) {
                return WebSocketUpgrade.Answer.UPGRADE;
            }
            return new WebSocketUpgrade.Answer(404, "Not Found", "", "");
        }
    };

    final Transport transport;
    final ConnectionTable table = new ConnectionTable(true, false);
    final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    final int wsPort;
    final int wssPort;

    private WebSocketTestServer(TcpSettings tcp) throws Exception {
        Path dir = Files.createTempDirectory("sipway-ws");
        TestCertificates certs = TestCertificates.create(dir);
        Transport[] self = new Transport[1];
        Transport started = null;
        int ws = 0;
        int wss = 0;
        for (int attempt = 1; started == null; attempt++) {
            ws = freePort();
            wss = freePort();
            try {
                started = Transport.start(List.of(ListenSpec.parse("tcp:127.0.0.1:" + ws), ListenSpec.parse("tls:127.0.0.1:" + wss)),
                        table, SipParserConfig.defaults(), TlsSettings.server(certs.serverCert, certs.serverKey), tcp, 2,
                        (message, from) -> {
                            received.add(message);
                            self[0].sender().send(Destination.to(from.protocol(), from.source()).withConnectionId(from.connectionId()),
                                    message);
                        });
            } catch (ListenerBindException taken) {
                if (attempt == 5) {
                    throw taken; // a port found free was taken before the bind, five times over
                }
            }
        }
        wsPort = ws;
        wssPort = wss;
        transport = started;
        self[0] = transport;
    }

    static WebSocketTestServer start(TcpSettings tcp, Duration readTimeout) throws Exception {
        WebSocketTestServer s = new WebSocketTestServer(tcp);
        s.transport.webSocketReadTimeout(readTimeout);
        return s;
    }

    /** With the read timeout the TCP settings give (tcp_msg_read_timeout). */
    static WebSocketTestServer start(TcpSettings tcp) throws Exception {
        return new WebSocketTestServer(tcp);
    }

    static WebSocketTestServer start() throws Exception {
        return start(TcpSettings.defaults(), Duration.ofSeconds(20));
    }

    int port(boolean tls) {
        return tls ? wssPort : wsPort;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
