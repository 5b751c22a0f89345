package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * A script that answers with what it computed: the module tests start a proxy on a small script
 * whose request_route puts its results in the reason phrase of a 200, send it an OPTIONS over UDP
 * and compare the reason with what Kamailio 5.6.3 answers to the same script and request.
 */
public final class ScriptProbe implements AutoCloseable {
    public final Proxy proxy;
    public final int port;

    private ScriptProbe(Proxy proxy, int port) {
        this.proxy = proxy;
        this.port = port;
    }

    /** A proxy listening on udp:127.0.0.1 (a free port) running {@code script} (the lines after the listen). */
    public static ScriptProbe start(Path work, String script) throws Exception {
        int port = FreePorts.udpAndTcp(1)[0];
        Path cfg = work.resolve("probe.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + port + "\n" + script);
        return new ScriptProbe(Proxy.start(cfg, Map.of(), List.of()), port);
    }

    /** The reason phrase of the 200 answering an OPTIONS with {@code headers} (each ending in CRLF). */
    public String reason(String headers) throws Exception {
        return reason(port, headers, "", 3);
    }

    /**
     * The reason phrase of the 200 that the proxy (or a Kamailio) on {@code port} answers to an
     * OPTIONS with {@code headers} and {@code body}, asked again every half second until
     * {@code waitSeconds} pass (a Kamailio may still be starting).
     */
    public static String reason(int port, String headers, String body, long waitSeconds) throws Exception {
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            phone.setSoTimeout(500);
            String req = "OPTIONS sip:x@127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + phone.getLocalPort()
                    + ";branch=z9hG4bK" + System.nanoTime() + "\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\n"
                    + "Call-ID: probe-" + System.nanoTime() + "\r\nCSeq: 1 OPTIONS\r\n" + headers
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
            byte[] b = req.getBytes(StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
            while (System.nanoTime() < deadline) {
                phone.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
                byte[] buf = new byte[8192];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    phone.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                String first = new String(buf, 0, p.getLength(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
                assertThat(first).startsWith("SIP/2.0 200 ");
                return first.substring("SIP/2.0 200 ".length());
            }
            throw new AssertionError("no reply from 127.0.0.1:" + port);
        }
    }

    @Override
    public void close() {
        proxy.close();
    }
}
