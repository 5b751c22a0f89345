package io.sipway.proxy.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kamailio's selects of the message ({@code @via[2].branch}, {@code @from.uri.user}, {@code $sel(...)}):
 * a script puts their values in its reply's reason phrase, for one request with three Via values, a
 * display name, a port and parameters in the R-URI. The values are what Kamailio 5.6.3 gives for the
 * same request; where Kamailio is installed the test runs it on the same script and compares.
 */
@Timeout(60)
class SelectsTest {
    /** The selects, joined by '|' in the reply's reason. */
    private static final List<String> SELECTS = List.of("@via[1].branch", "@via[2].branch", "@via[3].branch", "@via.branch",
            "@via[-1].branch", "@via[1].host", "@via[1].port", "@via[2].port", "@via[1].transport", "@via[1].rport",
            "@via[2].received", "@ruri", "@ruri.user", "@ruri.host", "@ruri.port", "@ruri.params", "@ruri.transport",
            "@from.uri", "@from.tag", "@from.name", "@from.uri.user", "@from.uri.host", "@to.uri", "@to.tag", "@to",
            "@call_id", "@cseq", "@cseq.num", "@cseq.method", "@method", "@msg.body", "@user_agent", "@contact",
            "$sel(via[2].host)");
    /** What Kamailio 5.6.3 answered (read from a running Kamailio with this script and request). */
    private static final String EXPECTED = String.join("|", "z9hG4bKfirst", "z9hG4bKsecond", "z9hG4bKthird", "z9hG4bKfirst",
            "z9hG4bKthird", "127.0.0.1", "PORT", "5080", "UDP", "", "10.0.0.9", "sip:bob@example.com:5070;transport=udp", "bob",
            "example.com", "5070", "transport=udp", "udp", "sip:alice@example.org", "ftag1", "\"Alice A\"", "alice", "example.org",
            "sip:bob@example.com", "", "<sip:bob@example.com>", "cid-123", "7 OPTIONS", "7", "OPTIONS", "OPTIONS", "body",
            "tester/1", "<sip:alice@127.0.0.1:5555>", "10.0.0.2");

    @TempDir
    Path work;
    private Proxy proxy;
    private Process kamailio;

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (kamailio != null) {
            kamailio.destroy();
            if (!kamailio.waitFor(10, TimeUnit.SECONDS)) {
                kamailio.destroyForcibly();
            }
        }
    }

    private static String script(int port) {
        StringBuilder reason = new StringBuilder();
        for (String s : SELECTS) {
            reason.append(reason.isEmpty() ? "" : " + \"|\" + ").append(s);
        }
        return "listen=udp:127.0.0.1:" + port + "\nloadmodule \"pv.so\"\nloadmodule \"sl.so\"\n"
                + "request_route {\n\t$var(r) = \"\" + " + reason + ";\n\tsl_send_reply(\"200\", \"$var(r)\");\n\texit;\n}\n";
    }

    private static String request(int clientPort) {
        return "OPTIONS sip:bob@example.com:5070;transport=udp SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + clientPort + ";branch=z9hG4bKfirst;rport\r\n"
                + "Via: SIP/2.0/TCP 10.0.0.2:5080;branch=z9hG4bKsecond;received=10.0.0.9, SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKthird\r\n"
                + "Route: \"Edge\" <sip:edge.example.com;lr>, <sip:core.example.com;lr>\r\n"
                + "From: \"Alice A\" <sip:alice@example.org>;tag=ftag1\r\n"
                + "To: <sip:bob@example.com>\r\n"
                + "Call-ID: cid-123\r\n"
                + "CSeq: 7 OPTIONS\r\n"
                + "Contact: <sip:alice@127.0.0.1:5555>\r\n"
                + "User-Agent: tester/1\r\n"
                + "X-Test: hello\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: 4\r\n\r\nbody";
    }

    /** The reason phrase of the reply to the request, asked until an answer comes (a proxy may still be starting). */
    private static String reason(int proxyPort, long waitSeconds) throws Exception {
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            phone.setSoTimeout(500);
            byte[] req = request(phone.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
            while (System.nanoTime() < deadline) {
                phone.send(new DatagramPacket(req, req.length, new InetSocketAddress("127.0.0.1", proxyPort)));
                byte[] buf = new byte[4096];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    phone.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                String first = new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII).lines().findFirst().orElse("");
                assertThat(first).startsWith("SIP/2.0 200 ");
                return first.substring("SIP/2.0 200 ".length()).replace(Integer.toString(phone.getLocalPort()), "PORT");
            }
            throw new AssertionError("no reply from 127.0.0.1:" + proxyPort);
        }
    }

    @Test
    void selectsReadTheMessageAsKamailiosDo() throws Exception {
        int port = FreePorts.udpAndTcp(1)[0];
        Path cfg = work.resolve("selects.cfg");
        Files.writeString(cfg, script(port));
        proxy = Proxy.start(cfg, Map.of(), List.of());

        assertThat(reason(port, 5)).isEqualTo(EXPECTED);
    }

    @Test
    void kamailioReadsTheSameValues() throws Exception {
        Path binary = Path.of("/usr/sbin/kamailio");
        assumeTrue(Files.isExecutable(binary), "kamailio is not installed (Debian package kamailio): Kamailio's side skipped");
        int port = FreePorts.udpAndTcp(1)[0];
        Path cfg = work.resolve("selects.cfg");
        Files.writeString(cfg, script(port));
        kamailio = new ProcessBuilder(binary.toString(), "-f", cfg.toString(), "-DD", "-E", "-n", "1", "-m", "32", "-M", "8",
                "-Y", work.toString(), "-w", work.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("kamailio.log").toFile()).start();

        assertThat(reason(port, 15)).isEqualTo(EXPECTED);
    }

    @Test
    void aHeaderValueSelectReadsTheHeaderWhereKamailioNeedsItParsedFirst() throws Exception {
        // Kamailio reads @hf_value only from headers something parsed before (empty at the top of
        // request_route); Sipway's message is parsed whole
        int port = FreePorts.udpAndTcp(1)[0];
        Path cfg = work.resolve("hf.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + port + "\nloadmodule \"pv.so\"\nloadmodule \"sl.so\"\nrequest_route {\n"
                + "\t$var(r) = \"\" + @hf_value.route.uri + \"|\" + @hf_value.route[2].uri + \"|\" + @hf_value.route.name + \"|\""
                + " + @hf_value.x_test + \"|\" + @hf_value[\"X-Test\"];\n\tsl_send_reply(\"200\", \"$var(r)\");\n\texit;\n}\n");
        proxy = Proxy.start(cfg, Map.of(), List.of());

        assertThat(reason(port, 5)).isEqualTo("sip:edge.example.com;lr|sip:core.example.com;lr|\"Edge\"|hello|hello");
    }
}
