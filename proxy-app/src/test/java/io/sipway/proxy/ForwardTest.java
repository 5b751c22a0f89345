package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Core forward(): the request goes on without a transaction; replies come back by the Via. The
 * script and the messages are written with the ports 5284 (proxy), 5285 (caller) and 5286 (callee);
 * each test runs them moved to free ports ({@link MovedPorts}), its expectations moved alike.
 */
@Timeout(30)
class ForwardTest {
    private final MovedPorts ports = MovedPorts.of(5284, 5285, 5286);
    private final InetSocketAddress proxyAt = new InetSocketAddress("127.0.0.1", ports.get(5284));
    @TempDir
    Path work;
    private Proxy proxy;
    private DatagramSocket caller;
    private DatagramSocket callee;

    @BeforeEach
    void start() throws Exception {
        proxy = Proxy.start(ports.script(Path.of("src/test/resources/proxy/forward-5284.cfg"), work), Map.of(), List.of());
        caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5285)));
        callee = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5286)));
        caller.setSoTimeout(3000);
        callee.setSoTimeout(3000);
    }

    @AfterEach
    void stop() {
        proxy.close();
        caller.close();
        callee.close();
    }

    private static String invite(String user, String branch) {
        return "INVITE sip:" + user + "@127.0.0.1:5284 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5285;branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                + "To: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: " + branch + "@forward\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** Sends {@code text} with its fixed ports moved (replies copied from received messages have none left to move). */
    private void send(DatagramSocket s, String text, InetSocketAddress to) throws Exception {
        byte[] b = ports.apply(text).getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, to));
    }

    private static SipMessage receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return SipParser.parse(Arrays.copyOf(buf, p.getLength()));
    }

    private static String reply(SipMessage req, int code, String reason) {
        StringBuilder b = new StringBuilder("SIP/2.0 " + code + " " + reason + "\r\n");
        for (String v : req.headers("Via")) {
            b.append("Via: ").append(v).append("\r\n");
        }
        for (String rr : req.headers("Record-Route")) {
            b.append("Record-Route: ").append(rr).append("\r\n");
        }
        b.append("From: ").append(req.header("From")).append("\r\n");
        b.append("To: ").append(req.header("To")).append(";tag=b1\r\n");
        b.append("Call-ID: ").append(req.callId()).append("\r\n");
        b.append("CSeq: ").append(req.header("CSeq")).append("\r\n");
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString();
    }

    @Test
    void forwardSendsToDuStatelesslyAndTheReplyComesBackByTheVia() throws Exception {
        send(caller, invite("bob", "z9hG4bK-fw1"), proxyAt);
        SipMessage atCallee = receive(callee);
        List<String> vias = atCallee.headers("Via");
        assertThat(vias).hasSize(2);
        assertThat(vias.get(0)).startsWith(ports.apply("SIP/2.0/UDP 127.0.0.1:5284;branch=z9hG4bK"));
        assertThat(vias.get(1)).isEqualTo(ports.apply("SIP/2.0/UDP 127.0.0.1:5285;received=127.0.0.1;branch=z9hG4bK-fw1;rport=5285"));
        assertThat(atCallee.headers("Record-Route")).containsExactly(ports.apply("<sip:127.0.0.1:5284;lr;ftag=a1>"));
        assertThat(atCallee.header("Max-Forwards")).isEqualTo("70"); // forward() leaves it to maxfwd

        // stateless: no 100 Trying; the callee's replies pass through with our Via taken off
        send(callee, reply(atCallee, 180, "Ringing"), proxyAt);
        send(callee, reply(atCallee, 200, "OK"), proxyAt);
        SipMessage ringing = receive(caller);
        assertThat(ringing.statusCode()).isEqualTo(180);
        assertThat(ringing.headers("Via")).containsExactly(ports.apply("SIP/2.0/UDP 127.0.0.1:5285;received=127.0.0.1;branch=z9hG4bK-fw1;rport=5285"));
        assertThat(receive(caller).statusCode()).isEqualTo(200);
        assertThat(proxy.stat("tm:UAS_transactions")).isZero();
    }

    @Test
    void aRetransmissionIsForwardedAgainWithTheSameBranch() throws Exception {
        send(caller, invite("bob", "z9hG4bK-fw2"), proxyAt);
        String first = receive(callee).headers("Via").get(0);
        send(caller, invite("bob", "z9hG4bK-fw2"), proxyAt);
        String again = receive(callee).headers("Via").get(0);
        assertThat(again).isEqualTo(first);
        send(caller, invite("bob", "z9hG4bK-fw3"), proxyAt);
        assertThat(receive(callee).headers("Via").get(0)).isNotEqualTo(first);
    }

    @Test
    void forwardToAHostAndPortGoesThereWithoutRecordRoute() throws Exception {
        send(caller, invite("direct", "z9hG4bK-fw4"), proxyAt);
        SipMessage atCallee = receive(callee);
        assertThat(atCallee.requestUriString()).isEqualTo(ports.apply("sip:direct@127.0.0.1:5284"));
        assertThat(atCallee.headers("Record-Route")).isEmpty();
    }

    @Test
    void aDestinationThatDoesNotResolveMakesForwardFalse() throws Exception {
        send(caller, invite("nowhere", "z9hG4bK-fw5"), proxyAt);
        SipMessage r = receive(caller);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.reasonPhrase()).isEqualTo("forward failed");
        callee.setSoTimeout(300);
        try {
            receive(callee);
            org.assertj.core.api.Assertions.fail("nothing should reach the callee");
        } catch (SocketTimeoutException expected) {
            // nothing went out
        }
    }

    @Test
    void leavingOverTcpWhatCameOverUdpGivesTwoRecordRoutesTheOutboundOneOnTop() throws Exception {
        try (java.net.ServerSocket tcpCallee = new java.net.ServerSocket()) {
            tcpCallee.bind(new InetSocketAddress("127.0.0.1", ports.get(5286)));
            tcpCallee.setSoTimeout(3000);
            send(caller, invite("overtcp", "z9hG4bK-fw6"), proxyAt);
            try (java.net.Socket c = tcpCallee.accept()) {
                c.setSoTimeout(3000);
                byte[] buf = new byte[65535];
                int n = 0;
                String text = "";
                while (!text.contains("\r\n\r\n")) {
                    int r = c.getInputStream().read(buf, n, buf.length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                    text = new String(buf, 0, n, StandardCharsets.US_ASCII);
                }
                SipMessage atCallee = SipParser.parse(Arrays.copyOf(buf, n));
                // as Kamailio 5.6.3 writes them for the same script
                assertThat(atCallee.headers("Record-Route")).containsExactly(
                        ports.apply("<sip:127.0.0.1:5284;transport=tcp;r2=on;lr;ftag=a1>"),
                        ports.apply("<sip:127.0.0.1:5284;r2=on;lr;ftag=a1>"));
            }
        }
    }
}
