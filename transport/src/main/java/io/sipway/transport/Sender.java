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

    Sender(Transport transport) {
        this.transport = transport;
    }

    public SendStatus send(Destination d, byte[] message) {
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
            transport.write(c, message);
            transport.traffic().sent(c.protocol(), message);
            return SendStatus.SENT;
        }
        if (d.protocol().isWebSocket() || d.noConnect() || d.address() == null) {
            (d.protocol().isWebSocket() ? webSocketMisses : noConnectMisses).incrementAndGet();
            transport.traffic().failed(d.protocol().isWebSocket() ? TrafficStats.SendFailure.CONNECTION_NOT_FOUND : TrafficStats.SendFailure.NO_CONNECT);
            LOG.warn("{}: no connection to {} (looked for {}, forced socket {}, tcp_connection_match={})",
                    d.protocol().isWebSocket() ? "TCP/TLS connection for WebSocket could not be found" : "no connect set and no active connection",
                    d, ConnectionTable.allowedKinds(d.protocol()), d.forcedSocket(), table.connectionMatch() ? 1 : 0);
            return SendStatus.NO_CONNECTION;
        }
        if (transport.connect(d, message)) {
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
