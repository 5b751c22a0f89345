package io.sipway.proxy.module.rtpproxy;

import io.sipway.cfg.Ast;
import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.CSeq;

/**
 * The other commands: D (rtpproxy_destroy), R (start_recording), Q ($rtpstat), P and S (the stream2
 * functions), and rtpproxy_manage, which picks offer, answer or destroy from the message.
 */
final class Commands {
    private Commands() {
    }

    /** unforce_rtp_proxy: D callid[;branch] fromtag [totag]; 1 once sent (whatever the answer), -1 on an error. */
    static long destroy(RtpproxyModule.Running r, MsgContext m, String flags) {
        if (Control.onEventLoop("rtpproxy_destroy")) {
            return -1;
        }
        int via = 0;
        boolean to = true;
        boolean extra = false;
        for (int i = 0; flags != null && i < flags.length(); i++) {
            char c = flags.charAt(i);
            switch (c) {
                case '1' -> via = 1;
                case '2' -> via = 2;
                case '3' -> via = m.msg.isRequest() ? 1 : 2;
                case 't', 'T' -> to = false;
                case 'b' -> extra = true;
                case 'a', 'A', 'i', 'I', 'e', 'E', 'l', 'L', 'f', 'F', 'r', 'R', 'c', 'C', 'o', 'O', 'x', 'X', 'w', 'W', 'z', 'Z' -> {
                    // rtpproxy_manage passes its offer flags: they mean nothing here
                }
                default -> {
                    Control.LOG.error("unknown option `{}'", c);
                    return -1;
                }
            }
        }
        String callId = Messages.callId(m);
        if (callId == null) {
            return -1;
        }
        String toTag = "";
        if (to) {
            toTag = Messages.toTag(m);
            if (toTag == null) {
                return -1;
            }
        }
        String fromTag = Messages.fromTag(m);
        if (fromTag == null) {
            return -1;
        }
        String suffix = Messages.callIdSuffix(r, m, via, extra);
        if (suffix == null) {
            return -1;
        }
        Nodes.Node node = r.nodes.select(r.selectedSet(m), callId, true);
        if (node == null) {
            Control.LOG.error("no available proxies");
            return -1;
        }
        r.instanceChosen(m, node);
        r.control.send(node, "D " + callId + suffix + " " + fromTag + (toTag.isEmpty() ? "" : " " + toTag));
        return 1;
    }

    /**
     * rtpproxy_manage: CANCEL and BYE destroy; an INVITE with SDP is an offer (destroy in a failure
     * route); ACK with SDP an answer; UPDATE and PRACK with SDP offers, their replies answers; a reply
     * of 300 or more destroys; a 1xx/2xx reply to an INVITE with SDP is the answer, to one without SDP
     * the (late) offer. Other methods and messages without SDP: -1.
     */
    static long manage(RtpproxyModule.Running r, MsgContext m, String flags, String ip) {
        CSeq cseq;
        try {
            cseq = m.msg.cseq();
        } catch (RuntimeException e) {
            cseq = null;
        }
        if (cseq == null) {
            Control.LOG.error("no CSEQ header");
            return -1;
        }
        String method = cseq.methodName();
        if (!java.util.List.of("INVITE", "ACK", "CANCEL", "BYE", "UPDATE", "PRACK").contains(method)) {
            return -1;
        }
        if (method.equals("CANCEL") || method.equals("BYE")) {
            return destroy(r, m, flags);
        }
        String newIp = ip == null ? r.localAddress(m) : ip;
        boolean forced = ip != null;
        boolean sdp = Messages.hasSdp(m.msg);
        if (m.msg.isRequest()) {
            if (!sdp) {
                return -1;
            }
            return switch (method) {
                case "ACK" -> Offers.force(r, m, flags, newIp, false, forced);
                case "PRACK", "UPDATE" -> Offers.force(r, m, flags, newIp, true, forced);
                default -> m.entryType() == Ast.RouteType.FAILURE ? destroy(r, m, flags) : Offers.force(r, m, flags, newIp, true, forced);
            };
        }
        if (m.msg.statusCode() >= 300) {
            return destroy(r, m, flags);
        }
        if (!sdp) {
            return -1;
        }
        if (method.equals("PRACK") || method.equals("UPDATE") || m.st == null) {
            return Offers.force(r, m, flags, newIp, false, forced);
        }
        // Kamailio marks the INVITE it saw with SDP; its reply then answers, else it offers (late offer)
        boolean inviteHadSdp = Messages.hasSdp(m.st.request());
        return Offers.force(r, m, flags, newIp, !inviteHadSdp, forced);
    }

    /**
     * The pieces of R, Q, P and S (Kamailio's iovecs): {@code head callid [middle] tag1 sep1 tag2 sep2},
     * the tags in message order in a request and reversed in a reply; cut before the To tag when
     * there is none (a reply then fails). Returns the answer, "" for a command whose answer is not
     * read, or null on an error.
     */
    static String tagged(RtpproxyModule.Running r, MsgContext m, String head, String middle, String sep1, String sep2,
                         boolean reversed, boolean needsPayloadList, String function) {
        if (Control.onEventLoop(function)) {
            return null;
        }
        String callId = Messages.callId(m);
        String toTag = callId == null ? null : Messages.toTag(m);
        String fromTag = toTag == null ? null : Messages.fromTag(m);
        if (fromTag == null) {
            return null;
        }
        Nodes.Node node = r.nodes.select(r.selectedSet(m), callId, true);
        if (node == null) {
            Control.LOG.error("no available proxies");
            return null;
        }
        if (needsPayloadList && !node.payloadList) {
            Control.LOG.error("{}: required functionality is not supported by the version of the RTPproxy running on the"
                    + " selected node.  Please upgrade the RTPproxy and try again.", function);
            return null;
        }
        r.instanceChosen(m, node);
        StringBuilder cmd = new StringBuilder(head).append(' ').append(callId).append(middle).append(' ');
        if (reversed) {
            if (toTag.isEmpty()) {
                return null;
            }
            cmd.append(toTag).append(sep1).append(fromTag).append(sep2);
        } else {
            cmd.append(fromTag);
            if (!toTag.isEmpty()) {
                cmd.append(sep1).append(toTag).append(sep2);
            } else if (sep1.endsWith(" ") && !head.equals("Q") && !head.equals("R")) {
                cmd.append(sep1); // P and S send the separator before the missing To tag, as their iovecs are cut
            }
        }
        String answer = r.control.send(node, cmd.toString());
        return answer == null ? "" : answer;
    }
}
