package io.sipway.proxy.module.topoh;

import io.sipway.proxy.module.topoh.SipText.Field;
import io.sipway.sip.SipUri;
import io.sipway.transport.Destination;
import io.sipway.transport.NetData;
import io.sipway.transport.ReceiveInfo;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Kamailio's topoh (topoh_mod.c th_msg_received / th_msg_sent, th_msg.c) on the bytes of every
 * message in and out, so the script sees messages as if topoh were not there.
 *
 * <p><b>Out</b> (th_msg_sent). A request relayed downstream or upstream: every Via but ours becomes
 * {@code SIP/2.0/UDP <mask_ip>;branch=z9hG4bKsr-<masked Via>}, the first Contact URI and every
 * Record-Route URI but the first (ours) {@code sip:<mask_ip>;line=sr-<masked URI>}; the Call-ID
 * becomes {@code !!:<masked>} (mask_callid) towards the callee: initial requests and in-dialog ones
 * going downstream. A reply: the Record-Routes of the callee's side (up to ours) and the Contact are
 * masked, the Call-ID unmasked towards the caller. Requests we make (one Via) are left alone, but
 * for the CANCEL and ACK tm sends downstream, whose Call-ID is masked. REGISTER and PUBLISH pass
 * untouched.
 *
 * <p><b>In</b> (th_msg_received). An in-dialog request gets its R-URI, Route and Refer-To unmasked,
 * and its Call-ID when it comes from the callee's side (the Route's ftag is not the From tag); a
 * reply gets its Vias and Record-Routes unmasked (and its Call-ID when it comes from the callee).
 *
 * <p><b>The cookie</b>: received messages get a {@code TH: <d|u><i|c>h} header and a
 * {@code ;TH=<..>v} parameter in their top Via saying which way they go (downstream, upstream) and
 * whether they are initial; the outgoing side reads it (the header, or the Via's for a reply
 * generated here) and removes it. A relayed request keeps its Via cookie inside the masked Via,
 * which tells the reply its way back.
 */
final class Topoh implements NetData {
    private final ThMask mask;
    private final Settings s;
    private final String viaPrefix;
    private final String uriPrefix;
    /** check_self on a host and port (-1 for none). */
    private final BiPredicate<String, Integer> myself;
    /** mask_ip is one of our own addresses (th_mask_addr_myself). */
    private final boolean maskIsMyself;
    /** sanity_checks: whether a received request passes sanity's default checks; null when not asked for. */
    private final BiPredicate<byte[], ReceiveInfo> sane;

    /** topoh's parameters. */
    record Settings(String key, String ip, boolean maskCallid, String uparamName, String uparamPrefix,
                    String vparamName, String vparamPrefix, String callidPrefix, boolean uriPrefixChecks) {
    }

    Topoh(Settings s, BiPredicate<String, Integer> myself) {
        this(s, myself, null);
    }

    Topoh(Settings s, BiPredicate<String, Integer> myself, BiPredicate<byte[], ReceiveInfo> sane) {
        this.sane = sane;
        this.s = s;
        this.mask = new ThMask(s.key());
        this.viaPrefix = "SIP/2.0/UDP " + s.ip() + ";" + s.vparamName() + "=" + s.vparamPrefix();
        this.uriPrefix = "sip:" + s.ip() + ";" + s.uparamName() + "=" + s.uparamPrefix();
        this.myself = myself;
        this.maskIsMyself = myself.test(hostOf(s.ip()), portOf(s.ip()));
    }

    // ---- in ------------------------------------------------------------------------------------

    @Override
    public byte[] received(byte[] message, ReceiveInfo from) {
        try {
            SipText t = prepared(message);
            if (t == null) {
                return message;
            }
            String cookie;
            if (t.isRequest()) {
                if (sane != null && !sane.test(message, from)) {
                    return message; // th_msg_received: "sanity checks failed", the request goes on as it came
                }
                String toTag = SipText.tag(t.first("to").value);
                boolean dialog = toTag != null && !toTag.isEmpty();
                if (dialog) {
                    int direction = ThCookie.routeDirection(t);
                    if (direction < 0) {
                        return message;
                    }
                    cookie = direction == 0 ? "dc" : "uc";
                    unmaskRuri(t);
                    unmaskRoute(t);
                    unmaskReferTo(t);
                    if (direction == 1) {
                        unmaskCallid(t);
                    }
                } else {
                    cookie = "di";
                }
            } else {
                if (Vias.all(t).size() < 2 && !"CANCEL".equals(t.cseqMethod())) {
                    return message; // the reply to a request of ours: nothing of it was masked
                }
                String[] found = {"xx"};
                unmaskVia(t, found);
                flipRecordRoute(t, false);
                if (found[0].charAt(0) == 'u') {
                    cookie = "dc";
                } else {
                    cookie = "uc";
                    unmaskCallid(t);
                }
            }
            ThCookie.add(t, cookie);
            return t.toBytes();
        } catch (RuntimeException e) { // a message topoh cannot read goes on as it came (the core judges it)
            return message;
        }
    }

