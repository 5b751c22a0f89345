package io.sipway.proxy.module.usrloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.proxy.db.Where;
import io.sipway.proxy.tm.SipPeer;
import io.sipway.sip.SipMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kamailio 5.6 and Sipway share one location table on MariaDB, and on Redis in db_redis' layout:
 * what Kamailio registered (usrloc db_mode 1) Sipway routes to after it loads the table (db_mode 2),
 * and what Sipway registered Kamailio routes to. Runs when Kamailio (with db_mysql, db_redis) is
 * installed and the server of {@link TestDatabases} answers.
 */
@Timeout(90)
class KamailioLocationInteropTest {
    private static final Path KAMAILIO = Path.of("/usr/sbin/kamailio");
    private static final Path MODULES = Path.of("/usr/lib/x86_64-linux-gnu/kamailio/modules");
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** Debian's kamailio-redis-modules: db_redis' table files. */
    private static final Path REDIS_SCHEMA = Path.of("/usr/share/kamailio/db_redis/kamailio");

    @TempDir
    Path work;
    private Databases databases;
    private Process kamailio;
    private Proxy proxy;
    private SipPeer phone;
    private SipPeer caller;

    @AfterEach
    void tearDown() throws Exception {
        stopKamailio();
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

    private static String script(int port, String url, int dbMode, boolean kamailio) {
        return String.join("\n",
                "#!KAMAILIO",
                kamailio ? "mpath=\"" + MODULES + "/\"" : "",
                "loadmodule \"" + io.sipway.proxy.db.DbUrl.parse(url).module() + ".so\"",
                url.startsWith("redis") ? "modparam(\"db_redis\", \"schema_path\", \"" + REDIS_SCHEMA + "\")" : "",
                url.startsWith("redis") ? "modparam(\"db_redis\", \"keys\", \"version=entry:table_name\")" : "",
                url.startsWith("redis")
                        ? "modparam(\"db_redis\", \"keys\", \"location=entry:ruid&usrdom:username,domain&timer:partition,keepalive\")" : "",
                "listen=udp:127.0.0.1:" + port,
                "loadmodule \"tm.so\"",
                "loadmodule \"sl.so\"",
                "loadmodule \"pv.so\"",
                "loadmodule \"usrloc.so\"",
                "loadmodule \"registrar.so\"",
                "modparam(\"usrloc\", \"db_url\", \"" + url + "\")",
                "modparam(\"usrloc\", \"db_mode\", " + dbMode + ")",
                "request_route {",
                "    if (method == \"REGISTER\") {",
                "        if (!save(\"location\")) { sl_reply_error(); }",
                "        exit;",
                "    }",
                "    if (!lookup(\"location\")) { sl_send_reply(\"404\", \"Not Found\"); exit; }",
                "    t_relay();",
                "}", "");
    }

    private void startKamailio(int port, String url, int dbMode) throws Exception {
        Path cfg = work.resolve("kamailio-" + dbMode + ".cfg");
        Files.writeString(cfg, script(port, url, dbMode, true));
        Path run = Files.createDirectories(work.resolve("run"));
        kamailio = new ProcessBuilder(KAMAILIO.toString(), "-f", cfg.toString(), "-DD", "-E", "-n", "1", "-m", "32", "-M", "8",
                "-Y", run.toString(), "-w", work.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("kamailio.log").toFile()).start();
    }

    private void stopKamailio() throws Exception {
        if (kamailio != null) {
            kamailio.destroy(); // SIGTERM: usrloc's destroy runs
            if (!kamailio.waitFor(10, TimeUnit.SECONDS)) {
                kamailio.destroyForcibly();
            }
            kamailio = null;
        }
    }

    private SipMessage register(int proxyPort, String user) {
        phone.send("REGISTER sip:127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + phone.port + ";branch=z9hG4bK-reg" + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@127.0.0.1>;tag=r1\r\n"
                + "To: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: reg-" + user + "@interop\r\n"
                + "CSeq: 1 REGISTER\r\n"
                + "Contact: <sip:" + user + "@127.0.0.1:" + phone.port + ">;q=0.5\r\n"
                + "Expires: 600\r\n"
                + "Content-Length: 0\r\n\r\n");
        return phone.nextFinal(WAIT);
    }

    /** A request for {@code user} sent until the registrar answers (Kamailio needs a moment to start), then reaching the phone. */
    private void reachesThePhone(int proxyPort, String user) {
        SipMessage options = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (options == null && System.nanoTime() < deadline) {
            caller.send("OPTIONS sip:" + user + "@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.port + ";branch=z9hG4bK-ask" + System.nanoTime() + "\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:caller@127.0.0.1>;tag=c1\r\n"
                    + "To: <sip:" + user + "@127.0.0.1>\r\n"
                    + "Call-ID: ask" + System.nanoTime() + "@interop\r\n"
                    + "CSeq: 1 OPTIONS\r\n"
                    + "Content-Length: 0\r\n\r\n");
            options = phone.poll(Duration.ofMillis(500));
        }
        assertThat(options).as("the request reached the registered phone").isNotNull();
        assertThat(options.requestUriString()).isEqualTo("sip:" + user + "@127.0.0.1:" + phone.port);
    }

    private void waitForKamailio(int port) {
        // the phone registers once Kamailio answers
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            phone.send("OPTIONS sip:ping@127.0.0.1:" + port + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + phone.port + ";branch=z9hG4bK-ping" + System.nanoTime() + "\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:phone@127.0.0.1>;tag=p1\r\n"
                    + "To: <sip:ping@127.0.0.1>\r\n"
                    + "Call-ID: ping" + System.nanoTime() + "@interop\r\n"
                    + "CSeq: 1 OPTIONS\r\n"
                    + "Content-Length: 0\r\n\r\n");
            if (phone.poll(Duration.ofMillis(500)) != null) {
                return;
            }
        }
        throw new AssertionError("Kamailio did not answer");
    }

