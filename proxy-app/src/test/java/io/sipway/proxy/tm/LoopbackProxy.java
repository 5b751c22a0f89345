package io.sipway.proxy.tm;

import io.sipway.proxy.Proxy;
import io.sipway.proxy.ProxyStartException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A proxy running a script of src/test/resources/tm on 127.0.0.1, with the SIP peers a test talks
 * to it through, closed together. The peers' sockets are bound before the proxy starts, so that
 * nothing it sends at once is lost.
 */
final class LoopbackProxy implements AutoCloseable {
    private final List<SipPeer> peers = new ArrayList<>();
    private Proxy proxy;

    /** Starts {@code cfg} (which listens on {@code proxyPort}) with the defines given and a peer on each port. */
    static LoopbackProxy start(String cfg, int proxyPort, Map<String, String> defines, int... peerPorts)
            throws ProxyStartException {
        LoopbackProxy p = new LoopbackProxy();
        try {
            for (int port : peerPorts) {
                p.peers.add(new SipPeer(port, proxyPort));
            }
            p.proxy = Proxy.start(Path.of("src/test/resources/tm/" + cfg), defines, List.of());
        } catch (ProxyStartException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    static LoopbackProxy start(String cfg, int proxyPort, int... peerPorts) throws ProxyStartException {
        return start(cfg, proxyPort, Map.of(), peerPorts);
    }

    /** The peer on {@code port}. */
    SipPeer peer(int port) {
        for (SipPeer p : peers) {
            if (p.port == port) {
                return p;
            }
        }
        throw new IllegalArgumentException("no peer on " + port);
    }

    /** A statistic of the running proxy by Kamailio's name. */
    long stat(String name) {
        return proxy.stat(name);
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        for (SipPeer p : peers) {
            p.close();
        }
    }
}
