package io.sipway.proxy.module.rtimer;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * rtimer's routes run on their timer, on Kamailio's faked message: the timer route counts its runs
 * in $shv and notes what message it sees; a request reads both. (Kamailio 5.6.3, same script, 2.5 s
 * after its start: "OPTIONS sip:you@kamailio.org sip:you@kamailio.org ticks=29".)
 */
@Timeout(30)
class RtimerTest {
    private static final String MODULES = "loadmodule \"pv.so\"\nloadmodule \"sl.so\"\nloadmodule \"rtimer.so\"\n";

    @TempDir
    Path work;
    private Proxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private int start(String params) throws Exception {
        int port = FreePorts.udpAndTcp(1)[0];
        Path cfg = work.resolve("rtimer.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + port + "\n" + MODULES + params
                + "route[TICK] {\n\t$shv(n) = $shv(n) + 1;\n\t$shv(m) = $rm + \" \" + $ru + \" \" + $fu;\n}\n"
                + "request_route {\n\t$var(r) = $shv(m) + \" ticks=\" + $shv(n);\n\tsl_send_reply(\"200\", \"$var(r)\");\n\texit;\n}\n");
        proxy = Proxy.start(cfg, Map.of(), List.of());
        return port;
    }

    @Test
    void aTimersRouteRunsEveryIntervalOnTheFakedMessage() throws Exception {
        int port = start("modparam(\"rtimer\", \"timer\", \"name=ta;interval=100000u;mode=1;\")\n"
                + "modparam(\"rtimer\", \"exec\", \"timer=ta;route=TICK\")\n");
        String first = reason(port);
        Thread.sleep(1000);
        String later = reason(port);

        assertThat(later).startsWith("OPTIONS sip:you@kamailio.org sip:you@kamailio.org ticks=");
        // every 100 ms: some ten more runs a second later (a loose bound: the machine may be busy)
        assertThat(ticks(later) - ticks(first)).isBetween(4L, 12L);
    }

    @Test
    void anExecOfARouteTheScriptLacksStopsTheStart() {
        assertThatThrownBy(() -> start("modparam(\"rtimer\", \"timer\", \"name=ta;interval=1;\")\n"
                + "modparam(\"rtimer\", \"exec\", \"timer=ta;route=NOPE\")\n"))
                .hasMessageContaining("route[NOPE], which the script does not have");
    }

    @Test
    void aBadTimerIsRefusedAtLoad() {
        assertThatThrownBy(() -> start("modparam(\"rtimer\", \"timer\", \"name=ta;interval=soon;\")\n"))
                .hasMessageContaining("bad interval 'soon'");
    }

    private static long ticks(String reason) {
        Matcher m = Pattern.compile("ticks=(\\d+)").matcher(reason);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String reason(int port) throws Exception {
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            phone.setSoTimeout(3000);
            String req = "OPTIONS sip:x@127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + phone.getLocalPort()
                    + ";branch=z9hG4bK" + System.nanoTime() + "\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\n"
                    + "Call-ID: rt-" + System.nanoTime() + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
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
}
