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

    /**
     * The answer of a command's work started on another thread (a reload that reads files or a
     * database): waited for, unless the caller is an event loop (jsonrpc_dispatch() in
     * event_route[xhttp:request]), which must not wait and answers "Reload started".
     */
    public static Object awaitUnlessOnLoop(java.util.concurrent.Future<Object> work, String failure) throws RpcException {
        if (Thread.currentThread() instanceof io.netty.util.concurrent.FastThreadLocalThread) {
            return "Reload started";
        }
        try {
            return work.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RpcException re) {
                throw re;
            }
            throw new RpcException(500, failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(500, failure);
        }
    }
}
