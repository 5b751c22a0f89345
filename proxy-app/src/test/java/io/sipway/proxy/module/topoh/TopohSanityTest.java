package io.sipway.proxy.module.topoh;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.module.ScriptOnLoopback;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * topoh's sanity_checks: an in-dialog request that fails sanity's default checks (here an unknown
 * Proxy-Require) reaches the script as it came, its R-URI still masked; one that passes is unmasked
 * first. The script answers with the R-URI it sees.
 */
@Timeout(30)
class TopohSanityTest {
    @TempDir
    Path dir;
    private ScriptOnLoopback proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aRequestFailingSanityIsLeftMasked() throws Exception {
        proxy = ScriptOnLoopback.start(dir, String.join("\n",
                "loadmodule \"sl.so\"", "loadmodule \"pv.so\"", "loadmodule \"sanity.so\"", "loadmodule \"topoh.so\"",
                "modparam(\"topoh\", \"mask_ip\", \"10.1.1.10\")",
                "modparam(\"topoh\", \"sanity_checks\", 1)",
                "request_route {",
                "    sl_send_reply(\"200\", \"$ru\");",
                "}", ""));
        InetSocketAddress at = proxy.proxy().transport().sockets().get(0).local();
        String masked = new ThMask("aL9.n8~Hm]Z").encode("sip:bob@127.0.0.1:7000", "sip:10.1.1.10;line=sr-");
        try (DatagramSocket ua = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            ua.setSoTimeout(5000);
            assertThat(seen(ua, at, masked, "")).isEqualTo("sip:bob@127.0.0.1:7000");
            assertThat(seen(ua, at, masked, "Proxy-Require: foo\r\n")).isEqualTo(masked);
        }
    }

    private static int n;

    /** The R-URI the script saw for an in-dialog OPTIONS to {@code ruri}. */
    private static String seen(DatagramSocket ua, InetSocketAddress at, String ruri, String extra) throws Exception {
        n++;
        String m = "OPTIONS " + ruri + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + ua.getLocalPort() + ";branch=z9hG4bK-san" + n + ";rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>;tag=b1\r\n"
                + "Call-ID: san" + n + "@test\r\nCSeq: " + n + " OPTIONS\r\n" + extra + "Content-Length: 0\r\n\r\n";
        byte[] b = m.getBytes(StandardCharsets.US_ASCII);
        ua.send(new DatagramPacket(b, b.length, at));
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        ua.receive(p);
        return SipParser.parse(Arrays.copyOf(buf, p.getLength())).reasonPhrase();
    }
}
