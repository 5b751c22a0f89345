package io.sipway.transport;

import java.net.InetSocketAddress;

/**
 * Where a message came from (Kamailio's {@code struct receive_info}): the protocol it arrived with
 * (udp, tcp, tls, ws, wss), the peer's address, the local socket (listener) that received it, and
 * for stream protocols the connection id.
 */
public record ReceiveInfo(Protocol protocol, InetSocketAddress source, SendSocket localSocket, int connectionId) {
}
