package io.sipway.proxy.module.rtpproxy;

import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.Via;
import java.util.List;

/** What the commands read of a message (rtpproxy_funcs.c): its SDP body, Call-ID, tags and Via branches. */
final class Messages {
    private Messages() {
    }

    /** The SDP of a message: its text edits and the body's [start, end) in their text, trailing CR/LF left out. */
    record Body(Lumps.TextEdits edits, int start, int end) {
    }

    /**
     * extract_body: the body, when the Content-Type is application/sdp (or absent) and the body is not
     * empty; null (logged) otherwise. A multipart body is not read (Kamailio finds its SDP part).
     */
    static Body body(MsgContext m) {
        try {
            if (m.msg.bodyLength() == 0) {
                Control.LOG.error("message body has length zero");
                return null;
            }
            if (!Sdp.isSdpType(m.msg.contentType())) {
                Control.LOG.error("content type mismatching (Sipway reads an application/sdp body only)");
                return null;
            }
        } catch (RuntimeException e) {
            Control.LOG.error("can't extract body from the message: {}", e.getMessage());
            return null;
        }
        if (m.textEdits == null) {
            m.textEdits = new Lumps.TextEdits(m.msg);
        }
        Lumps.TextEdits t = m.textEdits;
        int end = Math.min(t.text.length(), t.bodyStart + m.msg.bodyLength());
        while (end > t.bodyStart && (t.text.charAt(end - 1) == '\r' || t.text.charAt(end - 1) == '\n')) {
            end--;
        }
        if (end == t.bodyStart) {
            Control.LOG.error("empty body");
            return null;
        }
        return new Body(t, t.bodyStart, end);
    }

    /** Whether the message holds an SDP body (parse_sdp succeeds), without logging when not. */
    static boolean hasSdp(io.sipway.sip.SipMessage msg) {
        try {
            return msg != null && msg.bodyLength() > 0 && Sdp.isSdpType(msg.contentType());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The Call-ID, trimmed; null (logged) when missing or empty. */
    static String callId(MsgContext m) {
        try {
            String c = m.msg.callId();
            if (c != null && !c.isBlank()) {
                return c.strip();
            }
        } catch (RuntimeException e) {
            // logged below
        }
        Control.LOG.error("can't get Call-Id field");
        return null;
    }

    /** The To tag, "" when none; null (logged) when there is no To header. */
    static String toTag(MsgContext m) {
        try {
            if (m.msg.to() != null) {
                String t = m.msg.toTag();
                return t == null ? "" : t;
            }
        } catch (RuntimeException e) {
            // logged below
        }
        Control.LOG.error("can't get To tag");
        return null;
    }

    /** The From tag; null (logged) when there is none. */
    static String fromTag(MsgContext m) {
        try {
            String t = m.msg.fromTag();
            if (t != null && !t.isEmpty()) {
                return t;
            }
        } catch (RuntimeException e) {
            // logged below
        }
        Control.LOG.error("can't get From tag");
        return null;
    }

    /**
     * What follows the Call-ID in a command: {@code ;branch} of the first or second Via (flags 1, 2, 3),
     * else {@code ;extra} of extra_id_pv (flag b), else nothing; null (logged) when the Via has no branch.
     */
    static String callIdSuffix(RtpproxyModule.Running r, MsgContext m, int via, boolean extra) {
        if (via > 0) {
            String branch = null;
            try {
                List<Via> vias = m.msg.vias();
                branch = vias.size() >= via ? vias.get(via - 1).branch() : null;
            } catch (RuntimeException e) {
                branch = null;
            }
            if (branch == null || branch.isEmpty()) {
                Control.LOG.error("can't get Via branch");
                return null;
            }
            return ";" + branch;
        }
        if (extra && r.settings.extraId() != null) {
            return ";" + r.settings.extraId().apply(m);
        }
        return "";
    }
}
