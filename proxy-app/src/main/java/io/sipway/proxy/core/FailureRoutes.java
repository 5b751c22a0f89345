package io.sipway.proxy.core;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.sip.SipMessage;
import io.sipway.tm.ServerTransaction;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.ReceiveInfo;

/**
 * tm's hooks into the script: failure_route[NAME] on a negative leg (serial forking with t_relay),
 * onreply_route[NAME] for the replies of a transaction that armed it ({@code drop} discards the reply).
 */
public final class FailureRoutes implements TransactionLayer.Hooks {
    private final Core core;
    private final CompiledScript script;

    public FailureRoutes(Core core, CompiledScript script) {
        this.core = core;
        this.script = script;
    }

    @Override
    public boolean onFailure(ServerTransaction st, String route, int code) {
        CompiledScript.Entry entry = script.entry(Ast.RouteType.FAILURE, route);
        if (entry == null) {
            return false;
        }
        MsgContext ctx = new MsgContext(st.request(), st.from());
        if (st.scriptState instanceof MsgContext original) {
            ctx.inheritChanges(original); // Record-Route, Max-Forwards, $ru, headers: what request_route did
        }
        ctx.st = st;
        ctx.replyTo = st.replyTo();
        entry.run(ctx);
        return true;
    }

    @Override
    public boolean onReply(ServerTransaction st, SipMessage reply, ReceiveInfo from) {
        CompiledScript.Entry entry = script.entry(Ast.RouteType.ONREPLY, st.onReplyRoute);
        if (entry == null) {
            return true;
        }
        MsgContext ctx = new MsgContext(reply, from);
        ctx.reply = reply;
        ctx.st = st;
        entry.run(ctx);
        return !ctx.dropped();
    }
}
