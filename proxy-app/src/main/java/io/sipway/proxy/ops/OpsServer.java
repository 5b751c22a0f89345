package io.sipway.proxy.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sipway.proxy.Proxy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint, on its own HTTP listener away from SIP: {@code POST /RPC} takes
 * Kamailio's JSON-RPC ({@link Rpc}, as jsonrpcs over HTTP), {@code GET /metrics} gives Prometheus
 * text ({@link Metrics}). One thread serves it: nothing here is on the message path.
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("rpc");
    /** A JSON-RPC request larger than this is refused (413): the methods take a few words. */
    private static final int MAX_REQUEST = 64 * 1024;

    private final HttpServer http;
    private final ExecutorService thread;

    private OpsServer(HttpServer http, ExecutorService thread) {
        this.http = http;
        this.thread = thread;
    }

    /** Listens on {@code address} (port 0: any free one) for the proxy's RPC and metrics. */
    public static OpsServer start(Proxy proxy, InetSocketAddress address) throws IOException {
        Rpc rpc = new Rpc(proxy);
        Metrics metrics = new Metrics(proxy);
        HttpServer http = HttpServer.create(address, 16);
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sipway-ops");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(thread);
        http.createContext("/RPC", ex -> serve(ex, () -> {
            if (!ex.getRequestMethod().equals("POST")) {
                return new Answer(405, "text/plain", "POST a JSON-RPC 2.0 request here\n");
            }
            byte[] body = readAtMost(ex.getRequestBody(), MAX_REQUEST);
            if (body == null) {
                return new Answer(413, "text/plain", "request larger than " + MAX_REQUEST + " bytes\n");
            }
            return new Answer(200, "application/json", rpc.call(new String(body, StandardCharsets.UTF_8)) + "\n");
        }));
        http.createContext("/metrics", ex -> serve(ex, () -> ex.getRequestMethod().equals("GET")
                ? new Answer(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render())
                : new Answer(405, "text/plain", "GET the metrics here\n")));
        http.createContext("/", ex -> serve(ex, () -> new Answer(404, "text/plain", "POST /RPC (JSON-RPC) or GET /metrics\n")));
        http.start();
        LOG.info("RPC (POST /RPC) and metrics (GET /metrics) on http://{}:{}", http.getAddress().getHostString(),
                http.getAddress().getPort());
        return new OpsServer(http, thread);
    }

    /** Where it listens (the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    private record Answer(int status, String contentType, String body) {
    }

    private interface Handler {
        Answer handle() throws IOException;
    }

    private static void serve(HttpExchange ex, Handler h) {
        try (ex) {
            Answer a;
            try {
                a = h.handle();
            } catch (RuntimeException e) {
                LOG.error("{} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString(), e);
                a = new Answer(500, "text/plain", "internal error\n");
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", a.contentType());
            ex.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
        } catch (IOException e) {
            LOG.debug("answering {} failed: {}", ex.getRemoteAddress(), e.toString());
        }
    }

    /** The whole body, or null when it is longer than {@code max}. */
    private static byte[] readAtMost(InputStream in, int max) throws IOException {
        byte[] b = in.readNBytes(max + 1);
        return b.length > max ? null : b;
    }

    @Override
    public void close() {
        http.stop(0);
        thread.shutdownNow();
    }
}
