package io.sipway.proxy.ops;

import io.sipway.proxy.Proxy;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.RpcExport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kamailio's JSON-RPC (jsonrpcs) server: the RPC commands the module tables export
 * ({@code core.version}, {@code core.uptime}, {@code core.tcp_list}, {@code stats.get_statistics},
 * {@code tm.stats}, {@code ul.dump}; result shapes as Kamailio 5.6.3's, whose answers are in
 * src/test/resources/rpc/kamailio-5.6.3) and {@code system.listMethods}. {@link #call} takes one JSON-RPC 2.0 request's text and gives the
 * response's.
 */
public final class Rpc {
    /** Kamailio's error codes: 500 for an unknown method, 400 for bad parameters; JSON-RPC's -32700/-32600 for bad requests. */
    static final int METHOD_NOT_FOUND = 500;
    static final int BAD_PARAMS = 400;
    private final Map<String, RpcExport.Handler> methods = new LinkedHashMap<>();

    /** The RPC commands of every module table the proxy runs, and system.listMethods. */
    public Rpc(Proxy proxy) {
        for (ModuleExports t : proxy.tables()) {
            t.rpcs().forEach((name, rpc) -> methods.put(name, rpc.handler()));
        }
        methods.put("system.listMethods", p -> new ArrayList<>(methods.keySet()));
    }

    /** One JSON-RPC 2.0 request (its text) to the response's text. */
    public String call(String request) {
        Object id = null;
        try {
            Object parsed;
            try {
                parsed = JsonText.parse(request);
            } catch (IllegalArgumentException e) {
                return error(null, -32700, "Parse error: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> req) || !(req.get("method") instanceof String method)) {
                return error(null, -32600, "Invalid Request: an object with a method is expected");
            }
            id = req.get("id");
            Object params = req.get("params");
            List<Object> args = params == null ? List.of() : params instanceof List<?> l ? new ArrayList<>(l) : List.of(params);
            RpcExport.Handler m = methods.get(method);
            if (m == null) {
                return error(id, METHOD_NOT_FOUND, "Method Not Found");
            }
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("jsonrpc", "2.0");
            response.put("result", m.call(args));
            response.put("id", id);
            return JsonText.write(response);
        } catch (RpcExport.RpcException e) {
            return error(id, e.code(), e.getMessage());
        } catch (RuntimeException e) { // an RPC must answer, whatever went wrong inside
            return error(id, 500, "Internal Error: " + e);
        }
    }

    private static String error(Object id, int code, String message) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code);
        err.put("message", message);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("jsonrpc", "2.0");
        response.put("error", err);
        response.put("id", id);
        return JsonText.write(response);
    }
}
