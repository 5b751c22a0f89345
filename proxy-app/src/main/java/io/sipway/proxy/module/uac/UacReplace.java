package io.sipway.proxy.module.uac;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.rr.RrModule;
import io.sipway.sip.SipMessage;
import io.sipway.tm.ServerTransaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * uac's From/To replacement (replace.c), without the dialog module: {@code uac_replace_from/_to}
 * rewrite the header in the relayed request and, unless {@code restore_mode} is none, put the
 * pair of URIs in a Record-Route parameter ({@link UriCodec}) and mark the request so that its
 * replies get the original header back. In auto mode, each request within the dialog that
 * loose_route() routes through our Route gets the other URI back from that parameter (rr's
 * callback, {@link #looseRouted}): towards the callee the new one, towards the caller the
 * original; its replies again get the request's own values. In manual mode the script does that
 * with {@code uac_restore_from/_to}.
 */
final class UacReplace {
    private static final Logger LOG = LoggerFactory.getLogger("uac");
    /** Kamailio's FL_USE_UAC_FROM and FL_USE_UAC_TO. */
    static final int FROM = 1;
    static final int TO = 2;
    /** The replies get the request's From/To back (Kamailio's TMCB_RESPONSE_IN callback registered for the request). */
    static final int REPLIES = 4;

    enum Mode { NONE, MANUAL, AUTO }

    /**
     * The module parameters this part reads; {@code fromAvp}/{@code toAvp} (restore_from_avp,
     * restore_to_avp) keep the original header's display name and URI, which the replies then get
     * (null: the request's own header is read again).
     */
    record Settings(Mode mode, byte[] passwd, String fromParam, String toParam, io.sipway.cfg.Pv fromAvp, io.sipway.cfg.Pv toAvp) {
    }

    private final Core core;
    private volatile Settings settings = new Settings(Mode.AUTO, new byte[0], "vsf", "vst", null, null);

    UacReplace(Core core) {
        this.core = core;
    }

    void configure(Settings s) {
        settings = s;
    }

    Settings settings() {
        return settings;
    }

    /**
     * replace_uri: {@code display} null leaves the display name, empty removes it; {@code uri} null
     * (or empty) leaves the URI. 1 or -1 (a second call on the request in request_route, a new URI
     * in a request within a dialog in auto mode, a header that does not parse, an edit that
     * overlaps another rewrite).
     */
    long replace(MsgContext m, String display, String uri, boolean to) {
        Settings s = settings;
        int flag = to ? TO : FROM;
        String fn = to ? "uac_replace_to" : "uac_replace_from";
        if ((m.uacFlags & flag) != 0) {
            LOG.error("called {}() multiple times on the message", fn);
            return -1;
        }
        if (uri != null && uri.isEmpty()) {
            uri = null;
        }
        if (s.mode == Mode.AUTO && uri != null) {
            String toTag;
            try {
                toTag = m.msg.toTag();
            } catch (RuntimeException e) {
                LOG.error("failed to parse TO hdr");
                return -1;
            }
            if (toTag != null && !toTag.isEmpty()) {
                LOG.error("decline {} replacing in sequential request in auto mode (has TO tag)", to ? "TO" : "FROM");
                return -1;
            }
        }
        Lumps.TextEdits t = edits(m);
        NameAddr h = NameAddr.find(t, to ? "To" : "From");
        if (h == null) {
            LOG.error("failed to find/parse {} hdr", to ? "TO" : "FROM");
            return -1;
        }
        keep(m, t, h, to ? s.toAvp : s.fromAvp);
        List<Lumps.Edit> batch = new ArrayList<>(3);
        if (display != null) {
            displayEdits(h, Lumps.asBytes(display), batch);
        }
        String newUri = uri == null ? null : Lumps.asBytes(uri);
        if (newUri != null) {
            batch.add(new Lumps.Edit(h.uriStart, h.uriEnd, latin(newUri)));
        }
        if (!batch.isEmpty() && t.add(fn, batch) < 0) {
            return -1;
        }
        if (newUri == null || s.mode == Mode.NONE) {
            return 1;
        }
        String enc = UriCodec.encode(latin(t.text.substring(h.uriStart, h.uriEnd)), latin(newUri), s.passwd);
        if (enc == null) {
            LOG.error("{}: uri too long", fn);
            return -1;
        }
        m.recordRouteParams = m.recordRouteParams + ";" + (to ? s.toParam : s.fromParam) + "=" + enc;
        mark(m, flag | REPLIES);
        return 1;
    }

    /**
     * The display name's edits: the old one gives way to the new one (or to nothing); a new one
     * without an old one goes before the {@code <}, or with brackets around a bare URI.
     */
    private static void displayEdits(NameAddr h, String display, List<Lumps.Edit> batch) {
        if (h.displayStart >= 0) {
            // 5.6.3 leaves the spaces around it ("From:  <sip:...>" when it is removed)
            batch.add(new Lumps.Edit(h.displayStart, h.displayEnd, latin(display)));
        } else if (!display.isEmpty()) {
            if (h.lt >= 0) {
                batch.add(new Lumps.Edit(h.lt, h.lt, latin(display + " ")));
            } else {
                batch.add(new Lumps.Edit(h.uriStart, h.uriStart, latin(display + " <")));
                batch.add(new Lumps.Edit(h.uriEnd, h.uriEnd, latin(">")));
            }
        }
    }

    /** uac_restore_from/_to (restore_uri): 1 when the routed parameter gave a URI back, else -1. */
    long restore(MsgContext m, boolean to) {
        if (!m.msg.isRequest()) {
            LOG.error("called for something not request");
            return -1;
        }
        String params = RrModule.routedParams(core, m);
        return params == null ? -1 : restore(m, params, to);
    }

    private long restore(MsgContext m, String params, boolean checkTo) {
        Settings s = settings;
        String name = checkTo ? s.toParam : s.fromParam;
        String value = param(params, name);
        if (value == null || value.isEmpty()) {
            return -1;
        }
        // carried on: a Record-Route this request gets keeps the parameter
        m.recordRouteParams = m.recordRouteParams + ";" + name + "=" + value;
        boolean upstream = RrModule.isUpstream(core, m);
        // vsf: upstream the caller's URI is in To; vst: downstream the callee's is in To
        boolean inTo = checkTo != upstream;
        Lumps.TextEdits t = edits(m);
        NameAddr h = NameAddr.find(t, inTo ? "To" : "From");
        if (h == null) {
            LOG.error("failed to find/parse {} hdr", inTo ? "TO" : "FROM");
            return -1;
        }
        keep(m, t, h, inTo ? s.toAvp : s.fromAvp);
        byte[] other = UriCodec.decode(value, latin(t.text.substring(h.uriStart, h.uriEnd)), s.passwd);
        if (other == null) {
            LOG.warn("{}: the {} parameter does not give a URI for {} (altered by an endpoint?) - skipping the update",
                    checkTo ? "uac_restore_to" : "uac_restore_from", name, t.text.substring(h.uriStart, h.uriEnd));
            return -1;
        }
        if (t.add("uac restore", List.of(new Lumps.Edit(h.uriStart, h.uriEnd, other))) < 0) {
            return -1;
        }
        mark(m, inTo ? TO : FROM);
        return 1;
    }

    /**
     * rr's callback in auto mode (rr_checker): both parameters looked for; when one gave a URI
     * back, the replies follow the request's changes (uac_restore_from/_to alone, in manual mode,
     * leave the replies as they come).
     */
    void looseRouted(MsgContext m, String params) {
        if (restore(m, params, false) + restore(m, params, true) != -2) {
            mark(m, REPLIES);
        }
    }

    /**
     * restore_uris_reply (TMCB_RESPONSE_IN): a reply to a request whose From/To was replaced or
     * restored gets, in place of its display name and URI, those of the request as received.
     */
    SipMessage responseIn(ServerTransaction st, SipMessage reply) {
        if (!(st.scriptState instanceof MsgContext req) || (req.uacFlags & REPLIES) == 0) {
            return reply;
        }
        Lumps.TextEdits in = new Lumps.TextEdits(st.request());
        Lumps.TextEdits out = new Lumps.TextEdits(reply);
        List<Lumps.Edit> batch = new ArrayList<>(2);
        Settings s = settings;
        if ((req.uacFlags & FROM) != 0) {
            restoreHeader(in, out, "From", kept(req, s.fromAvp), batch);
        }
        if ((req.uacFlags & TO) != 0) {
            restoreHeader(in, out, "To", kept(req, s.toAvp), batch);
        }
        if (batch.isEmpty() || out.add("uac restore", batch) < 0) {
            return reply;
        }
        return out.rewritten();
    }

    private static void restoreHeader(Lumps.TextEdits in, Lumps.TextEdits out, String name, String kept, List<Lumps.Edit> batch) {
        NameAddr original = kept != null ? null : NameAddr.find(in, name);
        NameAddr now = NameAddr.find(out, name);
        if ((kept == null && original == null) || now == null) {
            LOG.error("failed to restore {}", name.toUpperCase(java.util.Locale.ROOT));
            return;
        }
        String value = kept != null ? Lumps.asBytes(kept) : in.text.substring(original.valueStart, original.prefixEnd);
        batch.add(new Lumps.Edit(now.valueStart, now.prefixEnd, latin(value)));
    }

    /** restore_from_avp / restore_to_avp: the header's display name and URI (through the '>') kept in the AVP. */
    private static void keep(MsgContext m, Lumps.TextEdits t, NameAddr h, io.sipway.cfg.Pv avp) {
        if (avp != null) {
            avp.set(m, t.text.substring(h.valueStart, h.prefixEnd));
        }
    }

    /** The value the AVP keeps for the transaction's request, or null (none configured, or empty). */
    private static String kept(MsgContext req, io.sipway.cfg.Pv avp) {
        if (avp == null) {
            return null;
        }
        Object v = avp.get(req);
        return v == null || String.valueOf(v).isEmpty() ? null : String.valueOf(v);
    }

    /** The request and its transaction, when there is one already (branch_route), hear the replies restored. */
    private static void mark(MsgContext m, int flag) {
        m.uacFlags |= flag;
        if (m.st != null && m.st.scriptState instanceof MsgContext tx) {
            tx.uacFlags |= flag;
        }
    }

    private static Lumps.TextEdits edits(MsgContext m) {
        if (m.textEdits == null) {
            m.textEdits = new Lumps.TextEdits(m.msg);
        }
        return m.textEdits;
    }

    /** A parameter's value among {@code a=1;b=2} (the leading ';' left out), or null. */
    static String param(String params, String name) {
        for (String p : params.split(";")) {
            int eq = p.indexOf('=');
            String n = (eq < 0 ? p : p.substring(0, eq)).trim();
            if (n.equals(name)) {
                return eq < 0 ? "" : p.substring(eq + 1).trim();
            }
        }
        return null;
    }

    /** Message text (chars of bytes) as bytes. */
    static byte[] latin(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
