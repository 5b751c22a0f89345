package io.sipway.proxy.core;

import io.sipway.cfg.CompiledScript;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP on the SIP stream listeners, as Kamailio's xhttp and websocket see it: the script's
 * {@code event_route[xhttp:request]} on a message made of the HTTP request, a module's own
 * handler before it (xmlrpc's), and {@code event_route[websocket:closed]}.
 */
public final class HttpRequests {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.core");

    private final Core core;

    HttpRequests(Core core) {
        this.core = core;
    }

    /** A module's own answer to HTTP requests, asked before event_route[xhttp:request] (xmlrpc's), or null. */
    private volatile java.util.function.Function<io.sipway.transport.WebSocketUpgrade, io.sipway.transport.WebSocketUpgrade.Answer> httpFront;

    /**
     * Sets a module's handler of HTTP requests on the tcp:/tls: listeners (Kamailio's non-SIP message
     * hooks, as xmlrpc registers one), before {@link Core#attach} has the listeners answer: it answers a
     * request, or null to leave it to event_route[xhttp:request]. Runs on the event loop that read it.
     */
    public void front(java.util.function.Function<io.sipway.transport.WebSocketUpgrade, io.sipway.transport.WebSocketUpgrade.Answer> f) {
        httpFront = f;
    }

    public java.util.function.Function<io.sipway.transport.WebSocketUpgrade, io.sipway.transport.WebSocketUpgrade.Answer> front() {
        return httpFront;
    }

    /**
     * Kamailio's xhttp: an HTTP request on a tcp:/tls: listener runs {@code event_route[xhttp:request]}
     * ({@code $rm}, {@code $hu}, {@code $hdr(...)}, {@code $si}...), which answers it with
     * {@code ws_handle_handshake()} (the connection becomes a SIP WebSocket) or {@code xhttp_reply()};
     * a route that does neither leaves a 404.
     */
    public io.sipway.transport.WebSocketUpgrade.Answer xhttp(CompiledScript.Entry route, io.sipway.transport.WebSocketUpgrade req) {
        StringBuilder text = new StringBuilder(256).append(req.method()).append(" sip:")
                .append(req.local().getAddress().getHostAddress()).append(" SIP/2.0\r\n");
        for (Map.Entry<String, List<String>> h : req.headers().entrySet()) {
            if (h.getKey().equals("content-length")) {
                continue; // the body's own length follows ($rb is the request's body, as in Kamailio's faked message)
            }
            for (String v : h.getValue()) {
                text.append(h.getKey()).append(": ").append(v).append("\r\n");
            }
        }
        text.append("Content-Length: ").append(req.body().length).append("\r\n\r\n");
        byte[] head = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + req.body().length);
        System.arraycopy(req.body(), 0, bytes, head.length, req.body().length);
        SipMessage m;
        try {
            m = SipParser.parse(bytes);
        } catch (RuntimeException e) {
            return new io.sipway.transport.WebSocketUpgrade.Answer(400, "Bad Request", "", "");
        }
        Protocol p = req.secure() ? Protocol.TLS : Protocol.TCP;
        SendSocket local = null;
        for (SendSocket s : core.listeners) {
            if (s.protocol() == p && s.local().equals(req.local())) {
                local = s;
            }
        }
        if (local == null) {
            local = new SendSocket(p, req.local());
        }
        MsgContext ctx = new MsgContext(m, new ReceiveInfo(p, req.source(), local, req.connectionId()));
        ctx.httpUri = req.uri();
        route.run(ctx);
        io.sipway.transport.WebSocketUpgrade.Answer answer = ctx.httpAnswer;
        if (answer == null) {
            LOG.debug("event_route[xhttp:request] left {} {} unanswered: 404", req.method(), req.uri());
            answer = new io.sipway.transport.WebSocketUpgrade.Answer(404, "Not Found", "", "");
        }
        // the core's server_header, as on Kamailio's HTTP answers (also on the 101, 400 or 426 an upgrade gets)
        String server = core.tm == null ? null : core.tm.settings().server();
        return server == null ? answer : answer.withHeader("Server", server);
    }

    /**
     * Kamailio's event_route[websocket:closed]: runs when a WS or WSS connection closes, with
     * {@code $si}, {@code $sp}, {@code $proto} and {@code $ws_conid} of that connection (on a
     * stand-in message, as Kamailio's faked one).
     */
    public void webSocketClosed(CompiledScript.Entry route, ReceiveInfo connection) {
        SipMessage m = SipParser.parse(("OPTIONS sip:" + connection.localSocket().local().getAddress().getHostAddress()
                + " SIP/2.0\r\nContent-Length: 0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        MsgContext ctx = new MsgContext(m, connection);
        if (!route.mayWait()) {
            route.run(ctx);
        } else if (!core.workers.run(m, connection, () -> route.run(ctx))) {
            core.workers.queueFull("event_route[websocket:closed] not run");
        }
    }
}
