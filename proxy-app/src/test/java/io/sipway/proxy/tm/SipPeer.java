package io.sipway.proxy.tm;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A SIP user agent on a loopback UDP socket, for the tm tests (and the default script's): it plays the caller (UAC) or a
 * callee (UAS) of the proxy under test. It sends text, receives parsed messages, leaves out the
 * proxy's retransmissions of what it already saw, and writes the replies a UAS sends.
 */
public final class SipPeer implements AutoCloseable {
    public static final String HOST = "127.0.0.1";

    public final int port;
    private final int proxyPort;
    private final DatagramSocket socket;
    /** Requests (top Via branch + CSeq) and replies (branch + CSeq + code) already seen: their retransmissions are skipped. */
    private final Set<String> seen = new HashSet<>();
    private final String tag;

    /** A peer on {@code port} whose replies carry the To tag {@code tag}. */
    public SipPeer(int port, int proxyPort, String tag) {
        this.port = port;
        this.proxyPort = proxyPort;
        this.tag = tag;
        try {
            socket = new DatagramSocket(new InetSocketAddress(HOST, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A message from src/test/resources/tm with {@code {name}} placeholders filled, CRLF line ends. */
    static String message(String resource, Map<String, Object> values) {
        String text;
        try (InputStream in = SipPeer.class.getResourceAsStream("/tm/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test message tm/" + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Map.Entry<String, Object> v : values.entrySet()) {
            text = text.replace("{" + v.getKey() + "}", String.valueOf(v.getValue()));
        }
        return text.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    /** The caller's INVITE to {@code user} through the proxy, with its own Via branch. */
    String invite(String user, String branch) {
        return message("invite.sip", Map.of("user", user, "proxy", proxyPort, "uac", port, "branch", branch));
    }

    /** The CANCEL of an INVITE written by {@link #invite}: same Request-URI, Via, From, To, Call-ID, CSeq number. */
    static String cancelOf(String invite) {
        return invite.replaceFirst("^INVITE ", "CANCEL ").replace(" INVITE\r\n", " CANCEL\r\n")
                .replaceAll("Contact: [^\r]*\r\n", "");
    }

    /** The caller's ACK of a negative final reply (RFC 3261 17.1.1.3): To from the reply. */
    static String ackOf(String invite, SipMessage reply) {
        return invite.replaceFirst("^INVITE ", "ACK ").replace(" INVITE\r\n", " ACK\r\n")
                .replaceAll("Contact: [^\r]*\r\n", "")
                .replaceAll("To: [^\r]*\r\n", java.util.regex.Matcher.quoteReplacement("To: " + reply.header("To") + "\r\n"));
    }

    public void send(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        try {
            socket.send(new DatagramPacket(b, b.length, new InetSocketAddress(HOST, proxyPort)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next message that is not a retransmission of one already received; AssertionError when none comes in time. */
    public SipMessage next(Duration within) {
        SipMessage m = poll(within);
        if (m == null) {
            throw new AssertionError("port " + port + ": nothing received within " + within.toMillis() + " ms");
        }
        return m;
    }

    /** The next new message, or null when none comes in time. */
    public SipMessage poll(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] buf = new byte[65535];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.setSoTimeout((int) Math.max(1, left));
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SipMessage m = SipParser.parse(Arrays.copyOf(buf, p.getLength()));
            String key = m.topVia().branch() + "|" + m.header("CSeq") + (m.isResponse() ? "|" + m.statusCode() : "");
            if (seen.add(key)) {
                return m;
            }
        }
    }

    /** The next new request, which must have this method. */
    public SipMessage nextRequest(String method, Duration within) {
        SipMessage m = next(within);
        if (!m.isRequest() || !m.methodName().equals(method)) {
            throw new AssertionError("port " + port + ": expected a " + method + ", got\n" + m);
        }
        return m;
    }

    /** The next new final reply; provisional replies before it are passed over. */
    public SipMessage nextFinal(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            SipMessage m = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (m.isResponse() && m.statusCode() >= 200) {
                return m;
            }
        }
    }

    /** Asserts that no new message arrives for a while. */
    public void silentFor(Duration d) {
        SipMessage m = poll(d);
        if (m != null) {
            throw new AssertionError("port " + port + ": expected nothing, got\n" + m);
        }
    }

    /** A UAS reply to {@code req}: its Vias and Record-Routes, From, To with this peer's tag, Call-ID, CSeq. */
    public String replyTo(SipMessage req, int code, String reason, String... extraHeaders) {
        StringBuilder b = new StringBuilder("SIP/2.0 ").append(code).append(' ').append(reason).append("\r\n");
        for (String v : req.headers("Via")) {
            b.append("Via: ").append(v).append("\r\n");
        }
        for (String rr : req.headers("Record-Route")) {
            b.append("Record-Route: ").append(rr).append("\r\n");
        }
        b.append("From: ").append(req.header("From")).append("\r\n");
        b.append("To: ").append(req.header("To")).append(req.toTag() == null && code > 100 ? ";tag=" + tag : "").append("\r\n");
        b.append("Call-ID: ").append(req.callId()).append("\r\n");
        b.append("CSeq: ").append(req.header("CSeq")).append("\r\n");
        for (String h : extraHeaders) {
            b.append(h).append("\r\n");
        }
        return b.append("Content-Length: 0\r\n\r\n").toString();
    }

    /** Sends the reply {@link #replyTo} writes. */
    public void answer(SipMessage req, int code, String reason, String... extraHeaders) {
        send(replyTo(req, code, reason, extraHeaders));
    }

    @Override
    public void close() {
        socket.close();
    }
}
