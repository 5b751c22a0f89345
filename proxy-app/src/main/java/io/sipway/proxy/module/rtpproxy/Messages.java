package io.sipway.proxy.module.rtpproxy;

import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.Via;
import java.util.List;

/** What the commands read of a message (rtpproxy_funcs.c): its SDP body, Call-ID, tags and Via branches. */
final class Messages {
    private static final java.util.regex.Pattern BOUNDARY =
            java.util.regex.Pattern.compile("(?i);\\s*boundary\\s*=\\s*(\"[^\"]*\"|[^;\\s]+)");
    private Messages() {
    }

    /** The SDP of a message: its text edits and the body's [start, end) in their text, trailing CR/LF left out. */
    record Body(Lumps.TextEdits edits, int start, int end) {
    }

    /**
     * extract_body: the body, when the Content-Type is application/sdp (or absent), or the first
     * application/sdp part of a multipart/mixed body; not empty. Null (logged) otherwise.
     */
    static Body body(MsgContext m) {
        String type;
        try {
            if (m.msg.bodyLength() == 0) {
                Control.LOG.error("message body has length zero");
                return null;
            }
            type = m.msg.contentType();
        } catch (RuntimeException e) {
            Control.LOG.error("can't extract body from the message: {}", e.getMessage());
            return null;
        }
        boolean multipart = type != null && type.strip().regionMatches(true, 0, "multipart/mixed", 0, 15);
        if (!multipart && !Sdp.isSdpType(type)) {
            Control.LOG.error("content type mismatching");
            return null;
        }
        if (m.textEdits == null) {
            m.textEdits = new Lumps.TextEdits(m.msg);
        }
        Lumps.TextEdits t = m.textEdits;
        int start = t.bodyStart;
        int end = Math.min(t.text.length(), t.bodyStart + m.msg.bodyLength());
        if (multipart) {
            int[] part = sdpPart(t.text, start, end, boundary(type));
            if (part == null) {
                Control.LOG.error("no application/sdp part in the multipart body");
                return null;
            }
            start = part[0];
            end = part[1];
        }
        while (end > start && (t.text.charAt(end - 1) == '\r' || t.text.charAt(end - 1) == '\n')) {
            end--;
        }
        if (end == start) {
            Control.LOG.error("empty body");
            return null;
        }
        return new Body(t, start, end);
    }

    /** The boundary parameter of a multipart Content-Type (quotes taken off), or null. */
    private static String boundary(String type) {
        java.util.regex.Matcher b = BOUNDARY.matcher(type);
        return b.find() ? b.group(1).replace("\"", "") : null;
    }

    /** The [start, end) of the body of the first part whose Content-Type is application/sdp, or null. */
    private static int[] sdpPart(String text, int from, int to, String boundary) {
        if (boundary == null || boundary.isEmpty()) {
            return null;
        }
        String delimiter = "--" + boundary;
        int at = text.indexOf(delimiter, from);
        while (at >= 0 && at < to) {
            int line = text.indexOf('\n', at);
            if (line < 0 || line >= to) {
                return null;
            }
            int next = text.indexOf("\n" + delimiter, line);
            int partEnd = next < 0 || next >= to ? to : next;
            boolean sdp = false;
            int p = line + 1;
            while (p < partEnd) {
                int nl = text.indexOf('\n', p);
                int e = nl < 0 || nl > partEnd ? partEnd : nl;
                String header = text.substring(p, e).strip();
                p = e + 1;
                if (header.isEmpty()) {
                    break;
                }
                int colon = header.indexOf(':');
                String name = colon < 0 ? "" : header.substring(0, colon).strip();
                if ((name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("c")) && Sdp.isSdpType(header.substring(colon + 1))) {
                    sdp = true;
                }
            }
            if (sdp) {
                return new int[] {Math.min(p, partEnd), partEnd};
            }
            at = next < 0 || next >= to ? -1 : next + 1;
        }
        return null;
    }

    /** Whether the message holds an SDP body (parse_sdp succeeds), without logging when not. */
    static boolean hasSdp(io.sipway.sip.SipMessage msg) {
        try {
            String type = msg == null ? null : msg.contentType();
            return msg != null && msg.bodyLength() > 0 && (Sdp.isSdpType(type)
                    || type.strip().regionMatches(true, 0, "multipart/mixed", 0, 15));
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
