package io.sipway.proxy.module.dialog;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The dialog's event routes (dlg_run_event_route): {@code event_route[dialog:start]} when a dialog
 * is confirmed (2xx), {@code dialog:end} when a confirmed one is deleted (BYE, timeout),
 * {@code dialog:failed} when one not confirmed is (a negative reply). They run on the message that
 * made the change, or Kamailio's faked message for a timeout, with the dialog as the context's.
 */
final class DialogEvents {
    private final Core core;
    private volatile CompiledScript.Entry start;
    private volatile CompiledScript.Entry end;
    private volatile CompiledScript.Entry failed;

    DialogEvents(Core core) {
        this.core = core;
    }

    void attach(CompiledScript script) {
        start = script.entry(Ast.RouteType.EVENT, "dialog:start");
        end = script.entry(Ast.RouteType.EVENT, "dialog:end");
        failed = script.entry(Ast.RouteType.EVENT, "dialog:failed");
    }

    void stateChanged(Dialog d, SipMessage msg, ReceiveInfo from, int old, int now) {
        if (old == now) {
            return;
        }
        CompiledScript.Entry route = null;
        String name = null;
        if (now == Dialog.CONFIRMED_NA) {
            route = start;
            name = "dialog:start";
        } else if (now == Dialog.DELETED && (old == Dialog.CONFIRMED || old == Dialog.CONFIRMED_NA)) {
            route = end;
            name = "dialog:end";
        } else if (now == Dialog.DELETED && (old == Dialog.UNCONFIRMED || old == Dialog.EARLY)) {
            route = failed;
            name = "dialog:failed";
        }
        if (route == null) {
            return;
        }
        MsgContext ctx = new MsgContext(msg != null ? msg : faked(), from != null ? from : anyListener());
        if (msg != null && msg.isResponse()) {
            ctx.reply = msg;
        }
        DlgCtx.of(ctx).dlg = d;
        core.runEventRoute(route, ctx, "event_route[" + name + "]", null);
    }

    /** Kamailio's faked message (core/fmsg.c). */
    static SipMessage faked() {
        return SipParser.parse(("OPTIONS sip:you@kamailio.org SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1\r\n"
                + "From: <sip:you@kamailio.org>;tag=notag\r\nTo: <sip:you@kamailio.org>;tag=notag\r\nCall-ID: 0\r\n"
                + "Max-Forwards: 0\r\nCSeq: 0 OPTIONS\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private ReceiveInfo anyListener() {
        List<SendSocket> sockets = core.transport() == null ? List.of() : core.transport().sockets();
        return new ReceiveInfo(Protocol.UDP, new InetSocketAddress("127.0.0.1", 5060), sockets.isEmpty() ? null : sockets.get(0), 0);
    }
}
