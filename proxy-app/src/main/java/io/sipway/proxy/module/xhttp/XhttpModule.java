package io.sipway.proxy.module.xhttp;

import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Pv;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.PvExport;
import io.sipway.transport.WebSocketUpgrade;

/**
 * xhttp (https://kamailio.org/docs/modules/5.6.x/modules/xhttp.html): HTTP requests on the SIP
 * tcp/tls listeners run {@code event_route[xhttp:request]}.
 */
public final class XhttpModule {
    private XhttpModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("xhttp", "https://kamailio.org/docs/modules/5.6.x/modules/xhttp.html");
        b.fn("xhttp_reply", 4, 4, R, args -> {
            Format code = Format.of(args.get(0));
            Format reason = Format.of(args.get(1));
            Format ctype = Format.of(args.get(2));
            Format body = Format.of(args.get(3));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                if (m.httpUri == null) {
                    return -1;
                }
                m.httpAnswer = new WebSocketUpgrade.Answer((int) Format.num(code.apply(ctx)), reason.apply(ctx), ctype.apply(ctx),
                        body.apply(ctx));
                return 1;
            };
        }).check(a -> Fixups.replyCode(a.get(0))).summary("answers the HTTP request with code, reason, content type and body");
        b.pv("hu", PvExport.Inner.NONE, false, n -> (Pv) ctx -> ((MsgContext) ctx).httpUri);
        b.eventRoute("xhttp:request");
        return b.build();
    }
}