    // ---- out -----------------------------------------------------------------------------------

    @Override
    public byte[] sending(byte[] message, Destination to) {
        try {
            SipText t = prepared(message);
            if (t == null) {
                return message;
            }
            String cookie = ThCookie.of(t);
            if (cookie.charAt(0) != 'x') {
                ThCookie.delete(t);
            }
            if (t.isRequest()) {
                boolean upstream = cookie.charAt(0) == 'u';
                String toTag = SipText.tag(t.first("to").value);
                boolean dialog = toTag != null && !toTag.isEmpty();
                int local;
                if (Vias.all(t).size() < 2) {
                    local = !upstream && cookie.charAt(1) == 'l' ? 2 : 1;
                } else {
                    local = cookie.charAt(0) != 'd' && cookie.charAt(0) != 'u' ? 1 : 0;
                }
                if (local != 0) {
                    String method = t.cseqMethod();
                    if ("ACK".equals(method) || "CANCEL".equals(method) || local == 2) {
                        maskCallid(t); // tm's hop-by-hop ACK and CANCEL go downstream
                        return t.toBytes();
                    }
                    return message; // a request of ours, upstream: as it is
                }
                maskVias(t);
                maskContact(t);
                maskRecordRoutes(t);
                if (dialog) {
                    if (!upstream) {
                        maskCallid(t);
                    }
                } else {
                    updateReplaces(t);
                    maskCallid(t);
                }
            } else {
                char where = cookie.charAt(cookie.length() - 1);
                if (where == 'x') {
                    return message;
                }
                if (where == 'v') { // a reply made here: its request told the way
                    if (cookie.charAt(0) == 'u') {
                        maskCallid(t);
                    }
                } else {
                    flipRecordRoute(t, true);
                    maskContact(t);
                    if (cookie.charAt(0) == 'd') {
                        maskCallid(t);
                    }
                }
            }
            return t.toBytes();
        } catch (RuntimeException e) {
            return message;
        }
    }

    /** th_prepare_msg and th_skip_msg: a message with From, To, Via and Call-ID, not a REGISTER or PUBLISH; else null. */
    private static SipText prepared(byte[] message) {
        if (message.length == 0 || message[0] < 'A' || message[0] > 'Z') {
            return null; // keep-alives and anything that is no SIP text
        }
        SipText t = SipText.parse(message);
        if (t == null || t.first("from") == null || t.first("to") == null || t.first("via") == null || t.first("call-id") == null) {
            return null;
        }
        String method = t.cseqMethod();
        return method == null || method.equals("REGISTER") || method.equals("PUBLISH") ? null : t;
    }

    // ---- Via -----------------------------------------------------------------------------------

    private void maskVias(SipText t) {
        List<Vias.Ref> vias = Vias.all(t);
        for (int i = 1; i < vias.size(); i++) {
            vias.get(i).replace(mask.encode(vias.get(i).text(), viaPrefix));
        }
    }

    /** th_unmask_via: every Via but ours back; the second one carries the cookie of its request. */
    private void unmaskVia(SipText t, String[] cookie) {
        List<Vias.Ref> vias = Vias.all(t);
        for (int i = 1; i < vias.size(); i++) {
            Vias.Ref v = vias.get(i);
            String text = v.text();
            if (s.uriPrefixChecks() && !Vias.host(text).equalsIgnoreCase(s.ip())) {
                continue;
            }
            String value = Vias.param(text, s.vparamName());
            if (value == null) {
                return;
            }
            if (!s.vparamPrefix().isEmpty() && (value.length() <= s.vparamPrefix().length() || !value.startsWith(s.vparamPrefix()))) {
                continue;
            }
            String out = mask.decode(value, s.vparamPrefix().length());
            if (out == null) {
                return;
            }
            if (i == 1) {
                String c = Vias.param(out, ThCookie.COOKIE);
                if (c == null) {
                    return;
                }
                cookie[0] = c;
            }
            v.replace(out);
        }
    }

