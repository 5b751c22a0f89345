package io.sipway.proxy.module.rtpproxy;

import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * rtpproxy_offer and rtpproxy_answer (Kamailio's force_rtp_proxy): for each media stream of the SDP,
 * a U (offer) or L (answer/lookup) command, and the SDP rewritten to what the relay answered: the
 * stream's m= port, its a=rtcp port (+1), its c= address (the session's once), the session's o=
 * address, and {@code a=nortpproxy:yes} at the end. The rewrites are text edits of the message, so
 * they reach the relayed request, or the reply going up from onreply_route.
 */
final class Offers {
    private static final java.util.regex.Pattern BLANKS = java.util.regex.Pattern.compile("[ \t\r\n]+");
    private static final java.util.regex.Pattern NOT_DIGITS = java.util.regex.Pattern.compile("[^0-9]+");
    private Offers() {
    }

    /** The flags of force_rtp_proxy, read once per call. */
    private static final class Flags {
        final StringBuilder opts = new StringBuilder("?");
        final StringBuilder repacketize = new StringBuilder();
        int via;
        boolean real;
        boolean extra;
        boolean lookup;
        boolean force;
        boolean commonIp;
        boolean bridge;
    }

    /** Reads the flags; null (logged) for an unknown one, or 'l' in an answer (-1 then, as Kamailio). */
    private static Flags flags(String s, boolean offer, boolean reply) {
        Flags f = new Flags();
        for (int i = 0; s != null && i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '1' -> f.via = 1;
                case '2' -> f.via = 2;
                case '3' -> f.via = reply ? 2 : 1;
                case 'a', 'A' -> {
                    f.opts.append('A');
                    f.real = true;
                }
                case 'b' -> f.extra = true;
                case 'i', 'I' -> f.opts.append('I');
                case 'e', 'E' -> f.opts.append('E');
                case 'l', 'L' -> {
                    if (!offer) {
                        return null;
                    }
                    f.lookup = true;
                }
                case 'f', 'F' -> f.force = true;
                case 'r', 'R' -> f.real = true;
                case 'c', 'C' -> f.commonIp = true;
                case 'o', 'O' -> {
                    // Kamailio 5.6 reads it and changes nothing: the o= address is rewritten anyway
                }
                case 'x', 'X' -> f.bridge = true;
                case 'w', 'W' -> f.opts.append('S');
                case 'z', 'Z' -> {
                    f.repacketize.append('Z');
                    while (i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))) {
                        f.repacketize.append(s.charAt(++i));
                    }
                }
                case 't', 'T' -> {
                    // only rtpproxy_destroy reads it
                }
                default -> {
                    Control.LOG.error("unknown option `{}'", c);
                    return null;
                }
            }
        }
        return f;
    }

    /**
     * force_rtp_proxy: 1 done, -1 an error (nothing changed), -2 the SDP already went through a relay
     * ({@code nortpproxy_str} found, without 'f'), -3 no instance answered. {@code ip} is the address
     * the SDP gets when {@code forcedIp}, else the one it gets when the relay answers only a port.
     */
    static long force(RtpproxyModule.Running r, MsgContext m, String flagText, String ip, boolean offer, boolean forcedIp) {
        if (Control.onEventLoop(offer ? "rtpproxy_offer" : "rtpproxy_answer")) {
            return -1;
        }
        boolean reply = !m.msg.isRequest();
        Flags f = flags(flagText, offer, reply);
        if (f == null) {
            return -1;
        }
        Messages.Body body = Messages.body(m);
        if (body == null) {
            return -1;
        }
        String callId = Messages.callId(m);
        String toTag = Messages.toTag(m);
        String fromTag = Messages.fromTag(m);
        if (callId == null || toTag == null || fromTag == null) {
            return -1;
        }
        String suffix = Messages.callIdSuffix(r, m, f.via, f.extra);
        if (suffix == null) {
            return -1;
        }
        boolean create = offer;
        if (f.lookup || (reply && offer) || (!reply && !offer)) {
            if (toTag.isEmpty()) {
                return -1;
            }
            if (!f.lookup || !reply) {
                String t = fromTag;
                fromTag = toTag;
                toTag = t;
            }
            if (f.lookup) {
                create = false;
            }
        }
        Lumps.TextEdits t = body.edits();
        String nortpproxy = r.settings.nortpproxy();
        boolean proxied = false;
        if (!nortpproxy.isEmpty()) {
            for (int at = t.text.indexOf(nortpproxy, body.start()); at >= 0 && at + nortpproxy.length() <= body.end();
                 at = t.text.indexOf(nortpproxy, at + nortpproxy.length())) {
                char before = t.text.charAt(at - 1);
                if (before == '\n' || before == '\r') {
                    proxied = true;
                    break;
                }
            }
        }
        if (proxied && !f.force) {
            return -2;
        }
        List<Sdp.Session> sessions = Sdp.parse(t.text, body.start(), body.end());
        if (sessions.stream().mapToInt(s -> s.streams().size()).sum() == 0) {
            Control.LOG.error("sdp w/o streams");
            return -1;
        }
        Nodes.RtppSet set = r.selectedSet(m);
        f.opts.setCharAt(0, create ? 'U' : 'L');
        List<Lumps.Edit> edits = new ArrayList<>();
        int medianum = 0;
        for (Sdp.Session session : sessions) {
            boolean sessionCAltered = false;
            boolean originDone = session.origin() == null;
            for (Sdp.Stream stream : session.streams()) {
                Sdp.Ip oldIp = stream.c() != null ? stream.c() : session.c();
                if (oldIp == null) {
                    Control.LOG.error("can't extract media IP from the message");
                    return -1;
                }
                String oldIpText = t.text.substring(oldIp.start(), oldIp.end());
                String oldPort = t.text.substring(stream.portStart(), stream.portEnd());
                medianum++;
                String newIp;
                int newFamily;
                if (f.real) {
                    newIp = oldIpText;
                    newFamily = oldIp.family();
                } else {
                    newIp = m.from.source().getAddress().getHostAddress();
                    newFamily = m.from.source().getAddress() instanceof Inet6Address ? 6 : 4;
                }
                if (oldIp.family() == 6) {
                    if (f.bridge) {
                        f.opts.append("EI");
                        f.bridge = false;
                    }
                    f.opts.append('6');
                } else if (f.bridge) {
                    f.opts.append("IE");
                    f.bridge = false;
                }
                String[] answer;
                while (true) {
                    Nodes.Node node = r.nodes.select(set, callId, true);
                    if (node == null) {
                        Control.LOG.error("no available proxies");
                        return -3;
                    }
                    r.instanceChosen(m, node);
                    StringBuilder cmd = new StringBuilder(f.opts);
                    if (f.repacketize.length() > 0) {
                        if (node.repacketize) {
                            cmd.append(f.repacketize);
                        } else {
                            Control.LOG.warn("re-packetization is requested but is not supported by the selected RTP proxy node");
                        }
                    }
                    if (stream.rtp() && !stream.payloads().isEmpty() && node.payloadList) {
                        cmd.append('c').append(String.join(",", NOT_DIGITS.split(stream.payloads().trim())));
                    }
                    cmd.append(' ').append(callId).append(suffix).append(' ').append(newIp).append(' ').append(oldPort)
                            .append(' ').append(fromTag).append(';').append(medianum);
                    if (!toTag.isEmpty()) {
                        cmd.append(' ').append(toTag).append(';').append(medianum);
                        if (cmd.charAt(0) == 'U' && !r.settings.timeoutSocket().isEmpty()) {
                            cmd.append(' ').append(r.settings.timeoutSocket());
                        }
                    }
                    String a = r.control.send(node, cmd.toString());
                    if (a != null) {
                        answer = a.trim().isEmpty() ? new String[0] : BLANKS.split(a.trim());
                        break;
                    }
                }
                if (answer.length < 1) {
                    Control.LOG.error("no reply from rtp proxy");
                    return -1;
                }
                long port = Nodes.atoi(answer[0]);
                if (port <= 0 || port > 65535) {
                    if (port != 0 || !f.lookup) {
                        Control.LOG.error("incorrect port {} in reply from rtp proxy", port);
                    }
                    return -1;
                }
                if (answer.length == 2) {
                    newFamily = 4;
                } else if (answer.length >= 3) {
                    newFamily = answer[2].startsWith("6") ? 6 : 4;
                }
                if (Sdp.isNull(oldIpText, oldIp.family())) {
                    newIp = newFamily == 6 ? "::" : "0.0.0.0";
                } else if (forcedIp || answer.length < 2) {
                    newIp = ip;
                } else {
                    newIp = answer[1];
                }
                if (!oldPort.equals("0")) {
                    replace(edits, stream.portStart(), stream.portEnd(), oldPort, Long.toString(port));
                }
                if (stream.rtcpStart() >= 0) {
                    replace(edits, stream.rtcpStart(), stream.rtcpEnd(), t.text.substring(stream.rtcpStart(), stream.rtcpEnd()),
                            Long.toString(port + 1));
                }
                if (stream.c() != null || !sessionCAltered) {
                    alterIp(edits, t.text, oldIp, newIp, newFamily);
                    if (stream.c() == null) {
                        sessionCAltered = true;
                    }
                }
                if (f.commonIp && session.c() != null && !sessionCAltered) {
                    alterIp(edits, t.text, session.c(), newIp, newFamily);
                    sessionCAltered = true;
                }
                if (!originDone) {
                    alterIp(edits, t.text, session.origin(), newIp, newFamily);
                    originDone = true;
                }
            }
        }
        if (!proxied && !nortpproxy.isEmpty()) {
            edits.add(new Lumps.Edit(body.end(), body.end(), ("\r\n" + nortpproxy).getBytes(StandardCharsets.ISO_8859_1)));
        }
        return edits.isEmpty() ? 1 : t.add("rtpproxy", edits) > 0 ? 1 : -1;
    }

    private static void replace(List<Lumps.Edit> edits, int start, int end, String old, String now) {
        if (!old.equals(now)) {
            edits.add(new Lumps.Edit(start, end, now.getBytes(StandardCharsets.ISO_8859_1)));
        }
    }

    /**
     * alter_mediaip: the address becomes {@code ip}; a null address of the same family stays; when the
     * family changes, "IP4"/"IP6"'s digit changes with it.
     */
    private static void alterIp(List<Lumps.Edit> edits, String text, Sdp.Ip old, String ip, int family) {
        String oldText = text.substring(old.start(), old.end());
        if (old.family() == family && Sdp.isNull(oldText, old.family())) {
            return;
        }
        if (oldText.equals(ip)) {
            return;
        }
        if (old.family() == family) {
            edits.add(new Lumps.Edit(old.start(), old.end(), ip.getBytes(StandardCharsets.ISO_8859_1)));
        } else {
            edits.add(new Lumps.Edit(old.familyAt(), old.end(), (family + " " + ip).getBytes(StandardCharsets.ISO_8859_1)));
        }
    }
}
