package io.sipway.transport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checks of Kamailio's {@code ws_handle_handshake()} (websocket module, ws_handshake.c) on an
 * upgrade request's headers, in the order they came, and the answer they lead to: the 101 with its
 * headers, a 426 for a version other than 13, or a 400. As there: header names match in any case,
 * {@code Connection} must contain "upgrade" and {@code Upgrade} "websocket" (any case), the
 * subprotocol is found when any {@code Sec-WebSocket-Protocol} contains "sip" (any case; Sipway has no
 * MSRP), {@code Sec-WebSocket-Key}, {@code Sec-WebSocket-Version} and {@code Origin} may come once, and
 * the method is not looked at (the script's event_route[xhttp:request] does that).
 */
final class WebSocketHandshake {
    /** RFC 6455 1.3's GUID, appended to the key before hashing. */
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    static final int VERSION = 13;

    /** What to answer: the status, its reason, and the header lines Kamailio adds for it, in its order. */
    record Outcome(int status, String reason, List<Map.Entry<String, String>> headers) {
        boolean accepted() {
            return status == 101;
        }
    }

    private static final Outcome BARE_400 = new Outcome(400, "Bad Request", List.of());
    /** A required header or the subprotocol missing: 400 saying what is supported. */
    private static final Outcome MISSING = new Outcome(400, "Bad Request",
            List.of(Map.entry("Sec-WebSocket-Protocol", "sip"), Map.entry("Sec-WebSocket-Version", String.valueOf(VERSION))));
    private static final Outcome WRONG_VERSION = new Outcome(426, "Upgrade Required",
            List.of(Map.entry("Sec-WebSocket-Version", String.valueOf(VERSION))));

    private WebSocketHandshake() {
    }

    /** The outcome for a request with these headers (names as sent, in their order). */
    static Outcome check(Iterable<Map.Entry<String, String>> headers) {
        boolean connection = false;
        boolean upgrade = false;
        boolean sip = false;
        boolean version = false;
        boolean origin = false;
        String key = null;
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey();
            String value = h.getValue() == null ? "" : h.getValue().trim();
            if (name.equalsIgnoreCase("Connection")) {
                connection |= lower(value).contains("upgrade");
            } else if (name.equalsIgnoreCase("Upgrade")) {
                upgrade |= lower(value).contains("websocket");
            } else if (name.equalsIgnoreCase("Sec-WebSocket-Key")) {
                if (key != null) {
                    return BARE_400;
                }
                key = value;
            } else if (name.equalsIgnoreCase("Sec-WebSocket-Protocol")) {
                sip |= lower(value).contains("sip");
            } else if (name.equalsIgnoreCase("Sec-WebSocket-Version")) {
                if (version) {
                    return BARE_400;
                }
                if (number(value) != VERSION) {
                    return WRONG_VERSION;
                }
                version = true;
            } else if (name.equalsIgnoreCase("Origin")) {
                if (origin) {
                    return BARE_400;
                }
                origin = true;
            }
        }
        if (!connection || !upgrade || key == null || !sip || !version) {
            return MISSING;
        }
        return new Outcome(101, "Switching Protocols", List.of(Map.entry("Sec-WebSocket-Protocol", "sip"),
                Map.entry("Upgrade", "websocket"), Map.entry("Connection", "upgrade"), Map.entry("Sec-WebSocket-Accept", accept(key))));
    }

    /** RFC 6455 4.2.2: base64 of the SHA-1 of the key and the GUID. */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Kamailio's str2sint: an optional sign and digits; anything else is 0 (and so not 13). */
    private static int number(String s) {
        try {
            return s.length() > 9 ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
