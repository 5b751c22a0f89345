package io.sipway.transport;

/**
 * A rewrite of every SIP message as it crosses the network, Kamailio's SREV_NET_DATA_IN and
 * SREV_NET_DATA_OUT events (the topoh module's hooks): {@link #received} sees each message read from
 * any listener or connection before anything parses it, {@link #sending} each message the
 * {@link Sender} writes (requests, replies, retransmissions alike). None by default.
 *
 * <p>Both run on the thread that receives or sends, an event loop most of the time: they must not
 * block. They return the bytes to go on with (the same array when nothing changes) and must not
 * throw; a message they cannot read goes on unchanged.
 */
public interface NetData {
    byte[] received(byte[] message, ReceiveInfo from);

    byte[] sending(byte[] message, Destination to);
}
