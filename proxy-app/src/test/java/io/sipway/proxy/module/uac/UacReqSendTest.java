package io.sipway.proxy.module.uac;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.MovedPorts;
import io.sipway.proxy.Proxy;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * uac_req_send() with $uac_req(...) (Kamailio 5.6's uac module) on real UDP sockets: a caller asks the
 * proxy (script proxy/uac-5291.cfg) to probe a peer, the proxy sends an OPTIONS of its own through tm,
 * and event_route[uac:reply] reports the outcome to the peer with a MESSAGE carrying $uac_req(evcode),
 * evtype, the method sent and evparam. Ports 5291 (proxy), 5292 (caller), 5293 (peer), moved to free ones.
 */
@Timeout(30)
@DisplayName("uac_req_send()")
class UacReqSendTest {
    private final MovedPorts ports = MovedPorts.of(5291, 5292, 5293);
    private final InetSocketAddress proxyAt = new InetSocketAddress("127.0.0.1", ports.get(5291));
    @TempDir
    Path work;
    private Proxy proxy;
    private DatagramSocket caller;
    private DatagramSocket peer;

    @BeforeEach
    void start() throws Exception {
        proxy = Proxy.start(ports.script(Path.of("src/test/resources/proxy/uac-5291.cfg"), work), Map.of(), List.of());
        caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5292)));
        peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5293)));
        caller.setSoTimeout(3000);
        peer.setSoTimeout(3000);
    }

    @AfterEach
    void stop() {
        proxy.close();
        caller.close();
        peer.close();
    }

    private void ask(String user, String callId) throws Exception {
        String text = "OPTIONS sip:" + user + "@127.0.0.1:5291 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5292;branch=z9hG4bK-" + callId + "\r\nMax-Forwards: 70\r\n"
                + "From: <sip:ops@127.0.0.1>;tag=o1\r\nTo: <sip:" + user + "@127.0.0.1>\r\nCall-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        byte[] b = ports.apply(text).getBytes(StandardCharsets.US_ASCII);
        caller.send(new DatagramPacket(b, b.length, proxyAt));
    }

    private record Received(SipMessage msg, InetSocketAddress from) {
    }

    private static Received receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return new Received(SipParser.parse(Arrays.copyOf(buf, p.getLength())), (InetSocketAddress) p.getSocketAddress());
    }

    /** The next request of this method the peer receives (others, e.g. retransmissions of another, are passed over). */
    private static Received next(DatagramSocket s, String method) throws Exception {
        while (true) {
            Received r = receive(s);
            if (r.msg().isRequest() && r.msg().methodName().equals(method)) {
                return r;
            }
        }
    }

    /** The peer answers {@code req} (with its Via, From, To tagged, Call-ID and CSeq) to where it came from. */
    private void answer(Received req, int code, String reason) throws Exception {
        SipMessage m = req.msg();
        String text = "SIP/2.0 " + code + " " + reason + "\r\nVia: " + m.header("Via") + "\r\nFrom: " + m.header("From")
                + "\r\nTo: " + m.header("To") + ";tag=gw\r\nCall-ID: " + m.callId() + "\r\nCSeq: " + m.header("CSeq")
                + "\r\nContent-Length: 0\r\n\r\n";
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        peer.send(new DatagramPacket(b, b.length, req.from()));
    }

    @Test
    @DisplayName("sends the request $uac_req describes, written as Kamailio's tm writes it, from the proxy's socket")
    void sendsTheRequest() throws Exception {
        ask("probe", "uac-1");
        assertThat(receive(caller).msg().statusCode()).as("uac_req_send() returned 1").isEqualTo(200);
        Received options = next(peer, "OPTIONS");
        SipMessage m = options.msg();
        assertThat(options.from().getPort()).isEqualTo(ports.get(5291));
        assertThat(m.requestUriString()).isEqualTo(ports.apply("sip:gw@127.0.0.1:5293"));
        assertThat(m.headers("Via")).hasSize(1);
        assertThat(m.header("Via")).startsWith(ports.apply("SIP/2.0/UDP 127.0.0.1:5291;branch=z9hG4bK"));
        assertThat(m.header("To")).isEqualTo("<sip:gw@127.0.0.1>");
        assertThat(m.header("From")).startsWith("<sip:proxy@127.0.0.1>;tag=");
        assertThat(m.header("CSeq")).isEqualTo("10 OPTIONS");
        assertThat(m.callId()).endsWith("@127.0.0.1");
        assertThat(m.header("Max-Forwards")).isEqualTo("70");
        assertThat(m.header("Content-Length")).isEqualTo("0");
        assertThat(m.header("X-Probe")).isEqualTo("uac-1");
        answer(options, 200, "OK");
        SipMessage done = next(peer, "MESSAGE").msg();
        assertThat(done.header("X-Code")).isEqualTo("200");
        assertThat(done.header("X-Type")).as("a reply received").isEqualTo("1");
        assertThat(done.header("X-Sent")).isEqualTo("OPTIONS");
        assertThat(done.header("X-Param")).isEqualTo("uac-1");
        assertThat(done.header("X-Reason")).as("the route runs on the reply: $rr").isEqualTo("OK");
        assertThat(proxy.stat("tmx:UAC_transactions")).isEqualTo(2);
    }

    @Test
    @DisplayName("over UDP an unanswered request is retransmitted (Timer E) with the same branch until the peer answers")
    void retransmitsUntilAnswered() throws Exception {
        ask("probe", "uac-2");
        Received first = next(peer, "OPTIONS");
        long t0 = System.nanoTime();
        Received again = next(peer, "OPTIONS"); // not answered: T1 later it comes again
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(300);
        assertThat(again.msg().topVia().branch()).isEqualTo(first.msg().topVia().branch());
        assertThat(again.msg().callId()).isEqualTo(first.msg().callId());
        answer(again, 404, "Not Found");
        SipMessage done = next(peer, "MESSAGE").msg();
        assertThat(done.header("X-Code")).isEqualTo("404");
    }

    @Test
    @DisplayName("a peer that never answers: at fr_timer event_route[uac:reply] runs with tm's 408 (evtype 2)")
    void timeout() throws Exception {
        ask("probe", "uac-3");
        long t0 = System.nanoTime();
        SipMessage done = next(peer, "MESSAGE").msg();
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(1400);
        assertThat(done.header("X-Code")).isEqualTo("408");
        assertThat(done.header("X-Type")).as("tm's own reply").isEqualTo("2");
        assertThat(done.header("X-Reason")).isEqualTo("none");
    }

    @Test
    @DisplayName("without a Request-URI or method it returns -1 and nothing is sent")
    void nothingToSend() throws Exception {
        ask("nothing", "uac-4");
        SipMessage r = receive(caller).msg();
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(proxy.stat("tmx:UAC_transactions")).isZero();
    }

    @Test
    @DisplayName("with $uac_req(auser)/(apasswd) a 407 is answered once with their digest for the challenge's realm; the event route sees the 407")
    void answersAChallenge() throws Exception {
        ask("authprobe", "uac-5");
        assertThat(receive(caller).msg().statusCode()).isEqualTo(200);
        Received options = next(peer, "OPTIONS");
        SipMessage m = options.msg();
        String text = "SIP/2.0 407 Proxy Authentication Required\r\nVia: " + m.header("Via") + "\r\nFrom: " + m.header("From")
                + "\r\nTo: " + m.header("To") + ";tag=gw\r\nCall-ID: " + m.callId() + "\r\nCSeq: " + m.header("CSeq")
                + "\r\nProxy-Authenticate: Digest realm=\"gw.test\", nonce=\"nn1\"\r\nContent-Length: 0\r\n\r\n";
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        peer.send(new DatagramPacket(b, b.length, options.from()));
        SipMessage authorized = null;
        SipMessage event = null;
        while (authorized == null || event == null) {
            SipMessage r = receive(peer).msg();
            if (r.isRequest() && r.methodName().equals("OPTIONS") && r.header("Proxy-Authorization") != null) {
                authorized = r;
            } else if (r.isRequest() && r.methodName().equals("MESSAGE")) {
                event = r;
            }
        }
        assertThat(event.header("X-Code")).isEqualTo("407");
        String auth = authorized.header("Proxy-Authorization");
        String ruri = ports.apply("sip:gw@127.0.0.1:5293");
        assertThat(auth).contains("username=\"alice\"", "realm=\"gw.test\"", "nonce=\"nn1\"", "uri=\"" + ruri + "\"");
        String ha1 = UacAuth.md5("alice:gw.test:secret");
        assertThat(auth).contains("response=\"" + UacAuth.md5(ha1 + ":nn1:" + UacAuth.md5("OPTIONS:" + ruri)) + "\"");
        assertThat(authorized.callId()).isEqualTo(m.callId());
        assertThat(authorized.fromTag()).isEqualTo(m.fromTag());
        assertThat(authorized.header("CSeq")).isEqualTo("11 OPTIONS");
    }
}
