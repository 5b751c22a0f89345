package io.sipway.proxy.module.dialog;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A user agent on a loopback UDP socket for the dialog tests: the caller (INVITE, ACK, BYE through
 * the proxy's Record-Route) or the callee (answers with its Contact and tag); either answers a BYE
 * the proxy sends. Retransmissions of what it already saw are left out.
 */
final class Ua implements AutoCloseable {
    private static final AtomicInteger BRANCHES = new AtomicInteger();
    final String user;
    final DatagramSocket socket;
    final int port;
    private final Set<String> seen = new HashSet<>();

    Ua(String user) throws IOException {
        this.user = user;
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.port = socket.getLocalPort();
    }

    String contact() {
        return "<sip:" + user + "@127.0.0.1:" + port + ">";
    }

    String via() {
        return "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK-ua" + BRANCHES.incrementAndGet() + ";rport\r\n";
    }

    void send(String text, int toPort) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        try {
            socket.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", toPort)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next new message, or an AssertionError after {@code within}. */
    SipMessage next(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] buf = new byte[65535];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError(user + ": nothing received within " + within.toMillis() + " ms");
            }
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.setSoTimeout((int) Math.max(1, left));
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
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

    /** The next new request of this method (replies and other requests before it are passed over). */
    SipMessage request(String method, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            SipMessage m = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (m.isRequest() && m.methodName().equals(method)) {
                return m;
            }
        }
    }

    /** The next new final reply. */
    SipMessage finalReply(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            SipMessage m = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (m.isResponse() && m.statusCode() >= 200) {
                return m;
            }
        }
    }

    /** A reply to {@code req} with its Vias, Record-Routes, From, To (our tag when it had none), Call-ID, CSeq. */
    void answer(SipMessage req, int code, String reason, String tag, int toPort) {
        StringBuilder b = new StringBuilder("SIP/2.0 ").append(code).append(' ').append(reason).append("\r\n");
        for (String v : req.headers("Via")) {
            b.append("Via: ").append(v).append("\r\n");
        }
        for (String rr : req.headers("Record-Route")) {
            b.append("Record-Route: ").append(rr).append("\r\n");
        }
        b.append("From: ").append(req.header("From")).append("\r\n");
        b.append("To: ").append(req.header("To")).append(req.toTag() == null && tag != null ? ";tag=" + tag : "").append("\r\n");
        b.append("Call-ID: ").append(req.callId()).append("\r\n");
        b.append("CSeq: ").append(req.header("CSeq")).append("\r\n");
        if (req.methodName().equals("INVITE") && code < 300) {
            b.append("Contact: ").append(contact()).append("\r\n");
        }
        send(b.append("Content-Length: 0\r\n\r\n").toString(), toPort);
    }

    /** A reply as {@link #answer} writes it, with a Record-Route of a proxy behind us on top (RFC 3261 16.6 step 4 order). */
    void answerWithRecordRoute(SipMessage req, int code, String reason, String tag, String recordRoute, int toPort) {
        StringBuilder b = new StringBuilder("SIP/2.0 ").append(code).append(' ').append(reason).append("\r\n");
        for (String v : req.headers("Via")) {
            b.append("Via: ").append(v).append("\r\n");
        }
        b.append("Record-Route: ").append(recordRoute).append("\r\n");
        for (String rr : req.headers("Record-Route")) {
            b.append("Record-Route: ").append(rr).append("\r\n");
        }
        b.append("From: ").append(req.header("From")).append("\r\n");
        b.append("To: ").append(req.header("To")).append(";tag=").append(tag).append("\r\n");
        b.append("Call-ID: ").append(req.callId()).append("\r\nCSeq: ").append(req.header("CSeq")).append("\r\n");
        b.append("Contact: ").append(contact()).append("\r\n");
        send(b.append("Content-Length: 0\r\n\r\n").toString(), toPort);
    }

    /** The caller's side of one call: its INVITE, then what the 200 told it. */
    static final class Call {
        final Ua caller;
        final int proxyPort;
        final String callId;
        final String fromTag;
        final String invite;
        String toHeader;
        String target;
        List<String> routes = List.of();
        int cseq = 10;

        Call(Ua caller, int proxyPort, String callee, int calleePort, String callId) {
            this.caller = caller;
            this.proxyPort = proxyPort;
            this.callId = callId;
            this.fromTag = "ft-" + callId.hashCode();
            this.invite = "INVITE sip:" + callee + "@127.0.0.1:" + calleePort + " SIP/2.0\r\n" + caller.via()
                    + "Max-Forwards: 70\r\nFrom: <sip:" + caller.user + "@127.0.0.1>;tag=" + fromTag + "\r\n"
                    + "To: <sip:" + callee + "@127.0.0.1>\r\nCall-ID: " + callId + "\r\nCSeq: 10 INVITE\r\n"
                    + "Contact: " + caller.contact() + "\r\nContent-Length: 0\r\n\r\n";
        }

        void start() {
            caller.send(invite, proxyPort);
        }

        /** The caller's dialog from the 2xx: the callee's tag, its Contact, the Record-Route reversed. */
        void answered(SipMessage ok) {
            toHeader = ok.header("To");
            target = ok.contacts().get(0).uriString();
            List<String> rr = new ArrayList<>();
            for (io.sipway.sip.Address a : ok.recordRoutes()) {
                rr.add(a.toString());
            }
            java.util.Collections.reverse(rr);
            routes = rr;
        }

        /** A request inside the dialog from the caller, through the route set. */
        String inDialog(String method, int number) {
            StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" SIP/2.0\r\n").append(caller.via());
            for (String r : routes) {
                b.append("Route: ").append(r).append("\r\n");
            }
            b.append("Max-Forwards: 70\r\nFrom: <sip:").append(caller.user).append("@127.0.0.1>;tag=").append(fromTag).append("\r\n")
                    .append("To: ").append(toHeader).append("\r\nCall-ID: ").append(callId).append("\r\nCSeq: ").append(number)
                    .append(' ').append(method).append("\r\nContent-Length: 0\r\n\r\n");
            return b.toString();
        }

        void ack() {
            caller.send(inDialog("ACK", cseq), proxyPort);
        }

        void bye() {
            caller.send(inDialog("BYE", ++cseq), proxyPort);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
