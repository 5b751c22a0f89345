package io.sipway.proxy.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.Sipp;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15's acceptance: Debian's kamailio.cfg of Kamailio 5.6.3, unchanged, with
 * {@code -A WITH_MYSQL -A WITH_AUTH -A WITH_USRLOCDB -A WITH_IPAUTH -A WITH_ANTIFLOOD} and DBURL at a real
 * MariaDB (and the same with PostgreSQL, where the operator's only edit is loading db_postgres instead of
 * db_mysql), driven by SIPp on loopback: REGISTER with digest authentication (401, then 200), a wrong
 * password refused (401 again), two registered users calling each other with proxy authentication (407,
 * then the call completes, ACK and BYE along the route), a caller from an {@code address}-table IP through
 * without a challenge, a flooding source blocked by pike. When Kamailio 5.6.3 and its database module are
 * installed, the same scenarios run against it, with the same script and database, and must end the same.
 */
@Timeout(300)
class DefaultCfgDatabaseTest {
    private static final Path CFG = Path.of("src/test/resources/kamailio/debian-5.6.3/kamailio.cfg").toAbsolutePath();
    private static final List<String> FEATURES = List.of("WITH_MYSQL", "WITH_AUTH", "WITH_USRLOCDB", "WITH_IPAUTH", "WITH_ANTIFLOOD");
    private static final String LOOPBACK = "127.0.0.1";
    /** The caller the address table trusts (group 1, as allow_source_address() checks by default). */
    private static final String TRUSTED_IP = "127.0.0.3";
    /** The source that floods. */
    private static final String FLOODER_IP = "127.0.0.4";
    private static final Path KAMAILIO = Path.of("/usr/sbin/kamailio");
    private static final Path KAMAILIO_MODULES = Path.of("/usr/lib/x86_64-linux-gnu/kamailio/modules");

    private static String sippPath;

    @TempDir
    Path work;

    private Sipp sipp;
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeAll
    static void sippIsInstalled() {
        sippPath = Sipp.requireInstalled();
    }

    @BeforeEach
    void setUp() {
        sipp = new Sipp(sippPath, work);
    }

    @AfterEach
    void stopEverything() throws Exception {
        sipp.stopAll();
        for (AutoCloseable c : running) {
            c.close();
        }
    }

    /** What the scenarios saw: each flow's outcome, in order. */
    record Outcome(Map<String, String> flows) {
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mysql", "postgres"})
    void theDefaultScriptGuardsARegistrarAsKamailioDoes(String kind) throws Exception {
        String url = kind.equals("mysql") ? TestDatabases.mysql() : TestDatabases.postgres();
        provision(url);
        Path cfg = scriptFor(kind);

        Outcome sipway;
        try (Server s = sipway(cfg, url)) {
            sipway = flows(s.port(), "sipway");
        }
        assertThat(sipway.flows()).containsExactly(
                Map.entry("register alice (401, then 200)", "ok"),
                Map.entry("register bob (401, then 200)", "ok"),
                Map.entry("register alice with a wrong password (401, then 401)", "ok"),
                Map.entry("alice calls bob (407, then 200, ACK, BYE)", "ok"),
                Map.entry("a caller from the address table calls bob (200 without a challenge)", "ok"),
                Map.entry("a flooding source", "blocked"));

        if (kamailioRuns(kind)) {
            Outcome kamailio;
            try (Server k = kamailio(cfg, url)) {
                kamailio = flows(k.port(), "kamailio");
            }
            System.out.println("DefaultCfgDatabaseTest " + kind + ": Sipway " + sipway.flows() + "; Kamailio 5.6.3 " + kamailio.flows());
            assertThat(kamailio).as("Kamailio 5.6.3 with the same script and database").isEqualTo(sipway);
        }
    }

