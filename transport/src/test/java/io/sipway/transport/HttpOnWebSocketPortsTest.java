package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Plain HTTP and refused upgrades on the tcp:/tls: listeners, answered as Kamailio 5.6.3 answers them
 * (xhttp + websocket with the example cfg's event_route[xhttp:request], read off the wire with curl
 * and a raw socket): every HTTP/1.x request, whatever its method, goes to the script; the websocket
 * module's 400 and 426 carry its headers and close the connection.
 */
@DisplayName("HTTP on the WebSocket ports")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpOnWebSocketPortsTest {
    private final BlockingQueue<WebSocketUpgrade> asked = new LinkedBlockingQueue<>();
    private WebSocketTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = WebSocketTestServer.start();
        server.transport.upgradePolicy(new WebSocketUpgrade.Policy() {
            @Override
            public boolean allow(WebSocketUpgrade upgrade) {
                return true;
            }

            @Override
            public WebSocketUpgrade.Answer answer(WebSocketUpgrade request) {
                asked.add(request);
                return WebSocketTestServer.EXAMPLE_CFG.answer(request).withHeader("Server", "Sipway test");
            }
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends {@code request} on a new connection; the answer head, asserting the server then closes. */
    private String answerAndClose(boolean tls, String request) throws Exception {
        try (RawWebSocket c = RawWebSocket.connect(server.port(tls), tls)) {
            c.send(request);
            String head = c.readHead();
            assertThat(c.closedWithin(2000)).as("closed after the answer").isTrue();
            return head;
        }
    }

    @Test
    @DisplayName("a POST with a body goes to the script, which answers 404, and the connection closes (WS and WSS)")
    void aPostIsAnsweredAndClosed() throws Exception {
        for (boolean tls : new boolean[] {false, true}) {
            String head = answerAndClose(tls, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(head).isEqualTo("HTTP/1.1 404 Not Found\r\nServer: Sipway test\r\nContent-Length: 0");
            WebSocketUpgrade seen = asked.poll(1, TimeUnit.SECONDS);
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.uri()).isEqualTo("/x");
            assertThat(seen.secure()).isEqualTo(tls);
            assertThat(new String(seen.body(), java.nio.charset.StandardCharsets.US_ASCII)).as("the body, for the script's $rb").isEqualTo("hello");
        }
    }

    @Test
    @DisplayName("any HTTP/1.x method is HTTP, OPTIONS * included; HTTP/1.0 is answered in HTTP/1.0")
    void anyMethodIsHttp() throws Exception {
        assertThat(answerAndClose(false, "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(answerAndClose(false, "DELETE /a HTTP/1.1\r\nHost: a\r\n\r\n")).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(answerAndClose(false, "GET / HTTP/1.0\r\nHost: a\r\n\r\n")).startsWith("HTTP/1.0 404 Not Found\r\n");
    }

    @Test
    @DisplayName("Sec-WebSocket-Version other than 13: 426 with Sec-WebSocket-Version: 13, and the connection closes")
    void anUnsupportedVersionIs426AndClosed() throws Exception {
        for (boolean tls : new boolean[] {false, true}) {
            String head = answerAndClose(tls, RawWebSocket.UPGRADE.replace("Version: 13", "Version: 8"));
            assertThat(head).isEqualTo("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nServer: Sipway test\r\n"
                    + "Content-Length: 0");
        }
    }

    @Test
    @DisplayName("no subprotocol sip, or a required header missing: 400 naming what is supported, and close")
    void aMissingRequirementIs400WithTheSupportedValues() throws Exception {
        String expected = "HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n"
                + "Server: Sipway test\r\nContent-Length: 0";
        assertThat(answerAndClose(false, RawWebSocket.UPGRADE.replace("Sec-WebSocket-Protocol: sip\r\n", ""))).isEqualTo(expected);
        assertThat(answerAndClose(false, RawWebSocket.UPGRADE.replace("Protocol: sip", "Protocol: chat"))).isEqualTo(expected);
        assertThat(answerAndClose(false, RawWebSocket.UPGRADE.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "")))
                .isEqualTo(expected);
        assertThat(answerAndClose(false, RawWebSocket.UPGRADE.replace("Sec-WebSocket-Version: 13\r\n", ""))).isEqualTo(expected);
    }

    @Test
    @DisplayName("a repeated Sec-WebSocket-Key, -Version or Origin: a bare 400, and close")
    void aRepeatedHeaderIsABare400() throws Exception {
        String expected = "HTTP/1.1 400 Bad Request\r\nServer: Sipway test\r\nContent-Length: 0";
        assertThat(answerAndClose(false, RawWebSocket.UPGRADE.replace("\r\n\r\n", "\r\nSec-WebSocket-Key: eA==\r\n\r\n"))).isEqualTo(expected);
        assertThat(answerAndClose(true, RawWebSocket.UPGRADE.replace("\r\n\r\n", "\r\nOrigin: a\r\nOrigin: b\r\n\r\n"))).isEqualTo(expected);
    }

    @Test
    @DisplayName("a good upgrade: 101 with Kamailio's headers in its order; the subprotocol is found as Kamailio finds it")
    void theSwitchingProtocolsAnswer() throws Exception {
        try (RawWebSocket c = RawWebSocket.connect(server.wsPort, false)) {
            c.send(RawWebSocket.UPGRADE.replace("Protocol: sip", "Protocol: chat, SIP").replace("Connection: Upgrade", "Connection: keep-alive, upgrade"));
            assertThat(c.readHead()).isEqualTo("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Protocol: sip\r\nUpgrade: websocket\r\n"
                    + "Connection: upgrade\r\nSec-WebSocket-Accept: " + RawWebSocket.ACCEPT + "\r\nServer: Sipway test\r\nContent-Length: 0");
            c.sendFrame(RawWebSocket.TEXT, "OPTIONS sip:a SIP/2.0\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), true);
            assertThat(server.received.poll(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    @DisplayName("without a script the upgrade check runs on every request: a POST gets the websocket module's 400")
    void theDefaultPolicyGivesAPostThe400() throws Exception {
        server.transport.upgradePolicy(WebSocketUpgrade.Policy.ACCEPT_SIP);
        assertThat(answerAndClose(false, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"))
                .isEqualTo("HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0");
    }

    @Test
    @DisplayName("a script answer with a body and a content type")
    void aScriptAnswerWithABody() throws Exception {
        server.transport.upgradePolicy(new WebSocketUpgrade.Policy() {
            @Override
            public boolean allow(WebSocketUpgrade upgrade) {
                return false;
            }

            @Override
            public WebSocketUpgrade.Answer answer(WebSocketUpgrade request) {
                return new WebSocketUpgrade.Answer(200, "OK", "text/plain", "pong");
            }
        });
        try (RawWebSocket c = RawWebSocket.connect(server.wsPort, false)) {
            c.send("GET /ping HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readHead()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4");
            assertThat(c.in.readNBytes(4)).isEqualTo("pong".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.closedWithin(2000)).isTrue();
        }
    }

    @Test
    @DisplayName("SIP on the same port is still SIP, a SIP OPTIONS included")
    void sipStaysSip() throws Exception {
        byte[] options = ("OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK1\r\n"
                + "Call-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (RawWebSocket c = RawWebSocket.connect(server.wsPort, false)) {
            c.send(options);
            assertThat(c.in.readNBytes(options.length)).isEqualTo(options);
        }
        assertThat(asked).isEmpty();
    }
}
