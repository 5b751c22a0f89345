package io.sipway.proxy;

import static io.sipway.proxy.AuthTest.credentials;
import static io.sipway.proxy.AuthTest.param;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kamailio's default script (Debian's kamailio 5.6.3 kamailio.cfg, unchanged) with WITH_MYSQL,
 * WITH_AUTH and a DBURL naming a fresh MariaDB database (skipped when there is no server, see
 * {@link TestDatabases}): route[AUTH]'s auth_check("$fd", "subscriber", "1"),
 * auth_challenge("$fd", "0") and consume_credentials() as a phone meets them.
 */
@Timeout(30)
class DefaultCfgAuthTest {
    private static final Path CFG = Path.of("src/test/resources/kamailio/debian-5.6.3/kamailio.cfg");
    private final int port = FreePorts.udpAndTcp();
    private Proxy proxy;
    private DatagramSocket alice;
    private DatagramSocket bob;
    private int cseq = 1;

    @BeforeEach
    void start() throws Exception {
        String url = TestDatabases.mysql();
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            Schema.create(db, "subscriber");
            // kamctl add alice wonderland / bob builder, with calculate_ha1 as the script sets it: the password column
            db.insert("subscriber", Map.of("username", "alice", "domain", "127.0.0.1", "password", "wonderland",
                    "ha1", AuthTest.md5("alice:127.0.0.1:wonderland"), "ha1b", AuthTest.md5("alice@127.0.0.1:127.0.0.1:wonderland")));
            db.insert("subscriber", Map.of("username", "bob", "domain", "127.0.0.1", "password", "builder",
                    "ha1", AuthTest.md5("bob:127.0.0.1:builder"), "ha1b", AuthTest.md5("bob@127.0.0.1:127.0.0.1:builder")));
        }
        Map<String, String> defines = new LinkedHashMap<>();
        defines.put("WITH_MYSQL", null);
        defines.put("WITH_AUTH", null);
        defines.put("DBURL", "\"" + url + "\"");
        proxy = Proxy.start(CFG, defines, List.of("udp:127.0.0.1:" + port));
        alice = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        bob = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        alice.setSoTimeout(3000);
        bob.setSoTimeout(3000);
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
            alice.close();
            bob.close();
        }
    }

    private void send(DatagramSocket s, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
    }

    private static SipMessage receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[65535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            SipMessage m = SipParser.parse(Arrays.copyOf(buf, p.getLength()));
            if (!m.isResponse() || m.statusCode() != 100) {
                return m;
            }
        }
    }

    private SipMessage register(DatagramSocket phone, String user, String authorization) throws Exception {
        int n = cseq++;
        int local = phone.getLocalPort();
        send(phone, "REGISTER sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + local + ";branch=z9hG4bK-reg" + user + n + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@127.0.0.1>;tag=" + user + "r\r\n"
                + "To: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: reg-" + user + "@default-cfg\r\n"
                + "CSeq: " + n + " REGISTER\r\n"
                + "Contact: <sip:" + user + "@127.0.0.1:" + local + ">\r\n"
                + "Expires: 300\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Length: 0\r\n\r\n");
        return receive(phone);
    }

    /** 401, then 200 with credentials for the challenge (no qop: auth_challenge's flags are 0). */
    private void registerWithAuth(DatagramSocket phone, String user, String password) throws Exception {
        SipMessage challenge = register(phone, user, null);
        assertThat(challenge.statusCode()).isEqualTo(401);
        String www = challenge.header("WWW-Authenticate");
        assertThat(www).matches("Digest realm=\"127\\.0\\.0\\.1\", nonce=\"[^\"]{32}\"");
        String uri = "sip:127.0.0.1:" + port;
        SipMessage ok = register(phone, user, credentials(user, password, "127.0.0.1", param(www, "nonce"), "REGISTER", uri, null, null));
        assertThat(ok.statusCode()).as(ok.reasonPhrase()).isEqualTo(200);
    }

    private String invite(String branch, String proxyAuthorization) {
        int local = alice.getLocalPort();
        // the proxy's port in the URIs: from_uri==myself and uri==myself compare it (none means 5060)
        return "INVITE sip:bob@127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + local + ";branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1:" + port + ">;tag=ai\r\n"
                + "To: <sip:bob@127.0.0.1:" + port + ">\r\n"
                + "Call-ID: call-" + branch + "@default-cfg\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + local + ">\r\n"
                + (proxyAuthorization == null ? "" : "Proxy-Authorization: " + proxyAuthorization + "\r\n")
                + "Content-Length: 0\r\n\r\n";
    }

    @Test
    void phonesRegisterWithDigestAuthenticationAndCallThroughA407() throws Exception {
        registerWithAuth(alice, "alice", "wonderland");
        registerWithAuth(bob, "bob", "builder");
        assertThat(register(alice, "alice", credentials("alice", "rabbit", "127.0.0.1",
                param(register(alice, "alice", null).header("WWW-Authenticate"), "nonce"), "REGISTER", "sip:127.0.0.1:" + port,
                null, null)).statusCode()).as("a wrong password is challenged again").isEqualTo(401);

        send(alice, invite("z9hG4bK-inv1", null));
        SipMessage challenge = receive(alice);
        assertThat(challenge.statusCode()).isEqualTo(407);
        String pa = challenge.header("Proxy-Authenticate");
        assertThat(pa).matches("Digest realm=\"127\\.0\\.0\\.1\", nonce=\"[^\"]{32}\"");

        send(alice, invite("z9hG4bK-inv2", credentials("alice", "wonderland", "127.0.0.1", param(pa, "nonce"), "INVITE",
                "sip:bob@127.0.0.1:" + port, null, null)));
        SipMessage atBob = receive(bob);
        assertThat(atBob.methodName()).isEqualTo("INVITE");
        assertThat(atBob.requestUriString()).isEqualTo("sip:bob@127.0.0.1:" + bob.getLocalPort());
        assertThat(atBob.headers("Proxy-Authorization")).as("consume_credentials()").isEmpty();
    }

    /** SIPp's sipp/register_auth.xml as {@code user} with {@code password}: {@code count} registrations at 10/s. */
    private Sipp.SippResult sippRegister(Sipp sipp, String name, String user, String password, int count) throws Exception {
        int local = FreePorts.udpAndTcp();
        Process p = sipp.start(name, Path.of("src/test/resources/sipp/register_auth.xml").toAbsolutePath(), "u1", local,
                "127.0.0.1:" + port, List.of("-s", user, "-au", user, "-ap", password,
                        "-m", Integer.toString(count), "-r", "10", "-rp", "1000", "-l", "10", "-timeout", "20", "-timeout_error"));
        return sipp.finish(name, p, java.time.Duration.ofSeconds(25));
    }

    @Test
    void sippRegistersWithDigestAuthentication() throws Exception {
        Sipp sipp = new Sipp(Sipp.requireInstalled(), Files.createTempDirectory("sipp-auth"));
        try {
            Sipp.SippResult ok = sippRegister(sipp, "register", "alice", "wonderland", 20);
            assertThat(ok.successful()).as(ok.describe()).isEqualTo(20);
            assertThat(ok.failed()).as(ok.describe()).isZero();
        } finally {
            sipp.stopAll();
        }
    }
}