    /**
     * The default script's other database features, checked the same way on MariaDB: WITH_MULTIDOMAIN (usrloc and
     * auth_db keyed by domain, the domain module), WITH_ALIASDB (alias_db_lookup before the location lookup) and
     * WITH_ACCDB (acc rows written to the acc table for the calls).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"WITH_MULTIDOMAIN", "WITH_ALIASDB", "WITH_ACCDB"})
    void theDatabaseVariantsOfTheDefaultScriptRunTheSameFlows(String feature) throws Exception {
        String url = TestDatabases.mysql();
        provision(url);
        if (feature.equals("WITH_ACCDB")) {
            addAccExtraColumns(url);
        }
        Outcome sipway;
        try (Server s = sipway(CFG, url, feature)) {
            sipway = flows(s.port(), "sipway");
        }
        long accRows = accRowsThenClear(url);
        assertThat(sipway.flows().values()).as(sipway.toString()).containsOnly("ok", "blocked");
        if (feature.equals("WITH_ACCDB")) {
            assertThat(accRows).as("acc rows of the answered calls").isGreaterThanOrEqualTo(2);
        }
        if (kamailioRuns("mysql")) {
            Outcome kamailio;
            try (Server k = kamailio(CFG, url, feature)) {
                kamailio = flows(k.port(), "kamailio");
            }
            System.out.println("DefaultCfgDatabaseTest " + feature + ": Sipway " + sipway.flows() + " (acc rows " + accRows
                    + "); Kamailio 5.6.3 " + kamailio.flows() + " (acc rows " + accRowsThenClear(url) + ")");
            assertThat(kamailio).as("Kamailio 5.6.3 with the same script and database").isEqualTo(sipway);
        }
    }

    /** What the script's comment asks of an operator who defines WITH_ACCDB: its db_extra columns in acc and missed_calls. */
    private static void addAccExtraColumns(String url) throws Exception {
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            for (String table : List.of("acc", "missed_calls")) {
                for (String column : List.of("src_user VARCHAR(64)", "src_domain VARCHAR(128)", "src_ip VARCHAR(64)",
                        "dst_ouser VARCHAR(64)", "dst_user VARCHAR(64)", "dst_domain VARCHAR(128)")) {
                    db.raw("ALTER TABLE " + table + " ADD COLUMN " + column + " NOT NULL DEFAULT ''");
                }
            }
        }
    }

