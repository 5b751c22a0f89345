package io.sipway.proxy.module.tmx;

import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Pv;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;

/** tmx (https://kamailio.org/docs/modules/5.6.x/modules/tmx.html): tm extras. */
public final class TmxModule {
    private TmxModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("tmx", "https://kamailio.org/docs/modules/5.6.x/modules/tmx.html");
        b.fn("t_precheck_trans", 0, 0, R, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            return m.msg.isRequest() && core.tm().find(m.msg) != null ? 1 : -1;
        }).summary("a transaction for this request exists already (a retransmission being processed)");
        // 0 outside branch_route, as Kamailio
        b.pv("T_branch_idx", PvExport.Inner.NONE, false, n -> (Pv) ctx -> (long) ((MsgContext) ctx).branchIndex);
        b.pv("T_reply_code", PvExport.Inner.NONE, false, n -> (Pv) ctx -> {
            MsgContext m = (MsgContext) ctx;
            return m.st != null ? (Object) (long) m.st.bestCode() : null;
        });
        b.paramWithoutEffect("precheck_trans", ParamExport.Type.INT, "1",
                "Sipway always matches a retransmission to the transaction being created");
        return b.build();
    }
}
