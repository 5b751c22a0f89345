package io.sipway.proxy.log;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.transport.ReceiveInfo;

/**
 * Kamailio's {@code log_prefix}: while a received message is processed, every line logged on that
 * thread starts with the prefix's pseudo-variables evaluated on that message ({@code "{$mt
 * $hdr(CSeq) $ci} "}). The message is noted when processing starts and the prefix is computed only
 * when a line is printed (most messages print none), once per message; lines printed outside the
 * processing of a message (timers) have no prefix, as in Kamailio.
 */
public final class LogPrefix {
    /** A compiled {@code log_prefix}: its text for one message. */
    @FunctionalInterface
    public interface Source {
        String apply(SipMessage msg, ReceiveInfo from);
    }

    /** What the thread is processing: a message as received (bytes or parsed), and its prefix once computed. */
    private static final class Current {
        Source source;
        byte[] bytes;
        SipMessage msg;
        ReceiveInfo from;
        String text;

        void set(Source s, byte[] b, SipMessage m, ReceiveInfo f) {
            source = s;
            bytes = b;
            msg = m;
            from = f;
            text = null;
        }
    }

    private static final ThreadLocal<Current> CURRENT = ThreadLocal.withInitial(Current::new);

    private LogPrefix() {
    }

    /** Processing of {@code bytes} starts on this thread (until {@link #exit()}). */
    public static void enter(Source source, byte[] bytes, ReceiveInfo from) {
        CURRENT.get().set(source, bytes, null, from);
    }

    /** Processing of the message ends: lines go without a prefix again. */
    public static void exit() {
        CURRENT.get().set(null, null, null, null);
    }

    /** Whether this thread is processing a message with a prefix now. */
    public static boolean active() {
        return CURRENT.get().source != null;
    }

    /**
     * Runs {@code r} with the prefix of {@code msg} when this thread processes no message now (a
     * reply handed over to its transaction's event loop is logged about as where it was received).
     */
    public static void around(Source source, SipMessage msg, ReceiveInfo from, Runnable r) {
        Current c = CURRENT.get();
        if (source == null || c.source != null) {
            r.run();
            return;
        }
        c.set(source, null, msg, from);
        try {
            r.run();
        } finally {
            c.set(null, null, null, null);
        }
    }

    /** The prefix of the message this thread is processing, or "" when none. */
    public static String current() {
        Current c = CURRENT.get();
        if (c.source == null) {
            return "";
        }
        if (c.text == null) {
            c.text = ""; // a line logged while computing the prefix gets none, rather than recursing
            try {
                SipMessage m = c.msg != null ? c.msg : SipParser.parse(c.bytes);
                c.text = c.source.apply(m, c.from);
            } catch (RuntimeException e) {
                c.text = ""; // a message the core drops as malformed has no prefix to print
            }
        }
        return c.text;
    }
}
