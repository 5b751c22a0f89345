package io.sipway.proxy.module.cfg_rpc;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;

/**
 * cfg_rpc (https://kamailio.org/docs/modules/5.6.x/modules/cfg_rpc.html): RPC commands over the
 * runtime configuration framework; it exports no script function or parameter, and Sipway has none
 * of its cfg.* commands yet (an unknown RPC is answered "Method Not Found").
 */
public final class CfgRpcModule {
    private CfgRpcModule() {
    }

    public static ModuleExports exports(Core core) {
        return ModuleExports.module("cfg_rpc", "https://kamailio.org/docs/modules/5.6.x/modules/cfg_rpc.html").build();
    }
}
