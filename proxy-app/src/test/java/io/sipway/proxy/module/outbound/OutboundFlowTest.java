package io.sipway.proxy.module.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outbound edge proxy (RFC 5626 section 5, Kamailio's outbound with rr and path): a UA on TCP
 * whose Contact has ;ob is Record-Routed with a flow token naming its connection, and a request
 * coming back from the other side goes over that very connection, whatever the UA's Contact says
 * (here a port nobody listens on). A REGISTER with reg-id gets the token in its Path, with ;ob.
 */
@Timeout(30)
class OutboundFlowTest {
    static final String SCRIPT = String.join("\n",
            "loadmodule \"tm.so\"", "loadmodule \"sl.so\"", "loadmodule \"rr.so\"", "loadmodule \"path.so\"",
            "loadmodule \"pv.so\"", "loadmodule \"textops.so\"", "loadmodule \"outbound.so\"",
            "modparam(\"outbound\", \"flow_token_secret\", \"!!!Kamailio rocks!!!\")",
            "request_route {",
            "    if (loose_route()) {",
            "        t_relay();",
            "        exit;",
            "    }",
            "    if ($rc == -2) {",
            "        sl_send_reply(\"403\", \"Flow-token tampered\");",
            "        exit;",
            "    }",
            "    if (is_method(\"REGISTER\")) {",
            "        add_path();",
            "    } else {",
            "        record_route();",
            "    }",
            "    $du = \"sip:127.0.0.1:NEXT\";",
            "    t_relay();",
            "}", "");
    @TempDir
    Path dir;
    private Proxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private int start(int next) throws Exception {
        int port = FreePorts.udpAndTcp();
        Path cfg = dir.resolve("edge.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + port + "\nlisten=tcp:127.0.0.1:" + port + "\n"
                + SCRIPT.replace("NEXT", Integer.toString(next)));
        proxy = Proxy.start(cfg, Map.of(), List.of());
        return port;
    }

    @Test
    void aRequestBackToTheUaTakesItsFlowFromTheFlowToken() throws Exception {
        try (DatagramSocket callee = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            callee.setSoTimeout(5000);
            int port = start(callee.getLocalPort());
            try (Socket ua = new Socket("127.0.0.1", port)) {
                ua.setSoTimeout(5000);
                String invite = "INVITE sip:bob@127.0.0.1:" + port + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/TCP 127.0.0.1:" + ua.getLocalPort() + ";branch=z9hG4bK-ob1\r\n"
                        + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\n"
                        + "Call-ID: ob-1@test\r\nCSeq: 1 INVITE\r\nSupported: outbound\r\n"
                        + "Contact: <sip:alice@127.0.0.1:9;transport=tcp;ob>\r\nContent-Length: 0\r\n\r\n";
                ua.getOutputStream().write(invite.getBytes(StandardCharsets.US_ASCII));

                SipMessage relayed = receive(callee);
                List<String> rr = relayed.headers("Record-Route");
                assertThat(rr).hasSize(2); // tcp in, udp out: a double Record-Route, both with the token
                String token = rr.get(0).substring("<sip:".length(), rr.get(0).indexOf('@'));
                assertThat(rr.get(0)).isEqualTo("<sip:" + token + "@127.0.0.1:" + port + ";r2=on;lr;ftag=a1>");
                assertThat(rr.get(1)).isEqualTo("<sip:" + token + "@127.0.0.1:" + port + ";transport=tcp;r2=on;lr;ftag=a1>");
                assertThat(new FlowTokens(java.security.MessageDigest.getInstance("SHA-1")
                        .digest("!!!Kamailio rocks!!!".getBytes(StandardCharsets.UTF_8))).decode(token).remote())
                        .isEqualTo(ua.getLocalSocketAddress());

                String bye = "BYE sip:alice@127.0.0.1:9;transport=tcp;ob SIP/2.0\r\n"
                        + "Via: SIP/2.0/UDP 127.0.0.1:" + callee.getLocalPort() + ";branch=z9hG4bK-ob2\r\n"
                        + "Route: " + rr.get(0) + ", " + rr.get(1) + "\r\n"
                        + "Max-Forwards: 70\r\nFrom: <sip:bob@127.0.0.1>;tag=b1\r\nTo: <sip:alice@127.0.0.1>;tag=a1\r\n"
                        + "Call-ID: ob-1@test\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n";
                byte[] b = bye.getBytes(StandardCharsets.US_ASCII);
                callee.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));

                String onTheFlow = readUntil(ua.getInputStream(), "BYE sip:");
                assertThat(onTheFlow).as("the BYE came over the UA's own TCP connection")
                        .contains("BYE sip:alice@127.0.0.1:9;transport=tcp;ob SIP/2.0");

                byte[] t = java.util.Base64.getDecoder().decode(token);
                t[20] ^= 1;
                String forged = bye.replace(token, java.util.Base64.getEncoder().encodeToString(t)).replace("ob2", "ob3");
                b = forged.getBytes(StandardCharsets.US_ASCII);
                callee.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
                SipMessage reply = receive(callee);
                while (reply.isRequest() || reply.statusCode() != 403) { // the INVITE's retransmissions may come first
                    reply = receive(callee);
                }
                assertThat(reply.reasonPhrase()).as("loose_route() says -2").isEqualTo("Flow-token tampered");
            }
        }
    }

    @Test
    void aRegisterWithRegIdGetsTheFlowTokenAndObInItsPath() throws Exception {
        try (DatagramSocket registrar = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            registrar.setSoTimeout(5000);
            int port = start(registrar.getLocalPort());
            try (Socket ua = new Socket("127.0.0.1", port)) {
                String register = "REGISTER sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/TCP 127.0.0.1:" + ua.getLocalPort() + ";branch=z9hG4bK-ob4\r\n"
                        + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=r1\r\nTo: <sip:alice@127.0.0.1>\r\n"
                        + "Call-ID: ob-2@test\r\nCSeq: 1 REGISTER\r\nSupported: path, outbound\r\n"
                        + "Contact: <sip:alice@127.0.0.1:9;transport=tcp;ob>;reg-id=1;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"\r\n"
                        + "Content-Length: 0\r\n\r\n";
                ua.getOutputStream().write(register.getBytes(StandardCharsets.US_ASCII));

                List<String> path = receive(registrar).headers("Path");
                assertThat(path).hasSize(1);
                assertThat(path.get(0)).matches("<sip:[A-Za-z0-9+/=]{32}@127\\.0\\.0\\.1:" + port + ";lr;ob>");
            }
        }
    }

    private static SipMessage receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return SipParser.parse(Arrays.copyOf(buf, p.getLength()));
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                break;
            }
            if (n < 0) {
                break;
            }
            seen.write(buf, 0, n);
            if (seen.toString(StandardCharsets.US_ASCII).contains(marker)) {
                break;
            }
        }
        return seen.toString(StandardCharsets.US_ASCII);
    }
}
