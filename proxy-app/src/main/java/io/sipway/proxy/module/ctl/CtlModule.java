package io.sipway.proxy.module.ctl;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * ctl (https://kamailio.org/docs/modules/5.6.x/modules/ctl.html): kamcmd's BINRPC control socket.
 * Sipway's control is JSON-RPC over HTTP ({@code sipway rpc}, like kamcmd).
 */
public final class CtlModule {
    private CtlModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("ctl", "https://kamailio.org/docs/modules/5.6.x/modules/ctl.html");
        b.paramWithoutEffect("binrpc", ParamExport.Type.STRING, "unixs:/run/kamailio/kamailio_ctl",
                "no BINRPC socket: `sipway rpc` talks JSON-RPC to --rpc-listen");
        return b.build();
    }
}
