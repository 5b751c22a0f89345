package io.sipway.transport;

/**
 * Told when a send that {@link Sender#send(Destination, byte[], SendListener)} accepted as
 * {@link SendStatus#CONNECTING} fails afterwards: the connect was refused or did not complete within
 * {@code tcp_connect_timeout}, or the connection closed before the message was written (a failed TLS
 * handshake). Kamailio's blocking connect (tcp_async=no) returns this failure from the send itself,
 * so tm answers 477 at once; here the connect is asynchronous, and this is how the branch still
 * learns it was never sent. Called once at most, on an event loop: it must not block.
 */
@FunctionalInterface
public interface SendListener {
    void failed(Destination d, TrafficStats.SendFailure reason);
}
