package io.sipway.proxy.module;

import java.util.List;

/**
 * One RPC command of a module (Kamailio's {@code rpc_export_t}: {@code tm.stats}, {@code ul.dump}),
 * answered by the JSON-RPC server.
 */
public record RpcExport(String name, String summary, Handler handler) {

    /** Answers one call: a JSON-shaped value (Map, List, String, Number, Boolean or null). */
    @FunctionalInterface
    public interface Handler {
        Object call(List<Object> params) throws RpcException;
    }

    /** A JSON-RPC error with Kamailio's code and message (500 "Method Not Found" and the like). */
    public static final class RpcException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int code;

        public RpcException(int code, String message) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }
}
