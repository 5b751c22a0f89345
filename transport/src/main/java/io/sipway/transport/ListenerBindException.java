package io.sipway.transport;

/**
 * A listener that could not be bound, named as the script wrote it:
 * {@code listen=tcp:127.0.0.1:5060: address already in use}; when the script's listen had no
 * protocol, the socket that failed follows in brackets ({@code listen=127.0.0.1 (tcp:127.0.0.1:5060): ...}).
 */
public final class ListenerBindException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ListenerBindException(ListenSpec written, ListenSpec socket, Throwable cause) {
        super("listen=" + written + (written.equals(socket) ? "" : " (" + socket + ")") + ": " + reason(cause), cause);
    }

    /** The OS's reason without Netty's prefix, as a clause: {@code bind(..) failed with error(-98): Address already in use} gives {@code address already in use}. */
    static String reason(Throwable cause) {
        String m = cause.getMessage();
        if (m == null || m.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        // epoll: "bind(..) failed with error(-98): Address already in use"; NIO: "Address already in use"
        int colon = m.contains("failed") ? m.lastIndexOf(": ") : -1;
        String r = (colon >= 0 ? m.substring(colon + 2) : m).replace(" (Bind failed)", "").trim();
        return r.isEmpty() ? m : Character.toLowerCase(r.charAt(0)) + r.substring(1);
    }
}
