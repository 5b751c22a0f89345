package io.sipway.proxy.module.maxfwd;

import static io.sipway.proxy.module.Routes.R;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/** maxfwd (https://kamailio.org/docs/modules/5.6.x/modules/maxfwd.html): the Max-Forwards header. */
public final class MaxfwdModule {
    private MaxfwdModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("maxfwd", "https://kamailio.org/docs/modules/5.6.x/modules/maxfwd.html");
        b.fn("mf_process_maxfwd_header", 1, 1, R, args -> {
            int limit = (int) Format.num(args.get(0).constantString());
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                if (!m.msg.hasHeader("Max-Forwards")) {
                    m.maxForwards = limit;
                    return 2;
                }
                int v = m.msg.maxForwards();
                if (v <= 0) {
                    return -1;
                }
                m.maxForwards = Math.min(v, limit > 0 ? Integer.MAX_VALUE : v) - 1;
                return 1;
            };
        }).x().check(a -> Fixups.range(a.get(0), "the Max-Forwards value", 0, 255))
                .summary("adds Max-Forwards when missing, else decrements it; -1 when it reached 0");
        b.paramWithoutEffect("max_limit", ParamExport.Type.INT, "70",
                "Sipway does not cap a received Max-Forwards yet (it only decrements it)");
        return b.build();
    }
}
