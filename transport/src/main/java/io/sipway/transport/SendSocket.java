package io.sipway.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A local socket a message may be sent from: a listener, as {@code force_send_socket()} / {@code $fs}
 * name it ({@code udp:127.0.0.1:5060}). For stream protocols it is a constraint on which connection
 * is used (by its local side), never a reason to miss one.
 */
public final class SendSocket {
    private final Protocol protocol;
    private final InetSocketAddress local;
    final long hi;
    final long lo;
    final int port;

    public SendSocket(Protocol protocol, InetSocketAddress local) {
        if (protocol.isWebSocket()) {
            throw new IllegalArgumentException("no " + protocol.text() + " sockets: WebSocket is served on tcp and tls listeners");
        }
        if (local.isUnresolved()) {
            throw new IllegalArgumentException("send socket address must be resolved: " + local);
        }
        this.protocol = protocol;
        this.local = local;
        this.hi = IpKey.hi(local.getAddress());
        this.lo = IpKey.lo(local.getAddress());
        this.port = local.getPort();
    }

    public Protocol protocol() {
        return protocol;
    }

    public InetSocketAddress local() {
        return local;
    }

    /** Kamailio's spelling, e.g. {@code tls:127.0.0.1:5061}. */
    @Override
    public String toString() {
        String host = local.getAddress().getHostAddress();
        return protocol.text() + ":" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SendSocket s && s.protocol == protocol && s.local.equals(local);
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, local);
    }
}
