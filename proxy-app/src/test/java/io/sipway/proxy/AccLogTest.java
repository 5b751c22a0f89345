package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.log.LogCapture;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * acc's log backend on a real proxy on loopback: the lines are compared with what Kamailio 5.6.3
 * printed for the same calls (Debian's default script with SIPp; src/test/resources/acc/flags.cfg
 * with a plain UDP caller), fields, order and log_prefix included.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class AccLogTest {
    private static final Path DEBIAN_CFG = Path.of("src/test/resources/kamailio/debian-5.6.3/kamailio.cfg");
    private static final Path UAC_RR = Path.of("../examples/sipp/uac_rr.xml").toAbsolutePath().normalize();
    private static final Path UAS_RR = Path.of("../examples/sipp/uas_rr.xml").toAbsolutePath().normalize();
    private static final String LOOPBACK = "127.0.0.1";
    /** What Kamailio's acc lines start with after the level and the prefix. */
    private static final String ACC = "acc [acc.c:287]: acc_log_request(): ACC: ";

    private static String sippPath;

    @TempDir
    Path work;

    private Sipp sipp;
    private Proxy proxy;
    private LogCapture acc;

    @BeforeAll
    static void sippIsInstalled() {
        sippPath = Sipp.requireInstalled();
    }

    @BeforeEach
    void capture() {
        sipp = new Sipp(sippPath, work);
        acc = new LogCapture("acc");
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        acc.close();
        sipp.stopAll();
        if (proxy != null) {
            proxy.close();
        }
    }

    private static Path resource(String name) {
        return Path.of("src/test/resources").resolve(name).toAbsolutePath();
    }

    /** Debian's default script on a free port, with bob registered at {@code calleePort}. */
    private int debianProxyWithBobAt(int calleePort) throws Exception {
        int[] ports = FreePorts.udpAndTcp(2);
        proxy = Proxy.start(DEBIAN_CFG, Map.of(), List.of("udp:" + LOOPBACK + ":" + ports[0]));
        Process reg = sipp.start("register", resource("sipp/register.xml"), "u1", ports[1], LOOPBACK + ":" + ports[0],
                List.of("-s", "bob", "-key", "contact_port", Integer.toString(calleePort), "-m", "1", "-timeout", "10", "-timeout_error"));
        Sipp.SippResult r = sipp.finish("register", reg, Duration.ofSeconds(10));
        assertThat(r.successful()).as("bob registered\n" + r.describe()).isEqualTo(1);
        return ports[0];
    }

    @Test
    void theDefaultScriptLogsAnAnsweredCallAndItsByeAsKamailioDoes() throws Exception {
        int[] peers = FreePorts.udpAndTcp(2);
        int proxyPort = debianProxyWithBobAt(peers[0]);
        sipp.uas("bob", UAS_RR, peers[0], "-m", "1");
        long before = Instant.now().getEpochSecond();
        Sipp.SippResult call = sipp.call("alice", UAC_RR, "bob", "u1", peers[1], proxyPort, 1, 1, Duration.ofSeconds(10));
        assertThat(call.successful()).as(call.describe()).isEqualTo(1);

        // Kamailio 5.6.3, same script and scenarios: log_prefix is evaluated on the reply ($mt 2)
        // that completes each transaction; the extra fields are the request's, $rU the branch's
        String invite = acc.await(l -> l.contains("method=INVITE"), Duration.ofSeconds(5));
        String bye = acc.await(l -> l.contains("method=BYE"), Duration.ofSeconds(5));
        Pattern answered = Pattern.compile("NOTICE: \\{2 (\\d+) (INVITE|BYE) (\\S+)\\} " + Pattern.quote(ACC + "transaction answered: ")
                + "timestamp=(\\d+);method=\\2;from_tag=(\\S+?);to_tag=(\\S+?);call_id=\\3;code=200;reason=OK;src_user=sipp;"
                + "src_domain=127\\.0\\.0\\.1;src_ip=127\\.0\\.0\\.1;dst_ouser=bob;dst_user=(\\w*);dst_domain=127\\.0\\.0\\.1\n");
        Matcher i = answered.matcher(String.valueOf(invite));
        Matcher b = answered.matcher(String.valueOf(bye));
        assertThat(i.matches()).as(invite).isTrue();
        assertThat(b.matches()).as(bye).isTrue();
        assertThat(i.group(1)).isEqualTo("1");
        assertThat(b.group(1)).isEqualTo("2");
        assertThat(b.group(3)).isEqualTo(i.group(3));
        assertThat(Long.parseLong(i.group(4))).isBetween(before, Instant.now().getEpochSecond());
        assertThat(b.group(5) + b.group(6)).as("the BYE has the dialog's tags").isEqualTo(i.group(5) + i.group(6));
        // $rU is the branch's: the INVITE went to bob's contact, the BYE to the callee's Contact (no user in uas_rr.xml)
        assertThat(i.group(7)).isEqualTo("bob");
        assertThat(b.group(7)).isEmpty();
        assertThat(acc.lines()).hasSize(2);
    }

    @Test
    void theDefaultScriptLogsABusyCalleeAsOneMissedCall() throws Exception {
        int[] peers = FreePorts.udpAndTcp(2);
        int proxyPort = debianProxyWithBobAt(peers[0]);
        Process bob = sipp.uas("bob", resource("sipp/uas_busy.xml"), peers[0], "-m", "1");
        Sipp.SippResult call = sipp.call("alice", resource("sipp/uac_busy.xml"), "bob", "u1", peers[1], proxyPort, 1, 1,
                Duration.ofSeconds(10));
        assertThat(call.successful()).as(call.describe()).isEqualTo(1);
        assertThat(sipp.finish("bob", bob, Duration.ofSeconds(5)).successful()).isEqualTo(1);

        String missed = acc.await(l -> l.contains("call missed"), Duration.ofSeconds(5));
        assertThat(missed).matches(Pattern.quote("NOTICE: {2 1 INVITE ") + "\\S+\\} " + Pattern.quote(ACC + "call missed: ")
                + "timestamp=\\d+;method=INVITE;from_tag=\\S+;to_tag=\\S+SIPpTag01\\d*;call_id=\\S+;code=486;reason=Busy Here;"
                + "src_user=sipp;src_domain=127\\.0\\.0\\.1;src_ip=127\\.0\\.0\\.1;dst_ouser=bob;dst_user=bob;dst_domain=127\\.0\\.0\\.1\n");
        // the missed flag was reset by the record: the 486 going upstream logs nothing more (no failed-transaction flag)
        Thread.sleep(300);
        assertThat(acc.lines()).containsExactly(missed);
    }

    @Test
    void flagsAreReadAsKamailioReadsThem() throws Exception {
        MovedPorts ports = MovedPorts.of(5095, 5181, 5182);
        proxy = Proxy.start(ports.script(resource("acc/flags.cfg"), work), Map.of(), List.of());
        int proxyPort = ports.get(5095);
        try (LogCapture xlog = new LogCapture("xlog"); DatagramSocket caller = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            caller.setSoTimeout(5000);
            assertThat(call(caller, proxyPort, "local")).isEqualTo(404);
            assertThat(call(caller, proxyPort, "accreq")).isEqualTo(200);
            assertThat(call(caller, proxyPort, "late")).isEqualTo(404);
            Process busy = sipp.uas("busy", resource("sipp/uas_busy.xml"), ports.get(5181), "-m", "1");
            assertThat(call(caller, proxyPort, "fail")).isEqualTo(486);
            assertThat(sipp.finish("busy", busy, Duration.ofSeconds(5)).successful()).isEqualTo(1);
            assertThat(call(caller, proxyPort, "timeout")).isEqualTo(408);

            String at = "@127.0.0.1:" + proxyPort;
            List<String> expected = List.of(
                    // t_reply's reason is not the one recorded but Kamailio's error_text's; the request has no To tag
                    record("transaction answered", "local", "", "404", "Not Found", "sip:local" + at, "local", 10),
                    record("request accounted", "accreq", "", "202", "done INVITE", "sip:accreq" + at, "accreq", 0),
                    record("request accounted", "accreq", "", "", "just text", "sip:accreq" + at, "accreq", 0),
                    // "late": its flags came after t_newtran, so nothing. "fail": the failed leg before failure_route,
                    // then the 486 going up: missed again (the route set the flag again) and answered
                    // (failed_transaction_flag); $mf shows the missed flag reset after each missed call record
                    record("call missed", "fail", "<callee>", "486", "Busy Here", "sip:fail" + at, "fail", 14),
                    record("call missed", "fail", "<callee>", "486", "Busy Here", "sip:fail" + at, "fail", 14),
                    record("transaction answered", "fail", "<callee>", "486", "Busy Here", "sip:fail" + at, "fail", 10),
                    // a timeout: the local 408's To tag, the branch's Request-URI; logged once
                    record("call missed", "timeout", "<tm>", "408", "Request Timeout", "sip:nobody@127.0.0.1:" + ports.get(5182),
                            "nobody", 6));
            List<String> got = acc.lines().stream().map(l -> l.replaceFirst("timestamp=\\d+;", "timestamp=T;")
                    .replaceFirst("to_tag=\\d+SIPpTag01\\d*;", "to_tag=<callee>;")
                    .replaceFirst("to_tag=(?![;<])[^;]+;", "to_tag=<tm>;")).toList();
            assertThat(got).containsExactlyElementsOf(expected);
            assertThat(xlog.lines()).containsExactly("NOTICE: <script>: failure route: missed flag now 10\n");
        }
    }

    /** A record of flags.cfg's log_extra, its time stamp written T. */
    private static String record(String kind, String user, String toTag, String code, String reason, String ru, String rU, int mf) {
        return "NOTICE: " + ACC + kind + ": timestamp=T;method=INVITE;from_tag=from-" + user + ";to_tag=" + toTag + ";call_id=call-"
                + user + "@test;code=" + code + ";reason=" + reason + ";ru=" + ru + ";rU=" + rU + ";si=127.0.0.1;rs=;nul=;mf=" + mf + "\n";
    }

    /** INVITE sip:user@proxy from a plain UDP socket; the final reply's code (a negative one is ACKed). */
    private static int call(DatagramSocket socket, int proxyPort, String user) throws IOException {
        int port = socket.getLocalPort();
        String branch = "z9hG4bK-" + user;
        String invite = "INVITE sip:" + user + "@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=" + branch + "\r\n"
                + "From: <sip:alice@127.0.0.1:" + port + ">;tag=from-" + user + "\r\n"
                + "To: <sip:" + user + "@127.0.0.1:" + proxyPort + ">\r\n"
                + "Call-ID: call-" + user + "@test\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:" + port + ">\r\n"
                + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        InetSocketAddress to = new InetSocketAddress(LOOPBACK, proxyPort);
        send(socket, invite, to);
        while (true) {
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            socket.receive(p);
            SipMessage reply = SipParser.parse(java.util.Arrays.copyOf(p.getData(), p.getLength()));
            int code = reply.statusCode();
            if (code < 200 || !reply.callId().equals("call-" + user + "@test")) {
                continue;
            }
            if (code >= 300) {
                send(socket, "ACK sip:" + user + "@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=" + branch + "\r\n"
                        + "From: <sip:alice@127.0.0.1:" + port + ">;tag=from-" + user + "\r\n"
                        + "To: " + reply.header("To") + "\r\nCall-ID: call-" + user + "@test\r\nCSeq: 1 ACK\r\n"
                        + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n", to);
            }
            return code;
        }
    }

    private static void send(DatagramSocket socket, String text, InetSocketAddress to) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(b, b.length, to));
    }
}
