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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy running a relay script over real UDP sockets, with plain sockets as caller (UAC) and
 * callee (UAS): what each side sees, message by message. The script and the messages are written
 * with the ports 5088 (proxy), 5187 (UAC) and 5188 (UAS); each test moves them to free ports
 * ({@link MovedPorts}), in the script and in every message it sends.
 */
@Timeout(30)
class ProxyUdpTest {
    private final MovedPorts ports = MovedPorts.of(5088, 5187, 5188);
    private final InetSocketAddress proxyAt = new InetSocketAddress("127.0.0.1", ports.get(5088));
    @TempDir
    Path work;
    private Proxy proxy;
    private DatagramSocket uac;
    private DatagramSocket uas;

    @BeforeEach
    void start() throws Exception {
        proxy = Proxy.start(ports.script(Path.of("src/test/resources/proxy/relay-5088.cfg"), work), Map.of(), List.of());
        uac = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5187)));
        uas = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5188)));
        uac.setSoTimeout(3000);
        uas.setSoTimeout(3000);
    }

    @AfterEach
    void stop() {
        proxy.close();
        uac.close();
        uas.close();
    }

    private static String invite(String branch, String user) {
        return "INVITE sip:" + user + "@127.0.0.1:5088 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5187;branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                + "To: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: " + branch + "@test\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:alice@127.0.0.1:5187>\r\n"
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
        byte[] bytes = java.util.Arrays.copyOf(buf, p.getLength());
        return SipParser.parse(bytes);
    }

    /** The reply the UAS sends back through the proxy: its Via headers as received, To with a tag. */
    private static String replyTo(SipMessage req, int code, String reason) {
        StringBuilder b = new StringBuilder("SIP/2.0 " + code + " " + reason + "\r\n");
        for (String v : req.headers("Via")) {
            b.append("Via: ").append(v).append("\r\n");
        }
        for (String rr : req.headers("Record-Route")) {
            b.append("Record-Route: ").append(rr).append("\r\n");
        }
        b.append("From: ").append(req.header("From")).append("\r\n");
        b.append("To: ").append(req.header("To")).append(";tag=b2\r\n");
        b.append("Call-ID: ").append(req.callId()).append("\r\n");
        b.append("CSeq: ").append(req.header("CSeq")).append("\r\n");
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString();
    }

    @Test
    void anInviteIsAnsweredWith100AndRelayedWithOurViaRecordRouteAndOneHopLess() throws Exception {
        send(uac, invite("z9hG4bK-inv1", "bob"), proxyAt);
        SipMessage trying = receive(uac);
        assertThat(trying.statusCode()).isEqualTo(100);
        assertThat(trying.topVia().branch()).isEqualTo("z9hG4bK-inv1");

        SipMessage relayed = receive(uas);
        assertThat(relayed.methodName()).isEqualTo("INVITE");
        assertThat(relayed.vias()).hasSize(2);
        assertThat(relayed.topVia().host()).isEqualTo("127.0.0.1");
        assertThat(relayed.topVia().port()).isEqualTo(ports.get(5088));
        assertThat(relayed.topVia().branch()).startsWith("z9hG4bK");
        assertThat(relayed.vias().get(1).rport()).as("rport filled in (RFC 3581)").isEqualTo(ports.get(5187));
        assertThat(relayed.header("Record-Route")).isEqualTo("<sip:127.0.0.1:" + ports.get(5088) + ";lr;ftag=a1>");
        assertThat(relayed.maxForwards()).isEqualTo(69);

        send(uas, replyTo(relayed, 180, "Ringing"), proxyAt);
        SipMessage ringing = receive(uac);
        assertThat(ringing.statusCode()).isEqualTo(180);
        assertThat(ringing.vias()).as("the proxy's Via is taken off").hasSize(1);

        send(uas, replyTo(relayed, 200, "OK"), proxyAt);
        SipMessage ok = receive(uac);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.vias()).hasSize(1);
        assertThat(proxy.stat("tm:UAS_transactions")).isEqualTo(1);
        assertThat(proxy.stat("tm:2xx_transactions")).isEqualTo(1);
    }

    @Test
    void aRetransmittedInviteIsAbsorbedAndTheLastReplyResent() throws Exception {
        send(uac, invite("z9hG4bK-inv2", "bob"), proxyAt);
        assertThat(receive(uac).statusCode()).isEqualTo(100);
        SipMessage first = receive(uas);
        send(uac, invite("z9hG4bK-inv2", "bob"), proxyAt);
        assertThat(receive(uac).statusCode()).as("the 100 again").isEqualTo(100);
        uas.setSoTimeout(700);
        // the proxy's own retransmission (Timer A, 500 ms) is the only other INVITE the UAS sees
        SipMessage again = receive(uas);
        assertThat(again.topVia().branch()).as("a retransmission of the same branch, not a new one")
                .isEqualTo(first.topVia().branch());
    }

    @Test
    void aNegativeReplyIsAckedHopByHopAndSentUpstream() throws Exception {
        send(uac, invite("z9hG4bK-inv3", "bob"), proxyAt);
        receive(uac);
        SipMessage relayed = receive(uas);
        send(uas, replyTo(relayed, 486, "Busy Here"), proxyAt);
        SipMessage ack = receive(uas);
        assertThat(ack.methodName()).isEqualTo("ACK");
        assertThat(ack.topVia().branch()).isEqualTo(relayed.topVia().branch());
        assertThat(ack.toTag()).isEqualTo("b2");
        SipMessage busy = receive(uac);
        assertThat(busy.statusCode()).isEqualTo(486);
        assertThat(proxy.stat("tm:4xx_transactions")).isEqualTo(1);
    }

    @Test
    void aLocalReplyFromTheScript() throws Exception {
        send(uac, invite("z9hG4bK-inv4", "nobody"), proxyAt);
        SipMessage first = receive(uac);
        SipMessage reply = first.statusCode() == 100 ? receive(uac) : first;
        assertThat(reply.statusCode()).isEqualTo(404);
        assertThat(reply.reasonPhrase()).isEqualTo("Not Found");
        assertThat(reply.toTag()).isNotNull();
    }

    @Test
    void garbageIsDroppedAndCountedWithoutAReply() throws Exception {
        send(uac, "this is not SIP\r\n\r\n", proxyAt);
        send(uac, "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n", proxyAt); // no Via, From, To...
        uac.setSoTimeout(500);
        try {
            receive(uac);
            throw new AssertionError("a reply to garbage");
        } catch (SocketTimeoutException expected) {
            // nothing comes back
        }
        assertThat(proxy.stat("sipway:malformed_dropped")).isEqualTo(2);
        // and the next good request is served
        uac.setSoTimeout(3000);
        send(uac, invite("z9hG4bK-inv5", "bob"), proxyAt);
        assertThat(receive(uac).statusCode()).isEqualTo(100);
    }

    private void restartWith(String cfg) throws Exception {
        proxy.close();
        proxy = Proxy.start(ports.script(Path.of("src/test/resources/proxy/" + cfg), work), Map.of(), List.of());
    }

    @Test
    void aCalleeThatNeverAnswersEndsIn408AfterFrTimer() throws Exception {
        restartWith("relay-5088-short-timers.cfg");
        long start = System.nanoTime();
        send(uac, invite("z9hG4bK-inv6", "bob"), proxyAt);
        assertThat(receive(uac).statusCode()).isEqualTo(100);
        SipMessage timeout = receive(uac);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(timeout.statusCode()).isEqualTo(408);
        assertThat(ms).as("fr_timer is 1 s").isBetween(900L, 2500L);
        // the UAS saw the INVITE and its UDP retransmissions (T1 = 500 ms) on one branch
        SipMessage first = receive(uas);
        SipMessage retransmitted = receive(uas);
        assertThat(retransmitted.topVia().branch()).isEqualTo(first.topVia().branch());
    }

    @Test
    void aCancelIsAnswered200AndForwardedAndTheInviteEndsWith487() throws Exception {
        send(uac, invite("z9hG4bK-inv7", "bob"), proxyAt);
        assertThat(receive(uac).statusCode()).isEqualTo(100);
        SipMessage relayed = receive(uas);
        send(uas, replyTo(relayed, 180, "Ringing"), proxyAt);
        assertThat(receive(uac).statusCode()).isEqualTo(180);

        send(uac, invite("z9hG4bK-inv7", "bob").replace("INVITE sip:", "CANCEL sip:").replace("CSeq: 1 INVITE", "CSeq: 1 CANCEL"), proxyAt);
        SipMessage cancelOk = receive(uac);
        assertThat(cancelOk.statusCode()).isEqualTo(200);
        assertThat(cancelOk.cseq().methodName()).isEqualTo("CANCEL");

        SipMessage cancel = receive(uas);
        assertThat(cancel.methodName()).isEqualTo("CANCEL");
        assertThat(cancel.topVia().branch()).as("the branch of the INVITE it cancels").isEqualTo(relayed.topVia().branch());
        send(uas, replyTo(cancel, 200, "OK"), proxyAt);
        send(uas, replyTo(relayed, 487, "Request Terminated"), proxyAt);
        SipMessage ack = receive(uas);
        assertThat(ack.methodName()).isEqualTo("ACK");
        SipMessage terminated = receive(uac);
        assertThat(terminated.statusCode()).isEqualTo(487);
    }
}
