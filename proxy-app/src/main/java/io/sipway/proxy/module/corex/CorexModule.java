package io.sipway.proxy.module.corex;

import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;

/** corex (https://kamailio.org/docs/modules/5.6.x/modules/corex.html): core extensions. */
public final class CorexModule {
    private CorexModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("corex", "https://kamailio.org/docs/modules/5.6.x/modules/corex.html");
        b.fn("append_branch", 0, 2, R | F, args -> {
            Format uri = args.isEmpty() ? null : Format.of(args.get(0));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                m.branches.add(new String[] {uri == null ? m.requestUri() : uri.apply(ctx), null});
                return 1;
            };
        }).x().summary("adds a branch for the next t_relay (the R-URI's, or the URI given)");
        return b.build();
    }
}
