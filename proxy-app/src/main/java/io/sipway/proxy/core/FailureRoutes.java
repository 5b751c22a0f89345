package io.sipway.proxy.core;

import io.sipway.cfg.CompiledScript;
import io.sipway.sip.SipMessage;
import io.sipway.tm.ServerTransaction;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.ReceiveInfo;

/**
 * tm's hooks into the script: failure_route[NAME] on a negative leg (serial forking with t_relay),
 * onreply_route[NAME] for the replies of a transaction that armed it ({@code drop} discards the reply).
 * The routes come as the {@link RouteRef}s the arming functions bound at load time.
 */
public final class FailureRoutes implements TransactionLayer.Hooks {
    @Override
    public boolean onFailure(ServerTransaction st, Object route, int code) {
        CompiledScript.Entry entry = ((RouteRef) route).entry();
        if (entry == null) {
            return false;
        }
        MsgContext ctx = new MsgContext(st.request(), st.from());
        if (st.scriptState instanceof MsgContext original) {
            ctx.inheritChanges(original); // Record-Route, Max-Forwards, $ru, headers: what request_route did
        }
        ctx.st = st;
        ctx.replyTo = st.replyTo();
        ctx.branchTimedOut = st.pickedTimedOut();
        ctx.branchReplied = st.pickedReplied();
        entry.run(ctx);
        return true;
    }

    @Override
    public SipMessage onReply(ServerTransaction st, SipMessage reply, ReceiveInfo from) {
        CompiledScript.Entry entry = ((RouteRef) st.onReplyRoute).entry();
        if (entry == null) {
            return reply;
        }
        MsgContext ctx = new MsgContext(reply, from);
        ctx.reply = reply;
        ctx.st = st;
        entry.run(ctx);
        if (ctx.dropped()) {
            return null;
        }
        // a rewrite of the reply's text (nathelper's Contact alias) goes up with it
        return ctx.textEdits == null || ctx.textEdits.isEmpty() ? reply : ctx.textEdits.rewritten();
    }
}
