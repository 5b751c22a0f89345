package io.sipway.proxy.core;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.tm.ServerTransaction;
import io.sipway.tm.TransactionLayer;

/** tm's hooks into the script: failure_route[NAME] on a negative leg (serial forking with t_relay). */
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
        ctx.st = st;
        ctx.replyTo = st.replyTo();
        entry.run(ctx);
        return true;
    }
}
