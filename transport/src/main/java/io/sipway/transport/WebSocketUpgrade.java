package io.sipway.transport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request on a tcp:/tls: listener (usually asking to become a SIP WebSocket), as the script
 * sees it in Kamailio's {@code event_route[xhttp:request]} before calling {@code ws_handle_handshake()}.
 *
 * @param uri      the request target, e.g. {@code /ws}
 * @param headers  header names lower-cased, values as sent (repeated headers in order)
 * @param source   the client's address
 * @param local    the listener's address
 * @param secure   true on a tls: listener (the connection becomes WSS)
 * @param method   the HTTP method ({@code GET})
 * @param connectionId the connection it came on
 * @param body     the request's body (dechunked), empty for none: the script's {@code $rb}
 */
public record WebSocketUpgrade(String uri, Map<String, List<String>> headers, InetSocketAddress source,
                               InetSocketAddress local, boolean secure, String method, int connectionId, byte[] body) {

    public WebSocketUpgrade(String uri, Map<String, List<String>> headers, InetSocketAddress source, InetSocketAddress local,
                            boolean secure, String method, int connectionId) {
        this(uri, headers, source, local, secure, method, connectionId, new byte[0]);
    }

    public WebSocketUpgrade(String uri, Map<String, List<String>> headers, InetSocketAddress source, InetSocketAddress local,
                            boolean secure) {
        this(uri, headers, source, local, secure, "GET", 0);
    }

    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /**
     * What the script answered an HTTP request on a tcp:/tls: listener (Kamailio's
     * event_route[xhttp:request]): upgrade it to a SIP WebSocket ({@link #UPGRADE}, still refused
     * with 400 when it does not offer subprotocol {@code sip}), or send this HTTP reply and close.
     */
    public record Answer(int status, String reason, String contentType, String body, List<Map.Entry<String, String>> headers) {
        public static final Answer UPGRADE = new Answer(101, "Switching Protocols", "", "");
        public static final Answer FORBIDDEN = new Answer(403, "Forbidden", "", "");

        public Answer {
            headers = List.copyOf(headers);
        }

        public Answer(int status, String reason, String contentType, String body) {
            this(status, reason, contentType, body, List.of());
        }

        /**
         * The same answer with one more header line (e.g. the core's {@code Server}); it is also
         * written on the 101, 400 or 426 that an {@link #UPGRADE} turns into.
         */
        public Answer withHeader(String name, String value) {
            List<Map.Entry<String, String>> more = new java.util.ArrayList<>(headers);
            more.add(Map.entry(name, value));
            return new Answer(status, reason, contentType, body, more);
        }

        public boolean upgrades() {
            return status == 101;
        }
    }

    /** Decides whether an upgrade that offers the {@code sip} subprotocol is accepted. */
    @FunctionalInterface
    public interface Policy {
        /** Without a script's say, every well-formed {@code sip} upgrade is accepted. */
        Policy ACCEPT_SIP = upgrade -> true;

        boolean allow(WebSocketUpgrade upgrade);

        /**
         * The answer to any HTTP GET on the listener (an upgrade or not), asked before the
         * subprotocol is checked: by default an upgrade when {@link #allow} says so, else 403.
         */
        default Answer answer(WebSocketUpgrade request) {
            return allow(request) ? Answer.UPGRADE : Answer.FORBIDDEN;
        }
    }
}
