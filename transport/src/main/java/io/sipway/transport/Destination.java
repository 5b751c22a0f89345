package io.sipway.transport;

import java.net.InetSocketAddress;

/**
 * Where a message goes (Kamailio's {@code struct dest_info}): protocol, address and port, an optional
 * forced send socket, an optional connection id, and send flags. Built once per branch; the
 * connection lookup reads the precomputed address key and allocates nothing.
 */
public final class Destination {
    private final Protocol protocol;
    private final InetSocketAddress address;
    private final SendSocket forcedSocket;
    private final int connectionId;
    private final boolean noConnect;
    private final boolean closeAfterSend;
    final long hi;
    final long lo;
    final int port;

    private Destination(Protocol protocol, InetSocketAddress address, SendSocket forcedSocket, int connectionId,
                        boolean noConnect, boolean closeAfterSend) {
        if (address == null && connectionId == 0) {
            throw new IllegalArgumentException("a destination needs an address or a connection id");
        }
        if (address != null && address.isUnresolved()) {
            throw new IllegalArgumentException("destination address must be resolved: " + address);
        }
        this.protocol = protocol;
        this.address = address;
        this.forcedSocket = forcedSocket;
        this.connectionId = connectionId;
        this.noConnect = noConnect;
        this.closeAfterSend = closeAfterSend;
        this.hi = address == null ? 0 : IpKey.hi(address.getAddress());
        this.lo = address == null ? 0 : IpKey.lo(address.getAddress());
        this.port = address == null ? 0 : address.getPort();
    }

    /** A destination by protocol and address (what a URI, a Via or {@code $du} gives). */
    public static Destination to(Protocol protocol, InetSocketAddress address) {
        return new Destination(protocol, address, null, 0, false, false);
    }

    /** The same destination leaving from a forced send socket ({@code $fs}, registrar, loose_route). */
    public Destination withForcedSocket(SendSocket socket) {
        return new Destination(protocol, address, socket, connectionId, noConnect, closeAfterSend);
    }

    /** The same destination bound to a connection id (replies, {@code $conid}, a stored tcpconn_id). */
    public Destination withConnectionId(int id) {
        return new Destination(protocol, address, forcedSocket, id, noConnect, closeAfterSend);
    }

    /** Never open a connection for this destination ({@code set_forward_no_connect()}, {@code tcp_no_connect}). */
    public Destination withNoConnect() {
        return new Destination(protocol, address, forcedSocket, connectionId, true, closeAfterSend);
    }

    /** Close the connection after this send ({@code set_forward_close()}). */
    public Destination withCloseAfterSend() {
        return new Destination(protocol, address, forcedSocket, connectionId, noConnect, true);
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The address, or null for a destination known by connection id only. */
    public InetSocketAddress address() {
        return address;
    }

    /** The forced send socket, or null. */
    public SendSocket forcedSocket() {
        return forcedSocket;
    }

    /** The connection id, or 0. */
    public int connectionId() {
        return connectionId;
    }

    public boolean noConnect() {
        return noConnect;
    }

    public boolean closeAfterSend() {
        return closeAfterSend;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(protocol.text()).append(':');
        if (address != null) {
            String host = address.getAddress().getHostAddress();
            sb.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(port);
        }
        if (connectionId != 0) {
            sb.append(" (connection ").append(connectionId).append(')');
        }
        return sb.toString();
    }
}
