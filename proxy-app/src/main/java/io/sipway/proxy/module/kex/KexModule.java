package io.sipway.proxy.module.kex;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;

/** kex (https://kamailio.org/docs/modules/5.6.x/modules/kex.html): core extensions. */
public final class KexModule {
    private KexModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("kex", "https://kamailio.org/docs/modules/5.6.x/modules/kex.html");
        b.fn("is_myself", 1, 1, ANY, args -> {
            Format what = Format.of(args.get(0));
            return ctx -> core.isMyselfText(what.apply(ctx)) ? 1 : -1;
        }).x().summary("the URI or host is one of this proxy's addresses or aliases");
        b.fn("isdsturiset", 0, 0, ANY, args -> ctx -> ((MsgContext) ctx).du != null ? 1 : -1).summary("$du is set");
        // branch flags: those of branch 0, the request's own (append_branch branches start without)
        for (String[] f : new String[][] {{"setbflag", "set"}, {"resetbflag", "reset"}, {"isbflagset", "is"}}) {
            b.fn(f[0], 1, 2, ANY, args -> {
                long bit = 1L << Format.num(args.get(0).constantString());
                Arg branch = args.size() > 1 ? args.get(1) : null;
                return ctx -> {
                    MsgContext m = (MsgContext) ctx;
                    if (branch != null && Format.num(Format.str(branch, ctx)) != 0) {
                        return -1; // only branch 0 keeps flags in Sipway
                    }
                    switch (f[1]) {
                        case "set" -> m.bflags |= bit;
                        case "reset" -> m.bflags &= ~bit;
                        default -> {
                            return (m.bflags & bit) != 0 ? 1 : -1;
                        }
                    }
                    return 1;
                };
            }).x().check(a -> {
                Fixups.range(a.get(0), "flag", 0, 31);
                if (a.size() > 1) {
                    Fixups.range(a.get(1), "the branch index", 0, Integer.MAX_VALUE);
                }
            }).summary(f[1] + " a branch flag (branch 0 only)");
        }
        b.rpc("stats.get_statistics", "all, a group (tmx:) or a statistic: \"group:name = value\" lines",
                params -> StatsRpc.statistics(core, params));
        return b.build();
    }
}
