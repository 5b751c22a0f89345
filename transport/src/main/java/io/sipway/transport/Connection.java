package io.sipway.transport;

import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * One TCP or TLS connection, accepted or opened, as the connection table knows it: an id that is
 * never reused while the connection lives, the kind ({@link #protocol()}: TCP or TLS, becoming WS or
 * WSS at a WebSocket upgrade, with the same id, addresses and aliases), the remote and local
 * address, and port aliases.
 */
public final class Connection {
    private final int id;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    final long remoteHi;
    final long remoteLo;
    final int remotePort;
    final long localHi;
    final long localLo;
    final int localPort;
    private volatile Protocol protocol;
    private volatile boolean open = true;
    /** The transport's handle for writing (a Netty channel); opaque to the table. */
    volatile Object handle;
    /** The transport's bounded writes to it; set before {@link #handle}. */
    WriteQueue writes;
    /** Whether a SIP message arrived on it (then it is never evicted to make room). */
    volatile boolean carriedSip;
    /** The local side as the table shares it; set once by the table when it adds the connection. */
    ConnectionTable.LocalSide localSide;
    /** System.nanoTime() of the last read or write: how long it has been idle (core.tcp_list). */
    private volatile long lastActivity = System.nanoTime();
    /** Port aliases (Via alias, force_tcp_alias); guarded by the table's write lock. */
    int[] aliases = new int[0];

    Connection(int id, Protocol protocol, InetSocketAddress remote, InetSocketAddress local) {
        if (!protocol.isStream()) {
            throw new IllegalArgumentException("a connection is TCP, TLS, WS or WSS, not " + protocol);
        }
        this.id = id;
        this.protocol = protocol;
        this.remote = remote;
        this.local = local;
        this.remoteHi = IpKey.hi(remote.getAddress());
        this.remoteLo = IpKey.lo(remote.getAddress());
        this.remotePort = remote.getPort();
        this.localHi = IpKey.hi(local.getAddress());
        this.localLo = IpKey.lo(local.getAddress());
        this.localPort = local.getPort();
    }

    public int id() {
        return id;
    }

    /** TCP, TLS, WS (upgraded TCP) or WSS (upgraded TLS). */
    public Protocol protocol() {
        return protocol;
    }

    void protocol(Protocol p) {
        this.protocol = p;
    }

    public InetSocketAddress remote() {
        return remote;
    }

    /** The local side: the listener that accepted it, or the address an outbound connection is bound to. */
    public InetSocketAddress local() {
        return local;
    }

    public boolean isOpen() {
        return open;
    }

    void markClosed() {
        open = false;
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    /** Milliseconds since the connection last read or wrote anything. */
    public long idleMillis() {
        return (System.nanoTime() - lastActivity) / 1_000_000;
    }

    /** The remote ports this connection is also reachable under. */
    public int[] aliasPorts() {
        return aliases.clone();
    }

    @Override
    public String toString() {
        return "connection " + id + " " + protocol.text() + " " + remote + " <- " + local
                + (aliases.length > 0 ? " aliases " + Arrays.toString(aliases) : "") + (open ? "" : " (closed)");
    }
}
