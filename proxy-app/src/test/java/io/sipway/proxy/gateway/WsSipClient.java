package io.sipway.proxy.gateway;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A SIP user agent over WebSocket, as a browser running JsSIP or SIP.js is to the gateway: it opens
 * a WS or WSS connection with subprotocol {@code sip}, names itself by an unreachable
 * {@code .invalid} host in Via and Contact ({@code transport=ws} for both WS and WSS, as a URI can
 * only say), registers, and answers calls: 180 and 200 to an INVITE, 200 to a BYE. With
 * {@link #autoAnswer} it does that by itself; otherwise the test reads each message with {@link #next}.
 */
final class WsSipClient implements AutoCloseable {
    private final String user;
    private final String domain;
    private final String host = UUID.randomUUID().toString().substring(0, 12) + ".invalid";
    private final String viaTransport;
    private final WebSocket ws;
    private final BlockingQueue<SipMessage> received = new LinkedBlockingQueue<>();
    private final AtomicInteger cseq = new AtomicInteger(1);
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean autoAnswer;
    private java.util.concurrent.CompletableFuture<?> sending = java.util.concurrent.CompletableFuture.completedFuture(null);
    /** Calls answered and BYEs answered in auto-answer mode. */
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger byes = new AtomicInteger();
    private final AtomicInteger sendErrors = new AtomicInteger();

    /**
     * @param uri    {@code ws://127.0.0.1:8080} or {@code wss://127.0.0.1:4443}
     * @param tls    the client TLS context for wss (null for ws)
     * @param client a shared HttpClient (one per test is plenty for a thousand connections), or null
     */
    WsSipClient(URI uri, String user, String domain, SSLContext tls, HttpClient client) {
        this.user = user;
        this.domain = domain;
        this.viaTransport = uri.getScheme().equalsIgnoreCase("wss") ? "WSS" : "WS";
        HttpClient http = client != null ? client : httpClient(tls);
        this.ws = http.newWebSocketBuilder()
                .subprotocols("sip")
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new Listener())
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    static HttpClient httpClient(SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            b.sslContext(tls);
        }
        return b.build();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                handle(text);
            }
            socket.request(1);
            return null;
        }
    }

    private void handle(String text) {
        SipMessage m;
        try {
            m = SipParser.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return;
        }
        if (autoAnswer && m.isRequest()) {
            switch (m.methodName()) {
                case "INVITE" -> {
                    sendAsync(reply(m, 180, "Ringing"));
                    sendAsync(reply(m, 200, "OK"));
                    answered.incrementAndGet();
                    return;
                }
                case "BYE" -> {
                    sendAsync(reply(m, 200, "OK"));
                    byes.incrementAndGet();
                    return;
                }
                case "ACK" -> {
                    return;
                }
                default -> {
                    sendAsync(reply(m, 200, "OK"));
                    return;
                }
            }
        }
        received.add(m);
    }

    /** From now on INVITE gets 180 and 200, BYE gets 200, ACK is taken; nothing is queued. */
    void autoAnswer() {
        autoAnswer = true;
    }

    String user() {
        return user;
    }

    /** The Contact this client registers: {@code sip:user@<random>.invalid;transport=ws}. */
    String contact() {
        return "sip:" + user + "@" + host + ";transport=ws";
    }

    /** Sends one message and waits until it is written (from a test's thread). */
    void send(String text) {
        try {
            sendAsync(text).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            sendErrors.incrementAndGet();
        }
    }

    /**
     * Sends after whatever was sent before (a WebSocket takes one send at a time); the listener's
     * thread must not wait on it, so auto-answering uses this.
     */
    private synchronized java.util.concurrent.CompletableFuture<?> sendAsync(String text) {
        java.util.concurrent.CompletableFuture<?> next = sending.handle((x, e) -> null)
                .thenCompose(x -> ws.sendText(text, true))
                .whenComplete((x, e) -> {
                    if (e != null) {
                        sendErrors.incrementAndGet();
                    }
                });
        sending = next;
        return next;
    }

    /** The next message the gateway sent this client, or an AssertionError after {@code within}. */
    SipMessage next(Duration within) {
        try {
            SipMessage m = received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError(user + ": nothing received in " + within.toMillis() + " ms");
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next request of that method, skipping nothing: any other message first is a failure. */
    SipMessage nextRequest(String method, Duration within) {
        SipMessage m = next(within);
        if (!m.isRequest() || !m.methodName().equals(method)) {
            throw new AssertionError(user + ": expected " + method + ", got " + firstLine(m));
        }
        return m;
    }

    /** The next final reply (provisional ones skipped). */
    SipMessage nextFinal(Duration within) {
        while (true) {
            SipMessage m = next(within);
            if (m.isResponse() && m.statusCode() >= 200) {
                return m;
            }
        }
    }

    private static String firstLine(SipMessage m) {
        String s = new String(m.toBytes(), StandardCharsets.UTF_8);
        int nl = s.indexOf('\r');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** REGISTER for {@code expires} seconds; returns the final reply. */
    SipMessage register(int expires, Duration within) {
        send(registerRequest(expires));
        return nextFinal(within);
    }

    String registerRequest(int expires) {
        return "REGISTER sip:" + domain + " SIP/2.0\r\n"
                + via()
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@" + domain + ">;tag=" + user + "-reg\r\n"
                + "To: <sip:" + user + "@" + domain + ">\r\n"
                + "Call-ID: reg-" + user + "-" + host + "\r\n"
                + "CSeq: " + cseq.getAndIncrement() + " REGISTER\r\n"
                + "Contact: <" + contact() + ">;expires=" + expires + "\r\n"
                + "User-Agent: Sipway WsSipClient\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private String via() {
        return "Via: SIP/2.0/" + viaTransport + " " + host + ";branch=z9hG4bK" + UUID.randomUUID().toString().replace("-", "") + "\r\n";
    }

    /** A reply to a request received: Vias, From, To (tagged), Call-ID, CSeq; Record-Route and Contact on 18x/2xx. */
    String reply(SipMessage req, int code, String reason) {
        StringBuilder b = new StringBuilder("SIP/2.0 " + code + " " + reason + "\r\n");
        for (String v : req.headers("Via")) {
            b.append("Via: ").append(v).append("\r\n");
        }
        if (code > 100 && code < 300) {
            for (String rr : req.headers("Record-Route")) {
                b.append("Record-Route: ").append(rr).append("\r\n");
            }
        }
        b.append("From: ").append(req.header("From")).append("\r\n");
        String to = req.header("To");
        b.append("To: ").append(to).append(req.toTag() == null && code > 100 ? ";tag=" + user + "-dlg" : "").append("\r\n");
        b.append("Call-ID: ").append(req.callId()).append("\r\n");
        b.append("CSeq: ").append(req.header("CSeq")).append("\r\n");
        if (code > 100 && code < 300 && !"BYE".equals(req.methodName())) {
            b.append("Contact: <").append(contact()).append(">\r\n");
        }
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString();
    }

    /**
     * A BYE ending the dialog an INVITE received here opened (we are its UAS): to the caller's
     * Contact, through the route set the INVITE's Record-Route gave, in their order.
     */
    String byeFor(SipMessage invite) {
        String contact = invite.header("Contact");
        String target = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>') > 0 ? contact.indexOf('>') : contact.length());
        if (!contact.contains("<")) {
            target = contact.trim();
        }
        StringBuilder b = new StringBuilder("BYE " + target + " SIP/2.0\r\n");
        b.append(via());
        List<String> routes = invite.headers("Record-Route");
        for (String r : routes) {
            b.append("Route: ").append(r).append("\r\n");
        }
        b.append("Max-Forwards: 70\r\n");
        b.append("From: ").append(invite.header("To")).append(";tag=").append(user).append("-dlg\r\n");
        b.append("To: ").append(invite.header("From")).append("\r\n");
        b.append("Call-ID: ").append(invite.callId()).append("\r\n");
        b.append("CSeq: ").append(100 + cseq.getAndIncrement()).append(" BYE\r\n");
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString();
    }

    int sendErrors() {
        return sendErrors.get();
    }

    @Override
    public void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            ws.abort();
        }
    }

    /** Drops the connection without a closing handshake, as a browser tab that is killed. */
    void abort() {
        ws.abort();
    }
}
