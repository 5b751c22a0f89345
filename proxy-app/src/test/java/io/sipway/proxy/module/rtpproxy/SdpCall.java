package io.sipway.proxy.module.rtpproxy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One call through a proxy on loopback: a caller sends an INVITE with an SDP offer (audio with
 * a=rtcp, video with its own c=), a callee answers 200 with SDP, the caller sends BYE. The headers
 * X-Flags and X-Ip carry what the script passes to the rtpproxy functions. What the proxy relayed
 * is kept: the INVITE, the 200 and the BYE as they arrived.
 */
final class SdpCall implements AutoCloseable {
    static final String OFFER = "v=0\r\no=alice 2890844526 2890844526 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
            + "m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=rtcp:49171\r\n"
            + "m=video 51372 RTP/AVP 31\r\nc=IN IP4 10.0.0.2\r\n";
    static final String ANSWER = "v=0\r\no=bob 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\n"
            + "m=audio 6000 RTP/AVP 0\r\nm=video 6002 RTP/AVP 31\r\n";
    final DatagramSocket caller;
    final DatagramSocket callee;
    private final InetSocketAddress proxy;
    String invite;
    String ok;
    String bye;
    /** Whether the offer goes as the second part of a multipart/mixed body (after a text part). */
    boolean multipart;
    /** What runs between the 200 and the BYE (the test looks at the relay meanwhile). */
    Runnable beforeBye = () -> { };

    SdpCall(int proxyPort) throws IOException {
        caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        callee = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        caller.setSoTimeout(8000);
        callee.setSoTimeout(8000);
        proxy = new InetSocketAddress("127.0.0.1", proxyPort);
    }

    private String request(String method, int cseq, String toTag, String callId, String flags, String ip, String body) {
        String type = "application/sdp";
        if (multipart && !body.isEmpty()) {
            type = "multipart/mixed;boundary=unique-b1";
            body = "--unique-b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--unique-b1\r\nContent-Type: application/sdp\r\n\r\n"
                    + body + "\r\n--unique-b1--\r\n";
        }
        return method + " sip:bob@127.0.0.1:" + callee.getLocalPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.getLocalPort() + ";branch=z9hG4bK-" + method + cseq + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=ftag1\r\nTo: <sip:bob@127.0.0.1>" + toTag + "\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: " + cseq + " " + method + "\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + caller.getLocalPort() + ">\r\nX-Flags: " + flags + "\r\nX-Ip: " + ip + "\r\n"
                + (body.isEmpty() ? "" : "Content-Type: " + type + "\r\n") + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** INVITE, 200 and BYE; the call's Call-ID is {@code call-<flags>@test}. */
    SdpCall run(String flags, String ip) throws IOException {
        String callId = "call-" + (flags.isEmpty() ? "none" : flags) + "@test";
        send(caller, request("INVITE", 1, "", callId, flags, ip, OFFER), proxy);
        DatagramPacket p = receive(callee, "INVITE");
        invite = text(p);
        List<String> vias = new ArrayList<>();
        String from = null;
        String to = null;
        String cseq = null;
        for (String line : invite.substring(0, invite.indexOf("\r\n\r\n")).split("\r\n")) {
            String l = line.toLowerCase();
            if (l.startsWith("via:")) {
                vias.add(line);
            } else if (l.startsWith("from:")) {
                from = line;
            } else if (l.startsWith("to:")) {
                to = line;
            } else if (l.startsWith("cseq:")) {
                cseq = line;
            }
        }
        String reply = "SIP/2.0 200 OK\r\n" + String.join("\r\n", vias) + "\r\n" + from + "\r\n" + to + ";tag=ttag2\r\nCall-ID: "
                + callId + "\r\n" + cseq + "\r\nContact: <sip:bob@127.0.0.1:" + callee.getLocalPort() + ">\r\nX-Flags: " + flags
                + "\r\nContent-Type: application/sdp\r\nContent-Length: " + ANSWER.length() + "\r\n\r\n" + ANSWER;
        send(callee, reply, (InetSocketAddress) p.getSocketAddress());
        ok = text(receive(caller, "SIP/2.0 200"));
        beforeBye.run();
        send(caller, request("BYE", 2, ";tag=ttag2", callId, flags, ip, ""), proxy);
        bye = text(receive(callee, "BYE"));
        return this;
    }

    /** The body of a relayed message. */
    static String body(String message) {
        return message.substring(message.indexOf("\r\n\r\n") + 4);
    }

    private static String text(DatagramPacket p) {
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
    }

    private static void send(DatagramSocket s, String text, InetSocketAddress to) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        s.send(new DatagramPacket(b, b.length, to));
    }

    private static DatagramPacket receive(DatagramSocket s, String start) throws IOException {
        while (true) {
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("nothing starting with " + start + " came", e);
            }
            if (text(p).startsWith(start)) {
                return p;
            }
        }
    }

    @Override
    public void close() {
        caller.close();
        callee.close();
    }
}
