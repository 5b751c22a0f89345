package io.sipway.proxy.module.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge proxy's add_path()/add_path_received() on a REGISTER it relays to a registrar over UDP:
 * the Path header the registrar receives. The expected values are Kamailio 5.6.3's for the same
 * script (PROXY and SRC stand for the proxy's address and the phone's source).
 */
@Timeout(30)
class PathTest {
    @TempDir
    Path work;
    private Proxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "a | add_path()                         | <sip:PROXY;lr>",
        "b | add_path(\"edge1\")                | <sip:edge1@PROXY;lr>",
        "c | add_path(\"edge1\", \"ob\")        | <sip:edge1@PROXY;lr;ob>",
        "d | add_path_received()                | <sip:PROXY;lr;received=sip:SRC>",
        "e | add_path_received(\"edge2\")       | <sip:edge2@PROXY;lr;received=sip:SRC>",
        "f | add_path_received(\"edge2\", \"ob\") | <sip:edge2@PROXY;lr;received=sip:SRC;ob>"})
    void theRegistrarReceivesThePathKamailioWrites(String user, String call, String expected) throws Exception {
        int[] ports = FreePorts.udpAndTcp(2);
        int proxyPort = ports[0];
        int registrarPort = ports[1];
        Path cfg = work.resolve("edge.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + proxyPort + "\nloadmodule \"pv.so\"\nloadmodule \"sl.so\"\nloadmodule \"tm.so\"\n"
                + "loadmodule \"path.so\"\nrequest_route {\n\t" + call + ";\n\t$du = \"sip:127.0.0.1:" + registrarPort + "\";\n"
                + "\tt_relay();\n\texit;\n}\n");
        proxy = Proxy.start(cfg, Map.of(), List.of());
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket registrar = new DatagramSocket(new InetSocketAddress("127.0.0.1", registrarPort))) {
            registrar.setSoTimeout(3000);
            String register = "REGISTER sip:" + user + "@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + phone.getLocalPort() + ";branch=z9hG4bK-path" + System.nanoTime() + ";rport\r\n"
                    + "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:a@127.0.0.1>\r\nCall-ID: path-" + System.nanoTime() + "\r\n"
                    + "CSeq: 1 REGISTER\r\nContact: <sip:a@127.0.0.1:7777>\r\nContent-Length: 0\r\n\r\n";
            byte[] b = register.getBytes(StandardCharsets.US_ASCII);
            phone.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", proxyPort)));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            registrar.receive(p);
            SipMessage relayed = SipParser.parse(Arrays.copyOf(buf, p.getLength()));

            assertThat(relayed.headers("Path")).containsExactly(expected.replace("PROXY", "127.0.0.1:" + proxyPort)
                    .replace("SRC", "127.0.0.1:" + phone.getLocalPort()));
        }
    }

    /**
     * With use_received, a request routed by a Path of ours (the registrar's Route) goes to its
     * received address, its Request-URI kept. As Kamailio 5.6.3 on the same script: within a dialog
     * (a To tag) it goes there; an initial request whose only Route is ours is no route set's
     * (loose_route() is false, rr's "preloaded" case), and the script answers it 404.
     */
    @ParameterizedTest(name = "To tag \"{0}\"")
    @CsvSource(delimiter = '|', value = {";tag=2 | INVITE", "'' | 404"})
    void withUseReceivedARequestRoutedByOurPathGoesToItsReceivedAddress(String toTag, String outcome) throws Exception {
        int[] ports = FreePorts.udpAndTcp(4);
        int proxyPort = ports[0];
        Path cfg = work.resolve("edge-received.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + proxyPort + "\nloadmodule \"tm.so\"\nloadmodule \"pv.so\"\nloadmodule \"sl.so\"\n"
                + "loadmodule \"rr.so\"\nloadmodule \"path.so\"\nmodparam(\"path\", \"use_received\", 1)\nrequest_route {\n"
                + "\tif (loose_route()) {\n\t\tt_relay();\n\t\texit;\n\t}\n\tsl_send_reply(\"404\", \"no route\");\n}\n");
        proxy = Proxy.start(cfg, Map.of(), List.of());
        try (DatagramSocket registrar = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports[1]));
             DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports[2]));
             DatagramSocket contact = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports[3]))) {
            registrar.setSoTimeout(3000);
            phone.setSoTimeout(outcome.equals("INVITE") ? 3000 : 300);
            contact.setSoTimeout(300);
            String invite = "INVITE sip:a@127.0.0.1:" + ports[3] + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + ports[1] + ";branch=z9hG4bK-pathrcv" + System.nanoTime() + "\r\n"
                    + "Route: <sip:127.0.0.1:" + proxyPort + ";lr;received=sip:127.0.0.1:" + ports[2] + ">\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:b@127.0.0.1>;tag=1\r\nTo: <sip:a@127.0.0.1>" + toTag.trim()
                    + "\r\nCall-ID: pathrcv-" + System.nanoTime() + "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
            byte[] b = invite.getBytes(StandardCharsets.US_ASCII);
            registrar.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", proxyPort)));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            if (outcome.equals("INVITE")) {
                phone.receive(p);
                SipMessage relayed = SipParser.parse(Arrays.copyOf(buf, p.getLength()));
                assertThat(relayed.requestUriString()).isEqualTo("sip:a@127.0.0.1:" + ports[3]);
                assertThat(relayed.headers("Route")).isEmpty();
            } else {
                registrar.receive(p);
                assertThat(SipParser.parse(Arrays.copyOf(buf, p.getLength())).statusCode()).isEqualTo(404);
                assertThatThrownBy(() -> phone.receive(new DatagramPacket(new byte[4096], 4096)))
                        .isInstanceOf(java.net.SocketTimeoutException.class);
            }
            assertThatThrownBy(() -> contact.receive(new DatagramPacket(new byte[4096], 4096)))
                    .as("nothing goes to the Request-URI's address").isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void theReceivedParameterIsUnescapedAsKamailiosUnescapeUser() {
        assertThat(PathModule.receivedParam("lr;received=sip:10.0.0.1:5060%3Btransport%3Dtcp;ob")).isEqualTo("sip:10.0.0.1:5060%3Btransport%3Dtcp");
        assertThat(PathModule.unescape("sip:10.0.0.1:5060%3Btransport%3Dtcp")).isEqualTo("sip:10.0.0.1:5060;transport=tcp");
        assertThat(PathModule.unescape("sip:x%3b%3D%zz%4")).isEqualTo("sip:x;=%zz%4");
        assertThat(PathModule.receivedParam("lr;ftag=1")).isNull();
    }
}
