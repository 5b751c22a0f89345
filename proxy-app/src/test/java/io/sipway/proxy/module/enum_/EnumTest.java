package io.sipway.proxy.module.enum_;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.module.KamailioCheck;
import io.sipway.proxy.module.ScriptOnLoopback;
import io.sipway.transport.NaptrRecord;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * enum in a running proxy whose resolver asks a DNS server of the test's on loopback: the name of the
 * number, the records chosen by flag and service, their order, the URI their regexp makes, tel_uri_params,
 * the infrastructure tree, is_from_user_enum; and the ENUM arithmetic itself.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EnumTest {
    static final String SCRIPT = """
            loadmodule "pv.so"
            loadmodule "sl.so"
            loadmodule "tm.so"
            loadmodule "enum.so"
            modparam("enum", "tel_uri_params", ";npdi")
            request_route {
                if ($hdr(X-Do) == "query") {
                    enum_query();
                    sl_send_reply("200", "rc=$rc ru=$ru");
                    exit;
                }
                if ($hdr(X-Do) == "voice") {
                    enum_query("e164.arpa.", "voice");
                    sl_send_reply("200", "rc=$rc ru=$ru");
                    exit;
                }
                if ($hdr(X-Do) == "pv") {
                    enum_pv_query("$hdr(X-Number)", "example.net.");
                    sl_send_reply("200", "rc=$rc ru=$ru");
                    exit;
                }
                if ($hdr(X-Do) == "i") {
                    i_enum_query();
                    sl_send_reply("200", "rc=$rc ru=$ru");
                    exit;
                }
                if ($hdr(X-Do) == "from") {
                    is_from_user_enum();
                    sl_send_reply("200", "rc=$rc");
                    exit;
                }
                if ($hdr(X-Do) == "relay") {
                    if (enum_query()) {
                        t_relay();
                    }
                    exit;
                }
                sl_send_reply("404", "unknown");
            }
            """;

    @TempDir
    Path work;
    private EnumDnsServer dns;

    @BeforeEach
    void aDnsServer() throws Exception {
        dns = new EnumDnsServer();
        System.setProperty("sipway.dns.servers", dns.address());
    }

    @AfterEach
    void noDnsServer() {
        System.clearProperty("sipway.dns.servers");
        dns.close();
    }

    private String call(ScriptOnLoopback p, String user, String... headers) throws Exception {
        return p.reason(user, headers);
    }

    @Test
    void enumQueryTakesTheBestSipRecordThatApplies() throws Exception {
        dns.naptr("3.2.1.0.3.9.4.e164.arpa", 100, 20, "u", "E2U+sip", "!^.*$!sip:fallback@example.com!")
                .naptr("3.2.1.0.3.9.4.e164.arpa", 100, 10, "u", "E2U+sip", "!^\\+4930(.*)$!sip:\\1@berlin.example!")
                .naptr("3.2.1.0.3.9.4.e164.arpa", 10, 10, "u", "E2U+mailto", "!^.*$!mailto:x@example.com!")
                .naptr("3.2.1.0.3.9.4.e164.arpa", 5, 10, "s", "E2U+sip", "!^.*$!sip:flag-s@example.com!")
                .naptr("3.2.1.0.3.9.4.e164.arpa", 50, 10, "u", "E2U+voice:sip", "!^.*$!sip:voice@example.com!");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            assertThat(call(p, "+4930123", "X-Do: query")).isEqualTo("rc=1 ru=sip:123@berlin.example;npdi");
            assertThat(dns.questions).contains("3.2.1.0.3.9.4.e164.arpa NAPTR");
            assertThat(call(p, "+4930123", "X-Do: voice")).isEqualTo("rc=1 ru=sip:voice@example.com;npdi");
            assertThat(call(p, "4930123", "X-Do: query")).as("no E.164 number").isEqualTo("rc=-1 ru=sip:4930123@127.0.0.1:" + port(p));
            assertThat(call(p, "+4930999", "X-Do: query")).as("no records").isEqualTo("rc=-1 ru=sip:+4930999@127.0.0.1:" + port(p));
        }
    }

    @Test
    void enumPvQueryLooksUpTheNumberGiven() throws Exception {
        dns.naptr("4.3.2.1.example.net", 10, 10, "u", "E2U+sip", "!^\\+(.*)$!sip:\\1@pv.example!");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            assertThat(call(p, "x", "X-Do: pv", "X-Number: +1234")).isEqualTo("rc=1 ru=sip:1234@pv.example;npdi");
        }
    }

    @Test
    void iEnumQueryBranchesOffAfterTheCountryCode() throws Exception {
        dns.naptr("3.2.1.0.3.i.9.4.e164.arpa", 10, 10, "u", "E2U+sip", "!^.*$!sip:infra@example.com!");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            assertThat(call(p, "+4930123", "X-Do: i")).isEqualTo("rc=1 ru=sip:infra@example.com;npdi");
        }
    }

    @Test
    void withTheTxtAlgorithmATxtRecordSaysWhereTheLabelGoes() throws Exception {
        dns.txt("i.9.4.e164.arpa", "4")
                .naptr("3.2.1.i.0.3.9.4.e164.arpa", 10, 10, "u", "E2U+sip", "!^.*$!sip:txt@example.com!");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT.replace("modparam(\"enum\", \"tel_uri_params\", \";npdi\")",
                "modparam(\"enum\", \"bl_algorithm\", \"txt\")"))) {
            assertThat(call(p, "+4930123", "X-Do: i")).isEqualTo("rc=1 ru=sip:txt@example.com");
            assertThat(dns.questions).contains("i.9.4.e164.arpa TXT");
        }
    }

    @Test
    void theOtherRecordsBecomeBranches() throws Exception {
        try (DatagramSocket a = receiver(); DatagramSocket b = receiver()) {
            dns.naptr("3.2.1.0.3.9.4.e164.arpa", 10, 10, "u", "E2U+sip", "!^.*$!sip:a@127.0.0.1:" + a.getLocalPort() + "!")
                    .naptr("3.2.1.0.3.9.4.e164.arpa", 20, 10, "u", "E2U+sip", "!^.*$!sip:b@127.0.0.1:" + b.getLocalPort() + "!");
            try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT.replace("modparam(\"enum\", \"tel_uri_params\", \";npdi\")", ""))) {
                CompletableFuture.runAsync(() -> {
                    try {
                        p.request("+4930123", "X-Do: relay");
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                assertThat(requestLine(a)).isEqualTo("OPTIONS sip:a@127.0.0.1:" + a.getLocalPort() + " SIP/2.0");
                assertThat(requestLine(b)).isEqualTo("OPTIONS sip:b@127.0.0.1:" + b.getLocalPort() + " SIP/2.0");
            }
        }
    }

    @Test
    void isFromUserEnumComparesTheRecordsHostWithTheSource() throws Exception {
        dns.naptr("3.2.1.0.3.9.4.e164.arpa", 10, 10, "u", "E2U+sip", "!^.*$!sip:gw@gw.example!")
                .a("gw.example", "127.0.0.1")
                .naptr("9.9.9.0.3.9.4.e164.arpa", 10, 10, "u", "E2U+sip", "!^.*$!sip:gw@elsewhere.example!")
                .a("elsewhere.example", "192.0.2.1");
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            // ScriptOnLoopback's From user is alice: no E.164 number
            assertThat(call(p, "x", "X-Do: from")).isEqualTo("rc=-1");
            assertThat(fromUser(p, "+4930123")).as("the record's host is the source").isEqualTo("rc=1");
            assertThat(fromUser(p, "+4930999")).as("it is another address").isEqualTo("rc=-8");
            assertThat(fromUser(p, "+4930555")).as("no records").isEqualTo("rc=-3");
        }
    }

    /** The reason of the reply to an OPTIONS from {@code user} (is_from_user_enum reads the From user). */
    private static String fromUser(ScriptOnLoopback p, String user) throws Exception {
        try (DatagramSocket s = receiver()) {
            String msg = "OPTIONS sip:x@127.0.0.1:" + port(p) + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort() + ";branch=z9hG4bK-f" + user.substring(1) + ";rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:" + user + "@127.0.0.1>;tag=f1\r\nTo: <sip:x@127.0.0.1>\r\n"
                    + "Call-ID: f" + user.substring(1) + "@test\r\nCSeq: 1 OPTIONS\r\nX-Do: from\r\nContent-Length: 0\r\n\r\n";
            byte[] b = msg.getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", Integer.parseInt(port(p)))));
            String line = requestLine(s);
            return line == null ? null : line.substring("SIP/2.0 200 ".length());
        }
    }

    @Test
    void theEnumArithmetic() {
        assertThat(EnumLookup.domain("+35831234567", "e164.arpa.")).isEqualTo("7.6.5.4.3.2.1.3.8.5.3.e164.arpa.");
        assertThat(EnumLookup.isE164("+1")).isTrue();
        assertThat(EnumLookup.isE164("+")).isFalse();
        assertThat(EnumLookup.isE164("+" + "1".repeat(31))).isTrue();
        assertThat(EnumLookup.isE164("+" + "1".repeat(32))).isFalse();
        assertThat(EnumLookup.countryCodeLength("12125551212")).isEqualTo(1);
        assertThat(EnumLookup.countryCodeLength("4930123")).isEqualTo(2);
        assertThat(EnumLookup.countryCodeLength("35831234567")).isEqualTo(2);
        assertThat(EnumLookup.countryCodeLength("42012345")).isEqualTo(3);
        assertThat(EnumLookup.infrastructureDomain("+12345", "e164.arpa.", "i", 1)).isEqualTo("5.4.3.2.i.1.e164.arpa.");
        assertThat(EnumLookup.positionDomain("+4930123", "e164.arpa.", "i")).isEqualTo("i.9.4.e164.arpa.");
        assertThat(EnumLookup.position("4", 2)).isEqualTo(4);
        assertThat(EnumLookup.position("11", 2)).as("out of 0..10").isEqualTo(2);
        NaptrRecord compound = new NaptrRecord(1, 1, "u", "E2U+voice:sip+video:sip", "!^.*$!sip:x@y!", "");
        assertThat(EnumLookup.sipMatch(compound, "+video:sip")).isTrue();
        assertThat(EnumLookup.sipMatch(compound, "+sip")).isFalse();
        assertThat(EnumLookup.sipMatch(new NaptrRecord(1, 1, "U", "sip+E2U", "", ""), "")).isTrue();
        assertThat(EnumLookup.apply("!^\\+49(30)(.*)$!sip:\\2@\\1.example!", "+4930123")).isEqualTo("sip:123@30.example");
        assertThat(EnumLookup.apply("!^\\+1(.*)$!sip:\\1@x!", "+4930123")).as("no match").isNull();
        assertThat(EnumLookup.apply("!^.*$!sip:\\5@x!", "+4930123")).as("a group that did not match").isNull();
        assertThat(EnumLookup.withParams("sip:a@b?subject=x", ";npdi")).isEqualTo("sip:a@b;npdi?subject=x");
    }

    @Test
    void theScriptIsKamailios() throws Exception {
        assertThat(KamailioCheck.sipway(work, SCRIPT).ok()).as(KamailioCheck.sipway(work, SCRIPT).diagnostics().render()).isTrue();
        KamailioCheck.Verdict k = KamailioCheck.kamailio(work, SCRIPT);
        if (k != null) {
            assertThat(k.ok()).as(k.output()).isTrue();
        }
        String ebl = "loadmodule \"enum.so\"\nmodparam(\"enum\", \"bl_algorithm\", \"ebl\")\nrequest_route { i_enum_query(); }\n";
        assertThat(KamailioCheck.sipway(work, ebl).diagnostics().render()).contains("bl_algorithm");
    }

    private static String port(ScriptOnLoopback p) {
        String l = p.proxy().listeners().get(0);
        return l.substring(l.lastIndexOf(':') + 1);
    }

    private static DatagramSocket receiver() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.setSoTimeout(5000);
        return s;
    }

    private static String requestLine(DatagramSocket s) throws Exception {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        String text = new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
        return text.substring(0, text.indexOf("\r\n"));
    }
}
