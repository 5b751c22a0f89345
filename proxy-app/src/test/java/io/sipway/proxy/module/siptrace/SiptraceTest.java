package io.sipway.proxy.module.siptrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.module.KamailioFileCheck;
import io.sipway.proxy.module.ScriptOnLoopback;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * siptrace mirrors traffic to a capture server as Kamailio 5.6 does: the test is the capture
 * server (a UDP socket decoding HEP3 chunk by chunk), the caller and the callee, all on loopback.
 */
class SiptraceTest {
    @TempDir
    Path dir;
    private DatagramSocket capture;
    private DatagramSocket callee;
    private Thread answering;

    @BeforeEach
    void sockets() throws IOException {
        capture = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        capture.setSoTimeout(3000);
        callee = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        answering = new Thread(this::answerEverything, "callee");
        answering.setDaemon(true);
        answering.start();
    }

    @AfterEach
    void close() throws InterruptedException {
        capture.close();
        callee.close();
        answering.join(2000);
    }

    /** The callee answers every request 200 OK with the request's Via, From, To (tagged), Call-ID and CSeq. */
    private void answerEverything() {
        byte[] buf = new byte[65535];
        while (!callee.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                callee.receive(p);
                SipMessage req = SipParser.parse(Arrays.copyOf(buf, p.getLength()));
                StringBuilder b = new StringBuilder("SIP/2.0 200 OK\r\n");
                for (String v : req.headers("Via")) {
                    b.append("Via: ").append(v).append("\r\n");
                }
                b.append("From: ").append(req.header("From")).append("\r\n")
                        .append("To: ").append(req.header("To")).append(";tag=callee\r\n")
                        .append("Call-ID: ").append(req.callId()).append("\r\n")
                        .append("CSeq: ").append(req.header("CSeq")).append("\r\n")
                        .append("Content-Length: 0\r\n\r\n");
                byte[] out = b.toString().getBytes(StandardCharsets.UTF_8);
                callee.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                return;
            }
        }
    }

    /** One HEP3 packet, its chunks by type in the order they came. */
    record Hep(Map<Integer, byte[]> chunks, List<Integer> order, int sentFromPort) {
        int u8(int type) {
            return chunks.get(type)[0] & 0xff;
        }

        int u16(int type) {
            return ByteBuffer.wrap(chunks.get(type)).getShort() & 0xffff;
        }

        long u32(int type) {
            return ByteBuffer.wrap(chunks.get(type)).getInt() & 0xffffffffL;
        }

        String ip(int type) throws IOException {
            return java.net.InetAddress.getByAddress(chunks.get(type)).getHostAddress();
        }

        String text(int type) {
            return new String(chunks.get(type), StandardCharsets.UTF_8);
        }

        SipMessage sip() {
            return SipParser.parse(chunks.get(0x000f));
        }
    }

    private Hep receiveHep() throws IOException {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        capture.receive(p);
        ByteBuffer b = ByteBuffer.wrap(buf, 0, p.getLength());
        byte[] id = new byte[4];
        b.get(id);
        assertThat(new String(id, StandardCharsets.US_ASCII)).isEqualTo("HEP3");
        assertThat(b.getShort() & 0xffff).as("the length of the whole packet").isEqualTo(p.getLength());
        Map<Integer, byte[]> chunks = new LinkedHashMap<>();
        List<Integer> order = new ArrayList<>();
        while (b.hasRemaining()) {
            assertThat(b.getShort()).as("vendor id").isZero();
            int type = b.getShort() & 0xffff;
            int len = b.getShort() & 0xffff;
            byte[] data = new byte[len - 6];
            b.get(data);
            chunks.put(type, data);
            order.add(type);
        }
        return new Hep(chunks, order, p.getPort());
    }

    private String script(String... lines) {
        return "loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"siptrace.so\"\n"
                + "modparam(\"siptrace\", \"duplicate_uri\", \"sip:127.0.0.1:" + capture.getLocalPort() + "\")\n"
                + "modparam(\"siptrace\", \"trace_to_database\", 0)\n"
                + String.join("\n", lines) + "\n";
    }

    @Test
    void aTracedTransactionSendsTheRequestInTheRequestOutTheReplyInAndTheReplyOutAsHep3() throws Exception {
        String s = script(
                "modparam(\"siptrace\", \"hep_mode_on\", 1)",
                "modparam(\"siptrace\", \"hep_version\", 3)",
                "modparam(\"siptrace\", \"hep_capture_id\", 2001)",
                "modparam(\"siptrace\", \"trace_on\", 1)",
                "modparam(\"siptrace\", \"auth_key\", \"secret\")",
                "request_route {",
                "    sip_trace(\"sip:127.0.0.1:" + capture.getLocalPort() + "\", \"$ci-cor\", \"t\");",
                "    $du = \"sip:127.0.0.1:" + callee.getLocalPort() + "\";",
                "    t_relay();",
                "}");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(dir, s)) {
            long before = System.currentTimeMillis() / 1000;
            SipMessage reply = p.request("bob");
            assertThat(reply.statusCode()).isEqualTo(200);
            int proxyPort = p.proxy().transport().sockets().get(0).local().getPort();

            Hep in = receiveHep();
            // chunks and order as Kamailio 5.6.3 sends them for this script (read from its packets)
            assertThat(in.order()).containsExactly(1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 0x11, 0x0e, 0x0f);
            assertThat(in.text(0x0e)).isEqualTo("secret");
            assertThat(in.sentFromPort()).as("sent from the proxy's listener").isEqualTo(proxyPort);
            assertThat(in.u8(1)).as("AF_INET").isEqualTo(2);
            assertThat(in.u8(2)).as("UDP").isEqualTo(17);
            assertThat(in.ip(3)).isEqualTo("127.0.0.1");
            assertThat(in.ip(4)).isEqualTo("127.0.0.1");
            assertThat(in.u16(8)).as("to the proxy").isEqualTo(proxyPort);
            assertThat(in.u32(9)).isBetween(before, before + 10);
            assertThat(in.u32(10)).isLessThan(1_000_000);
            assertThat(in.u8(11)).as("SIP").isEqualTo(1);
            assertThat(in.u32(12)).isEqualTo(2001);
            SipMessage request = in.sip();
            assertThat(request.methodName()).isEqualTo("OPTIONS");
            assertThat(in.text(0x11)).isEqualTo(request.callId() + "-cor");
            int callerPort = in.u16(7);

            Hep out = receiveHep();
            assertThat(out.order()).as("no correlation id on the transaction's messages")
                    .containsExactly(1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 0x0e, 0x0f);
            assertThat(out.u16(7)).isEqualTo(proxyPort);
            assertThat(out.u16(8)).isEqualTo(callee.getLocalPort());
            assertThat(out.sip().methodName()).isEqualTo("OPTIONS");
            assertThat(out.sip().vias()).hasSize(2);

            Hep replyIn = receiveHep();
            assertThat(replyIn.u16(7)).isEqualTo(callee.getLocalPort());
            assertThat(replyIn.u16(8)).isEqualTo(proxyPort);
            assertThat(replyIn.sip().statusCode()).isEqualTo(200);
            assertThat(replyIn.sip().vias()).hasSize(2);

            Hep replyOut = receiveHep();
            assertThat(replyOut.u16(7)).isEqualTo(proxyPort);
            assertThat(replyOut.u16(8)).isEqualTo(callerPort);
            assertThat(replyOut.sip().statusCode()).isEqualTo(200);
            assertThat(replyOut.sip().vias()).hasSize(1);
            assertNothingMore();
        }
    }

    @Test
    void withTraceToDatabaseEachTracedMessageOfTheTransactionIsARowOfSipTrace() throws Exception {
        String url = io.sipway.proxy.db.TestDatabases.sqlite();
        try (io.sipway.proxy.db.Databases dbs = new io.sipway.proxy.db.Databases(1)) {
            io.sipway.proxy.db.Database db = dbs.get(url);
            io.sipway.proxy.db.Schema.create(db, "sip_trace");
            String s = String.join("\n",
                    "loadmodule \"tm.so\"", "loadmodule \"sl.so\"", "loadmodule \"pv.so\"", "loadmodule \"db_sqlite.so\"",
                    "loadmodule \"siptrace.so\"",
                    "modparam(\"siptrace\", \"db_url\", \"" + url + "\")",
                    "modparam(\"siptrace\", \"trace_on\", 1)",
                    "modparam(\"siptrace\", \"trace_flag\", 22)",
                    "request_route {",
                    "    setflag(22);",
                    "    sip_trace();",
                    "    $du = \"sip:127.0.0.1:" + callee.getLocalPort() + "\";",
                    "    t_relay();",
                    "}", "");
            try (ScriptOnLoopback p = ScriptOnLoopback.start(dir, s)) {
                SipMessage reply = p.request("carol");
                assertThat(reply.statusCode()).isEqualTo(200);
                io.sipway.proxy.db.DbResult rows = null;
                for (int i = 0; i < 50; i++) {
                    rows = db.query("sip_trace", null, io.sipway.proxy.db.Where.ALL, "id");
                    if (rows.size() >= 4) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertThat(rows.size()).isEqualTo(4);
                int proxyPort = p.proxy().transport().sockets().get(0).local().getPort();
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    seen.add(rows.text(i, "direction") + " " + rows.text(i, "method") + " " + rows.text(i, "status") + " "
                            + rows.text(i, "fromip") + " -> " + rows.text(i, "toip"));
                    assertThat(rows.text(i, "callid")).isEqualTo(reply.callId());
                    assertThat(rows.text(i, "fromtag")).isEqualTo(reply.fromTag());
                    assertThat(rows.text(i, "msg")).contains("Call-ID: " + reply.callId());
                }
                String proxy = "udp:127.0.0.1:" + proxyPort;
                String calleeAt = "udp:127.0.0.1:" + callee.getLocalPort();
                assertThat(seen.get(0)).startsWith("in OPTIONS  udp:127.0.0.1:").endsWith(" -> " + proxy);
                assertThat(seen.subList(1, 4)).containsExactly(
                        "out OPTIONS  " + proxy + " -> " + calleeAt,
                        "in OPTIONS 200 " + calleeAt + " -> " + proxy,
                        "out OPTIONS 200 " + proxy + " -> " + seen.get(0).substring(seen.get(0).indexOf("udp:"), seen.get(0).indexOf(" -> ")));
                assertThat(rows.text(3, "totag")).isEqualTo("callee");
            }
        }
    }

    @Test
    void withTraceOnOffSipTraceReturnsFalseAndTheRpcTurnsItOn() throws Exception {
        String s = script(
                "modparam(\"siptrace\", \"hep_mode_on\", 1)",
                "modparam(\"siptrace\", \"hep_version\", 3)",
                "request_route {",
                "    if (sip_trace()) { sl_send_reply(\"200\", \"traced\"); } else { sl_send_reply(\"200\", \"not traced\"); }",
                "}");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(dir, s)) {
            assertThat(p.reason("a")).isEqualTo("not traced");
            assertNothingMore();
            assertThat(p.rpc("siptrace.status", "check")).isEqualTo("Disabled");
            assertThat(p.rpc("siptrace.status", "on")).isEqualTo("Enabled");
            assertThat(p.reason("a")).isEqualTo("traced");
            assertThat(receiveHep().sip().methodName()).isEqualTo("OPTIONS");
        }
    }

    /** A callee that rings and waits: 180 to an INVITE, then 200 to its CANCEL and 487 to the INVITE. */
    private void ringUntilCanceled(DatagramSocket ringing) {
        byte[] buf = new byte[65535];
        SipMessage invite = null;
        java.net.SocketAddress proxy = null;
        while (!ringing.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                ringing.receive(p);
                SipMessage req = SipParser.parse(Arrays.copyOf(buf, p.getLength()));
                if (req.methodName().equals("INVITE")) {
                    invite = req;
                    proxy = p.getSocketAddress();
                    send(ringing, reply(req, 180, "Ringing"), proxy);
                } else if (req.methodName().equals("CANCEL") && invite != null) {
                    send(ringing, reply(req, 200, "OK"), p.getSocketAddress());
                    send(ringing, reply(invite, 487, "Request Terminated"), proxy);
                }
            } catch (IOException | RuntimeException e) {
                return;
            }
        }
    }

    private static String reply(SipMessage req, int code, String reason) {
        StringBuilder b = new StringBuilder("SIP/2.0 " + code + " " + reason + "\r\n");
        for (String v : req.headers("Via")) {
            b.append("Via: ").append(v).append("\r\n");
        }
        return b.append("From: ").append(req.header("From")).append("\r\n")
                .append("To: ").append(req.header("To")).append(";tag=callee\r\n")
                .append("Call-ID: ").append(req.callId()).append("\r\n")
                .append("CSeq: ").append(req.header("CSeq")).append("\r\n")
                .append("Content-Length: 0\r\n\r\n").toString();
    }

    private static void send(DatagramSocket from, String text, java.net.SocketAddress to) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        from.send(new DatagramPacket(b, b.length, to));
    }

    @Test
    void aCancelOfATracedInviteIsTracedInAndItsReplyOut() throws Exception {
        try (DatagramSocket ringing = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Thread t = new Thread(() -> ringUntilCanceled(ringing), "ringing");
            t.setDaemon(true);
            t.start();
            String s = script(
                    "modparam(\"siptrace\", \"hep_mode_on\", 1)",
                    "modparam(\"siptrace\", \"hep_version\", 3)",
                    "modparam(\"siptrace\", \"trace_on\", 1)",
                    "request_route {",
                    "    if ($rm == \"CANCEL\") { if (t_check_trans()) { t_relay(); } exit; }",
                    "    if ($rm == \"INVITE\") { sip_trace_mode(\"t\"); }",
                    "    $du = \"sip:127.0.0.1:" + ringing.getLocalPort() + "\";",
                    "    t_relay();",
                    "}");
            try (ScriptOnLoopback p = ScriptOnLoopback.start(dir, s)) {
                int proxyPort = p.proxy().transport().sockets().get(0).local().getPort();
                java.net.SocketAddress proxyAt = new InetSocketAddress("127.0.0.1", proxyPort);
                String common = "Via: SIP/2.0/UDP 127.0.0.1:" + caller.getLocalPort() + ";branch=z9hG4bK-inv1;rport\r\n"
                        + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\n"
                        + "Call-ID: cancel-1@test\r\n";
                send(caller, "INVITE sip:bob@127.0.0.1:" + proxyPort + " SIP/2.0\r\n" + common
                        + "CSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:" + caller.getLocalPort() + ">\r\nContent-Length: 0\r\n\r\n", proxyAt);
                caller.setSoTimeout(3000);
                byte[] buf = new byte[65535];
                int code = 0;
                while (code != 180) {
                    DatagramPacket r = new DatagramPacket(buf, buf.length);
                    caller.receive(r);
                    code = SipParser.parse(Arrays.copyOf(buf, r.getLength())).statusCode();
                }
                send(caller, "CANCEL sip:bob@127.0.0.1:" + proxyPort + " SIP/2.0\r\n" + common
                        + "CSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n", proxyAt);
                List<String> seen = new ArrayList<>();
                capture.setSoTimeout(1500);
                try {
                    while (true) {
                        Hep h = receiveHep();
                        SipMessage m = h.sip();
                        seen.add((m.isRequest() ? m.methodName() : m.statusCode() + " " + m.cseq().methodName())
                                + " " + h.ip(3) + ":" + h.u16(7) + " -> " + h.ip(4) + ":" + h.u16(8));
                    }
                } catch (SocketTimeoutException done) {
                    // every packet read
                }
                String proxy = "127.0.0.1:" + proxyPort;
                String callerAt = "127.0.0.1:" + caller.getLocalPort();
                String callee = "127.0.0.1:" + ringing.getLocalPort();
                assertThat(seen).contains(
                        "INVITE " + callerAt + " -> " + proxy,
                        "INVITE " + proxy + " -> " + callee,
                        "180 INVITE " + callee + " -> " + proxy,
                        "180 INVITE " + proxy + " -> " + callerAt,
                        // as Kamailio writes the CANCEL of TMCB_E2ECANCEL_IN: from our socket to "any"
                        "CANCEL " + proxy + " -> 255.255.255.255:5060",
                        "200 CANCEL " + proxy + " -> " + callerAt,
                        "CANCEL " + proxy + " -> " + callee,
                        "487 INVITE " + callee + " -> " + proxy,
                        "487 INVITE " + proxy + " -> " + callerAt);
                assertThat(seen).as("the callee's 200 to tm's CANCEL is no reply of the transaction")
                        .doesNotContain("200 CANCEL " + callee + " -> " + proxy);
            }
        }
    }

    @Test
    void aStatelessReplyToATracedRequestIsTracedToo() throws Exception {
        String s = script(
                "modparam(\"siptrace\", \"hep_mode_on\", 1)",
                "modparam(\"siptrace\", \"hep_version\", 3)",
                "modparam(\"siptrace\", \"trace_on\", 1)",
                "request_route {",
                "    if ($rU == \"traced\") { sip_trace_mode(\"t\"); }",
                "    sl_send_reply(\"404\", \"Nope\");",
                "}");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(dir, s)) {
            assertThat(p.request("traced").statusCode()).isEqualTo(404);
            Hep in = receiveHep();
            assertThat(in.sip().methodName()).isEqualTo("OPTIONS");
            Hep out = receiveHep();
            assertThat(out.sip().statusCode()).isEqualTo(404);
            assertThat(out.u16(7)).isEqualTo(in.u16(8));
            assertThat(out.u16(8)).isEqualTo(in.u16(7));
            assertThat(p.request("untraced").statusCode()).isEqualTo(404);
            assertNothingMore();
        }
    }

    @Test
    void withoutHepTheMessageItselfIsCopied() throws Exception {
        String s = script(
                "modparam(\"siptrace\", \"trace_on\", 1)",
                "request_route { sip_trace(); sl_send_reply(\"200\", \"ok\"); }");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(dir, s)) {
            assertThat(p.reason("copy")).isEqualTo("ok");
            byte[] buf = new byte[65535];
            DatagramPacket d = new DatagramPacket(buf, buf.length);
            capture.receive(d);
            SipMessage copy = SipParser.parse(Arrays.copyOf(buf, d.getLength()));
            assertThat(copy.methodName()).isEqualTo("OPTIONS");
            assertThat(copy.requestUriString()).startsWith("sip:copy@");
        }
    }

    @Test
    void traceModeOneTracesEveryMessageWithoutAScriptCall() throws Exception {
        String s = script(
                "modparam(\"siptrace\", \"trace_mode\", 1)",
                "modparam(\"siptrace\", \"hep_version\", 3)",
                "request_route { sl_send_reply(\"404\", \"Not Here\"); }");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(dir, s)) {
            assertThat(p.request("x").statusCode()).isEqualTo(404);
            Hep in = receiveHep();
            assertThat(in.sip().methodName()).isEqualTo("OPTIONS");
            Hep out = receiveHep();
            assertThat(out.sip().statusCode()).isEqualTo(404);
            assertThat(out.u16(8)).isEqualTo(in.u16(7));
            assertNothingMore();
        }
    }

    @Test
    void hepVersion2HasItsFixedHeader() {
        Hep3.End from = new Hep3.End(io.sipway.transport.Protocol.UDP, new InetSocketAddress("10.0.0.1", 5060));
        Hep3.End to = new Hep3.End(io.sipway.transport.Protocol.TCP, new InetSocketAddress("10.0.0.2", 5080));
        byte[] p = Hep3.encodeV1V2(2, from, to, 1_700_000_000_123_456L, 7, "X".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.wrap(p);
        assertThat(b.get()).isEqualTo((byte) 2);
        assertThat(b.get()).as("header and IPv4 addresses").isEqualTo((byte) 16);
        assertThat(b.get()).isEqualTo((byte) 2);
        assertThat(b.get()).as("the destination's protocol").isEqualTo((byte) 6);
        assertThat(b.getShort()).isEqualTo((short) 5060);
        assertThat(b.getShort()).isEqualTo((short) 5080);
        assertThat(p.length).isEqualTo(8 + 8 + 12 + 1);
        assertThat(ByteBuffer.wrap(p, 16, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(1_700_000_000);
        assertThat(ByteBuffer.wrap(p, 20, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(123_456);
        assertThat(p[24]).isEqualTo((byte) 7);
        assertThat(p[p.length - 1]).isEqualTo((byte) 'X');
    }

    @Test
    void theScriptsCheckUnderSipwayAndKamailioAlike() throws Exception {
        String s = "#!KAMAILIO\nlisten=udp:127.0.0.1:5060\n" + script(
                "modparam(\"siptrace\", \"hep_mode_on\", 1)",
                "modparam(\"siptrace\", \"hep_version\", 3)",
                "modparam(\"siptrace\", \"trace_on\", 1)",
                "modparam(\"siptrace\", \"trace_flag\", 22)",
                "request_route {",
                "    setflag(22);",
                "    sip_trace();",
                "    sip_trace(\"sip:127.0.0.1:9060\");",
                "    sip_trace(\"sip:127.0.0.1:9060\", \"$ci\");",
                "    sip_trace(\"sip:127.0.0.1:9060\", \"$ci\", \"m\");",
                "    sip_trace_mode(\"t\");",
                "    t_relay();",
                "}");
        Path cfg = dir.resolve("trace.cfg");
        Files.writeString(cfg, s);
        var sipway = KamailioFileCheck.sipway(cfg);
        assertThat(sipway.ok()).as(sipway.diagnostics().render()).isTrue();
        KamailioFileCheck.Verdict k = KamailioFileCheck.kamailio(cfg);
        if (k != null) {
            assertThat(k.status()).as(k.output()).isZero();
        }
        Path bad = dir.resolve("bad.cfg");
        Files.writeString(bad, s.replace("\"m\");", "\"x\");"));
        // Kamailio's -c runs no fixups: it refuses this one when it starts ("Failed to parse trace type!")
        assertThat(KamailioFileCheck.sipway(bad).diagnostics().render()).contains("Failed to parse trace type");
        Path others = dir.resolve("others.cfg");
        Files.writeString(others, s.replace("    t_relay();", "    hlog(\"$ci\", \"text\");\n    t_relay();")
                .replace("request_route {", "modparam(\"siptrace\", \"traced_user_avp\", \"$avp(u)\")\nrequest_route {"));
        assertThat(KamailioFileCheck.sipway(others).diagnostics().render())
                .contains("siptrace module that Sipway does not implement").contains("traced_user_avp");
    }

    private void assertNothingMore() throws IOException {
        capture.setSoTimeout(300);
        try {
            capture.receive(new DatagramPacket(new byte[65535], 65535));
            throw new AssertionError("one packet more than expected");
        } catch (SocketTimeoutException expected) {
            // nothing else was traced
        } finally {
            capture.setSoTimeout(3000);
        }
    }
}
