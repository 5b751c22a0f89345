package io.sipway.proxy.module.acc;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * acc's database backend on a real proxy over a database made by {@link Schema} (SQLite; MariaDB and
 * PostgreSQL when their servers are there) with the
 * db_extra columns of Kamailio's default script added (its ACCDB_COMMENT's ALTER TABLEs): db_flag
 * writes an {@code acc} row when the call is answered, db_missed_flag a {@code missed_calls} row
 * when it fails, acc_db_request() a row of the request.
 */
@Timeout(60)
class AccDbTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final List<String> EXTRA = List.of("src_user", "src_domain", "src_ip", "dst_ouser", "dst_user", "dst_domain");

    @TempDir
    Path work;
    private String url;
    private Databases databases;
    private Database db;
    private int proxyPort;
    private SipPeer caller;
    private SipPeer callee;
    private Proxy proxy;

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

    /** A fresh database of that kind ("sqlite", "mysql", "postgres": skipped when its server is not there), and the proxy on it. */
    private void open(String kind) throws Exception {
        url = switch (kind) {
            case "mysql" -> TestDatabases.mysql();
            case "postgres" -> TestDatabases.postgres();
            default -> TestDatabases.sqlite();
        };
        databases = new Databases(2);
        db = databases.get(url);
        Schema.create(db, "acc", "missed_calls");
        for (String table : List.of("acc", "missed_calls")) {
            for (String c : EXTRA) {
                db.raw("ALTER TABLE " + table + " ADD COLUMN " + c + " VARCHAR(64) NOT NULL DEFAULT ''");
            }
        }
        int[] ports = FreePorts.udpAndTcp(3);
        proxyPort = ports[0];
        caller = new SipPeer(ports[1], proxyPort, "caller");
        callee = new SipPeer(ports[2], proxyPort, "callee");
        Path cfg = work.resolve("acc-db.cfg");
        Files.writeString(cfg, String.join("\n",
                "listen=udp:127.0.0.1:" + proxyPort,
                "loadmodule \"tm.so\"",
                "loadmodule \"" + io.sipway.proxy.db.DbUrl.parse(url).module() + ".so\"",
                "loadmodule \"sl.so\"",
                "loadmodule \"pv.so\"",
                "loadmodule \"acc.so\"",
                "modparam(\"acc\", \"db_url\", \"" + url + "\")",
                "modparam(\"acc\", \"db_flag\", 1)",
                "modparam(\"acc\", \"db_missed_flag\", 2)",
                // the default kamailio.cfg's
                "modparam(\"acc\", \"db_extra\", \"src_user=$fU;src_domain=$fd;src_ip=$si;\"",
                "    \"dst_ouser=$tU;dst_user=$rU;dst_domain=$rd\")",
                "request_route {",
                "    if (method == \"ACK\") { t_check_trans(); exit; }",
                "    if ($rU == \"accreq\") {",
                "        if (acc_db_request(\"202 Done here\", \"acc\")) { sl_send_reply(\"200\", \"ok\"); }",
                "        else { sl_send_reply(\"500\", \"not accounted\"); }",
                "        exit;",
                "    }",
                "    setflag(1);",
                "    setflag(2);",
                "    $du = \"sip:127.0.0.1:" + callee.port + "\";",
                "    t_relay();",
                "}", ""));
        proxy = Proxy.start(cfg, Map.of(), List.of());
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.close();
        }
        if (caller != null) {
            caller.close();
            callee.close();
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

    private String request(String method, String user, String callId) {
        return method + " sip:" + user + "@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.port + ";branch=z9hG4bK-" + callId + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: \"Alice\" <sip:alice@example.org>;tag=alice-tag\r\n"
                + "To: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + caller.port + ">\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** Waits until {@code table} has {@code n} rows. */
    private DbResult awaitRows(String table, int n) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        DbResult r = db.query(table, null, Where.ALL, null);
        while (r.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
            r = db.query(table, null, Where.ALL, null);
        }
        assertThat(r.size()).as("rows in " + table).isEqualTo(n);
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "mysql", "postgres"})
    void anAnsweredCallWithTheDbFlagIsARowOfAcc(String kind) throws Exception {
        open(kind);
        LocalDateTime before = LocalDateTime.now().withNano(0);
        caller.send(request("INVITE", "bob", "call-answered"));
        SipMessage invite = callee.nextRequest("INVITE", WAIT);
        callee.answer(invite, 200, "OK", "Contact: <sip:bob@127.0.0.1:" + callee.port + ">");
        assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(200);

        DbResult r = awaitRows("acc", 1);
        assertThat(r.text(0, "method")).isEqualTo("INVITE");
        assertThat(r.text(0, "from_tag")).isEqualTo("alice-tag");
        assertThat(r.text(0, "to_tag")).isEqualTo("callee");
        assertThat(r.text(0, "callid")).isEqualTo("call-answered");
        assertThat(r.text(0, "sip_code")).isEqualTo("200");
        assertThat(r.text(0, "sip_reason")).isEqualTo("OK");
        assertThat(local(r.get(0, "time"))).isBetween(before, LocalDateTime.now());
        assertThat(List.of(r.text(0, "src_user"), r.text(0, "src_domain"), r.text(0, "src_ip"), r.text(0, "dst_ouser"),
                r.text(0, "dst_user"), r.text(0, "dst_domain")))
                .containsExactly("alice", "example.org", "127.0.0.1", "bob", "bob", "127.0.0.1");
        assertThat(db.query("missed_calls", null, Where.ALL, null).size()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "mysql", "postgres"})
    void aFailedCallWithTheDbMissedFlagIsARowOfMissedCalls(String kind) throws Exception {
        open(kind);
        caller.send(request("INVITE", "bob", "call-busy"));
        SipMessage invite = callee.nextRequest("INVITE", WAIT);
        callee.answer(invite, 486, "Busy Here");
        assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(486);

        DbResult r = awaitRows("missed_calls", 1);
        assertThat(r.text(0, "method")).isEqualTo("INVITE");
        assertThat(r.text(0, "to_tag")).isEqualTo("callee");
        assertThat(r.text(0, "callid")).isEqualTo("call-busy");
        assertThat(r.text(0, "sip_code")).isEqualTo("486");
        assertThat(r.text(0, "sip_reason")).isEqualTo("Busy Here");
        assertThat(r.text(0, "dst_user")).isEqualTo("bob");
        Thread.sleep(200);
        // one missed call (the flag is reset by the record); no acc row without failed_transaction_flag
        assertThat(db.query("missed_calls", null, Where.ALL, null).size()).isEqualTo(1);
        assertThat(db.query("acc", null, Where.ALL, null).size()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "mysql", "postgres"})
    void accDbRequestWritesTheRequestWithTheCommentsCodeAndReason(String kind) throws Exception {
        open(kind);
        caller.send(request("MESSAGE", "accreq", "msg-1"));
        assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(200);
        DbResult r = awaitRows("acc", 1);
        assertThat(r.text(0, "method")).isEqualTo("MESSAGE");
        assertThat(r.text(0, "sip_code")).isEqualTo("202");
        assertThat(r.text(0, "sip_reason")).isEqualTo("Done here");
        assertThat(r.text(0, "to_tag")).isEmpty();
        assertThat(r.text(0, "src_user")).isEqualTo("alice");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "mysql", "postgres"})
    void accDbRequestFailsWhenTheTableIsNotThere(String kind) throws Exception {
        open(kind);
        db.raw("DROP TABLE acc");
        caller.send(request("MESSAGE", "accreq", "msg-2"));
        SipMessage reply = caller.nextFinal(WAIT);
        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(proxy.core().stats()).containsEntry("acc:db_records_failed", 1L);
    }
}
