package io.sipway.proxy.module.sdpops;

import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** sdpops' tests and readings of the body that change nothing but AVPs, and {@code $sdp(sess_version)}. */
final class SdpChecks {
    private static final Logger LOG = LoggerFactory.getLogger("sdpops");

    private SdpChecks() {
    }

    /** The message text (one char per byte) read back as the UTF-8 it holds: what a script sees. */
    static String utf8(String bytesAsChars) {
        return new String(bytesAsChars.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** sdp_content(sloppy): a body, and a Content-Type that is application/sdp, absent, or multipart/mixed naming application/sdp. */
    static long sloppyContent(MsgContext m) {
        if (m.msg.bodyLength() == 0) {
            return -1;
        }
        String type = m.msg.contentType();
        if (type == null) {
            return 1; // no Content-Type: application/sdp by default
        }
        if (Sdp.isSdp(type)) {
            return 1;
        }
        int semi = type.indexOf(';');
        String mt = (semi < 0 ? type : type.substring(0, semi)).trim();
        if (mt.equalsIgnoreCase("multipart/mixed")) {
            String body = new String(m.msg.body(), StandardCharsets.ISO_8859_1);
            return body.toLowerCase(java.util.Locale.ROOT).contains("application/sdp") ? 1 : -1;
        }
        return -1;
    }

    /** sdp_with_ice: "a=candidate" anywhere in the body, whatever its type. */
    static long withIce(MsgContext m) {
        if (m.msg.bodyLength() == 0) {
            return -1;
        }
        return new String(m.msg.body(), StandardCharsets.ISO_8859_1).contains("a=candidate") ? 1 : -1;
    }

    /**
     * sdp_with_codecs_by_id / _by_name: 1 when some stream has an id of the list and none is missing
     * from any stream, 2 when some are found and some missing, -1 when none is found, -2 on an error
     * (by name: -1 also when no name has an id).
     */
    static long withCodecs(MsgContext m, String list, boolean byName) {
        Sdp sdp = Sdp.of(m);
        if (!sdp.ok()) {
            if (sdp.status == Sdp.Status.ERROR) {
                LOG.error("sdp_with_codecs: unable to parse sdp");
            }
            return byName ? -1 : -2;
        }
        String ids = byName ? SdpEdits.ids(sdp, list) : list;
        if (ids == null) {
            return -1;
        }
        boolean found = false;
        boolean missing = false;
        for (Sdp.Stream s : sdp.streams) {
            String payloads = s.payloads(sdp.text);
            int[] pos = {0};
            for (String id = Sdp.token(ids, pos, ','); !id.isEmpty(); id = Sdp.token(ids, pos, ',')) {
                if (Sdp.codecIn(payloads, id, ' ')) {
                    found = true;
                } else {
                    missing = true;
                }
            }
        }
        return found ? (missing ? 2 : 1) : -1;
    }

    /** sdp_get_line_startswith: the first line beginning with {@code start} (without its CRLF) into the AVP. */
    static long lineStartingWith(MsgContext m, String avp, String start) {
        if (start.isEmpty()) {
            LOG.error("sdp_get_line_startswith: search string is null or empty");
            return -1;
        }
        Sdp sdp = Sdp.of(m);
        if (sdp.status != Sdp.Status.OK) {
            return sdp.status == Sdp.Status.NO_BODY ? -2 : -1;
        }
        if (avp == null) {
            LOG.error("sdp_get_line_startswith: malformed or non AVP definition");
            return -1;
        }
        String t = sdp.text;
        String s = Lumps.asBytes(start);
        for (int p = Sdp.findLine(t, sdp.start, t.length(), s.charAt(0)); p >= 0; ) {
            int[] line = Sdp.locate(t, p);
            if (t.startsWith(s, line[0])) {
                int end = line[1];
                if (end - line[0] >= 2 && t.charAt(end - 2) == '\r' && t.charAt(end - 1) == '\n') {
                    end -= 2; // only a CRLF is taken off: a bare LF stays, as in Kamailio
                }
                m.avps().add(avp, utf8(t.substring(line[0], end)));
                return 1;
            }
            p = Sdp.findLine(t, line[1], t.length(), s.charAt(0));
        }
        return -1;
    }

    /** $sdp(sess_version): the o= line's sess-version (the number, or its text when written otherwise); assignable. */
    static Pv sessVersion() {
        return new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                Sdp sdp = Sdp.of(SdpopsModule.c(ctx));
                if (!sdp.ok()) {
                    return null;
                }
                String v = sdp.text.substring(sdp.versionStart, sdp.versionEnd);
                Long n = number(v);
                return n == null ? null : n.toString().equals(v) ? (Object) n : v;
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                if (!(value instanceof Long n)) {
                    LOG.error("$sdp(sess_version): expected integer");
                    return;
                }
                setVersion(SdpopsModule.c(ctx), n);
            }
        };
    }

    /** sdp_set_sess_version: -1 adds one to the version (refused if the number gets shorter), any other value is written. */
    private static void setVersion(MsgContext m, long value) {
        Sdp sdp = Sdp.of(m);
        Long old = sdp.ok() ? number(sdp.text.substring(sdp.versionStart, sdp.versionEnd)) : null;
        if (old == null) {
            LOG.error("$sdp(sess_version): unable to get the current sess-version");
            return;
        }
        String oldText = sdp.text.substring(sdp.versionStart, sdp.versionEnd);
        long v = value;
        if (value == -1) {
            if (old == Long.MAX_VALUE) {
                LOG.error("$sdp(sess_version): autoincrement: {} would overflow", old);
                return;
            }
            v = old + 1;
        }
        String text = Long.toString(v);
        if (value == -1 && text.length() < oldText.length()) {
            LOG.error("$sdp(sess_version): autoincrement: new({}) < old({})", v, oldText);
            return;
        }
        SdpopsModule.record(m, "$sdp(sess_version)",
                List.of(new Lumps.Edit(sdp.versionStart, sdp.versionEnd, text.getBytes(StandardCharsets.US_ASCII))));
    }

    /** str2slong: an optional sign and decimal digits, nothing else; null otherwise. */
    static Long number(String s) {
        try {
            return s.isEmpty() || s.equals("+") || s.equals("-") ? null : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
