package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * nathelper on the wire (src/test/resources/proxy/nathelper-5430.cfg): a client behind NAT made
 * reachable. The script and the messages name the proxy 5430, the client 5431 and the next hop 5432;
 * each test runs them on free ports ({@link MovedPorts}), its expectations moved alike. The private
 * addresses the client claims (192.168.1.10:5060 and the like) are never bound and stay as written.
 */
@Timeout(30)
class NathelperTest {
    private final MovedPorts ports = MovedPorts.of(5430, 5431, 5432);
    private final InetSocketAddress proxyAt = new InetSocketAddress("127.0.0.1", ports.get(5430));
    @TempDir
    Path work;
    private Proxy proxy;
    private DatagramSocket client;
    private DatagramSocket next;
    private int n;

    @BeforeEach
    void start() throws Exception {
        proxy = Proxy.start(ports.script(Path.of("src/test/resources/proxy/nathelper-5430.cfg"), work), Map.of(), List.of());
        client = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5431)));
        next = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5432)));
        client.setSoTimeout(3000);
        next.setSoTimeout(3000);
    }

    @AfterEach
    void stop() {
        proxy.close();
        client.close();
        next.close();
    }

    /** A request from 127.0.0.1:5431 whose Via says {@code viaHostPort} and whose Contact is {@code contact}. */
    private void send(String method, String ruri, String viaHostPort, String contact) throws Exception {
        n++;
        String text = method + " " + ruri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + viaHostPort + ";branch=z9hG4bK-nat" + n + System.nanoTime() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=a" + n + "\r\n"
                + "To: <sip:alice@example.com>\r\n"
                + "Call-ID: nat" + n + "-" + System.nanoTime() + "@nathelper\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Contact: " + contact + "\r\n"
                + (method.equals("REGISTER") ? "Expires: 600\r\n" : "")
                + "Content-Length: 0\r\n\r\n";
        byte[] b = ports.apply(text).getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(b, b.length, proxyAt));
    }

    private static SipMessage receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[65535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            SipMessage m = SipParser.parse(Arrays.copyOf(buf, p.getLength()));
            if (!m.isResponse() || m.statusCode() != 100) {
                return m;
            }
        }
    }

    @Test
    void natUacTestOneLooksForAPrivateContact() throws Exception {
        send("OPTIONS", "sip:contact@127.0.0.1:5430", "127.0.0.1:5431", "<sip:alice@192.168.1.10:5060>");
        assertThat(receive(client).reasonPhrase()).isEqualTo("private contact");
        send("OPTIONS", "sip:contact@127.0.0.1:5430", "127.0.0.1:5431", "<sip:alice@127.0.0.1:5431>");
        assertThat(receive(client).reasonPhrase()).isEqualTo("public contact");
        send("OPTIONS", "sip:contact@127.0.0.1:5430", "127.0.0.1:5431", "<sip:alice@100.64.0.7>"); // RFC 6598
        assertThat(receive(client).reasonPhrase()).isEqualTo("private contact");
    }

    @Test
    void natUacTestSixteenComparesTheViaPortWithTheSource() throws Exception {
        send("OPTIONS", "sip:viaport@127.0.0.1:5430", "127.0.0.1:5999", "<sip:alice@127.0.0.1:5431>");
        assertThat(receive(client).reasonPhrase()).isEqualTo("port differs");
        send("OPTIONS", "sip:viaport@127.0.0.1:5430", "127.0.0.1:5431", "<sip:alice@127.0.0.1:5431>");
        assertThat(receive(client).reasonPhrase()).isEqualTo("same port");
        send("OPTIONS", "sip:websocket@127.0.0.1:5430", "127.0.0.1:5431", "<sip:alice@127.0.0.1:5431>");
        assertThat(receive(client).reasonPhrase()).isEqualTo("not websocket"); // 64: only WS and WSS sources
    }

    @Test
    void fixNatedRegisterMakesTheSourceTheWayToTheContact() throws Exception {
        send("REGISTER", "sip:example.com", "192.168.1.10:5060", "<sip:alice@192.168.1.10:5060>");
        SipMessage ok = receive(client);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers("Contact")).containsExactly(ports.apply("<sip:alice@192.168.1.10:5060>;expires=600;received=\"sip:127.0.0.1:5431\""));

        // a call for alice reaches the client at its source address, the R-URI still its Contact
        DatagramSocket caller = next;
        String invite = "INVITE sip:alice@127.0.0.1:5430 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5432;branch=z9hG4bK-natcall\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:bob@example.com>;tag=b1\r\n"
                + "To: <sip:alice@example.com>\r\n"
                + "Call-ID: natcall@nathelper\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Content-Length: 0\r\n\r\n";
        byte[] b = ports.apply(invite).getBytes(StandardCharsets.US_ASCII);
        caller.send(new DatagramPacket(b, b.length, proxyAt));
        SipMessage atClient = receive(client);
        assertThat(atClient.requestUriString()).isEqualTo("sip:alice@192.168.1.10:5060");
    }

    @Test
    void addContactAliasWritesTheSourceIntoTheContactAndHandleRuriAliasReadsItBack() throws Exception {
        send("INVITE", "sip:alias@127.0.0.1:5430", "192.168.1.10:5060", "<sip:bob@192.168.1.10:5060>");
        SipMessage relayed = receive(next);
        String contact = relayed.header("Contact");
        assertThat(contact).isEqualTo(ports.apply("<sip:bob@192.168.1.10:5060;alias=127.0.0.1~5431~1>")); // udp is 1

        // the next request of the dialog names that Contact: the alias becomes $du and leaves the R-URI
        String target = contact.substring(1, contact.length() - 1).replace(String.valueOf(ports.get(5431)), String.valueOf(ports.get(5432)));
        send("OPTIONS", target, "127.0.0.1:5431", "<sip:alice@127.0.0.1:5431>");
        SipMessage back = receive(next);
        assertThat(back.requestUriString()).isEqualTo("sip:bob@192.168.1.10:5060");
    }

    @Test
    void fixNatedContactPutsTheSourceInTheContactKeepingItsParametersButMaddr() throws Exception {
        send("INVITE", "sip:fix@127.0.0.1:5430", "192.168.1.10:5060", "\"Bob\" <sip:bob@192.168.1.10:5060;maddr=10.0.0.1;transport=udp>;+sip.instance=\"x\"");
        assertThat(receive(next).header("Contact")).isEqualTo(ports.apply("\"Bob\" <sip:bob@127.0.0.1:5431;transport=udp>;+sip.instance=\"x\""));
        // an addr-spec Contact gets <> around the rewritten URI; its header parameters stay outside
        send("INVITE", "sip:fix@127.0.0.1:5430", "192.168.1.10:5060", "sip:bob@192.168.1.10;expires=60");
        assertThat(receive(next).header("Contact")).isEqualTo(ports.apply("<sip:bob@127.0.0.1:5431>;expires=60"));
    }

    @Test
    void theRegistrarSavesTheContactFixNatedContactWrote() throws Exception {
        n++;
        String text = "REGISTER sip:example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK-fixreg;rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:carol@example.com>;tag=c1\r\nTo: <sip:carol@example.com>\r\n"
                + "Call-ID: fixreg@nathelper\r\nCSeq: 1 REGISTER\r\nX-Fix-Contact: yes\r\n"
                + "Contact: <sip:carol@192.168.1.10:5062>\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n";
        byte[] b = ports.apply(text).getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(b, b.length, proxyAt));
        SipMessage ok = receive(client);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers("Contact")).containsExactly(ports.apply("<sip:carol@127.0.0.1:5431>;expires=600"));
    }

    @Test
    void setContactAliasReplacesTheContactUriAndWithTrimDropsAnOldAlias() throws Exception {
        send("INVITE", "sip:setalias@127.0.0.1:5430", "192.168.1.10:5060", "<sip:bob@192.168.1.10:5060;transport=udp>");
        assertThat(receive(next).header("Contact")).isEqualTo(ports.apply("<sip:bob@192.168.1.10:5060;transport=udp;alias=127.0.0.1~5431~1>"));
        send("INVITE", "sip:trimalias@127.0.0.1:5430", "192.168.1.10:5060", "<sip:bob@192.168.1.10:5060;alias=10.9.9.9~5099~2;lr>");
        assertThat(receive(next).header("Contact")).isEqualTo(ports.apply("<sip:bob@192.168.1.10:5060;lr;alias=127.0.0.1~5431~1>"));
        // a Contact that already names the source needs no alias
        send("INVITE", "sip:setalias@127.0.0.1:5430", "127.0.0.1:5431", "<sip:bob@127.0.0.1:5431>");
        assertThat(receive(next).header("Contact")).isEqualTo(ports.apply("<sip:bob@127.0.0.1:5431>"));
    }

    @Test
    void addContactAliasWithParametersWritesThoseWithWssAsSix() throws Exception {
        send("INVITE", "sip:givenalias@127.0.0.1:5430", "127.0.0.1:5431", "sip:bob@127.0.0.1:5431");
        assertThat(receive(next).header("Contact")).isEqualTo(ports.apply("<sip:bob@127.0.0.1:5431;alias=192.0.2.1~5070~6>"));
    }
}
