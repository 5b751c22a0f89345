package io.sipway.proxy.module.websocket;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Pv;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;
import io.sipway.transport.Protocol;
import io.sipway.transport.WebSocketUpgrade;

/**
 * websocket (https://kamailio.org/docs/modules/5.6.x/modules/websocket.html): SIP over WebSocket
 * (RFC 7118). The upgrade itself and the keepalive run in the transport; the script answers the
 * handshake in {@code event_route[xhttp:request]}.
 */
public final class WebsocketModule {
    private WebsocketModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("websocket", "https://kamailio.org/docs/modules/5.6.x/modules/websocket.html");
        b.fn("ws_handle_handshake", 0, 0, ANY, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            if (m.httpUri == null) {
                return -1; // not an HTTP request
            }
            m.httpAnswer = WebSocketUpgrade.Answer.UPGRADE;
            return 1;
        }).summary("in event_route[xhttp:request]: upgrades the connection to WebSocket");
        b.pv("ws_conid", PvExport.Inner.NONE, false, n -> (Pv) ctx -> {
            MsgContext m = (MsgContext) ctx;
            return m.from.protocol() == Protocol.WS || m.from.protocol() == Protocol.WSS ? (Object) (long) m.from.connectionId() : null;
        });
        String keepalive = "the transport's WebSocketKeepalive (ScriptTransportSettings.webSocketKeepalive)";
        b.param("keepalive_mechanism", ParamExport.Type.INT, "1", keepalive + ": 0 none, 1 ping, 2 pong, 3 connection check");
        b.param("keepalive_timeout", ParamExport.Type.INT, "180", keepalive + ": seconds idle before a ping");
        b.param("keepalive_interval", ParamExport.Type.INT, "1", keepalive + ": seconds between walks over the connections");
        b.param("ping_application_data", ParamExport.Type.STRING, "Kamailio <version>", keepalive + ": the ping's payload");
        b.paramWithoutEffect("keepalive_processes", ParamExport.Type.INT, "1", "the keepalive runs on one event loop timer");
        b.eventRoute("websocket:closed");
        return b.build();
    }
}
