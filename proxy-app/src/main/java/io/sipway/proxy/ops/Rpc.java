package io.sipway.proxy.ops;

import io.sipway.proxy.Proxy;
import io.sipway.proxy.module.jsonrpcs.JsonRpcServer;
import io.sipway.proxy.module.jsonrpcs.JsonText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations endpoint's JSON-RPC: the proxy's RPC commands through jsonrpcs' dispatcher
 * ({@link JsonRpcServer}, the one jsonrpc_dispatch() uses: {@code core.version}, {@code core.uptime},
 * {@code core.tcp_list}, {@code stats.get_statistics}, {@code tm.stats}, {@code ul.dump}, the cfg.*
 * commands, {@code system.listMethods}; result shapes as Kamailio 5.6.3's, whose answers are in
 * src/test/resources/rpc/kamailio-5.6.3). A body that is no JSON-RPC request gets JSON-RPC's own
 * -32700/-32600 here (Kamailio answers nothing, or an empty result). {@link #call} takes one
 * request's text and gives the response's, compact.
 */
public final class Rpc {
    private final JsonRpcServer server;

    /** The RPC commands of every module table the proxy runs, and system.listMethods. */
    public Rpc(Proxy proxy) {
        server = new JsonRpcServer(proxy::tables);
    }

    /** One JSON-RPC 2.0 request (its text) to the response's text. */
    public String call(String request) {
        Object parsed;
        try {
            parsed = JsonText.parse(request);
        } catch (IllegalArgumentException e) {
            return error(-32700, "Parse error: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> req) || !(req.get("method") instanceof String method)) {
            return error(-32600, "Invalid Request: an object with a method is expected");
        }
        Object params = req.get("params");
        List<Object> args = params == null ? List.of() : params instanceof List<?> l ? new ArrayList<>(l) : List.of(params);
        return server.call(method, args, req.get("id"), req.containsKey("id")).text(false);
    }

    private static String error(int code, String message) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code);
        err.put("message", message);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("jsonrpc", "2.0");
        response.put("error", err);
        response.put("id", null);
        return JsonText.write(response);
    }
}
