package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * auth and auth_db on the wire, over a SQLite subscriber table made by {@link Schema}
 * (src/test/resources/proxy/auth-5450.cfg): the 401 and 407 challenges as Kamailio writes them,
 * the return codes of www_authorize, proxy_authorize and auth_check, stale and forged nonces,
 * nonce_count replays, consume_credentials, is_subscriber and load_credentials.
 */
@Timeout(30)
class AuthTest {
    private final MovedPorts ports = MovedPorts.of(5450, 5451, 5452);
    private final InetSocketAddress proxyAt = new InetSocketAddress("127.0.0.1", ports.get(5450));
    @TempDir
    Path work;
    private Proxy proxy;
    private DatagramSocket alice;
    private DatagramSocket bob;
    private int cseq = 1;

    private String url;

    private void start(String... defines) throws Exception {
        startOn(TestDatabases.sqlite(), defines);
    }

    private void startOn(String database, String... defines) throws Exception {
        url = database;
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            createSchema(db);
            // as kamctl add writes the rows: the plain password, ha1 and ha1b with the domain as realm
            db.insert("subscriber", Map.of("username", "alice", "domain", "127.0.0.1", "password", "wonderland",
                    "ha1", md5("alice:127.0.0.1:wonderland"), "ha1b", md5("alice@127.0.0.1:127.0.0.1:wonderland")));
            db.insert("subscriber", Map.of("username", "bob", "domain", "127.0.0.1", "password", "builder",
                    "ha1", md5("bob:127.0.0.1:builder"), "ha1b", md5("bob@127.0.0.1:127.0.0.1:builder")));
        }
        proxy = Proxy.start(ports.script(Path.of("src/test/resources/proxy/auth-5450.cfg"), work), defines(url, defines), List.of());
        alice = socket(5451);
        bob = socket(5452);
    }

    /**
     * The subscriber table; tried again once, since the first SQLite connection of a JVM (the
     * driver's native library unpacked) can take longer than the pool's 1 s on a busy machine.
     */
    private static void createSchema(Database db) throws Exception {
        try {
            Schema.create(db, "subscriber");
        } catch (io.sipway.proxy.db.DbException e) {
            Thread.sleep(1100); // the pool probes a database it found down at most once a second
            Schema.create(db, "subscriber");
        }
    }

    private static Map<String, String> defines(String url, String... names) {
        Map<String, String> d = new HashMap<>();
        d.put("DBURL", "\"" + url + "\"");
        for (String name : names) {
            d.put(name, null);
        }
        return d;
    }

    private DatagramSocket socket(int port) throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(port)));
        s.setSoTimeout(3000);
        return s;
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (alice != null) {
            alice.close();
            bob.close();
        }
    }

    // ---- the phone's side: requests, digests computed here, independently of the proxy's code ----

    static String md5(String s) {
        return hash("MD5", s);
    }

    static String hash(String alg, String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A challenge's parameter ({@code nonce}, {@code realm}, {@code qop}), or null. */
    static String param(String challenge, String name) {
        Matcher m = Pattern.compile("[ ,]" + name + "=\"?([^\",]*)\"?").matcher(challenge);
        return m.find() ? m.group(1) : null;
    }

    /** Digest credentials for a challenge: with qop=auth when the challenge offers it (nc as given). */
    static String credentials(String user, String password, String realm, String nonce, String method, String uri, String qop,
                              String nc) {
        return credentials("MD5", user, password, realm, nonce, method, uri, qop, nc);
    }

    static String credentials(String alg, String user, String password, String realm, String nonce, String method, String uri,
                              String qop, String nc) {
        String ha1 = hash(alg, user + ":" + realm + ":" + password);
        String ha2 = hash(alg, method + ":" + uri);
        String cnonce = "c0ffee";
        if (qop != null) {
            String response = hash(alg, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
            return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                    + "\", response=\"" + response + "\", algorithm=" + alg + ", cnonce=\"" + cnonce + "\", qop=" + qop + ", nc=" + nc;
        }
        String response = hash(alg, ha1 + ":" + nonce + ":" + ha2);
        return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\"";
    }

    private SipMessage register(String authorization) throws Exception {
        int n = cseq++;
        send(alice, "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5451;branch=z9hG4bK-reg" + n + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                + "To: <sip:alice@127.0.0.1>\r\n"
                + "Call-ID: reg-alice@auth\r\n"
                + "CSeq: " + n + " REGISTER\r\n"
                + "Contact: <sip:alice@127.0.0.1:5451>\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Length: 0\r\n\r\n");
        return receive(alice);
    }

    private SipMessage request(String method, String from, String header, String credentials) throws Exception {
        int n = cseq++;
        send(alice, method + " sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5451;branch=z9hG4bK-" + method.toLowerCase() + n + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + from + "@127.0.0.1>;tag=a" + n + "\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + method.toLowerCase() + n + "@auth\r\n"
                + "CSeq: " + n + " " + method + "\r\n"
                + "Contact: <sip:alice@127.0.0.1:5451>\r\n"
                + (credentials == null ? "" : header + ": " + credentials + "\r\n")
                + "Content-Length: 0\r\n\r\n");
        return receive(alice);
    }

    private void send(DatagramSocket s, String text) throws Exception {
        byte[] b = ports.apply(text).getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, proxyAt));
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

    /** A nonce as Kamailio makes it with the script's secret: base64(expire | since | MD5(expire | since | secret)). */
    private static String nonce(long since, long expire, String secret) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(24).putInt((int) expire).putInt((int) since);
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update(b.array(), 0, 8);
        md.update(secret.getBytes(StandardCharsets.UTF_8));
        b.put(md.digest());
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static final String SECRET = "a secret the test knows";

    // ---- the spec ----

    @Test
    void registerIsChallengedThenAcceptedWithTheRightPassword() throws Exception {
        start();
        SipMessage challenge = register(null);
        assertThat(challenge.statusCode()).isEqualTo(401);
        assertThat(challenge.reasonPhrase()).isEqualTo("Unauthorized");
        String www = challenge.header("WWW-Authenticate");
        // challenge.c: realm, nonce, qop; no algorithm unless the parameter names one
        assertThat(www).matches("Digest realm=\"127\\.0\\.0\\.1\", nonce=\"[A-Za-z0-9+/]{32}\", qop=\"auth\"");
        String nonce = param(www, "nonce");
        SipMessage ok = register(credentials("alice", "wonderland", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth",
                "00000001"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.header("Contact")).contains("sip:alice@127.0.0.1");
        // the nonce may be reused within nonce_expire (no nonce_count here)
        assertThat(register(credentials("alice", "wonderland", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth",
                "00000002")).statusCode()).isEqualTo(200);
    }

    @Test
    void theReturnCodesAreKamailios() throws Exception {
        start();
        String nonce = param(register(null).header("WWW-Authenticate"), "nonce");
        SipMessage r = register(credentials("alice", "rabbit", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth", "00000001"));
        assertThat(r.reasonPhrase()).as("wrong password").isEqualTo("Forbidden -2");
        r = register(credentials("carol", "x", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth", "00000001"));
        assertThat(r.reasonPhrase()).as("unknown user").isEqualTo("Forbidden -3");
        r = register(credentials("alice", "wonderland", "other.realm", nonce, "REGISTER", "sip:127.0.0.1", "auth", "00000001"));
        assertThat(r.statusCode()).as("no credentials for this realm: challenged").isEqualTo(401);
        r = register(credentials("alice", "wonderland", "127.0.0.1", nonce(System.currentTimeMillis() / 1000, 0, "not the secret"),
                "REGISTER", "sip:127.0.0.1", "auth", "00000001"));
        assertThat(r.reasonPhrase()).as("a nonce signed with another secret is invalid, not stale").isEqualTo("Forbidden -1");
        r = register(credentials("alice", "wonderland", "127.0.0.1", "garbage", "REGISTER", "sip:127.0.0.1", "auth", "00000001"));
        assertThat(r.reasonPhrase()).isEqualTo("Forbidden -1");
        r = register("Digest username=\"alice\", realm=\"127.0.0.1\", nonce=\"" + nonce + "\", uri=\"sip:127.0.0.1\"");
        assertThat(r.reasonPhrase()).as("no response: malformed credentials").isEqualTo("Forbidden -1");
    }

    @Test
    void anExpiredNonceOrOneFromBeforeTheStartIsStaleAndChallengedWithStaleTrue() throws Exception {
        start();
        long now = System.currentTimeMillis() / 1000;
        SipMessage r = register(credentials("alice", "wonderland", "127.0.0.1", nonce(now, now - 1, SECRET), "REGISTER",
                "sip:127.0.0.1", "auth", "00000001"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).matches("Digest realm=\"127\\.0\\.0\\.1\", nonce=\"[^\"]{32}\", qop=\"auth\", stale=true");
        r = register(credentials("alice", "wonderland", "127.0.0.1", nonce(now - 3600, now + 300, SECRET), "REGISTER",
                "sip:127.0.0.1", "auth", "00000001"));
        assertThat(r.header("WWW-Authenticate")).as("made before this instance started").endsWith(", stale=true");
        // a nonce with the secret and a valid time is accepted: the format is Kamailio's
        r = register(credentials("alice", "wonderland", "127.0.0.1", nonce(now, now + 300, SECRET), "REGISTER", "sip:127.0.0.1",
                "auth", "00000001"));
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void withNonceCountAReplayedNcIsStale() throws Exception {
        start("NONCE_COUNT");
        String www = register(null).header("WWW-Authenticate");
        String nonce = param(www, "nonce");
        assertThat(nonce).hasSize(40); // 29 bytes with the nonce id
        String creds1 = credentials("alice", "wonderland", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth", "00000001");
        assertThat(register(creds1).statusCode()).isEqualTo(200);
        SipMessage replay = register(creds1);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.header("WWW-Authenticate")).endsWith("stale=true");
        assertThat(register(credentials("alice", "wonderland", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth", "00000002"))
                .statusCode()).isEqualTo(200);
        assertThat(register(credentials("alice", "wonderland", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth", "0000001"))
                .reasonPhrase()).as("an nc that is not 8 hex digits").isEqualTo("Forbidden -1");
    }

    @Test
    void anInviteIsChallengedWith407AndGoesOnWithoutItsCredentials() throws Exception {
        start();
        SipMessage challenge = request("INVITE", "alice", null, null);
        assertThat(challenge.statusCode()).isEqualTo(407);
        assertThat(challenge.reasonPhrase()).isEqualTo("Proxy Authentication Required");
        String pa = challenge.header("Proxy-Authenticate");
        assertThat(pa).matches("Digest realm=\"127\\.0\\.0\\.1\", nonce=\"[^\"]{32}\"");
        String creds = credentials("alice", "wonderland", "127.0.0.1", param(pa, "nonce"), "INVITE", "sip:bob@127.0.0.1", null, null);
        int n = cseq;
        send(alice, "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5451;branch=z9hG4bK-inv-auth\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=a" + n + "\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: inv-auth@auth\r\n"
                + "CSeq: 2 INVITE\r\n"
                + "Authorization: Digest username=\"someone\", realm=\"elsewhere\", nonce=\"x\", uri=\"sip:x\", response=\"y\"\r\n"
                + "Proxy-Authorization: " + creds + "\r\n"
                + "Content-Length: 0\r\n\r\n");
        SipMessage forwarded = receive(bob);
        assertThat(forwarded.methodName()).isEqualTo("INVITE");
        assertThat(forwarded.headers("Proxy-Authorization")).as("consume_credentials").isEmpty();
        assertThat(forwarded.headers("Authorization")).as("only the authorized header is removed").hasSize(1);
    }

    @Test
    void authCheckWantsTheFromUserToBeTheAuthenticatedOne() throws Exception {
        start();
        SipMessage challenge = request("MESSAGE", "alice", null, null);
        assertThat(challenge.statusCode()).as("auth_challenge: 407 for a MESSAGE").isEqualTo(407);
        String nonce = param(challenge.header("Proxy-Authenticate"), "nonce");
        SipMessage r = request("MESSAGE", "alice", "Proxy-Authorization",
                credentials("bob", "builder", "127.0.0.1", nonce, "MESSAGE", "sip:bob@127.0.0.1", null, null));
        assertThat(r.reasonPhrase()).as("bob's credentials in alice's MESSAGE").isEqualTo("Forbidden -8");
        r = request("MESSAGE", "alice", "Proxy-Authorization",
                credentials("alice", "wonderland", "127.0.0.1", nonce, "MESSAGE", "sip:bob@127.0.0.1", null, null));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.reasonPhrase()).as("load_credentials after success").isEqualTo("from 127.0.0.1");
    }

    @Test
    void isSubscriberLooksTheUriUp() throws Exception {
        start();
        assertThat(request("OPTIONS", "alice", null, null).reasonPhrase()).isEqualTo("subscriber");
        send(alice, "OPTIONS sip:carol@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5451;branch=z9hG4bK-opt-carol\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=o1\r\nTo: <sip:carol@127.0.0.1>\r\n"
                + "Call-ID: opt-carol@auth\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        assertThat(receive(alice).reasonPhrase()).isEqualTo("Not Found -2");
    }

    @Test
    void withSha256TheChallengeNamesItAndTheResponseIsSha256() throws Exception {
        start("SHA256");
        String www = register(null).header("WWW-Authenticate");
        assertThat(www).endsWith(", qop=\"auth\", algorithm=SHA-256");
        String nonce = param(www, "nonce");
        assertThat(register(credentials("SHA-256", "alice", "wonderland", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth",
                "00000001")).statusCode()).isEqualTo(200);
        assertThat(register(credentials("alice", "wonderland", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth", "00000001"))
                .reasonPhrase()).as("an MD5 response is not as long as a SHA-256 one: malformed").isEqualTo("Forbidden -1");
    }

    @Test
    void withStoredHa1AUsernameWithADomainIsCheckedAgainstHa1b() throws Exception {
        start("STORED_HA1");
        String nonce = param(register(null).header("WWW-Authenticate"), "nonce");
        assertThat(register(credentials("alice", "wonderland", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth", "00000001"))
                .statusCode()).as("ha1").isEqualTo(200);
        assertThat(register(credentials("alice@127.0.0.1", "wonderland", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth",
                "00000002")).statusCode()).as("ha1b, for user@domain").isEqualTo(200);
    }

    @Test
    void aFailingQueryIsAnError() throws Exception {
        start();
        String nonce = param(register(null).header("WWW-Authenticate"), "nonce");
        try (Databases dbs = new Databases(1)) {
            dbs.get(url).raw("DROP TABLE subscriber");
        }
        assertThat(register(credentials("alice", "wonderland", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth", "00000001"))
                .reasonPhrase()).isEqualTo("Forbidden -1");
    }

    @Test
    void theProxyDoesNotStartWithASubscriberTableOfAnotherVersionOrWithoutItsDatabase() throws Exception {
        String other = TestDatabases.sqlite();
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(other);
            createSchema(db);
            db.update("version", io.sipway.proxy.db.Where.eq("table_name", "subscriber"), Map.of("table_version", 6));
        }
        Path cfg = ports.script(Path.of("src/test/resources/proxy/auth-5450.cfg"), work);
        assertThatThrownBy(() -> Proxy.start(cfg, defines(other), List.of()))
                .hasMessageContaining("table 'subscriber' has version 6").hasMessageContaining("expected 7");
        assertThatThrownBy(() -> Proxy.start(cfg, defines("mysql://kamailio:kamailiorw@127.0.0.1:1/kamailio"), List.of()))
                .as("nothing listens on port 1").hasMessageContaining("auth_db: cannot use the database mysql://kamailio:***@127.0.0.1:1/kamailio");
    }

    @Test
    void withATransactionTheChallengeIsSentThroughItAndRetransmittedForARetransmission() throws Exception {
        start();
        String subscribe = "SUBSCRIBE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5451;branch=z9hG4bK-sub1\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=s1\r\nTo: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: sub1@auth\r\nCSeq: 1 SUBSCRIBE\r\nEvent: presence\r\nContact: <sip:alice@127.0.0.1:5451>\r\n"
                + "Content-Length: 0\r\n\r\n";
        send(alice, subscribe);
        SipMessage first = receive(alice);
        assertThat(first.statusCode()).isEqualTo(407);
        send(alice, subscribe);
        SipMessage again = receive(alice);
        assertThat(again.statusCode()).isEqualTo(407);
        assertThat(again.header("Proxy-Authenticate")).as("tm's copy, not a new challenge").isEqualTo(first.header("Proxy-Authenticate"));
        assertThat(again.toTag()).isEqualTo(first.toTag());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "mysql", "postgres", "redis"})
    void registerAndCallOnEachDatabase(String backend) throws Exception {
        startOn(switch (backend) {
            case "mysql" -> TestDatabases.mysql();
            case "postgres" -> TestDatabases.postgres();
            case "redis" -> TestDatabases.redis();
            default -> TestDatabases.sqlite();
        });
        String nonce = param(register(null).header("WWW-Authenticate"), "nonce");
        assertThat(register(credentials("alice", "rabbit", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth", "00000001"))
                .reasonPhrase()).isEqualTo("Forbidden -2");
        assertThat(register(credentials("carol", "x", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth", "00000001"))
                .reasonPhrase()).isEqualTo("Forbidden -3");
        assertThat(register(credentials("alice", "wonderland", "127.0.0.1", nonce, "REGISTER", "sip:127.0.0.1", "auth", "00000001"))
                .statusCode()).isEqualTo(200);
        String pa = request("INVITE", "alice", null, null).header("Proxy-Authenticate");
        send(alice, "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5451;branch=z9hG4bK-db-" + backend + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=d1\r\nTo: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: db-" + backend + "@auth\r\nCSeq: 1 INVITE\r\n"
                + "Proxy-Authorization: " + credentials("alice", "wonderland", "127.0.0.1", param(pa, "nonce"), "INVITE",
                        "sip:bob@127.0.0.1", null, null) + "\r\n"
                + "Content-Length: 0\r\n\r\n");
        assertThat(receive(bob).headers("Proxy-Authorization")).isEmpty();
    }

    @Test
    void hasCredentialsTheCredentialVariablesAndPvProxyAuthorize() throws Exception {
        start();
        assertThat(request("NOTIFY", "alice", null, null).reasonPhrase()).isEqualTo("no credentials");
        String nonce = param(request("INVITE", "alice", null, null).header("Proxy-Authenticate"), "nonce");
        assertThat(request("NOTIFY", "alice", "Proxy-Authorization",
                credentials("alice", "wonderland", "127.0.0.1", nonce, "NOTIFY", "sip:bob@127.0.0.1", null, null)).reasonPhrase())
                .as("pv_proxy_authorize against the script's password").isEqualTo("alice||alice|127.0.0.1|sip:bob@127.0.0.1|1");
        assertThat(request("NOTIFY", "alice", "Proxy-Authorization",
                credentials("bob@example.com", "builder", "127.0.0.1", nonce, "NOTIFY", "sip:bob@127.0.0.1", null, null))
                .reasonPhrase()).isEqualTo("bob|example.com|bob@example.com|127.0.0.1|sip:bob@127.0.0.1|-2");
    }
}
