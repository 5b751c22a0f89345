package io.sipway.proxy.tm;

import io.sipway.proxy.MovedPorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.ProxyStartException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A proxy running a script of src/test/resources/tm on 127.0.0.1, with the SIP peers a test talks
 * to it through, closed together. The peers' sockets are bound before the proxy starts, so that
 * nothing it sends at once is lost.
 *
 * <p>Tests name the ports the script is written with (its listener and its callees); they run on free
 * ports chosen at start ({@link MovedPorts}): the script is copied with them into a temporary folder,
 * each peer binds its moved port, and {@link #moved} turns an expected value written with the
 * script's ports into the one on the wire.
 */
final class LoopbackProxy implements AutoCloseable {
    /** Peers by the port the script and the test name them with. */
    private final Map<Integer, SipPeer> peers = new LinkedHashMap<>();
    private MovedPorts ports;
    private Path folder;
    private Proxy proxy;

    /** Starts {@code cfg} (which listens on {@code proxyPort}) with the defines given and a peer on each port. */
    static LoopbackProxy start(String cfg, int proxyPort, Map<String, String> defines, int... peerPorts)
            throws ProxyStartException {
        LoopbackProxy p = new LoopbackProxy();
        try {
            int[] named = new int[peerPorts.length + 1];
            named[0] = proxyPort;
            System.arraycopy(peerPorts, 0, named, 1, peerPorts.length);
            p.ports = MovedPorts.of(named);
            for (int port : peerPorts) {
                // the tag names the port the test knows, so expected tags read the same on any run
                p.peers.put(port, new SipPeer(p.ports.get(port), p.ports.get(proxyPort), "uas-" + port));
            }
            p.folder = Files.createTempDirectory("sipway-tm-");
            p.proxy = Proxy.start(p.ports.script(Path.of("src/test/resources/tm/" + cfg), p.folder), defines, List.of());
        } catch (IOException e) {
            p.close();
            throw new UncheckedIOException(e);
        } catch (ProxyStartException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    static LoopbackProxy start(String cfg, int proxyPort, int... peerPorts) throws ProxyStartException {
        return start(cfg, proxyPort, Map.of(), peerPorts);
    }

    /** The peer the script knows on {@code port}. */
    SipPeer peer(int port) {
        SipPeer p = peers.get(port);
        if (p == null) {
            throw new IllegalArgumentException("no peer on " + port);
        }
        return p;
    }

    /** {@code text} written with the script's ports, as it reads on the wire (its ports moved). */
    String moved(String text) {
        return ports.apply(text);
    }

    /** A statistic of the running proxy by Kamailio's name. */
    /** tm's memory budget for transactions, as -m sets it. */
    void limitTransactions(long budgetBytes) {
        proxy.transactions().limit(budgetBytes);
    }

    long stat(String name) {
        return proxy.stat(name);
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        for (SipPeer p : peers.values()) {
            p.close();
        }
        if (folder != null) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder left behind is no test failure
            }
        }
    }
}
