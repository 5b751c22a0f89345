package io.sipway.proxy.cluster;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * One call over UDP, timed: an INVITE to a user through a proxy, and its final answer. A 2xx is
 * ended at once (ACK and BYE along its route set); any other final answer is ACKed. It tells how a
 * call fares while part of the cluster is down: a code and how long it took, never a hang (the wait
 * is bounded).
 */
final class ProbeCall {
    record Outcome(int code, long millis) {
    }

    private ProbeCall() {
    }

    /** Calls {@code user} through {@code proxy}; code 0 when no final answer came within {@code limit}. */
    static Outcome call(InetSocketAddress proxy, String user, Duration limit) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            String callId = "probe-" + UUID.randomUUID();
            String target = "sip:" + user + "@" + proxy.getAddress().getHostAddress() + ":" + proxy.getPort();
            String local = "127.0.0.1:" + s.getLocalPort();
            String branch = "z9hG4bKprobe" + UUID.randomUUID().toString().substring(0, 8);
            String from = "<sip:probe@" + local + ">;tag=probe";
            long start = System.nanoTime();
            send(s, proxy, "INVITE " + target + " SIP/2.0\r\nVia: SIP/2.0/UDP " + local + ";branch=" + branch + ";rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: " + from + "\r\nTo: <sip:" + user + "@sipway.test>\r\nCall-ID: " + callId
                    + "\r\nCSeq: 1 INVITE\r\nContact: <sip:probe@" + local + ">\r\nContent-Length: 0\r\n\r\n");
            long deadline = start + limit.toNanos();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return new Outcome(0, limit.toMillis());
                }
                s.setSoTimeout((int) Math.max(1, left));
                DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                SipMessage m = SipParser.parse(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                if (!m.isResponse() || !callId.equals(m.callId()) || m.statusCode() < 200) {
                    continue;
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                String to = m.header("To");
                if (m.statusCode() < 300) {
                    end(s, proxy, m, from, to, callId, local);
                } else { // the ACK of a failure is the INVITE's transaction's: same branch, same R-URI
                    send(s, proxy, "ACK " + target + " SIP/2.0\r\nVia: SIP/2.0/UDP " + local + ";branch=" + branch + ";rport\r\n"
                            + "Max-Forwards: 70\r\nFrom: " + from + "\r\nTo: " + to + "\r\nCall-ID: " + callId
                            + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
                }
                return new Outcome(m.statusCode(), millis);
            }
        }
    }

    /** ACK and BYE to the answer's Contact, along its Record-Routes reversed, sent to the proxy (as SIPp does). */
    private static void end(DatagramSocket s, InetSocketAddress proxy, SipMessage ok, String from, String to, String callId, String local)
            throws IOException {
        String contact = ok.header("Contact");
        String uri = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
        StringBuilder routes = new StringBuilder();
        List<String> rr = ok.headers("Record-Route");
        for (int i = rr.size() - 1; i >= 0; i--) {
            routes.append("Route: ").append(rr.get(i)).append("\r\n");
        }
        for (String method : new String[] {"ACK", "BYE"}) {
            send(s, proxy, method + " " + uri + " SIP/2.0\r\nVia: SIP/2.0/UDP " + local + ";branch=z9hG4bKprobe"
                    + UUID.randomUUID().toString().substring(0, 8) + ";rport\r\n" + routes + "Max-Forwards: 70\r\nFrom: " + from
                    + "\r\nTo: " + to + "\r\nCall-ID: " + callId + "\r\nCSeq: " + (method.equals("ACK") ? 1 : 2) + " " + method
                    + "\r\nContent-Length: 0\r\n\r\n");
        }
    }

    private static void send(DatagramSocket s, InetSocketAddress to, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, to));
    }
}
