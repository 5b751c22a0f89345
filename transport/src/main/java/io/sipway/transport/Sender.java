package io.sipway.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door to the network (Kamailio's {@code msg_send_buffer}): UDP leaves through the chosen
 * listener's socket; TCP/TLS use the connection the table finds and open one when there is none
 * (unless no-connect); WS/WSS use the connection the table finds and never open one.
 */
public final class Sender {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

    private final Transport transport;
    private final java.util.concurrent.atomic.AtomicLong webSocketMisses = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong noConnectMisses = new java.util.concurrent.atomic.AtomicLong();

    /** Who sees every message sent (siptrace's trace_mode 1, Kamailio's SREV_NET_DATA_SEND), or null. */
    private volatile Tap tap;

    /** Sees each message handed to a socket or connection; called on the sending thread, must not block. */
    @FunctionalInterface
    public interface Tap {
        void sent(Destination to, byte[] message);
    }

    Sender(Transport transport) {
        this.transport = transport;
    }

    /** Every message sent from now on is shown to {@code t} (null: to nobody), except {@link #mirror} copies. */
    public void tap(Tap t) {
        tap = t;
    }

    /**
     * Sends a copy of traffic (a HEP packet, a duplicated message) that the {@link #tap} does not
     * see, as Kamailio's msg_send_buffer with rflags set skips SREV_NET_DATA_SEND: a mirror of the
     * mirror would never end.
     */
    public SendStatus mirror(Destination d, byte[] message) {
        return sendUntapped(d, message, null);
    }

    public SendStatus send(Destination d, byte[] message) {
        return send(d, message, null);
    }

    /**
     * Sends {@code message} to {@code d}. When it returns {@link SendStatus#CONNECTING} the message
     * waits for a new connection; should that connection fail (refused, tcp_connect_timeout, closed
     * before the write) {@code lateFailure} hears it, once, on an event loop.
     *
     * @param lateFailure told of a failure after the send returned CONNECTING; null when nobody cares
     */
    public SendStatus send(Destination d, byte[] message, SendListener lateFailure) {
        NetData rewrite = transport.netData();
        if (rewrite != null) {
            message = rewrite.sending(message, d);
        }
        SendStatus status = sendUntapped(d, message, lateFailure);
        Tap t = tap;
        if (t != null && (status == SendStatus.SENT || status == SendStatus.CONNECTING)) {
            t.sent(d, message); // as it went out, after any rewrite (topoh)
        }
        return status;
    }

    private SendStatus sendUntapped(Destination d, byte[] message, SendListener lateFailure) {
        if (d.protocol() == Protocol.UDP) {
            Channel ch = transport.udpChannelFor(d);
            if (ch == null) {
                LOG.error("no udp socket to send to {} (forced socket {})", d, d.forcedSocket());
                transport.traffic().failed(TrafficStats.SendFailure.NO_SOCKET);
                return SendStatus.NO_SOCKET;
            }
            ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(message), d.address()));
            transport.traffic().sent(Protocol.UDP, message);
            return SendStatus.SENT;
        }
        ConnectionTable table = transport.connections();
        Connection c = table.find(d);
        if (c != null) {
            if (!transport.write(c, message)) {
                return SendStatus.QUEUE_FULL; // counted and logged by the transport, which closed the connection
            }
            transport.traffic().sent(c.protocol(), message);
            return SendStatus.SENT;
        }
        // tcp_no_connect: as if every TCP/TLS destination had set_forward_no_connect()
        boolean noConnect = d.noConnect() || transport.tcpSettings().noConnect();
        if (d.protocol().isWebSocket() || noConnect || d.address() == null) {
            (d.protocol().isWebSocket() ? webSocketMisses : noConnectMisses).incrementAndGet();
            transport.traffic().failed(d.protocol().isWebSocket() ? TrafficStats.SendFailure.CONNECTION_NOT_FOUND : TrafficStats.SendFailure.NO_CONNECT);
            LOG.warn("{}: no connection to {} (looked for {}, forced socket {}, tcp_connection_match={})",
                    d.protocol().isWebSocket() ? "TCP/TLS connection for WebSocket could not be found" : "no connect set and no active connection",
                    d, ConnectionTable.allowedKinds(d.protocol()), d.forcedSocket(), table.connectionMatch() ? 1 : 0);
            return SendStatus.NO_CONNECTION;
        }
        if (transport.connect(d, message, lateFailure)) {
            transport.traffic().sent(d.protocol(), message);
            return SendStatus.CONNECTING;
        }
        transport.traffic().failed(TrafficStats.SendFailure.CONNECT_FAILED);
        return SendStatus.NO_CONNECTION;
    }

    /** Sends to WS/WSS destinations that found no connection ("TCP/TLS connection for WebSocket could not be found"). */
    public long webSocketMisses() {
        return webSocketMisses.get();
    }

    /** Sends to TCP/TLS destinations that found no connection and were not allowed to open one. */
    public long noConnectMisses() {
        return noConnectMisses.get();
    }
}
