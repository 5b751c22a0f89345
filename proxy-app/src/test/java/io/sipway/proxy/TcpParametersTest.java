package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.transport.UnansweredListener;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The script's tcp_* globals reach the transport: an INVITE relayed over TCP to an address whose
 * connect hangs is answered 477 once tcp_connect_timeout passes (fr_inv_timer would answer 408 only
 * after 30 s), and a value Kamailio would not take stops the start naming the parameter.
 */
@Timeout(60)
class TcpParametersTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (DatagramSocket u = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             ServerSocket t = new ServerSocket(u.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
            return u.getLocalPort(); // free for udp and tcp alike
        }
    }

    private Path script(String globals, int port, InetSocketAddress next) throws Exception {
        Path cfg = dir.resolve("tcp-params.cfg");
        Files.writeString(cfg, "#!KAMAILIO\n" + globals
                + "listen=udp:127.0.0.1:" + port + "\nlisten=tcp:127.0.0.1:" + port + "\n"
                + "loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"pv.so\"\n"
                + "modparam(\"tm\", \"fr_inv_timer\", 30000)\n"
                + "request_route {\n"
                + "\t$du = \"sip:127.0.0.1:" + next.getPort() + ";transport=tcp\";\n"
                + "\tt_relay();\n"
                + "}\n");
        return cfg;
    }

    private static String invite(int from) {
        return "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + from + ";branch=z9hG4bK-" + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + System.nanoTime() + "@tcp-params\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + from + ">\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    @Test
    void aRelayToAnAddressWhoseConnectHangsIsAnswered477AfterTcpConnectTimeout() throws Exception {
        int port = freePort();
        try (UnansweredListener nobody = new UnansweredListener();
             Proxy proxy = Proxy.start(script("tcp_connect_timeout=1\n", port, nobody.address()), Map.of(), List.of());
             DatagramSocket caller = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] req = invite(caller.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
            long sent = System.nanoTime();
            caller.send(new DatagramPacket(req, req.length, new InetSocketAddress("127.0.0.1", port)));
            String finalReply = null;
            byte[] buf = new byte[65535];
            caller.setSoTimeout(500);
            for (int i = 0; i < 20 && finalReply == null; i++) { // at most ~10 s of listening
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    caller.receive(p);
                } catch (SocketTimeoutException quiet) {
                    continue;
                }
                String reply = new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
                if (!reply.startsWith("SIP/2.0 1")) {
                    finalReply = reply;
                }
            }
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertThat(finalReply).as("a final reply upstream").isNotNull()
                    .startsWith("SIP/2.0 477 Unfortunately error on sending to next hop occurred");
            assertThat(waited).as("after tcp_connect_timeout=1, long before fr_inv_timer").isBetween(800L, 6000L);
        }
    }

    @Test
    void aTcpValueKamailioWouldRefuseStopsTheStartNamingIt() throws Exception {
        int port = freePort();
        Path cfg = script("tcp_send_timeout=0\n", port, new InetSocketAddress("127.0.0.1", 9));
        assertThatThrownBy(() -> Proxy.start(cfg, Map.of(), List.of()).close())
                .isInstanceOf(ProxyStartException.class).hasMessageContaining("tcp_send_timeout=0");
    }
}
