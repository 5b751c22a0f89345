package io.sipway.proxy.module.usrloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.core.Signature;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.DbUrl;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.proxy.db.Where;
import io.sipway.proxy.location.Binding;
import io.sipway.proxy.location.DbLocationStore;
import io.sipway.proxy.location.LocationRows;
import io.sipway.proxy.tm.SipPeer;
import io.sipway.sip.SipMessage;
import io.sipway.transport.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A registrar with usrloc db_mode 3 (no cache) on a table other instances share (issue 18): a
 * REGISTER refreshing one binding writes that row only, leaving another instance's row as it wrote
 * it; and when the database stops answering, save() and lookup() fail at once, as usrloc's failures.
 */
@Timeout(60)
class DbOnlyRegistrarTest {
    private static final Duration WAIT = Duration.ofSeconds(3);

    @TempDir
    Path work;
    private Databases databases;
    private Database db;
    private String url;
    private Proxy proxy;
    private SipPeer phone;
    private SipPeer caller;
    private int proxyPort;
    private Process redis;
    private int cseq = 1;

    @AfterEach
    void tearDown() throws Exception {
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
        stopRedis();
    }

    private void open(String dbUrl) throws Exception {
        url = dbUrl;
        databases = new Databases(2);
        db = databases.get(url);
        Schema.create(db, "location");
    }

    /** A registrar with core server_id 2, usrloc db_mode 3 on {@link #url}. */
    private void start() throws Exception {
        int[] ports = FreePorts.udpAndTcp(3);
        proxyPort = ports[0];
        phone = new SipPeer(ports[1], proxyPort, "phone");
        caller = new SipPeer(ports[2], proxyPort, "caller");
        Path cfg = work.resolve("db-only.cfg");
        Files.writeString(cfg, String.join("\n",
                "server_id=2",
                "listen=udp:127.0.0.1:" + proxyPort,
                "loadmodule \"tm.so\"",
                "loadmodule \"" + DbUrl.parse(url).module() + ".so\"",
                "loadmodule \"sl.so\"",
                "loadmodule \"pv.so\"",
                "loadmodule \"usrloc.so\"",
                "loadmodule \"registrar.so\"",
                url.startsWith("redis") ? "modparam(\"db_redis\", \"keys\", \"location=entry:ruid&usrdom:username,domain&timer:partition,keepalive\")" : "",
                "modparam(\"usrloc\", \"db_url\", \"" + url + "\")",
                "modparam(\"usrloc\", \"db_mode\", 3)",
                "modparam(\"usrloc\", \"server_id_filter\", 1)",
                "request_route {",
                "    if (method == \"REGISTER\") { save(\"location\"); exit; }",
                "    $var(r) = lookup(\"location\");",
                "    if ($var(r) < 0) { sl_send_reply(\"404\", \"lookup $var(r)\"); exit; }",
                "    t_relay();",
                "}", ""));
        proxy = Proxy.start(cfg, Map.of(), List.of());
    }

