package io.sipway.transport;

import java.util.Locale;

/**
 * The transport protocols of a SIP hop, with Kamailio's numeric ids (src/core/ip_addr.h), which are
 * visible on the wire in nathelper's {@code ;alias=ip~port~N}.
 *
 * <p>Listeners exist for UDP, TCP and TLS only: WS is a TCP connection upgraded to WebSocket, WSS a
 * TLS one. A connection's protocol is its kind: TCP or TLS family, SIP or WebSocket layer.
 */
public enum Protocol {
    UDP(1), TCP(2), TLS(3), WS(5), WSS(6);

    private final int kamailioId;

    Protocol(int kamailioId) {
        this.kamailioId = kamailioId;
    }

    /** Kamailio's number for the protocol (UDP 1, TCP 2, TLS 3, WS 5, WSS 6). */
    public int kamailioId() {
        return kamailioId;
    }

    /** True for the protocols that run over a connection (all but UDP). */
    public boolean isStream() {
        return this != UDP;
    }

    /** True for WS and WSS. */
    public boolean isWebSocket() {
        return this == WS || this == WSS;
    }

    /** True when the bytes run over TLS (TLS, WSS). */
    public boolean isSecure() {
        return this == TLS || this == WSS;
    }

    /** The protocol a connection of this family has after a WebSocket upgrade (TCP to WS, TLS to WSS). */
    public Protocol upgradedToWebSocket() {
        return switch (this) {
            case TCP -> WS;
            case TLS -> WSS;
            default -> throw new IllegalStateException(this + " connections cannot be upgraded to WebSocket");
        };
    }

    /** Parses a protocol name as a URI {@code transport} parameter or a Via writes it, any case. */
    public static Protocol of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "udp" -> UDP;
            case "tcp" -> TCP;
            case "tls" -> TLS;
            case "ws" -> WS;
            case "wss" -> WSS;
            default -> throw new IllegalArgumentException("unknown transport protocol: " + name);
        };
    }

    /** Lower-case name, as Kamailio writes it in logs and URIs. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