    private static long accRowsThenClear(String url) throws Exception {
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            long n = db.query("acc", List.of("id"), io.sipway.proxy.db.Where.ALL, null).size();
            db.delete("acc", io.sipway.proxy.db.Where.ALL);
            return n;
        }
    }

    @Test
    void registrationsSurviveARestartWithDbMode2() throws Exception {
        String url = TestDatabases.mysql();
        provision(url);
        int bobPort = FreePorts.udpAndTcp();
        int port;
        try (Server s = sipway(CFG, url)) {
            port = s.port();
            assertThat(register("bob", "bob-secret", bobPort, port, "register_auth.xml").describe()).contains("successful 1");
        }
        try (Server again = sipway(CFG, url, port)) {
            Process uas = sipp.uas("bob", sippScenario("../examples/sipp/uas_rr.xml"), bobPort);
            Sipp.SippResult call = aliceCallsBob("restarted", port);
            assertThat(call.successful()).as(call.describe()).isEqualTo(1);
            uas.destroy();
        }
    }

    // ---- the flows -----------------------------------------------------------------------------

    private Outcome flows(int port, String who) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        int alicePort = FreePorts.udpAndTcp();
        int bobPort = FreePorts.udpAndTcp();
        out.put("register alice (401, then 200)", ok(register("alice", "alice-secret", alicePort, port, "register_auth.xml")));
        out.put("register bob (401, then 200)", ok(register("bob", "bob-secret", bobPort, port, "register_auth.xml")));
        out.put("register alice with a wrong password (401, then 401)", ok(register("alice", "wrong", alicePort, port, "register_wrong.xml")));

        Process uas = sipp.uas(who + "-bob", sippScenario("../examples/sipp/uas_rr.xml"), bobPort, "-m", "2");
        Sipp.SippResult call = aliceCallsBob(who, port);
        out.put("alice calls bob (407, then 200, ACK, BYE)", ok(call));
        Sipp.SippResult trusted = trustedCall(who, port);
        out.put("a caller from the address table calls bob (200 without a challenge)", ok(trusted));
        uas.destroy();

        out.put("a flooding source", flood(port) ? "blocked" : "not blocked");
        return new Outcome(out);
    }

    private static String ok(Sipp.SippResult r) {
        return r.successful() == 1 && r.failed() == 0 ? "ok" : "failed: " + r.describe();
    }

    private Sipp.SippResult register(String user, String password, int contactPort, int proxyPort, String scenario) throws Exception {
        String name = "register-" + user + "-" + password + "-" + proxyPort;
        Process p = sipp.start(name, sippScenario("sipp/auth/" + scenario), "u1", FreePorts.udpAndTcp(), LOOPBACK + ":" + proxyPort,
                List.of("-s", user, "-au", user, "-ap", password, "-key", "contact_port", Integer.toString(contactPort),
                        "-m", "1", "-timeout", "10", "-timeout_error"));
        return sipp.finish(name, p, Duration.ofSeconds(15));
    }

    /** alice, a subscriber, calls bob: 407, then the INVITE with her credentials. */
    private Sipp.SippResult aliceCallsBob(String who, int proxyPort) throws Exception {
        String name = who + "-alice-calls-bob";
        Process p = sipp.start(name, sippScenario("sipp/auth/uac_auth.xml"), "u1", FreePorts.udpAndTcp(), LOOPBACK + ":" + proxyPort,
                List.of("-s", "bob", "-key", "caller", "alice", "-au", "alice", "-ap", "alice-secret", "-m", "1", "-timeout", "20",
                        "-timeout_error"));
        return sipp.finish(name, p, Duration.ofSeconds(25));
    }

    /** uac_rr.xml from the trusted address: no credentials at all. */
    private Sipp.SippResult trustedCall(String who, int proxyPort) throws Exception {
        String name = who + "-trusted-calls-bob";
        Process p = sipp.start(name, sippScenario("../examples/sipp/uac_rr.xml"), "u1", FreePorts.udpAndTcp(), LOOPBACK + ":" + proxyPort,
                List.of("-i", TRUSTED_IP, "-s", "bob", "-m", "1", "-timeout", "20", "-timeout_error"));
        return sipp.finish(name, p, Duration.ofSeconds(25));
    }

    /**
     * 64 OPTIONS keepalives from one address as fast as a socket sends them, then one more a second later:
     * pike (16 requests per 2 s unit in the default script) must stop answering, and the script's ipban
     * table must keep the source out afterwards.
     */
    private boolean flood(int proxyPort) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(FLOODER_IP, 0))) {
            s.setSoTimeout(300);
            InetSocketAddress proxy = new InetSocketAddress(LOOPBACK, proxyPort);
            int sent = 64;
            for (int i = 0; i < sent; i++) {
                byte[] b = options(s.getLocalPort(), "flood" + i, proxyPort);
                s.send(new DatagramPacket(b, b.length, proxy));
            }
            int answered = drain(s);
            byte[] late = options(s.getLocalPort(), "after", proxyPort);
            sleep(1000);
            s.send(new DatagramPacket(late, late.length, proxy));
            int answeredAfter = drain(s);
            return answered > 0 && answered < sent && answeredAfter == 0;
        }
    }

    private static int drain(DatagramSocket s) throws IOException {
        int n = 0;
        byte[] buf = new byte[4096];
        while (true) {
            try {
                s.receive(new DatagramPacket(buf, buf.length));
                n++;
            } catch (SocketTimeoutException e) {
                return n;
            }
        }
    }

    private static byte[] options(int localPort, String branch, int proxyPort) {
        String m = "OPTIONS sip:" + LOOPBACK + ":" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + FLOODER_IP + ":" + localPort + ";branch=z9hG4bK-" + branch + "\r\n"
                + "From: <sip:flood@" + FLOODER_IP + ">;tag=" + branch + "\r\n"
                + "To: <sip:" + LOOPBACK + ">\r\n"
                + "Call-ID: " + branch + "@" + FLOODER_IP + "\r\n"
                + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        return m.getBytes(StandardCharsets.US_ASCII);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the database and the servers ----------------------------------------------------------

    /** Kamailio's standard tables, two subscribers (kamctl add writes the plain password too) and a trusted address. */
    private static void provision(String url) throws Exception {
        try (Databases dbs = new Databases(2)) {
            Database db = dbs.get(url);
            Schema.create(db);
            for (String[] u : new String[][] {{"alice", "alice-secret"}, {"bob", "bob-secret"}}) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("username", u[0]);
                row.put("domain", LOOPBACK);
                row.put("password", u[1]);
                row.put("ha1", md5(u[0] + ":" + LOOPBACK + ":" + u[1]));
                row.put("ha1b", md5(u[0] + "@" + LOOPBACK + ":" + LOOPBACK + ":" + u[1]));
                db.insert("subscriber", row);
            }
            Map<String, Object> address = new LinkedHashMap<>();
            address.put("grp", 1L);
            address.put("ip_addr", TRUSTED_IP);
            address.put("mask", 32L);
            address.put("port", 0L);
            db.insert("address", address);
        }
    }

    private static String md5(String s) throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(d);
    }

    /** The script as given for MariaDB; for PostgreSQL the one line an operator changes: the db module loaded. */
    private Path scriptFor(String kind) throws IOException {
        if (kind.equals("mysql")) {
            return CFG;
        }
        Path copy = work.resolve("kamailio-postgres.cfg");
        String text = Files.readString(CFG, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("loadmodule \"db_mysql.so\"");
        Files.writeString(copy, text.replace("loadmodule \"db_mysql.so\"", "loadmodule \"db_postgres.so\""), StandardCharsets.ISO_8859_1);
        return copy;
    }

    private Path sippScenario(String relative) {
        String base = relative.startsWith("../") ? relative : "src/test/resources/" + relative;
        return Path.of(base).toAbsolutePath().normalize();
    }

    interface Server extends AutoCloseable {
        int port();

        @Override
        void close() throws Exception;
    }

    private static Map<String, String> defines(String url, String... extra) {
        Map<String, String> d = new LinkedHashMap<>();
        FEATURES.forEach(f -> d.put(f, null));
        for (String f : extra) {
            d.put(f, null);
        }
        d.put("DBURL", "\"" + url + "\"");
        return d;
    }

    private Server sipway(Path cfg, String url, String... extra) throws Exception {
        return sipway(cfg, url, FreePorts.udpAndTcp(), extra);
    }

    private Server sipway(Path cfg, String url, int port, String... extra) throws Exception {
        Proxy p = Proxy.start(cfg, defines(url, extra), List.of("udp:" + LOOPBACK + ":" + port));
        return new Server() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }

    /** Kamailio 5.6.3 with the database module the script loads, when installed (the CI machine has neither). */
    private static boolean kamailioRuns(String kind) {
        return Files.isExecutable(KAMAILIO) && Files.exists(KAMAILIO_MODULES.resolve(kind.equals("mysql") ? "db_mysql.so" : "db_postgres.so"));
    }

    private Server kamailio(Path cfg, String url, String... extra) throws Exception {
        int port = FreePorts.udpAndTcp();
        Path run = Files.createDirectories(work.resolve("kamailio-run-" + port));
        List<String> cmd = new ArrayList<>(List.of(KAMAILIO.toString(), "-DD", "-E", "-m", "256", "-n", "2", "-f", cfg.toString(),
                "-Y", run.toString(), "-L", KAMAILIO_MODULES.toString(), "-l", "udp:" + LOOPBACK + ":" + port));
        for (Map.Entry<String, String> d : defines(url, extra).entrySet()) {
            cmd.addAll(List.of("-A", d.getValue() == null ? d.getKey() : d.getKey() + "=" + d.getValue()));
        }
        Process p = new ProcessBuilder(cmd).directory(run.toFile()).redirectErrorStream(true)
                .redirectOutput(run.resolve("kamailio.log").toFile()).start();
        Sipp.awaitUdpBound(port, p);
        sleep(1000); // its children start after the socket is bound
        assertThat(p.isAlive()).as("kamailio started: " + Files.readString(run.resolve("kamailio.log"))).isTrue();
        return new Server() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() throws Exception {
                p.destroy();
                p.waitFor();
            }
        };
    }
}
