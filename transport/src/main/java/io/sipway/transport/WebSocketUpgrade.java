package io.sipway.transport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request asking to become a SIP WebSocket, as the script sees it in Kamailio's
 * {@code event_route[xhttp:request]} before calling {@code ws_handle_handshake()}.
 *
 * @param uri      the request target, e.g. {@code /ws}
 * @param headers  header names lower-cased, values as sent (repeated headers in order)
 * @param source   the client's address
 * @param local    the listener's address
 * @param secure   true on a tls: listener (the connection becomes WSS)
 */
public record WebSocketUpgrade(String uri, Map<String, List<String>> headers, InetSocketAddress source,
                               InetSocketAddress local, boolean secure) {

    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Decides whether an upgrade that offers the {@code sip} subprotocol is accepted. */
    @FunctionalInterface
    public interface Policy {
        /** Until a script decides (issue 6), every well-formed {@code sip} upgrade is accepted. */
        Policy ACCEPT_SIP = upgrade -> true;

        boolean allow(WebSocketUpgrade upgrade);
    }
}
