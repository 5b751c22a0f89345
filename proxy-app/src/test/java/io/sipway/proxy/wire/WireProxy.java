package io.sipway.proxy.wire;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.MovedPorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.ProxyStartException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A proxy on 127.0.0.1 for the wire tests, and the requests they send it. Either Debian's
 * /etc/kamailio/kamailio.cfg of Kamailio 5.6.3 unchanged (listening where {@code -l} says), or
 * src/test/resources/wire/relay-5092.cfg, which relays to 127.0.0.1:5192 (both ports moved to free ones).
 */
final class WireProxy implements AutoCloseable {
    static final Path DEBIAN_CFG = Path.of("src/test/resources/kamailio/debian-5.6.3/kamailio.cfg");
    private final Proxy proxy;
    private final Path folder;
    final int port;
    /** The relay script's next hop (0 for Debian's script). */
    final int nextHop;

    private WireProxy(Proxy proxy, Path folder, int port, int nextHop) {
        this.proxy = proxy;
        this.folder = folder;
        this.port = port;
        this.nextHop = nextHop;
    }

    /** Debian's default script, as {@code kamailio -l udp:127.0.0.1:PORT} would run it. */
    static WireProxy debianDefault() throws ProxyStartException {
        int port = FreePorts.udpAndTcp();
        return new WireProxy(Proxy.start(DEBIAN_CFG, Map.of(), List.of("udp:127.0.0.1:" + port)), null, port, 0);
    }

    /** The relay script with these defines (FORCE_RPORT, SANITY, MAX_LIMIT=n...). */
    static WireProxy relay(Map<String, String> defines) throws ProxyStartException {
        MovedPorts ports = MovedPorts.of(5092, 5192);
        Path folder;
        try {
            folder = Files.createTempDirectory("sipway-wire-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Proxy p = Proxy.start(ports.script(Path.of("src/test/resources/wire/relay-5092.cfg"), folder), defines, List.of());
        return new WireProxy(p, folder, ports.get(5092), ports.get(5192));
    }

    long stat(String name) {
        return proxy.stat(name);
    }

    /**
     * A request written as the tests need it: {@code {port}} and {@code {branch}} are filled in by
     * {@link UdpClient}; {@code lines} replace the default header of the same name (null drops it) or are added.
     */
    static String request(String method, String uri, String... lines) {
        List<String> h = new ArrayList<>(List.of(
                "Via: SIP/2.0/UDP 127.0.0.1:{port};branch={branch};rport",
                "From: <sip:alice@127.0.0.1>;tag=f{branch}",
                "To: <sip:bob@127.0.0.1>",
                "Call-ID: c{branch}@wire",
                "CSeq: 1 " + method,
                "Max-Forwards: 70",
                "Content-Length: 0"));
        for (String line : lines) {
            String name = line.substring(0, line.indexOf(':') + 1);
            int at = -1;
            for (int i = 0; i < h.size(); i++) {
                if (h.get(i).startsWith(name)) {
                    at = i;
                }
            }
            String value = line.substring(name.length()).trim();
            if (at >= 0 && value.equals("null")) {
                h.remove(at);
            } else if (at >= 0) {
                h.set(at, line);
            } else {
                h.add(h.size() - 1, line);
            }
        }
        return method + " " + uri + " SIP/2.0\r\n" + String.join("\r\n", h) + "\r\n\r\n";
    }

    @Override
    public void close() {
        proxy.close();
        if (folder != null) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder left behind is no test failure
            }
        }
    }
}
