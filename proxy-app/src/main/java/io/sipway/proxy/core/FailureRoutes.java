package io.sipway.proxy.core;

import io.sipway.cfg.CompiledScript;
import io.sipway.proxy.log.LogPrefix;
import io.sipway.sip.SipMessage;
import io.sipway.tm.ServerTransaction;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.ReceiveInfo;

/**
 * tm's hooks into the script: failure_route[NAME] on a negative leg (serial forking with t_relay),
 * onreply_route[NAME] for the replies of a transaction that armed it ({@code drop} discards the reply),
 * and the module that follows transactions ({@link TransactionObserver}: acc) told of the replies
 * going upstream and of the failed legs. The routes come as the {@link RouteRef}s the arming
 * functions bound at load time. Both routes see the transaction's flags and leave theirs to it,
 * as Kamailio's do.
 */
public final class FailureRoutes implements TransactionLayer.Hooks {
    private final Core core;

    /** Hooks without a core: no module follows the transactions. */
    public FailureRoutes() {
        this(null);
    }

    public FailureRoutes(Core core) {
        this.core = core;
    }

    @Override
    public boolean onFailure(ServerTransaction st, Object route, int code) {
        CompiledScript.Entry entry = ((RouteRef) route).entry();
        if (entry == null) {
            return false;
        }
        MsgContext ctx = new MsgContext(st.request(), st.from());
        MsgContext original = st.scriptState instanceof MsgContext m ? m : null;
        if (original != null) {
            ctx.inheritChanges(original); // Record-Route, Max-Forwards, $ru, headers: what request_route did
            // and $du: Kamailio's failure route works on the transaction's copy of the request, its
            // dst_uri included (a t_relay() there that sets no new $du goes where the request went)
            ctx.du = original.du;
        }
        ctx.st = st;
        ctx.replyTo = st.replyTo();
        ctx.branchTimedOut = st.pickedTimedOut();
        ctx.branchReplied = st.pickedReplied();
        if (core != null && entry.mayWait()) {
            // the route may wait: it runs on a worker, and tm sends the leg's best reply when it has
            // ended, unless it forked or replied; with the workers' queue full the route does not run
            // and the best reply goes up now, as when no failure route is armed
            if (!core.workers.run(st.request(), st.from(), () -> {
                try {
                    runFailure(entry, ctx, original);
                } finally {
                    core.tm.failureRouteEnded(st);
                }
            })) {
                core.workers.queueFull("failure_route not run, the best reply goes up");
                return false;
            }
            st.failureRouteElsewhere();
            return true;
        }
        runFailure(entry, ctx, original);
        return true;
    }

    private static void runFailure(CompiledScript.Entry entry, MsgContext ctx, MsgContext original) {
        entry.run(ctx);
        if (original != null) {
            original.flags = ctx.flags; // setflag/resetflag in failure_route are the transaction's
            original.keepValuesOf(ctx); // and so are its $avp/$xavp values, for the next failure_route
        }
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
        MsgContext original = st.scriptState instanceof MsgContext m ? m : null;
        if (original != null) {
            ctx.flags = original.flags; // the transaction's flags, and back
        }
        if (core == null) {
            entry.run(ctx);
        } else if (entry.mayWait()) {
            // the route may wait: it runs on a worker, and the reply goes on from there (tm matches it
            // again and handles it on the transaction's loop); here it is held back. With the
            // workers' queue full it is dropped, as a lost UDP reply: a final one is retransmitted
            if (!core.workers.run(reply, from, () -> {
                entry.run(ctx);
                SipMessage out = routed(ctx, original, reply);
                if (out != null) {
                    core.tm.onReplyRouted(out, from);
                }
            })) {
                core.workers.queueFull("onreply_route not run, a reply dropped");
            }
            return null;
        } else {
            LogPrefix.around(core.logPrefix(), reply, from, () -> entry.run(ctx));
        }
        return routed(ctx, original, reply);
    }

    /** After onreply_route: the flags back to the transaction, and the reply to go on with (null: dropped). */
    private static SipMessage routed(MsgContext ctx, MsgContext original, SipMessage reply) {
        if (original != null) {
            original.flags = ctx.flags;
        }
        if (ctx.dropped()) {
            return null;
        }
        // a rewrite of the reply's text (nathelper's Contact alias) goes up with it
        return ctx.textEdits == null || ctx.textEdits.isEmpty() ? reply : ctx.textEdits.rewritten();
    }

    @Override
    public void onResponseOut(ServerTransaction st, int code, SipMessage reply, String branchUri) {
        TransactionObserver o = core == null ? null : core.hooks().transactionObserver();
        if (o != null) {
            withPrefixOf(st, reply, () -> o.replied(st, code, reply, branchUri));
        }
    }

    @Override
    public void onNegativeLeg(ServerTransaction st, int code, SipMessage reply, String branchUri) {
        TransactionObserver o = core == null ? null : core.hooks().transactionObserver();
        if (o != null) {
            withPrefixOf(st, reply, () -> o.legFailed(st, code, reply, branchUri));
        }
    }

    @Override
    public SipMessage onResponseIn(ServerTransaction st, SipMessage reply) {
        TransactionObserver o = core == null ? null : core.hooks().transactionObserver();
        return o == null ? reply : o.responseIn(st, reply);
    }

    /**
     * A reply read on another event loop than its transaction's comes here without the log_prefix
     * of its processing: the observer's lines get the reply's (its source taken as the request's).
     */
    private void withPrefixOf(ServerTransaction st, SipMessage reply, Runnable r) {
        if (reply == null) {
            r.run();
        } else {
            LogPrefix.around(core.logPrefix(), reply, st.from(), r);
        }
    }
}
