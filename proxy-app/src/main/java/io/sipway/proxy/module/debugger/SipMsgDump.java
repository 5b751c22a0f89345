package io.sipway.proxy.module.debugger;

import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.MessageEditor;
import io.sipway.sip.SipMessage;
import java.nio.charset.StandardCharsets;

/**
 * What dbg_sip_msg() prints, in the debugger's frame: the message with the script's changes applied
 * as Kamailio's build_req_buf_from_sip_req writes it without a Via of ours (the Request-URI, the
 * textops rewrites, Max-Forwards, removed and appended headers), then the header lines the script
 * added ("SIP header diffs"); body changes are not listed. A reply is printed as it is.
 */
final class SipMsgDump {
    private SipMsgDump() {
    }

    static String dump(MsgContext ctx) {
        StringBuilder b = new StringBuilder(1024);
        b.append("------------------------- START OF SIP message debug --------------------------\n");
        b.append(new String(outgoing(ctx), StandardCharsets.UTF_8));
        b.append("------------------------------ SIP header diffs -------------------------------\n");
        if (ctx.msg.isRequest()) {
            for (String[] h : ctx.appended) {
                b.append(h[0]).append(": ").append(h[1]).append("\r\n"); // the lump's text, as Kamailio prints it
            }
        }
        b.append("------------------------------- SIP body diffs --------------------------------\n");
        b.append("-------------------------- END OF SIP message debug ---------------------------\n");
        return b.toString();
    }

    private static byte[] outgoing(MsgContext ctx) {
        SipMessage m = ctx.msg;
        if (!m.isRequest()) {
            return m.toBytes();
        }
        if (ctx.textEdits != null && !ctx.textEdits.isEmpty()) {
            m = ctx.textEdits.rewritten();
        }
        MessageEditor e = m.edit();
        String ruri = ctx.requestUri();
        if (ruri != null && !ruri.equals(m.requestUriString())) {
            e.setRequestUri(ruri);
        }
        if (ctx.maxForwards >= 0) {
            String old = m.header("Max-Forwards");
            String v = Integer.toString(ctx.maxForwards);
            if (old == null) {
                e.addFirst("Max-Forwards", v);
            } else {
                e.set("Max-Forwards", old.length() > v.length() ? " ".repeat(old.length() - v.length()) + v : v);
            }
        }
        for (String name : ctx.removed) {
            e.remove(name);
        }
        for (String[] h : ctx.appended) {
            e.append(h[0], h[1]);
        }
        return e.toBytes();
    }
}
