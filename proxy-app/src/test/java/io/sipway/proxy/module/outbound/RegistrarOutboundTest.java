package io.sipway.proxy.module.outbound;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registrar's side of RFC 5626 as Kamailio 5.6's registrar has it: a binding is one flow
 * (+sip.instance and reg-id), outbound_mode decides what Require and Supported do, flow_timer goes in
 * the 200, and regid_mode 0 refuses an outbound UA behind an edge proxy that did not mark its Path.
 */
@Timeout(30)
class RegistrarOutboundTest {
    private static final String INSTANCE = "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"";
    @TempDir
    Path dir;
    private Proxy proxy;
    private DatagramSocket phone;
    private InetSocketAddress at;
    private int cseq;

    @AfterEach
    void stop() {
        if (phone != null) {
            phone.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private void start(String params) throws Exception {
        int port = FreePorts.udpAndTcp();
        Path cfg = dir.resolve("registrar.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + port + "\nloadmodule \"sl.so\"\nloadmodule \"usrloc.so\"\n"
                + "loadmodule \"registrar.so\"\n" + params + "request_route {\n\tsave(\"location\");\n}\n");
        proxy = Proxy.start(cfg, Map.of(), List.of());
        at = new InetSocketAddress("127.0.0.1", port);
        phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        phone.setSoTimeout(5000);
    }

    private SipMessage register(String contact, String... headers) throws Exception {
        StringBuilder b = new StringBuilder("REGISTER sip:127.0.0.1:" + at.getPort() + " SIP/2.0\r\n");
        boolean ownVia = false;
        for (String h : headers) {
            ownVia |= h.startsWith("Via:");
        }
        if (!ownVia) {
            b.append("Via: SIP/2.0/UDP 127.0.0.1:").append(phone.getLocalPort()).append(";branch=z9hG4bK-ro").append(++cseq).append(";rport\r\n");
        }
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        b.append("Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=ro\r\nTo: <sip:alice@127.0.0.1>\r\n")
                .append("Call-ID: ro@test\r\nCSeq: ").append(++cseq).append(" REGISTER\r\nContact: ").append(contact)
                .append("\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n");
        byte[] bytes = b.toString().getBytes(StandardCharsets.US_ASCII);
        phone.send(new DatagramPacket(bytes, bytes.length, at));
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        phone.receive(p);
        return SipParser.parse(Arrays.copyOf(buf, p.getLength()));
    }

    @Test
    void aFlowIsOneBindingWhateverItsContact() throws Exception {
        start("");
        register("<sip:alice@127.0.0.1:7001;ob>;reg-id=1;" + INSTANCE);
        SipMessage ok = register("<sip:alice@127.0.0.1:7002;ob>;reg-id=1;" + INSTANCE); // the same flow from a new port
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers("Contact")).hasSize(1);
        assertThat(ok.headers("Contact").get(0)).startsWith("<sip:alice@127.0.0.1:7002;ob>");

        ok = register("<sip:alice@127.0.0.1:7003;ob>;reg-id=2;" + INSTANCE); // a second flow of the same UA
        assertThat(String.join(",", ok.headers("Contact"))).contains(":7002;ob>").contains(":7003;ob>");
    }

    @Test
    void withoutOutboundARequireOfItIsRefused() throws Exception {
        start("");
        SipMessage r = register("<sip:alice@127.0.0.1:7001;ob>;reg-id=1;" + INSTANCE, "Require: outbound");
        assertThat(r.statusCode()).isEqualTo(420);
        assertThat(r.reasonPhrase()).isEqualTo("Bad Extension");
        assertThat(r.header("Unsupported")).isEqualTo("outbound");
        assertThat(r.header("P-Registrar-Error")).isEqualTo("No support for Outbound on server");
    }

    @Test
    void requiredOutboundRefusesAUaWithoutItAndAnswersWithItsFlowTimer() throws Exception {
        start("modparam(\"registrar\", \"outbound_mode\", 2)\nmodparam(\"registrar\", \"flow_timer\", 25)\n");
        SipMessage r = register("<sip:alice@127.0.0.1:7001>", "Supported: path");
        assertThat(r.statusCode()).isEqualTo(421);
        assertThat(r.reasonPhrase()).isEqualTo("Extension Required");
        assertThat(r.header("Require")).isEqualTo("outbound");

        r = register("<sip:alice@127.0.0.1:7001;ob>;reg-id=1;" + INSTANCE, "Supported: outbound, path");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("Require")).isEqualTo("outbound");
        assertThat(r.header("Supported")).isEqualTo("outbound");
        assertThat(r.header("Flow-Timer")).isEqualTo("25");
    }

    @Test
    void anOutboundUaBehindAnEdgeThatDidNotMarkItsPathIsRefused() throws Exception {
        start("modparam(\"registrar\", \"outbound_mode\", 1)\n");
        int p = phone.getLocalPort();
        SipMessage r = register("<sip:alice@127.0.0.1:7001;ob>;reg-id=1;" + INSTANCE, "Supported: outbound, path",
                "Via: SIP/2.0/UDP 127.0.0.1:" + p + ";branch=z9hG4bK-edge1;rport", "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK-ua1",
                "Path: <sip:127.0.0.1:" + p + ";lr>");
        assertThat(r.statusCode()).isEqualTo(439);
        assertThat(r.header("P-Registrar-Error")).isEqualTo("No support for Outbound on edge proxy");

        r = register("<sip:alice@127.0.0.1:7001;ob>;reg-id=1;" + INSTANCE, "Supported: outbound, path",
                "Via: SIP/2.0/UDP 127.0.0.1:" + p + ";branch=z9hG4bK-edge2;rport", "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK-ua2",
                "Path: <sip:127.0.0.1:" + p + ";lr;ob>");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("Require")).as("outbound_mode 1: the UA listed it").isEqualTo("outbound");
    }
}