    // ---- Contact, Record-Route, Route, R-URI, Refer-To ---------------------------------------------

    private void maskContact(SipText t) {
        Field f = t.first("contact");
        if (f == null || f.value.trim().equals("*")) {
            return;
        }
        List<int[]> values = SipText.values(f.value);
        if (values.isEmpty()) {
            return;
        }
        int[] u = SipText.uriOf(f.value, values.get(0)[0], values.get(0)[1]);
        if (u == null || u[1] <= u[0]) {
            return;
        }
        String masked = mask.encode(f.value.substring(u[0], u[1]), uriPrefix);
        if (u[0] == 0 || f.value.charAt(u[0] - 1) != '<') {
            masked = "<" + masked + ">";
        }
        f.set(f.value.substring(0, u[0]) + masked + f.value.substring(u[1]));
    }

    private void maskRecordRoutes(SipText t) {
        int i = 0;
        for (Field f : t.all("record-route")) {
            StringBuilder b = new StringBuilder(f.value);
            List<int[]> values = SipText.values(f.value);
            for (int k = values.size() - 1; k >= 0; k--) { // from the end: offsets before stay right
                if (i + k == 0) {
                    continue; // ours
                }
                int[] u = SipText.uriOf(f.value, values.get(k)[0], values.get(k)[1]);
                if (u != null) {
                    b.replace(u[0], u[1], mask.encode(f.value.substring(u[0], u[1]), uriPrefix));
                }
            }
            i += values.size();
            if (!b.toString().equals(f.value)) {
                f.set(b.toString());
            }
        }
    }

    /**
     * th_flip_record_route. Received reply ({@code sending} false): masked Record-Routes back. Reply
     * going upstream: the callee's side is masked up to our own entry (with a double Record-Route,
     * our outbound one too), the rest left as it is.
     */
    private void flipRecordRoute(SipText t, boolean sending) {
        int act = sending ? 2 : 0;
        for (Field f : t.all("record-route")) {
            StringBuilder b = new StringBuilder(f.value);
            List<int[]> values = SipText.values(f.value);
            String[] replaced = new String[values.size()];
            boolean stop = false;
            for (int k = 0; k < values.size() && !stop; k++) {
                int[] u = SipText.uriOf(f.value, values.get(k)[0], values.get(k)[1]);
                if (u == null) {
                    continue;
                }
                String uri = f.value.substring(u[0], u[1]);
                String[] pval = new String[1];
                boolean[] r2 = new boolean[1];
                int type = uriType(uri, r2, pval);
                if (type == 0 && sending) {
                    if (!r2[0]) {
                        stop = true;
                        break;
                    }
                    if (--act == 0) {
                        stop = true;
                        break;
                    }
                    type = 1;
                }
                if (type == 1 && act != 0 && sending) {
                    replaced[k] = mask.encode(uri, uriPrefix);
                } else if (type == 2 && !sending) {
                    replaced[k] = mask.decode(pval[0], s.uparamPrefix().length());
                }
            }
            for (int k = values.size() - 1; k >= 0; k--) {
                if (replaced[k] != null) {
                    int[] u = SipText.uriOf(f.value, values.get(k)[0], values.get(k)[1]);
                    b.replace(u[0], u[1], replaced[k]);
                }
            }
            if (!b.toString().equals(f.value)) {
                f.set(b.toString());
            }
            if (stop) {
                return;
            }
        }
    }

    /** th_get_uri_type: 2 masked by us (its value in pval), 0 ours or the mask address (r2 told), 1 someone else's. */
    private int uriType(String uri, boolean[] r2, String[] pval) {
        SipUri u = SipUri.parse(uri);
        if (u.host() != null && u.host().equalsIgnoreCase(s.ip())) {
            String v = u.param(s.uparamName());
            if (v != null) {
                pval[0] = v;
                return 2;
            }
            if (!maskIsMyself) {
                return 0;
            }
        }
        if (myself.test(u.host(), u.port())) {
            r2[0] = "on".equalsIgnoreCase(u.param("r2"));
            return 0;
        }
        return 1;
    }

