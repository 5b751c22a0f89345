package io.sipway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP request of a connection on a tcp:/tls: listener (Kamailio's xhttp): the script (the
 * {@link WebSocketUpgrade.Policy}) answers it, or asks for the upgrade, which the websocket module's
 * checks ({@link WebSocketHandshake}) then answer 101, 400 or 426. Every answer but the 101 closes
 * the connection after it is written, as the example configurations' {@code set_reply_close()} and
 * ws_handle_handshake's own close flag do; a request that could not be parsed is closed unanswered.
 */
final class HttpRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HttpRequestHandler.class);

    private final WebSocketServer server;
    private boolean answered;

    HttpRequestHandler(WebSocketServer server) {
        this.server = server;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answered || !(msg instanceof FullHttpRequest req)) { // a pipelined second request: the connection is closing
            ReferenceCountUtil.release(msg);
            return;
        }
        answered = true;
        if (ctx.pipeline().get(HttpRequestBounds.NAME) != null) {
            ctx.pipeline().remove(HttpRequestBounds.NAME); // whole in time: the deadline is over
        }
        try {
            answer(ctx, req);
        } finally {
            req.release();
        }
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest req) {
        Connection c = WebSocketServer.connection(ctx);
        if (!ctx.channel().isActive()) {
            return; // closed meanwhile (e.g. by its bounds): nothing to answer, nothing more to count
        }
        if (req.decoderResult().isFailure()) {
            server.counters.httpRequestsRefused.increment();
            LOG.debug("closing {}: not an HTTP request Sipway can read: {}", c, req.decoderResult().cause().toString());
            ctx.close();
            return;
        }
        WebSocketUpgrade.Answer answer;
        try {
            answer = server.policy().answer(upgradeRequest(req, c));
        } catch (RuntimeException e) {
            LOG.error("WebSocket upgrade policy failed for {}: {}", c, e.toString(), e);
            answer = WebSocketUpgrade.Answer.FORBIDDEN;
        }
        if (!answer.upgrades()) {
            LOG.info("HTTP {} {} from {} answered {} {}", req.method(), req.uri(), c, answer.status(), answer.reason());
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            if (answer.contentType() != null && !answer.contentType().isEmpty()) {
                headers.add(Map.entry("Content-Type", answer.contentType()));
            }
            headers.addAll(answer.headers());
            respondAndClose(ctx, req, answer.status(), answer.reason(), headers, answer.body());
            return;
        }
        WebSocketHandshake.Outcome outcome = WebSocketHandshake.check(req.headers());
        List<Map.Entry<String, String>> headers = new ArrayList<>(outcome.headers());
        headers.addAll(answer.headers());
        if (!outcome.accepted()) {
            server.counters.failedHandshakes.increment();
            LOG.info("refusing the WebSocket upgrade from {}: {} {} (offered subprotocols: '{}')", c, outcome.status(), outcome.reason(),
                    req.headers().get("Sec-WebSocket-Protocol", ""));
            respondAndClose(ctx, req, outcome.status(), outcome.reason(), headers, null);
            return;
        }
        FullHttpResponse response = response(req, 101, outcome.reason(), headers, null);
        if (response == null) {
            ctx.close();
            return;
        }
        server.counters.successfulHandshakes.increment();
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        server.switchToWebSocket(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // e.g. the aggregator's "closed while still aggregating": the peer left mid-request
        LOG.debug("closing {}: {}", WebSocketServer.connection(ctx), cause.toString());
        ctx.close();
    }

    /** The request as the script sees it: header names lower-cased, repeated headers in order. */
    private static WebSocketUpgrade upgradeRequest(FullHttpRequest req, Connection c) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : req.headers()) {
            headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        byte[] body = new byte[req.content().readableBytes()];
        req.content().getBytes(req.content().readerIndex(), body);
        return new WebSocketUpgrade(req.uri(), headers, c.remote(), c.local(), c.protocol().isSecure(), req.method().name(), c.id(),
                body);
    }

    private static void respondAndClose(ChannelHandlerContext ctx, FullHttpRequest req, int status, String reason,
                                        List<Map.Entry<String, String>> headers, String body) {
        FullHttpResponse response = response(req, status, reason, headers, body);
        if (response == null) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The answer in the request's HTTP version, with the headers in order and then Content-Length (as
     * Kamailio's sl writes them); null (logged) when the script's status, reason or a header is not
     * something HTTP can carry.
     */
    private static FullHttpResponse response(FullHttpRequest req, int status, String reason, List<Map.Entry<String, String>> headers,
                                             String body) {
        HttpVersion version = req.protocolVersion().equals(HttpVersion.HTTP_1_0) ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        ByteBuf content = body == null || body.isEmpty() ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        try {
            FullHttpResponse r = new DefaultFullHttpResponse(version, new HttpResponseStatus(status, reason), content);
            for (Map.Entry<String, String> h : headers) {
                r.headers().add(h.getKey(), h.getValue());
            }
            r.headers().set("Content-Length", content.readableBytes());
            return r;
        } catch (IllegalArgumentException e) {
            content.release();
            LOG.error("cannot answer HTTP {} {}: {} '{}' or its headers {} are not valid HTTP: {}", req.method(), req.uri(), status, reason,
                    headers, e.getMessage());
            return null;
        }
    }
}
