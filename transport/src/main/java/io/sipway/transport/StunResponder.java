package io.sipway.transport;

/**
 * Who answers STUN (RFC 5389) on the SIP listeners, Kamailio's SREV_STUN_IN event that its stun
 * module registers for. None by default: then every datagram and stream goes to SIP as before.
 *
 * <p>A STUN message starts with two zero bits and its type (0x0001 for a Binding request), so its
 * first byte is below 0x04, where no SIP message, CRLF keep-alive or HTTP request starts; that is
 * how Kamailio's udp_server.c tells it apart, and how {@link Transport} does for datagrams.
 */
@FunctionalInterface
public interface StunResponder {
    /** Whether {@code first} may start a STUN message (Kamailio: {@code (unsigned char)*buf < 0x04}). */
    static boolean startsStun(byte first) {
        return (first & 0xff) < 0x04;
    }

    /**
     * The response to send back over the socket {@code message} came in on, or null
     * to send nothing (not STUN at all, or a message Kamailio drops). Called on the event loop
     * that read it: it must not block.
     */
    byte[] answer(byte[] message, ReceiveInfo from);
}
