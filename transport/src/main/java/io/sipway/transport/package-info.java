/**
 * Listeners (udp, tcp, tls, ws, wss), framing, TLS, WebSocket, the connection table and the one
 * send path ({@code Sender}, Kamailio's msg_send_buffer). Built in a later issue; see
 * docs/ARCHITECTURE.md.
 */
package io.sipway.transport;
