package io.sipway.proxy.module.jsonrpcs;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * jsonrpcs (https://kamailio.org/docs/modules/5.6.x/modules/jsonrpcs.html): Kamailio's JSON-RPC
 * server. Sipway serves JSON-RPC over HTTP on {@code --rpc-listen} (io.sipway.proxy.ops), so its
 * FIFO and datagram transports have no counterpart.
 */
public final class JsonrpcsModule {
    private JsonrpcsModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("jsonrpcs", "https://kamailio.org/docs/modules/5.6.x/modules/jsonrpcs.html");
        String http = "Sipway serves JSON-RPC over HTTP on --rpc-listen (default 127.0.0.1:5089)";
        b.paramWithoutEffect("transport", ParamExport.Type.INT, "6", http);
        b.paramWithoutEffect("fifo_name", ParamExport.Type.STRING, "kamailio_rpc.fifo", http + ", no FIFO");
        b.paramWithoutEffect("dgram_socket", ParamExport.Type.STRING, "kamailio_rpc.sock", http + ", no datagram socket");
        b.paramWithoutEffect("pretty_format", ParamExport.Type.INT, "0", "answers are compact JSON");
        return b.build();
    }
}
