package io.sipway.proxy.module.usrloc;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * usrloc (https://kamailio.org/docs/modules/5.6.x/modules/usrloc.html): the location tables
 * registrar writes and reads ({@code io.sipway.proxy.location}); no script functions.
 */
public final class UsrlocModule {
    private UsrlocModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("usrloc", "https://kamailio.org/docs/modules/5.6.x/modules/usrloc.html");
        b.param("use_domain", ParamExport.Type.INT, "0", "registrar: 1 keys the location table by user@domain, 0 by user");
        b.paramWithoutEffect("timer_interval", ParamExport.Type.INT, "60",
                "expired bindings leave the in-memory table by themselves (per-entry expiry), no timer walks it");
        b.paramWithoutEffect("timer_procs", ParamExport.Type.INT, "0", "no timer processes: see timer_interval");
        b.paramWithoutEffect("nat_bflag", ParamExport.Type.INT, "-1", "Sipway keeps no NAT flag per binding (nathelper pings are not implemented)");
        b.paramOnly("db_mode", ParamExport.Type.INT, "0", "registrations are kept in memory (the database modes come with the database layer)", "0");
        b.rpc("ul.dump", "the registrations of every location table", params -> UlDump.dump(core));
        return b.build();
    }
}
