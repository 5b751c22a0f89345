package io.sipway.transport;

/**
 * What the transport hands upward: exactly one SIP message per call (a datagram, one message cut
 * from a stream, or one WebSocket frame) and where it came from. Called on the event loop that read
 * it; the bytes belong to the receiver from then on. Nothing Netty crosses this line.
 */
@FunctionalInterface
public interface Inbound {
    void onMessage(byte[] message, ReceiveInfo from);
}