    @Test
    void kamailioAndSipwayReadEachOthersRegistrations() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(KAMAILIO) && Files.exists(MODULES.resolve("db_mysql.so")), "Kamailio with db_mysql");
        shareTheLocationTable(TestDatabases.mysql());
    }

    /** Kamailio's db_redis and Sipway's read each other's rows: hashes, mapping sets and values as text. */
    @Test
    void kamailioAndSipwayReadEachOthersRegistrationsOnRedis() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(KAMAILIO) && Files.exists(MODULES.resolve("db_redis.so"))
                && Files.isDirectory(REDIS_SCHEMA), "Kamailio with db_redis");
        shareTheLocationTable(TestDatabases.redis());
    }

    private void shareTheLocationTable(String url) throws Exception {
        databases = new Databases(2);
        Database db = databases.get(url);
        Schema.create(db, "location");
        int[] ports = FreePorts.udpAndTcp(3);
        int port = ports[0];
        phone = new SipPeer(ports[1], port, "phone");
        caller = new SipPeer(ports[2], port, "caller");

        // Kamailio writes through, Sipway loads
        startKamailio(port, url, 1);
        waitForKamailio(port);
        assertThat(register(port, "alice").statusCode()).isEqualTo(200);
        stopKamailio();
        assertThat(db.query("location", null, Where.eq("username", "alice"), null).size()).isEqualTo(1);
        Path sipwayCfg = work.resolve("sipway.cfg");
        Files.writeString(sipwayCfg, script(port, url, 2, false));
        proxy = Proxy.start(sipwayCfg, Map.of(), List.of());
        reachesThePhone(port, "alice");
        assertThat(UlDump.dump(proxy.core()).toString()).contains("Q=0.5").contains("Socket=udp:127.0.0.1:" + port);

        // Sipway writes (at its stop), Kamailio loads
        assertThat(register(port, "bob").statusCode()).isEqualTo(200);
        proxy.close();
        proxy = null;
        startKamailio(port, url, 2);
        waitForKamailio(port);
        reachesThePhone(port, "bob");
        reachesThePhone(port, "alice");
    }
}
