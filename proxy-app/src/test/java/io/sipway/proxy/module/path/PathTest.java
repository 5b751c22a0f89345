package io.sipway.proxy.module.path;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.AfterEach;
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
}
