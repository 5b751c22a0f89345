package io.sipway.proxy.module.sl;

import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.O;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;

/** sl (https://kamailio.org/docs/modules/5.6.x/modules/sl.html): stateless replies. */
public final class SlModule {
    private SlModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("sl", "https://kamailio.org/docs/modules/5.6.x/modules/sl.html");
        b.fn("sl_send_reply", 2, 2, R, args -> {
            Format code = Format.of(args.get(0));
            Format reason = Format.of(args.get(1));
            return ctx -> {
                core.statelessReply((MsgContext) ctx, (int) Format.num(code.apply(ctx)), reason.apply(ctx));
                return 1;
            };
        }).check(a -> Fixups.replyCode(a.get(0))).summary("sends a stateless reply");
        b.fn("send_reply", 2, 2, R | O | F, args -> {
            Format code = Format.of(args.get(0));
            Format reason = Format.of(args.get(1));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                int n = (int) Format.num(code.apply(ctx));
                if (m.st != null) {
                    core.tm().reply(m.st, n, reason.apply(ctx));
                } else {
                    core.statelessReply(m, n, reason.apply(ctx));
                }
                return 1;
            };
        }).check(a -> Fixups.replyCode(a.get(0))).summary("replies statefully when a transaction exists, else statelessly");
        b.fn("sl_reply_error", 0, 0, R, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            if (m.delayedError != 0) {
                return 1; // tm answers when the script ends (delayed reply)
            }
            // Kamailio's err2reason_phrase for the error a failed function leaves (E_UNSPEC unless said otherwise)
            core.statelessReply(m, 500, "I'm terribly sorry, server error occurred (1/SL)");
            return 1;
        }).summary("replies with the error the last failed function left (500)");
        return b.build();
    }
}
