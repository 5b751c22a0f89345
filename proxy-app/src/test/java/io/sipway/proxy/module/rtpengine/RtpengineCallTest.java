package io.sipway.proxy.module.rtpengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.RpcExport;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls through Sipway with a real rtpengine (started by the test): the offer and the answer leave
 * Sipway with rtpengine's address and ports in place of the phones', Content-Length right; BYE's
 * rtpengine_delete ends the session (rtpengine's own list is empty); with a dead instance configured
 * beside a live one, calls still get media and the dead one ends up disabled.
 */
class RtpengineCallTest {
    private static final Pattern MEDIA = Pattern.compile("m=audio (\\d+) ");
    @TempDir
    Path dir;

    private static String sdp(String ip, int port) {
        return "v=0\r\no=phone 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip + "\r\nt=0 0\r\nm=audio " + port
                + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    }

    private Proxy proxy(int port, String sock, int uasPort) throws Exception {
        Path cfg = dir.resolve("rtpengine-" + port + ".cfg");
        Files.writeString(cfg, String.join("\n",
                "#!KAMAILIO",
                "listen=udp:127.0.0.1:" + port,
                "loadmodule \"pv.so\"",
                "loadmodule \"sl.so\"",
                "loadmodule \"tm.so\"",
                "loadmodule \"textops.so\"",
                "loadmodule \"rtpengine.so\"",
                "modparam(\"rtpengine\", \"rtpengine_sock\", \"" + sock + "\")",
                "modparam(\"rtpengine\", \"rtpengine_tout_ms\", 200)",
                "modparam(\"rtpengine\", \"rtpengine_retr\", 2)",
                "request_route {",
                "    if (is_method(\"INVITE\")) {",
                "        if (!rtpengine_offer(\"replace-origin replace-session-connection ICE=remove RTP/AVP\")) {",
                "            sl_send_reply(\"503\", \"no media relay\"); exit;",
                "        }",
                "        t_on_reply(\"MEDIA\");",
                "    } else if (is_method(\"INFO\")) {",
                "        if (rtpengine_query()) { sl_send_reply(\"200\", \"$rtpstat\"); } else { sl_send_reply(\"500\", \"no query\"); }",
                "        exit;",
                "    } else if (is_method(\"BYE\")) {",
                "        rtpengine_delete();",
                "    }",
                "    $du = \"sip:127.0.0.1:" + uasPort + "\";",
                "    t_relay();",
                "}",
                "onreply_route[MEDIA] {",
                "    if (has_body(\"application/sdp\")) { rtpengine_manage(\"replace-origin replace-session-connection\"); }",
                "}",
                ""));
        return Proxy.start(cfg, Map.of(), List.of());
    }

    /** A phone on a loopback UDP socket. */
    private static final class Phone implements AutoCloseable {
        final DatagramSocket s;

        Phone() throws Exception {
            s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            s.setSoTimeout(5000);
        }

        int port() {
            return s.getLocalPort();
        }

        void send(String m, int to) throws Exception {
            byte[] b = m.getBytes(StandardCharsets.ISO_8859_1);
            s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", to)));
        }

        /** The next message that is not a 100 Trying. */
        SipMessage receive() throws Exception {
            while (true) {
                byte[] buf = new byte[65535];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                SipMessage m = SipParser.parse(java.util.Arrays.copyOf(buf, p.getLength()));
                if (m.isRequest() || m.statusCode() != 100) {
                    return m;
                }
            }
        }

        @Override
        public void close() {
            s.close();
        }
    }

    private static String request(String method, Phone uac, int proxyPort, String callId, int cseq, String toTag, String body) {
        return method + " sip:bob@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + uac.port() + ";branch=z9hG4bK-" + callId.replaceAll("[^A-Za-z0-9]", "") + "-" + cseq + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=alice1\r\nTo: <sip:bob@127.0.0.1>" + toTag + "\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: " + cseq + " " + method + "\r\nContact: <sip:alice@127.0.0.1:" + uac.port() + ">\r\n"
                + (body.isEmpty() ? "" : "Content-Type: application/sdp\r\n") + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** The UAS's answer to a request it received: its headers echoed, a To tag, and a body. */
    private static String reply(SipMessage req, String body) {
        StringBuilder b = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String v : req.headers("Via")) {
            b.append("Via: ").append(v).append("\r\n");
        }
        b.append("From: ").append(req.header("From")).append("\r\nTo: ").append(req.header("To"))
                .append(req.toTag() == null ? ";tag=bob1" : "").append("\r\nCall-ID: ").append(req.callId())
                .append("\r\nCSeq: ").append(req.header("CSeq")).append("\r\n");
        if (!body.isEmpty()) {
            b.append("Contact: <sip:bob@127.0.0.1>\r\nContent-Type: application/sdp\r\n");
        }
        return b.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body).toString();
    }

    private static String body(SipMessage m) {
        String body = new String(m.body(), StandardCharsets.ISO_8859_1);
        assertThat(m.header("Content-Length").trim()).as("Content-Length of the rewritten body").isEqualTo(String.valueOf(m.bodyLength()));
        return body;
    }

    private static int mediaPort(String body) {
        Matcher mm = MEDIA.matcher(body);
        assertThat(mm.find()).as(body).isTrue();
        return Integer.parseInt(mm.group(1));
    }

    /** An INVITE and its 200 through the proxy: both bodies as they came out of Sipway. */
    private static String[] invite(Phone uac, Phone uas, int proxyPort, String callId) throws Exception {
        uac.send(request("INVITE", uac, proxyPort, callId, 1, "", sdp("192.0.2.10", 5004)), proxyPort);
        SipMessage inv = uas.receive();
        String offer = body(inv);
        uas.send(reply(inv, sdp("198.51.100.20", 6006)), proxyPort);
        SipMessage ok = uac.receive();
        assertThat(ok.statusCode()).isEqualTo(200);
        return new String[] {offer, body(ok)};
    }

    @Test
    void offerAndAnswerGoThroughRtpengineAndByeEndsTheSession() throws Exception {
        try (RtpengineProcess rtpe = RtpengineProcess.start(dir); Phone uac = new Phone(); Phone uas = new Phone()) {
            int port = FreePorts.udpAndTcp();
            try (Proxy p = proxy(port, "udp:127.0.0.1:" + rtpe.port, uas.port())) {
                String[] bodies = invite(uac, uas, port, "call-one@test");
                assertThat(bodies[0]).as("the offer as the callee gets it").contains("c=IN IP4 127.0.0.1").contains("o=phone 1 1 IN IP4 127.0.0.1")
                        .doesNotContain("192.0.2.10");
                assertThat(mediaPort(bodies[0])).isNotEqualTo(5004);
                assertThat(bodies[1]).as("the answer as the caller gets it").contains("c=IN IP4 127.0.0.1").doesNotContain("198.51.100.20");
                assertThat(mediaPort(bodies[1])).isNotEqualTo(6006).isNotEqualTo(mediaPort(bodies[0]));
                assertThat(rtpe.calls()).containsExactly("call-one@test");

                uac.send(request("INFO", uac, port, "call-one@test", 2, ";tag=bob1", ""), port);
                // (the counts are rtpengine's: a stray packet to its port from another test counts too)
                assertThat(uac.receive().reasonPhrase()).as("$rtpstat: the query's totals in Kamailio's words")
                        .matches("RTP: \\d+ bytes, \\d+ packets, \\d+ errors; RTCP: \\d+ bytes, \\d+ packets, \\d+ errors");

                uac.send(request("BYE", uac, port, "call-one@test", 3, ";tag=bob1", ""), port);
                SipMessage bye = uas.receive();
                assertThat(bye.methodName()).isEqualTo("BYE");
                uas.send(reply(bye, ""), port);
                assertThat(uac.receive().statusCode()).isEqualTo(200);
                assertThat(rtpe.calls()).as("rtpengine_delete freed the session").isEmpty();
            }
        }
    }

    @Test
    void aDeadInstanceIsDisabledAndCallsGoToTheLiveOne() throws Exception {
        try (RtpengineProcess rtpe = RtpengineProcess.start(dir); Phone uac = new Phone(); Phone uas = new Phone()) {
            int port = FreePorts.udpAndTcp();
            int dead = FreePorts.udpAndTcp(); // nobody answers there
            // the dead one weighs most: Call-ID sums choose it first while it counts as up
            try (Proxy p = proxy(port, "udp:127.0.0.1:" + dead + "=10 udp:127.0.0.1:" + rtpe.port + "=1", uas.port())) {
                for (int i = 0; i < 3; i++) {
                    String[] bodies = invite(uac, uas, port, "failover-" + i + "@test");
                    assertThat(bodies[0]).contains("c=IN IP4 127.0.0.1");
                    assertThat(bodies[1]).contains("c=IN IP4 127.0.0.1");
                }
                assertThat(rtpe.calls()).containsExactlyInAnyOrder("failover-0@test", "failover-1@test", "failover-2@test");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> show = (List<Map<String, Object>>) rpc(p, "rtpengine.show", "all");
                assertThat(show).extracting(m -> m.get("url") + " " + m.get("disabled"))
                        .containsExactly("udp:127.0.0.1:" + dead + " 1", "udp:127.0.0.1:" + rtpe.port + " 0");
            }
        }
    }

    private static Object rpc(Proxy p, String name, Object... params) throws RpcExport.RpcException {
        for (ModuleExports t : p.tables()) {
            RpcExport r = t.rpcs().get(name);
            if (r != null) {
                return r.handler().call(List.of(params));
            }
        }
        throw new IllegalArgumentException(name);
    }
}
