package io.sipway.proxy.module.rtpengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.module.KamailioFileCheck;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Sipway sends to rtpengine for a script and a message, compared with what Kamailio 5.6.3 sent
 * for the same script and message (read with its rtpengine_sock pointed at a python UDP socket that
 * recorded the commands and answered them): here a UDP socket of the test records and answers.
 */
class RtpengineWireTest {
    private static final String SDP = "v=0\r\no=alice 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 5004 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n";
    private static final String ANSWER_SDP = "v=0\r\no=- 1 1 IN IP4 203.0.113.9\r\ns=-\r\nc=IN IP4 203.0.113.9\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 0\r\n";
    @TempDir
    Path dir;

    private static String script(int port, int ng) {
        return String.join("\n",
                "#!KAMAILIO",
                "listen=udp:127.0.0.1:" + port,
                "loadmodule \"pv.so\"",
                "loadmodule \"sl.so\"",
                "loadmodule \"textops.so\"",
                "loadmodule \"rtpengine.so\"",
                "modparam(\"rtpengine\", \"rtpengine_sock\", \"udp:127.0.0.1:" + ng + "\")",
                "request_route {",
                "    if (is_method(\"INVITE\")) {",
                "        if ($rU == \"a\") {",
                "            rtpengine_offer(\"ICE=force DTLS=passive RTP/SAVPF replace-origin replace-session-connection rtcp-mux-offer "
                        + "direction=internal direction=external trust-address via-branch=1 label=x codec-strip-PCMA SDES-off\");",
                "        } else if ($rU == \"d\") {",
                "            rtpengine_delete(\"via-branch=2\");",
                "        }",
                "        sl_send_reply(\"200\", \"OK\");",
                "        exit;",
                "    }",
                "    if (is_method(\"ACK\")) { rtpengine_answer(\"DTLS=off\"); exit; }",
                "    if (is_method(\"BYE\")) { rtpengine_manage(); sl_send_reply(\"200\", \"OK\"); exit; }",
                "}",
                "");
    }

    /** The message send.py gave Kamailio: two Vias, From tag ft1, Call-ID cid-USER. */
    private static String message(String user, String method, int from, String toTag) {
        return method + " sip:" + user + "@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + from + ";branch=z9hG4bK-" + user + "-"
                + method + "\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-second\r\nFrom: <sip:x@h>;tag=ft1\r\nTo: <sip:" + user
                + "@h>" + toTag + "\r\nCall-ID: cid-" + user + "\r\nCSeq: 1 " + method + "\r\nMax-Forwards: 70\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + SDP.length() + "\r\n\r\n" + SDP;
    }

    @Test
    void sipwaySendsWhatKamailioSends() throws Exception {
        try (Recorder ng = new Recorder(); DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            BlockingQueue<String> seen = ng.seen;
            int port = FreePorts.udpAndTcp();
            Path cfg = dir.resolve("wire.cfg");
            Files.writeString(cfg, script(port, ng.port()));
            try (Proxy p = Proxy.start(cfg, Map.of(), List.of())) {
                assertThat(seen.poll(5, TimeUnit.SECONDS)).as("the ping at start").isEqualTo("d7:command4:pinge");
                phone.setSoTimeout(5000);
                send(phone, port, message("a", "INVITE", phone.getLocalPort(), ""));
                assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("d8:supportsl10:load limite3:sdp115:" + SDP
                        + "3:ICE5:force4:DTLS7:passive5:label1:x9:directionl8:internal8:externale5:flagsl13:trust-addresse"
                        + "7:replacel6:origin18:session-connectione5:codecd5:stripl4:PCMAee18:transport-protocol9:RTP/SAVPF"
                        + "8:rtcp-muxl5:offere4:SDESl3:offe7:call-id5:cid-a10:via-branch16:z9hG4bK-a-INVITE"
                        + "13:received-froml3:IP49:127.0.0.1e8:from-tag3:ft17:command5:offere");
                String reply = receive(phone);
                assertThat(reply).startsWith("SIP/2.0 200 OK");

                send(phone, port, message("d", "INVITE", phone.getLocalPort(), ""));
                assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("d8:supportsl10:load limite7:call-id5:cid-d10:via-branch"
                        + "14:z9hG4bK-second13:received-froml3:IP49:127.0.0.1e8:from-tag3:ft17:command6:deletee");
                receive(phone);

                send(phone, port, message("a", "ACK", phone.getLocalPort(), ";tag=tt2"));
                assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("d8:supportsl10:load limite3:sdp115:" + SDP
                        + "4:DTLS3:off7:call-id5:cid-a13:received-froml3:IP49:127.0.0.1e8:from-tag3:tt26:to-tag3:ft1"
                        + "7:command6:answere");

                send(phone, port, message("a", "BYE", phone.getLocalPort(), ";tag=tt3"));
                assertThat(seen.poll(5, TimeUnit.SECONDS)).as("manage on BYE: a delete, without the To tag").isEqualTo(
                        "d8:supportsl10:load limite7:call-id5:cid-a13:received-froml3:IP49:127.0.0.1e8:from-tag3:ft17:command6:deletee");
                receive(phone);
            }
        }
    }

