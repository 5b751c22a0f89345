package io.sipway.proxy.module.uac;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Predicate;

/** A SIP party of a test on a loopback UDP socket: sends text, receives what matches (passing over retransmissions and the like). */
final class UdpParty implements AutoCloseable {
    final DatagramSocket socket;

    UdpParty() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.setSoTimeout(3000);
    }

    int port() {
        return socket.getLocalPort();
    }

    record Received(SipMessage msg, String text, InetSocketAddress from) {
        /** The header line as written ("From: ..."), the first of that name, or null. */
        String line(String name) {
            for (String l : text.split("\r\n")) {
                if (l.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    return l;
                }
            }
            return null;
        }
    }

    void send(String text, int port) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
    }

    void send(String text, InetSocketAddress to) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, to));
    }

    Received next(Predicate<SipMessage> which) throws Exception {
        while (true) {
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            byte[] bytes = Arrays.copyOf(buf, p.getLength());
            SipMessage m = SipParser.parse(bytes);
            if (which.test(m)) {
                return new Received(m, new String(bytes, StandardCharsets.UTF_8), (InetSocketAddress) p.getSocketAddress());
            }
        }
    }

    Received request(String method) throws Exception {
        return next(m -> m.isRequest() && m.methodName().equals(method));
    }

    Received reply(int code, String method) throws Exception {
        return next(m -> m.isResponse() && m.statusCode() == code && m.cseq().methodName().equals(method));
    }

    /** A reply to {@code req} copying its Via, From, To (tagged when {@code toTag} is given), Call-ID, CSeq and Record-Route lines as written. */
    void answer(Received req, int code, String reason, String toTag, String... extra) throws Exception {
        StringBuilder b = new StringBuilder("SIP/2.0 ").append(code).append(' ').append(reason).append("\r\n");
        for (String l : req.text().split("\r\n")) {
            String lower = l.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("via:") || lower.startsWith("from:") || lower.startsWith("call-id:") || lower.startsWith("cseq:")
                    || lower.startsWith("record-route:")) {
                b.append(l).append("\r\n");
            } else if (lower.startsWith("to:")) {
                b.append(l).append(toTag != null && !l.contains(";tag=") ? ";tag=" + toTag : "").append("\r\n");
            }
        }
        for (String e : extra) {
            b.append(e).append("\r\n");
        }
        send(b.append("Content-Length: 0\r\n\r\n").toString(), req.from());
    }

    @Override
    public void close() {
        socket.close();
    }
}
