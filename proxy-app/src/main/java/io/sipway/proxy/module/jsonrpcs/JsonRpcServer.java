package io.sipway.proxy.module.jsonrpcs;

import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.RpcExport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kamailio's JSON-RPC dispatcher (jsonrpcs): the RPC commands of the module tables, and
 * {@code system.listMethods}, called by name, with the answer jsonrpcs builds: a response object
 * ({@code jsonrpc}, then {@code result} or {@code error}, then {@code id} when the request had one)
 * and the HTTP status it is sent with (200 OK, or the fault's code and message, such as
 * {@code 500 Method Not Found}). Both jsonrpc_dispatch() (over xhttp) and the operations endpoint
 * ({@code --rpc-listen}) answer through it.
 */
public final class JsonRpcServer {
    /** Kamailio's answer to an unknown method. */
    public static final int METHOD_NOT_FOUND = 500;
    private static final Logger LOG = LoggerFactory.getLogger("rpc");

    private final Supplier<? extends List<ModuleExports>> tables;
    private volatile Map<String, RpcExport.Handler> methods;

    /** Over the tables the supplier gives when first called (the list of tables may still be in the making). */
    public JsonRpcServer(Supplier<? extends List<ModuleExports>> tables) {
        this.tables = tables;
    }

    /** One JSON-RPC answer: the HTTP status and reason it goes with, and the response object. */
    public record Response(int status, String reason, Map<String, Object> json) {
        /** The response's text: compact, or as Kamailio's pretty_format=1 writes it. */
        public String text(boolean pretty) {
            return pretty ? SrjsonFormat.print(json) : JsonText.write(json);
        }
    }

    private Map<String, RpcExport.Handler> methods() {
        Map<String, RpcExport.Handler> m = methods;
        if (m == null) {
            m = new LinkedHashMap<>();
            for (ModuleExports t : tables.get()) {
                for (Map.Entry<String, RpcExport> e : t.rpcs().entrySet()) {
                    m.put(e.getKey(), e.getValue().handler());
                }
            }
            List<Object> names = new ArrayList<>(m.keySet());
            names.add("system.listMethods");
            m.put("system.listMethods", p -> names);
            methods = m;
        }
        return m;
    }

    /**
     * A request body as Kamailio's jsonrpc_dispatch() takes it; null when the body is no JSON
     * (Kamailio then answers nothing). A request without "jsonrpc":"2.0" or a method, or with
     * params that are neither an array nor an object (a batch array included), gets an empty
     * result, as Kamailio answers it.
     */
    public Response dispatch(String body) {
        Object parsed;
        try {
            parsed = JsonText.parse(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
        Map<?, ?> req = parsed instanceof Map<?, ?> m ? m : Map.of();
        boolean hasId = req.containsKey("id");
        Object id = req.get("id");
        Object params = req.get("params");
        if (!"2.0".equals(req.get("jsonrpc")) || !(req.get("method") instanceof String method)
                || params != null && !(params instanceof List) && !(params instanceof Map)) {
            return answer(null, hasId, id);
        }
        return call(method, params instanceof List<?> l ? new ArrayList<>(l) : params == null ? List.of()
                : new ArrayList<>(((Map<?, ?>) params).values()), id, hasId);
    }

    /** One call of a method with its parameters; {@code hasId} false leaves the id out of the answer. */
    public Response call(String method, List<Object> params, Object id, boolean hasId) {
        RpcExport.Handler h = methods().get(method);
        if (h == null) {
            return fault(METHOD_NOT_FOUND, "Method Not Found", id, hasId);
        }
        try {
            return answer(h.call(params), hasId, id);
        } catch (RpcExport.RpcException e) {
            return fault(e.code(), e.getMessage(), id, hasId);
        } catch (RuntimeException e) { // an RPC answers whatever went wrong inside
            LOG.error("RPC {} failed: {}", method, e.toString(), e);
            return fault(500, "Internal Error", id, hasId);
        }
    }

    /** A result; none (null) is Kamailio's empty object. */
    private static Response answer(Object result, boolean hasId, Object id) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("jsonrpc", "2.0");
        json.put("result", result == null ? new LinkedHashMap<>() : result);
        return new Response(200, "OK", withId(json, hasId, id));
    }

    private static Response fault(int code, String message, Object id, boolean hasId) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code);
        err.put("message", message);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("jsonrpc", "2.0");
        json.put("error", err);
        return new Response(code, message, withId(json, hasId, id));
    }

    /** Kamailio copies a string id as it is and any other id as a number (null and booleans become 0). */
    private static Map<String, Object> withId(Map<String, Object> json, boolean hasId, Object id) {
        if (hasId) {
            json.put("id", id instanceof String || id instanceof Number ? id : (Object) 0L);
        }
        return json;
    }
}
