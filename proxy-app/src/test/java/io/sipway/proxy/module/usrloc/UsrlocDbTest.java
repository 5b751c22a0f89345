package io.sipway.proxy.module.usrloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.proxy.db.Where;
import io.sipway.proxy.tm.SipPeer;
import io.sipway.sip.SipMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * usrloc's db_mode 1..3 on a real proxy over a database made by {@link Schema} (SQLite; MariaDB,
 * PostgreSQL and Redis (db_redis' layout) when their servers are there): a registration
 * survives a restart of the proxy on the same file, rows are written as Kamailio writes them and
 * Kamailio's rows are read, expired rows leave the table, and ul.dump shows what was loaded.
 */
@Timeout(60)
class UsrlocDbTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @TempDir
    Path work;
    private String url;
    private Databases databases;
    private Database db;
    private int proxyPort;
    private SipPeer phone;
    private SipPeer caller;
    private Proxy proxy;
    private int cseq = 1;

    /**
     * The first SQLite connection of a JVM unpacks and loads its native library, which can take longer
     * than the pool's 1 s connection timeout on a loaded machine: done once here, before any pool.
     */
    @org.junit.jupiter.api.BeforeAll
    static void loadSqlite() throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.isValid(1);
        }
    }

    /** A fresh database of that kind ("sqlite", "mysql", "postgres": skipped when its server is not there) with the location table. */
    private void open(String kind) throws Exception {
        url = switch (kind) {
            case "mysql" -> TestDatabases.mysql();
            case "postgres" -> TestDatabases.postgres();
            case "redis" -> TestDatabases.redis();
            default -> TestDatabases.sqlite();
        };
        databases = new Databases(2);
        db = databases.get(url);
        Schema.create(db, "location");
        int[] ports = FreePorts.udpAndTcp(3);
        proxyPort = ports[0];
        phone = new SipPeer(ports[1], proxyPort, "phone");
        caller = new SipPeer(ports[2], proxyPort, "caller");
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.close();
        }
        if (phone != null) {
            phone.close();
            caller.close();
        }
        if (databases != null) {
            databases.close();
        }
    }

    /** A DATETIME as read back: a timestamp (MariaDB, PostgreSQL) or db_sqlite's local-time text. */
    private static LocalDateTime local(Object v) {
        return v instanceof java.time.Instant i ? LocalDateTime.ofInstant(i, java.time.ZoneId.systemDefault())
                : LocalDateTime.parse(String.valueOf(v), LOCAL);
    }

    /** A DATETIME to write as Kamailio's db module does: local-time text for SQLite, a timestamp (local time) elsewhere. */
    private Object datetime(LocalDateTime t) {
        return url.startsWith("sqlite") ? t.format(LOCAL) : t.atZone(java.time.ZoneId.systemDefault()).toInstant();
    }

    /** A registrar on {@code proxyPort} keeping its location table in the SQLite file with {@code dbMode}. */
    private Proxy start(int dbMode, int timerInterval) throws Exception {
        Path cfg = work.resolve("usrloc-" + dbMode + ".cfg");
        Files.writeString(cfg, String.join("\n",
                "listen=udp:127.0.0.1:" + proxyPort,
                "loadmodule \"tm.so\"",
                "loadmodule \"" + io.sipway.proxy.db.DbUrl.parse(url).module() + ".so\"",
                "loadmodule \"sl.so\"",
                "loadmodule \"pv.so\"",
                "loadmodule \"usrloc.so\"",
                "loadmodule \"registrar.so\"",
                "modparam(\"usrloc\", \"db_url\", \"" + url + "\")",
                // db_redis' keys for location as its documentation gives them (the test's own Databases uses the same)
                url.startsWith("redis") ? "modparam(\"db_redis\", \"keys\", \"location=entry:ruid&usrdom:username,domain&timer:partition,keepalive\")" : "",
                "modparam(\"usrloc\", \"db_mode\", " + dbMode + ")",
                "modparam(\"usrloc\", \"timer_interval\", " + timerInterval + ")",
                "modparam(\"registrar\", \"min_expires\", 1)",
                "request_route {",
                "    if (method == \"REGISTER\") {",
                "        if (!save(\"location\")) { sl_reply_error(); }",
                "        exit;",
                "    }",
                "    if (!lookup(\"location\")) { sl_send_reply(\"404\", \"Not Found\"); exit; }",
                "    t_relay();",
                "}", ""));
        proxy = Proxy.start(cfg, Map.of(), List.of());
        return proxy;
    }

    private void stop() {
        proxy.close();
        proxy = null;
    }

    private String contact() {
        return "sip:alice@127.0.0.1:" + phone.port;
    }

    /** alice registers the phone's address for {@code expires} seconds; the registrar's reply. */
    private SipMessage register(int expires) {
        int n = cseq++;
        phone.send("REGISTER sip:127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + phone.port + ";branch=z9hG4bK-reg" + n + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=r1\r\n"
                + "To: <sip:alice@127.0.0.1>\r\n"
                + "Call-ID: reg-alice@usrloc\r\n"
                + "CSeq: " + n + " REGISTER\r\n"
                + "Contact: <" + contact() + ">\r\n"
                + "Expires: " + expires + "\r\n"
                + "User-Agent: phone/1\r\n"
                + "Content-Length: 0\r\n\r\n");
        return phone.nextFinal(WAIT);
    }

    /** A request for alice goes through the proxy to the phone (lookup found the binding); the phone answers it. */
    private void reachesThePhone(String contact) {
        caller.send("OPTIONS sip:alice@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.port + ";branch=z9hG4bK-ask" + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:bob@127.0.0.1>;tag=b1\r\n"
                + "To: <sip:alice@127.0.0.1>\r\n"
                + "Call-ID: ask" + System.nanoTime() + "@usrloc\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n");
        SipMessage options = phone.nextRequest("OPTIONS", WAIT);
        assertThat(options.requestUriString()).isEqualTo(contact);
        phone.answer(options, 200, "OK");
        assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(200);
    }

    private DbResult rows() throws Exception {
        return db.query("location", null, Where.ALL, null);
    }

    /** Waits until the table has {@code n} rows. */
    private DbResult awaitRows(int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        DbResult r = rows();
        while (r.size() != n && System.nanoTime() < deadline) {
            Thread.sleep(50);
            r = rows();
        }
        assertThat(r.size()).as("rows in location").isEqualTo(n);
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "mysql", "postgres", "redis"})
    void writeBackKeepsTheRegistrationAcrossARestart(String kind) throws Exception {
        open(kind);
        start(2, 60);
        assertThat(register(600).statusCode()).isEqualTo(200);
        assertThat(rows().size()).as("mode 2 writes on the timer, not at once").isZero();
        stop(); // the last write-back
        DbResult r = awaitRows(1);
        assertThat(r.text(0, "username")).isEqualTo("alice");
        assertThat(r.get(0, "domain")).isNull(); // use_domain 0
        assertThat(r.text(0, "contact")).isEqualTo(contact());
        assertThat(r.text(0, "socket")).isEqualTo("udp:127.0.0.1:" + proxyPort);
        assertThat(r.text(0, "callid")).isEqualTo("reg-alice@usrloc");
        assertThat(r.text(0, "user_agent")).isEqualTo("phone/1");
        // no q: Q_UNSPECIFIED as Kamailio writes it, -0.001 (MariaDB's FLOAT(10,2) keeps -0.00 of it, as for Kamailio)
        assertThat(Math.round(((Number) r.get(0, "q")).doubleValue() * 1000)).isIn(-1L, 0L);
        LocalDateTime expires = local(r.get(0, "expires"));
        assertThat(expires).isBetween(LocalDateTime.now().plusSeconds(590), LocalDateTime.now().plusSeconds(601));

        start(2, 60);
        reachesThePhone(contact());
        assertThat(dumpedContacts()).containsExactly(contact());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "mysql", "postgres", "redis"})
    void writeThroughWritesEachChangeAtOnceAndKeepsItAcrossARestart(String kind) throws Exception {
        open(kind);
        start(1, 60);
        assertThat(register(600).statusCode()).isEqualTo(200);
        assertThat(rows().size()).as("written before the 200").isEqualTo(1);
        assertThat(register(0).statusCode()).isEqualTo(200);
        assertThat(rows().size()).as("deleted before the 200").isZero();
        assertThat(register(600).statusCode()).isEqualTo(200);
        assertThat(rows().size()).isEqualTo(1);
        stop();
        start(1, 60);
        reachesThePhone(contact());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "mysql", "postgres", "redis"})
    void dbOnlyReadsAndWritesTheTableForEachRequest(String kind) throws Exception {
        open(kind);
        start(3, 60);
        assertThat(register(600).statusCode()).isEqualTo(200);
        assertThat(rows().size()).as("written before the 200").isEqualTo(1);
        reachesThePhone(contact());
        db.update("location", Where.eq("username", "alice"), Map.of("contact", "sip:alice@127.0.0.1:" + phone.port + ";x=1"));
        reachesThePhone("sip:alice@127.0.0.1:" + phone.port + ";x=1"); // no cache: the row as it is now
        assertThat(dumpedContacts()).containsExactly("sip:alice@127.0.0.1:" + phone.port + ";x=1");
        stop();
        start(3, 60);
        reachesThePhone("sip:alice@127.0.0.1:" + phone.port + ";x=1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "mysql", "postgres", "redis"})
    void theTimerDeletesExpiredRows(String kind) throws Exception {
        open(kind);
        start(1, 1);
        assertThat(register(1).statusCode()).isEqualTo(200);
        awaitRows(1);
        awaitRows(0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "mysql", "postgres", "redis"})
    void rowsKamailioWroteAreRoutedTo(String kind) throws Exception {
        open(kind);
        // as Kamailio 5.6's db_sqlite writes a contact (use_domain 0): local DATETIME text, q a float
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ruid", "uloc-5f1e2d3c-1a2b-1");
        row.put("username", "alice");
        row.put("contact", contact());
        row.put("expires", datetime(LocalDateTime.now().plusSeconds(3600)));
        row.put("q", 0.5);
        row.put("callid", "kamailio-call@phone");
        row.put("cseq", 7);
        row.put("last_modified", datetime(LocalDateTime.now()));
        row.put("flags", 0);
        row.put("cflags", 64);
        row.put("user_agent", "kamailio-phone");
        row.put("socket", "udp:127.0.0.1:" + proxyPort);
        row.put("methods", 8191);
        row.put("reg_id", 0);
        row.put("server_id", 0);
        row.put("connection_id", -1);
        row.put("keepalive", 0);
        row.put("partition", 0);
        db.insert("location", row);
        // an expired one is not loaded
        row.put("ruid", "uloc-5f1e2d3c-1a2b-2");
        row.put("contact", "sip:alice@127.0.0.1:9");
        row.put("expires", datetime(LocalDateTime.now().minusSeconds(10)));
        db.insert("location", row);

        start(2, 60);
        reachesThePhone(contact());
        Map<String, Object> c = dumped().get(0);
        assertThat(c).containsEntry("Address", contact()).containsEntry("Q", 0.5).containsEntry("Call-ID", "kamailio-call@phone")
                .containsEntry("CSeq", 7L).containsEntry("CFlags", 64L).containsEntry("User-Agent", "kamailio-phone")
                .containsEntry("Socket", "udp:127.0.0.1:" + proxyPort).containsEntry("Ruid", "uloc-5f1e2d3c-1a2b-1");
        assertThat((Long) c.get("Expires")).isBetween(3500L, 3600L);
    }

    private List<String> dumpedContacts() {
        return dumped().stream().map(c -> (String) c.get("Address")).toList();
    }

    /** The Contact entries ul.dump lists. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> dumped() {
        Map<String, Object> dump = UlDump.dump(proxy.core());
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (Object d : (List<Object>) dump.get("Domains")) {
            Map<String, Object> domain = (Map<String, Object>) ((Map<String, Object>) d).get("Domain");
            for (Object a : (List<Object>) domain.get("AoRs")) {
                Map<String, Object> info = (Map<String, Object>) ((Map<String, Object>) a).get("Info");
                for (Object c : (List<Object>) info.get("Contacts")) {
                    out.add((Map<String, Object>) ((Map<String, Object>) c).get("Contact"));
                }
            }
        }
        return out;
    }
}
