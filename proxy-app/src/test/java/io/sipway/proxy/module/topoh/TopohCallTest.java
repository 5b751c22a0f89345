package io.sipway.proxy.module.topoh;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * A call through Sipway with topoh: the callee sees nothing of the caller's side but the mask
 * address (Via, Contact, Record-Route, Call-ID), the caller nothing of the callee's, and in-dialog
 * requests both ways still reach the other side, unmasked on the way back.
 */
@Timeout(30)
class TopohCallTest {
    static final String SCRIPT = String.join("\n",
            "loadmodule \"tm.so\"", "loadmodule \"sl.so\"", "loadmodule \"rr.so\"", "loadmodule \"pv.so\"",
            "loadmodule \"siputils.so\"", "loadmodule \"topoh.so\"",
            "modparam(\"topoh\", \"mask_key\", \"YouDoNotKnowIt\")",
            "modparam(\"topoh\", \"mask_ip\", \"10.1.1.10\")",
            "modparam(\"topoh\", \"mask_callid\", 1)",
            "request_route {",
            "    if (has_totag()) {",
            "        if (loose_route()) {",
            "            t_relay();",
            "        }",
            "        exit;",
            "    }",
            "    record_route();",
            "    $du = \"sip:127.0.0.1:CALLEE\";",
            "    t_relay();",
            "}", "");
    @TempDir
    Path dir;
    private Proxy proxy;
    private DatagramSocket caller;
    private DatagramSocket callee;
    private InetSocketAddress at;

