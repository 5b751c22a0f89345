package io.sipway.transport;

import io.netty.channel.unix.Errors;
import java.io.IOException;

/**
 * Whether an error on a connection is the peer going away abruptly: a reset (ECONNRESET) or a
 * write to a connection it already closed (EPIPE). Phones, browsers and NATs do it all the time;
 * it ends the connection, it is counted, and it is no error of ours worth a line.
 */
final class PeerReset {
    private PeerReset() {
    }

    static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof Errors.NativeIoException n) { // epoll: by errno
                int errno = n.expectedErr();
                if (errno == Errors.ERRNO_ECONNRESET_NEGATIVE || errno == Errors.ERRNO_EPIPE_NEGATIVE) {
                    return true;
                }
            } else if (t instanceof IOException && t.getMessage() != null) { // NIO: by the JDK's message
                String m = t.getMessage();
                if (m.contains("Connection reset") || m.contains("Broken pipe")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
