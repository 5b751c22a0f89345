package io.sipway.tm;

import io.sipway.transport.Destination;
import io.sipway.transport.SendListener;
import io.sipway.transport.SendSocket;
import io.sipway.transport.SendStatus;
import io.sipway.transport.Transport;

/**
 * Where tm's messages leave: every branch request, retransmission, hop-by-hop ACK and CANCEL, and
 * every reply upstream. In production the transport's {@code Sender} ({@link #of(Transport)});
 * in tests a recording fake, so no socket is needed to check a state machine.
 */
@FunctionalInterface
public interface Wire {
    /** Sends {@code message} to {@code to}; never blocks (Netty queues the write). */
    SendStatus send(Destination to, byte[] message);

    /**
     * Sends a branch request: as {@link #send(Destination, byte[])}, but when the message waits for
     * a new TCP/TLS connection ({@link SendStatus#CONNECTING}) and that connection fails (refused,
     * tcp_connect_timeout, a failed TLS handshake), {@code lateFailure} hears it, once, on an event
     * loop; possibly before this returns, on the calling thread. The default cannot fail late.
     */
    default SendStatus send(Destination to, byte[] message, SendListener lateFailure) {
        return send(to, message);
    }

    /**
     * The listener a message to {@code to} leaves from, as our Via names it; null when none fits
     * (the Via then says 0.0.0.0:5060). The default knows none.
     */
    default SendSocket socketFor(Destination to) {
        return null;
    }

    /** The transport's Sender, and its choice of socket for the Via. */
    static Wire of(Transport transport) {
        io.sipway.transport.Sender sender = transport.sender();
        return new Wire() {
            @Override
            public SendStatus send(Destination to, byte[] message) {
                return sender.send(to, message);
            }

            @Override
            public SendStatus send(Destination to, byte[] message, SendListener lateFailure) {
                return sender.send(to, message, lateFailure);
            }

            @Override
            public SendSocket socketFor(Destination to) {
                return transport.sendSocketFor(to);
            }
        };
    }
}