    @BeforeEach
    void start() throws Exception {
        caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        callee = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        caller.setSoTimeout(5000);
        callee.setSoTimeout(5000);
        int port = FreePorts.udpAndTcp();
        Path cfg = dir.resolve("topoh.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + port + "\n" + SCRIPT.replace("CALLEE", Integer.toString(callee.getLocalPort())));
        proxy = Proxy.start(cfg, Map.of(), List.of());
        at = new InetSocketAddress("127.0.0.1", port);
    }

    @AfterEach
    void stop() {
        caller.close();
        callee.close();
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void eachSideSeesOnlyTheMaskAddressAndTheDialogStillRoutesBothWays() throws Exception {
        int a = caller.getLocalPort();
        int b = callee.getLocalPort();
        send(caller, "INVITE sip:bob@127.0.0.1:" + at.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + a + ";branch=z9hG4bK-th1;rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
                + "Call-ID: abc123@127.0.0.1\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:" + a + ">\r\n"
                + "Record-Route: <sip:192.168.9.9;lr>\r\nContent-Length: 0\r\n\r\n");

        String invite = receive(callee, "INVITE ");
        assertThat(invite).as("the caller's port").doesNotContain(":" + a).doesNotContain("192.168.9.9").doesNotContain("abc123")
                .doesNotContain("TH:").doesNotContain(";TH=");
        SipMessage inv = SipParser.parse(invite.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(inv.headers("Via")).hasSize(2);
        assertThat(inv.headers("Via").get(1)).startsWith("SIP/2.0/UDP 10.1.1.10;branch=z9hG4bKsr-");
        assertThat(inv.header("Contact")).isEqualTo("<" + new ThMask("YouDoNotKnowIt")
                .encode("sip:alice@127.0.0.1:" + a, "sip:10.1.1.10;line=sr-") + ">");
        assertThat(inv.callId()).isEqualTo("!!:wHNlx2QJIjK8s8OWLl-gxI**");
        assertThat(inv.headers("Record-Route")).containsExactly("<sip:127.0.0.1:" + at.getPort() + ";lr;ftag=a1>",
                "<sip:10.1.1.10;line=sr-rouWblKMxhOyslGgbzOMboy8>");

        // the callee answers, copying Via and Record-Route as a UAS does
        send(callee, "SIP/2.0 200 OK\r\n" + headers(inv, "Via") + headers(inv, "Record-Route")
                + "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b1\r\n"
                + "Call-ID: " + inv.callId() + "\r\nCSeq: 1 INVITE\r\nContact: <sip:bob@127.0.0.1:" + b + ">\r\nContent-Length: 0\r\n\r\n");
        String ok = receive(caller, "SIP/2.0 200");
        assertThat(ok).as("the callee's port").doesNotContain(":" + b).doesNotContain("TH:").doesNotContain(";TH=");
        SipMessage okm = SipParser.parse(ok.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(okm.callId()).isEqualTo("abc123@127.0.0.1");
        assertThat(okm.headers("Via")).containsExactly("SIP/2.0/UDP 127.0.0.1:" + a + ";received=127.0.0.1;branch=z9hG4bK-th1;rport=" + a);
        assertThat(okm.headers("Record-Route")).containsExactly("<sip:127.0.0.1:" + at.getPort() + ";lr;ftag=a1>", "<sip:192.168.9.9;lr>");
        String calleeContact = okm.contacts().get(0).uriString();
        assertThat(calleeContact).startsWith("sip:10.1.1.10;line=sr-");

        // caller -> callee: BYE to the masked Contact, through us
        send(caller, "BYE " + calleeContact + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + a + ";branch=z9hG4bK-th2;rport\r\n"
                + "Route: <sip:127.0.0.1:" + at.getPort() + ";lr;ftag=a1>\r\nMax-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b1\r\n"
                + "Call-ID: abc123@127.0.0.1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
        String bye = receive(callee, "BYE ");
        SipMessage byem = SipParser.parse(bye.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(byem.requestUriString()).isEqualTo("sip:bob@127.0.0.1:" + b);
        assertThat(byem.callId()).isEqualTo(inv.callId());
        assertThat(bye).doesNotContain(":" + a);
        send(callee, "SIP/2.0 200 OK\r\n" + headers(byem, "Via") + "From: <sip:alice@example.com>;tag=a1\r\n"
                + "To: <sip:bob@example.com>;tag=b1\r\nCall-ID: " + byem.callId() + "\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
        SipMessage byeOk = SipParser.parse(receive(caller, "SIP/2.0 200").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(byeOk.callId()).isEqualTo("abc123@127.0.0.1");
        assertThat(String.valueOf(byeOk.cseq().method())).isEqualTo("BYE");

        // callee -> caller: an in-dialog request upstream, to the caller's masked Contact
        send(callee, "INFO " + inv.contacts().get(0).uriString() + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + b + ";branch=z9hG4bK-th3;rport\r\n"
                + "Route: <sip:127.0.0.1:" + at.getPort() + ";lr;ftag=a1>\r\nMax-Forwards: 70\r\n"
                + "From: <sip:bob@example.com>;tag=b1\r\nTo: <sip:alice@example.com>;tag=a1\r\n"
                + "Call-ID: " + inv.callId() + "\r\nCSeq: 7 INFO\r\nContent-Length: 0\r\n\r\n");
        String info = receive(caller, "INFO ");
        SipMessage infom = SipParser.parse(info.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(infom.requestUriString()).isEqualTo("sip:alice@127.0.0.1:" + a);
        assertThat(infom.callId()).isEqualTo("abc123@127.0.0.1");
        assertThat(infom.headers("Via").get(1)).startsWith("SIP/2.0/UDP 10.1.1.10;branch=z9hG4bKsr-");
        assertThat(info).doesNotContain(":" + b);
        send(caller, "SIP/2.0 200 OK\r\n" + headers(infom, "Via") + "From: <sip:bob@example.com>;tag=b1\r\n"
                + "To: <sip:alice@example.com>;tag=a1\r\nCall-ID: abc123@127.0.0.1\r\nCSeq: 7 INFO\r\nContent-Length: 0\r\n\r\n");
        SipMessage infoOk = SipParser.parse(receive(callee, "SIP/2.0 200").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(infoOk.callId()).isEqualTo(inv.callId());
        assertThat(infoOk.headers("Via")).containsExactly("SIP/2.0/UDP 127.0.0.1:" + b + ";received=127.0.0.1;branch=z9hG4bK-th3;rport=" + b);
    }

    @Test
    void theCancelTmSendsCarriesTheMaskedCallIdTheCalleeKnows() throws Exception {
        int a = caller.getLocalPort();
        String invite = "INVITE sip:bob@127.0.0.1:" + at.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + a + ";branch=z9hG4bK-th9;rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a9\r\nTo: <sip:bob@example.com>\r\n"
                + "Call-ID: cancel-me@127.0.0.1\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:" + a + ">\r\nContent-Length: 0\r\n\r\n";
        send(caller, invite);
        SipMessage inv = SipParser.parse(receive(callee, "INVITE ").getBytes(StandardCharsets.ISO_8859_1));
        send(callee, "SIP/2.0 180 Ringing\r\n" + headers(inv, "Via") + headers(inv, "Record-Route")
                + "From: <sip:alice@example.com>;tag=a9\r\nTo: <sip:bob@example.com>;tag=b9\r\n"
                + "Call-ID: " + inv.callId() + "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
        SipMessage ringing = SipParser.parse(receive(caller, "SIP/2.0 180").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(ringing.callId()).isEqualTo("cancel-me@127.0.0.1");

        send(caller, "CANCEL sip:bob@127.0.0.1:" + at.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + a + ";branch=z9hG4bK-th9;rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a9\r\nTo: <sip:bob@example.com>\r\n"
                + "Call-ID: cancel-me@127.0.0.1\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
        SipMessage cancel = SipParser.parse(receive(callee, "CANCEL ").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(cancel.callId()).as("the Call-ID the callee knows the call by").isEqualTo(inv.callId()).startsWith("!!:");
        assertThat(cancel.topVia().branch()).isEqualTo(inv.topVia().branch());
        assertThat(cancel.headers("Via")).hasSize(1);
    }

    private static String headers(SipMessage m, String name) {
        StringBuilder b = new StringBuilder();
        for (String v : m.headers(name)) {
            b.append(name).append(": ").append(v).append("\r\n");
        }
        return b.toString();
    }

    private void send(DatagramSocket s, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        s.send(new DatagramPacket(bytes, bytes.length, at));
    }

    /** The next message starting with {@code start} (provisional replies and retransmissions skipped). */
    private static String receive(DatagramSocket s, String start) throws Exception {
        byte[] buf = new byte[65535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            String m = new String(Arrays.copyOf(buf, p.getLength()), StandardCharsets.ISO_8859_1);
            if (m.startsWith(start)) {
                return m;
            }
        }
    }
}