    /** th_unmask_route: every Route but the first, when masked. */
    private void unmaskRoute(SipText t) {
        int i = 0;
        for (Field f : t.all("route")) {
            StringBuilder b = new StringBuilder(f.value);
            List<int[]> values = SipText.values(f.value);
            String[] replaced = new String[values.size()];
            for (int k = 0; k < values.size(); k++) {
                if (i + k == 0) {
                    continue;
                }
                int[] u = SipText.uriOf(f.value, values.get(k)[0], values.get(k)[1]);
                if (u == null) {
                    continue;
                }
                replaced[k] = unmaskedUri(f.value.substring(u[0], u[1]));
            }
            for (int k = values.size() - 1; k >= 0; k--) {
                if (replaced[k] != null) {
                    int[] u = SipText.uriOf(f.value, values.get(k)[0], values.get(k)[1]);
                    b.replace(u[0], u[1], replaced[k]);
                }
            }
            i += values.size();
            if (!b.toString().equals(f.value)) {
                f.set(b.toString());
            }
        }
    }

    /** A URI masked by us, unmasked; null when it is not one (or uri_prefix_checks finds no prefix). */
    private String unmaskedUri(String uri) {
        if (s.uriPrefixChecks() && !uri.regionMatches(true, 0, uriPrefix, 0, uriPrefix.length())) {
            return null;
        }
        String v;
        try {
            v = SipUri.parse(uri).param(s.uparamName());
        } catch (RuntimeException e) {
            return null;
        }
        if (v == null || v.isEmpty()) {
            return null;
        }
        return mask.decode(v, s.uparamPrefix().length());
    }

    private void unmaskRuri(SipText t) {
        String ruri = t.requestUri();
        String out = ruri == null ? null : unmaskedUri(ruri);
        if (out != null) {
            t.requestUri(out);
        }
    }

    private void unmaskReferTo(SipText t) {
        if (!"REFER".equals(t.cseqMethod())) {
            return;
        }
        Field f = t.first("refer-to");
        if (f == null) {
            return;
        }
        int[] u = SipText.uriOf(f.value, 0, f.value.length());
        if (u == null) {
            return;
        }
        int end = f.value.indexOf('?', u[0]);
        end = end < 0 || end > u[1] ? u[1] : end;
        String out = unmaskedUri(f.value.substring(u[0], end));
        if (out != null) {
            f.set(f.value.substring(0, u[0]) + out + f.value.substring(end));
        }
    }

    // ---- Call-ID -------------------------------------------------------------------------------

    private void maskCallid(SipText t) {
        if (!s.maskCallid()) {
            return;
        }
        Field f = t.first("call-id");
        f.set(mask.encode(f.value, s.callidPrefix()));
    }

    private void unmaskCallid(SipText t) {
        if (!s.maskCallid()) {
            return;
        }
        Field f = t.first("call-id");
        String p = s.callidPrefix();
        if (f.value.length() < p.length() || !f.value.regionMatches(true, 0, p, 0, p.length())) {
            return;
        }
        String out = mask.decode(f.value, p.length());
        if (out != null) {
            f.set(out);
        }
    }

    /** th_update_hdr_replaces: the Call-ID in an initial INVITE's Replaces follows the masking. */
    private void updateReplaces(SipText t) {
        if (!s.maskCallid() || !"INVITE".equals(t.cseqMethod())) {
            return;
        }
        Field f = t.first("replaces");
        if (f == null) {
            return;
        }
        int semi = f.value.indexOf(';');
        String callid = semi < 0 ? f.value : f.value.substring(0, semi);
        String p = s.callidPrefix();
        String out = callid.length() > p.length() && callid.startsWith(p) ? mask.decode(callid, p.length()) : mask.encode(callid, p);
        if (out != null) {
            f.set(out + (semi < 0 ? "" : f.value.substring(semi)));
        }
    }

    static String hostOf(String hostPort) {
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            return end < 0 ? hostPort : hostPort.substring(0, end + 1);
        }
        int colon = hostPort.indexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    static int portOf(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.lastIndexOf(']') > colon) {
            return -1;
        }
        try {
            return Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
