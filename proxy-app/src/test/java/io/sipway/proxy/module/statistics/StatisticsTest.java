package io.sipway.proxy.module.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statistics module as a script uses it: declared variables changed by update_stat and
 * reset_stat, read back with $stat, listed as "script:name". The reason phrase the script answers
 * with is Kamailio 5.6.3's for the same script and request ("1 3 nope--1 0").
 */
@Timeout(30)
class StatisticsTest {
    private static final String MODULES = "loadmodule \"pv.so\"\nloadmodule \"sl.so\"\nloadmodule \"statistics.so\"\n";

    @TempDir
    Path work;
    private Proxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private int start(String script) throws Exception {
        int port = FreePorts.udpAndTcp(1)[0];
        Path cfg = work.resolve("statistics.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + port + "\n" + MODULES + script);
        proxy = Proxy.start(cfg, Map.of(), List.of());
        return port;
    }

    private static String reason(int port) throws Exception {
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            phone.setSoTimeout(3000);
            String req = "OPTIONS sip:x@127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + phone.getLocalPort()
                    + ";branch=z9hG4bK" + System.nanoTime() + "\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\n"
                    + "Call-ID: stat-" + System.nanoTime() + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            byte[] b = req.getBytes(StandardCharsets.US_ASCII);
            phone.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            phone.receive(p);
            String first = new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII).lines().findFirst().orElse("");
            assertThat(first).startsWith("SIP/2.0 200 ");
            return first.substring("SIP/2.0 200 ".length());
        }
    }

    @Test
    void declaredVariablesAreUpdatedResetAndReadAsKamailiosAre() throws Exception {
        int port = start("modparam(\"statistics\", \"variable\", \"register_counter\")\n"
                + "modparam(\"statistics\", \"variable\", \"grp:active_calls/no_reset\")\n"
                + "request_route {\n"
                + "\tupdate_stat(\"register_counter\", \"+1\");\n"
                + "\tupdate_stat(\"grp:active_calls\", \"5\");\n"
                + "\tupdate_stat(\"grp:active_calls\", \"-2\");\n"
                + "\t$var(r) = \"\" + $stat(register_counter) + \" \" + $stat(grp:active_calls);\n"
                + "\t$var(n) = \"nope\";\n"
                + "\tif (update_stat(\"$var(n)\", \"1\")) { $var(r) = $var(r) + \" nope-ok\"; } else { $var(r) = $var(r) + \" nope-\" + $rc; }\n"
                + "\treset_stat(\"register_counter\");\n"
                + "\treset_stat(\"grp:active_calls\");\n"
                + "\t$var(r) = $var(r) + \" \" + $stat(register_counter);\n"
                + "\tsl_send_reply(\"200\", \"$var(r)\");\n\texit;\n}\n");

        assertThat(reason(port)).isEqualTo("1 3 nope--1 0");
        // as kamcmd stats.get_statistics shows them in Kamailio: the group "script"; no_reset kept its value
        assertThat(proxy.core().stats()).containsEntry("script:register_counter", 0L).containsEntry("script:grp:active_calls", 3L);
        assertThat(reason(port)).isEqualTo("1 6 nope--1 0");
    }

    @Test
    void aConstantNameThatIsNotDeclaredStopsTheStartAsInKamailio() {
        assertThatThrownBy(() -> start("request_route {\n\tupdate_stat(\"active_calls\", \"-2\");\n}\n"))
                .hasMessageContaining("variable <active_calls> is not declared");
    }
}
