package io.sipway.proxy.module.jsonrpcs;

import static io.sipway.proxy.module.Routes.R;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.transport.WebSocketUpgrade;
import java.nio.charset.StandardCharsets;

/**
 * jsonrpcs (https://kamailio.org/docs/modules/5.6.x/modules/jsonrpcs.html): Kamailio's JSON-RPC
 * server. {@code jsonrpc_dispatch()} in {@code event_route[xhttp:request]} answers the HTTP request's
 * JSON-RPC body with the RPC commands of every module table ({@link JsonRpcServer}), as Kamailio
 * 5.6.3 does over HTTP: {@code application/json}, the status of the outcome ({@code 200 OK},
 * {@code 500 Method Not Found}), {@code pretty_format} honoured. Sipway also serves the same
 * commands on {@code --rpc-listen}; its FIFO and datagram transports have no counterpart.
 */
public final class JsonrpcsModule {
    private JsonrpcsModule() {
    }

    public static ModuleExports exports(Core core, JsonRpcServer rpc) {
        ModuleExports.Builder b = ModuleExports.module("jsonrpcs", "https://kamailio.org/docs/modules/5.6.x/modules/jsonrpcs.html");
        String http = "jsonrpc_dispatch() answers over xhttp and --rpc-listen serves JSON-RPC over HTTP, whatever its value";
        b.paramWithoutEffect("transport", ParamExport.Type.INT, "6", http);
        b.paramWithoutEffect("fifo_name", ParamExport.Type.STRING, "kamailio_rpc.fifo", "Sipway has no FIFO transport (" + http + ")");
        b.paramWithoutEffect("dgram_socket", ParamExport.Type.STRING, "kamailio_rpc.sock",
                "Sipway has no datagram transport (" + http + ")");
        b.param("pretty_format", ParamExport.Type.INT, "0", "1: jsonrpc_dispatch() answers indented as Kamailio's srjson prints it");
        b.fn("jsonrpc_dispatch", 0, 0, R, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            if (m.httpUri == null) {
                return 1; // no HTTP request: Kamailio's NONSIP_MSG_PASS
            }
            JsonRpcServer.Response r = rpc.dispatch(new String(m.msg.body(), StandardCharsets.UTF_8));
            if (r == null) {
                return -1; // not JSON: Kamailio answers nothing
            }
            boolean pretty = !"0".equals(core.modparam("jsonrpcs", "pretty_format", "0"));
            m.httpAnswer = new WebSocketUpgrade.Answer(r.status(), r.reason(), "application/json", r.text(pretty));
            return 1;
        }).summary("answers the HTTP request's JSON-RPC body with the RPC commands (event_route[xhttp:request])");
        return b.build();
    }
}