    /** alice registers the phone's address for {@code expires} seconds (one Call-ID, CSeq going up); the reply. */
    private SipMessage register(int expires) {
        int n = cseq++;
        phone.send("REGISTER sip:127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + phone.port + ";branch=z9hG4bK-reg" + n + "-" + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=r1\r\nTo: <sip:alice@127.0.0.1>\r\n"
                + "Call-ID: reg-alice@dbonly\r\nCSeq: " + n + " REGISTER\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + phone.port + ">\r\nExpires: " + expires + "\r\nContent-Length: 0\r\n\r\n");
        return phone.nextFinal(WAIT);
    }

    /** The rows of the table by contact: {server_id, expires as read}. */
    private Map<String, List<Object>> rows() throws Exception {
        DbResult r = db.query("location", null, Where.ALL, null);
        Map<String, List<Object>> out = new HashMap<>();
        for (int i = 0; i < r.size(); i++) {
            out.put(r.text(i, "contact"), List.of(r.number(i, "server_id", -1), String.valueOf(r.get(i, "expires"))));
        }
        return out;
    }

    /**
     * Copies of one REGISTER (one Call-ID and CSeq) arriving at once are handled by several workers
     * while the first still writes: usrloc's AoR lock makes the second see the first's row, so the
     * table keeps one row (without it, each copy found none and inserted its own).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "redis"})
    void copiesOfOneRegisterAtOnceLeaveOneRow(String kind) throws Exception {
        open(kind.equals("redis") ? TestDatabases.redis() : TestDatabases.postgres());
        start();
        String register = "REGISTER sip:127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + phone.port + ";branch=z9hG4bK-copies%d\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:bob@127.0.0.1>;tag=r1\r\nTo: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: reg-bob@dbonly\r\nCSeq: 1 REGISTER\r\n"
                + "Contact: <sip:bob@127.0.0.1:" + phone.port + ">\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n";
        for (int i = 0; i < 8; i++) {
            phone.send(String.format(register, i)); // each its own branch: none is taken for another's retransmission
        }
        for (int i = 0; i < 8; i++) {
            assertThat(phone.nextFinal(WAIT).statusCode()).isEqualTo(200);
        }
        assertThat(db.query("location", List.of("ruid"), Where.eq("username", "bob"), null).size()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "redis"})
    void aRefreshThatChangesOnlyTheExpiryWritesOnlyThatRow(String kind) throws Exception {
        open(kind.equals("redis") ? TestDatabases.redis() : TestDatabases.postgres());
        start();
        // another instance (server_id 1) registered alice's desk phone in the shared table
        long now = System.currentTimeMillis();
        Binding desk = new Binding("sip:alice@10.0.0.1", null, null, now + 600_000, -1f, "desk-call", 1, 0, "desk/1", null,
                Protocol.UDP, 0, "uloc-desk-1", now, null, 0, 0);
        db.insert("location", LocationRows.row("alice", desk, false, false, 1));
        List<Object> deskRow = rows().get("sip:alice@10.0.0.1");

        assertThat(register(600).statusCode()).isEqualTo(200);
        String mine = "sip:alice@127.0.0.1:" + phone.port;
        assertThat(rows()).as("its own row has its server_id").containsEntry("sip:alice@10.0.0.1", deskRow)
                .hasEntrySatisfying(mine, v -> assertThat(v.get(0)).isEqualTo(2L));
        Object before = rows().get(mine).get(1);

        SipMessage ok = register(1200);
        assertThat(ok.headers("Contact")).hasSize(2);
        Map<String, List<Object>> after = rows();
        assertThat(after.get(mine).get(1)).as("the refreshed row's expires").isNotEqualTo(before);
        assertThat(after.get("sip:alice@10.0.0.1")).as("the other instance's row, untouched").isEqualTo(deskRow);
    }

    /** A private redis-server on {@code port}, nothing saved; skipped when there is no redis-server. */
    private void startRedis(int port) throws Exception {
        try {
            redis = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--daemonize", "no").redirectErrorStream(true).redirectOutput(work.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            Assumptions.abort("no redis-server: " + e.getMessage());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("redis-server on " + port + " did not start: " + Files.readString(work.resolve("redis.log")));
                }
                Thread.sleep(50);
            }
        }
    }

    private void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroy();
            redis.waitFor();
            redis = null;
        }
    }

    /**
     * Read from Kamailio 5.6.3 (db_redis, db_mode 3, its Redis stopped): save() answers at once
     * "500 Server Internal Error" with P-Registrar-Error "usrloc_contact_insert failed", also for an AoR
     * that had bindings (the failed read finds none, so the contact is inserted, which fails).
     * lookup(): Kamailio 5.6.3 returns -1 there (get_urecord's failed query is "not found"); Sipway
     * returns -3 so that a script can answer a 5xx rather than 404 (issue 18's "fail fast with a 5xx").
     */
    @Test
    void withTheDatabaseStoppedSaveAnswers500AndLookupReturnsMinus3AtOnce() throws Exception {
        int port = FreePorts.udpAndTcp();
        startRedis(port);
        open("redis://127.0.0.1:" + port + "/0");
        start();
        assertThat(register(600).statusCode()).isEqualTo(200);
        stopRedis();

        long t0 = System.nanoTime();
        SipMessage r = register(600);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to the reply").isLessThan(1500);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.reasonPhrase()).isEqualTo("Server Internal Error");
        String text = new String(r.toBytes(), StandardCharsets.UTF_8);
        assertThat(text.substring(text.indexOf("\r\n", text.indexOf("CSeq: ")) + 2))
                .isEqualTo("P-Registrar-Error: usrloc_contact_insert failed\r\n" + Signature.serverHeader() + "\r\nContent-Length: 0\r\n\r\n");

        t0 = System.nanoTime();
        caller.send("INVITE sip:alice@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.port + ";branch=z9hG4bK-inv" + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:bob@127.0.0.1>;tag=b1\r\nTo: <sip:alice@127.0.0.1>\r\n"
                + "Call-ID: inv-" + System.nanoTime() + "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
        SipMessage answer = caller.nextFinal(WAIT);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to the answer").isLessThan(1500);
        assertThat(answer.statusCode() + " " + answer.reasonPhrase()).isEqualTo("404 lookup -3");

        // Redis back (empty: nothing was saved): the next REGISTERs are answered 200 again
        startRedis(port);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int code = register(600).statusCode();
        while (code != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            code = register(600).statusCode();
        }
        assertThat(code).isEqualTo(200);
    }
}