    @Test
    void withTwoSetsTheSecondGetsTheFirstsSdpAndOnlyItsAnswerIsKept() throws Exception {
        // Kamailio 5.6.3 with set_rtpengine_set("1", "2") and rtpengine_offer("trust-address") sent set 1 the INVITE's SDP
        // and set 2 the SDP set 1 answered, the same dictionary otherwise; set_rtpengine_set returned 1
        try (Recorder one = new Recorder(); Recorder two = new Recorder();
             DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int port = FreePorts.udpAndTcp();
            Path cfg = dir.resolve("sets.cfg");
            Files.writeString(cfg, String.join("\n", "#!KAMAILIO", "listen=udp:127.0.0.1:" + port, "loadmodule \"pv.so\"",
                    "loadmodule \"sl.so\"", "loadmodule \"rtpengine.so\"",
                    "modparam(\"rtpengine\", \"rtpengine_sock\", \"1 == udp:127.0.0.1:" + one.port() + "\")",
                    "modparam(\"rtpengine\", \"rtpengine_sock\", \"2 == udp:127.0.0.1:" + two.port() + "\")",
                    "modparam(\"rtpengine\", \"setid_default\", 1)",
                    "request_route {",
                    "    $var(s) = set_rtpengine_set(\"1\", \"2\");",
                    "    $var(r) = rtpengine_offer(\"trust-address\");",
                    "    sl_send_reply(\"200\", \"OK $var(s) $var(r)\");",
                    "}", ""));
            try (Proxy p = Proxy.start(cfg, Map.of(), List.of())) {
                assertThat(one.seen.poll(5, TimeUnit.SECONDS)).isEqualTo("d7:command4:pinge");
                assertThat(two.seen.poll(5, TimeUnit.SECONDS)).isEqualTo("d7:command4:pinge");
                phone.setSoTimeout(5000);
                send(phone, port, message("a", "INVITE", phone.getLocalPort(), ""));
                String tail = "5:flagsl13:trust-addresse7:call-id5:cid-a13:received-froml3:IP49:127.0.0.1e8:from-tag3:ft17:command5:offere";
                assertThat(one.seen.poll(5, TimeUnit.SECONDS)).isEqualTo("d8:supportsl10:load limite3:sdp115:" + SDP + tail);
                assertThat(two.seen.poll(5, TimeUnit.SECONDS)).isEqualTo("d8:supportsl10:load limite3:sdp92:" + ANSWER_SDP + tail);
                assertThat(receive(phone)).startsWith("SIP/2.0 200 OK 1 1\r\n");
            }
        }
    }

    /**
     * A UDP socket standing in for rtpengine: records each command and answers as the python socket
     * answered Kamailio (pong; an SDP for offer and answer; ok).
     */
    private static final class Recorder implements AutoCloseable {
        final DatagramSocket ng;
        final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

        Recorder() throws java.io.IOException {
            ng = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            Thread t = new Thread(this::record, "rtpengine-recorder");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return ng.getLocalPort();
        }

        private void record() {
            byte[] buf = new byte[65535];
            while (!ng.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    ng.receive(p);
                    String d = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
                    String cookie = d.substring(0, d.indexOf(' '));
                    String dict = d.substring(d.indexOf(' ') + 1);
                    seen.add(dict);
                    String answer = dict.contains("4:ping") ? "d6:result4:ponge"
                            : dict.contains("7:command5:offer") || dict.contains("7:command6:answer")
                            ? "d3:sdp" + ANSWER_SDP.length() + ":" + ANSWER_SDP + "6:result2:oke" : "d6:result2:oke";
                    byte[] out = (cookie + " " + answer).getBytes(StandardCharsets.ISO_8859_1);
                    ng.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            ng.close();
        }
    }

    private static void send(DatagramSocket s, int port, String m) throws Exception {
        byte[] b = m.getBytes(StandardCharsets.ISO_8859_1);
        s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
    }

    private static String receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void theScriptChecksUnderSipwayAndKamailioAlikeAndWhatSipwayLacksIsRefused() throws Exception {
        Path cfg = dir.resolve("check.cfg");
        Files.writeString(cfg, script(5060, 2223));
        var sipway = KamailioFileCheck.sipway(cfg);
        assertThat(sipway.ok()).as(sipway.diagnostics().render()).isTrue();
        KamailioFileCheck.Verdict k = KamailioFileCheck.kamailio(cfg);
        if (k != null) {
            assertThat(k.status()).as(k.output()).isZero();
        }
        Path db = dir.resolve("db.cfg");
        Files.writeString(db, script(5060, 2223).replace("request_route {",
                "modparam(\"rtpengine\", \"db_url\", \"mysql://k:k@localhost/k\")\nrequest_route {"));
        assertThat(KamailioFileCheck.sipway(db).diagnostics().render()).contains("db_url is not implemented");
        Path unix = dir.resolve("unix.cfg");
        Files.writeString(unix, script(5060, 2223).replace("udp:127.0.0.1:2223", "unix:/run/rtpengine.sock"));
        assertThat(KamailioFileCheck.sipway(unix).diagnostics().render()).contains("over UDP only");
        Path noSet = dir.resolve("noset.cfg");
        Files.writeString(noSet, script(5060, 2223).replace("rtpengine_delete(\"via-branch=2\");", "set_rtpengine_set(\"9\");"));
        assertThat(KamailioFileCheck.sipway(noSet).diagnostics().render()).as("Kamailio's fixup_set_id refuses it too")
                .contains("rtpp_proxy set 9 not configured");
        Path wait = dir.resolve("xhttp.cfg");
        Files.writeString(wait, "#!KAMAILIO\nlisten=tcp:127.0.0.1:5060\nloadmodule \"pv.so\"\nloadmodule \"xhttp.so\"\n"
                + "loadmodule \"rtpengine.so\"\nmodparam(\"rtpengine\", \"rtpengine_sock\", \"udp:127.0.0.1:2223\")\n"
                + "request_route { drop; }\nevent_route[xhttp:request] { rtpengine_query(); }\n");
        assertThat(KamailioFileCheck.sipway(wait).ok()).as("an event loop never waits for rtpengine").isFalse();
    }
}
