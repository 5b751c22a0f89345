package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.log.LogCapture;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** log_prefix on a real proxy: the lines of a request and of its reply start with it, evaluated on each. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogPrefixTest {
    @TempDir
    Path work;

    @Test
    void theLinesOfARequestAndOfItsReplyStartWithTheirPrefix() throws Exception {
        MovedPorts ports = MovedPorts.of(5096, 5183);
        try (LogCapture xlog = new LogCapture("xlog");
             Proxy proxy = Proxy.start(ports.script(Path.of("src/test/resources/logs/prefix.cfg"), work), Map.of(), List.of());
             DatagramSocket caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket callee = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5183)))) {
            caller.setSoTimeout(5000);
            callee.setSoTimeout(5000);
            String options = "OPTIONS sip:bob@127.0.0.1:" + ports.get(5096) + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.getLocalPort() + ";branch=z9hG4bK-prefix\r\n"
                    + "From: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: prefix-1\r\nCSeq: 5 OPTIONS\r\n"
                    + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
            send(caller, options, ports.get(5096));
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            callee.receive(p);
            SipMessage relayed = SipParser.parse(Arrays.copyOf(p.getData(), p.getLength()));
            StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\r\n");
            for (String via : relayed.headers("Via")) {
                ok.append("Via: ").append(via).append("\r\n");
            }
            ok.append("From: ").append(relayed.header("From")).append("\r\nTo: ").append(relayed.header("To"))
                    .append(";tag=b\r\nCall-ID: prefix-1\r\nCSeq: 5 OPTIONS\r\nContent-Length: 0\r\n\r\n");
            send(callee, ok.toString(), p.getPort());
            caller.receive(new DatagramPacket(new byte[65535], 65535));

            assertThat(xlog.await(l -> l.contains("reply"), Duration.ofSeconds(5))).isNotNull();
            assertThat(xlog.lines()).containsExactly("NOTICE: {1 5 OPTIONS prefix-1} <script>: request OPTIONS from 127.0.0.1\n",
                    "NOTICE: {2 5 OPTIONS prefix-1} <script>: reply 200\n");
        }
    }

    private static void send(DatagramSocket from, String text, int port) throws java.io.IOException {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
    }
}
