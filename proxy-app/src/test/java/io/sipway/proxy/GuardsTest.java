package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The modules that guard a registrar, on a real proxy on loopback over a real SQLite database made
 * with Kamailio's schema (src/test/resources/guards/guards.cfg): permissions' address and trusted
 * tables and their reload, pike blocking a flooding source and releasing it, domain's local
 * domains (and register_myself), alias_db rewriting the Request-URI. Each route answers with the
 * function's verdict in the reason phrase.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GuardsTest {
    private static final String LOOPBACK = "127.0.0.1";
    private static final AtomicInteger SEQ = new AtomicInteger();

    @TempDir
    Path work;

    private Databases databases;
    private Database db;
    private String url;
    private Proxy proxy;
    private InetSocketAddress proxyAddress;
    private final List<DatagramSocket> sockets = new ArrayList<>();

    /**
     * The SQLite driver's first connection unpacks and loads its native library, which on a busy
     * machine takes longer than the pool's 1 s connection timeout: done once here, before any pool.
     */
    @BeforeAll
    static void loadTheSqliteDriver() throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite::memory:")) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @BeforeEach
    void database() throws Exception {
        url = TestDatabases.sqlite();
        databases = new Databases(2);
        db = databases.get(url);
        Schema.create(db, "address", "trusted", "domain", "domain_attrs", "dbaliases");
    }

    @AfterEach
    void stop() throws Exception {
        sockets.forEach(DatagramSocket::close);
        if (proxy != null) {
            proxy.close();
        }
        databases.close();
    }

    private void start() throws Exception {
        MovedPorts ports = MovedPorts.of(5060);
        proxy = Proxy.start(ports.script(Path.of("src/test/resources/guards/guards.cfg").toAbsolutePath(), work),
                Map.of("DBURL", "\"" + url + "\""), List.of());
        proxyAddress = new InetSocketAddress(LOOPBACK, ports.get(5060));
    }

    private DatagramSocket socket() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        s.setSoTimeout(5000);
        sockets.add(s);
        return s;
    }

    private void row(String table, Object... kv) throws Exception {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        db.insert(table, m);
    }

    /** An OPTIONS from {@code s}; the final reply's "code reason". */
    private String ask(DatagramSocket s, String ruri, String from, String to) throws Exception {
        int n = SEQ.incrementAndGet();
        String req = "OPTIONS " + ruri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort() + ";branch=z9hG4bK-guards-" + n + "\r\n"
                + "From: <" + from + ">;tag=f" + n + "\r\n"
                + "To: <" + to + ">\r\n"
                + "Call-ID: guards-" + n + "@test\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        byte[] b = req.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, proxyAddress));
        while (true) {
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            s.receive(p);
            SipMessage reply = SipParser.parse(java.util.Arrays.copyOf(p.getData(), p.getLength()));
            if (reply.callId().equals("guards-" + n + "@test") && reply.statusCode() >= 200) {
                return reply.statusCode() + " " + reply.reasonPhrase();
            }
        }
    }

    private String ask(DatagramSocket s, String user) throws Exception {
        return ask(s, "sip:" + user + "@" + LOOPBACK, "sip:caller@" + LOOPBACK, "sip:" + user + "@" + LOOPBACK);
    }

    private Object rpc(String module, String method) throws Exception {
        ModuleExports t = proxy.tables().stream().filter(x -> x.name().equals(module)).findFirst().orElseThrow();
        return t.rpcs().get(method).handler().call(List.of());
    }

    @Test
    void anAddressTableSourceIsAllowedByAddressPortSubnetAndGroup() throws Exception {
        DatagramSocket gateway = socket();
        DatagramSocket other = socket();
        row("address", "grp", 1, "ip_addr", LOOPBACK, "mask", 32, "port", gateway.getLocalPort(), "tag", "gw-a");
        row("address", "grp", 2, "ip_addr", "127.0.0.0", "mask", 8, "port", 0, "tag", "office");
        row("address", "grp", 4, "ip_addr", "pbx.example.com", "mask", 32, "port", 0, "tag", "pbx");
        start();

        assertThat(ask(gateway, "source")).isEqualTo("200 allowed gw-a");
        assertThat(ask(other, "source")).as("same IP, another port").isEqualTo("403 denied");
        assertThat(ask(other, "office")).as("group 2's subnet, any port").isEqualTo("200 allowed office");
        assertThat(ask(gateway, "group")).isEqualTo("200 group 1");
        assertThat(ask(other, "group")).isEqualTo("200 group 2");
        assertThat(ask(other, "sip:named@" + LOOPBACK, "sip:x@pbx.example.com", "sip:named@" + LOOPBACK)).isEqualTo("200 allowed pbx");
        assertThat(ask(other, "sip:named@" + LOOPBACK, "sip:x@evil.example.com", "sip:named@" + LOOPBACK)).isEqualTo("403 denied");
    }

    @Test
    void aReloadByRpcSeesANewRow() throws Exception {
        DatagramSocket s = socket();
        start();
        assertThat(ask(s, "source")).isEqualTo("403 denied");

        row("address", "grp", 1, "ip_addr", LOOPBACK, "mask", 32, "port", s.getLocalPort(), "tag", "new");
        assertThat(ask(s, "source")).as("cached until reloaded").isEqualTo("403 denied");
        assertThat(rpc("permissions", "permissions.addressReload")).isEqualTo("Reload OK");
        assertThat(ask(s, "source")).isEqualTo("200 allowed new");
        assertThat(rpc("permissions", "permissions.addressDump")).asString().contains("ip=127.0.0.1", "tag=new");
    }

    @Test
    void trustedRowsMatchSourceProtocolAndFromPattern() throws Exception {
        DatagramSocket s = socket();
        row("trusted", "src_ip", LOOPBACK, "proto", "udp", "from_pattern", "^sip:alice@", "tag", "alice-peer", "priority", 0);
        row("trusted", "src_ip", LOOPBACK, "proto", "tcp", "from_pattern", "^sip:bob@", "tag", "bob-tcp", "priority", 0);
        start();
        assertThat(ask(s, "sip:trusted@" + LOOPBACK, "sip:alice@example.com", "sip:trusted@" + LOOPBACK)).isEqualTo("200 trusted alice-peer");
        assertThat(ask(s, "sip:trusted@" + LOOPBACK, "sip:bob@example.com", "sip:trusted@" + LOOPBACK))
                .as("bob is trusted over TCP only").isEqualTo("403 untrusted");

        row("trusted", "src_ip", LOOPBACK, "proto", "any", "tag", "everyone", "priority", 5);
        assertThat(rpc("permissions", "permissions.trustedReload")).isEqualTo("Reload OK");
        assertThat(ask(s, "sip:trusted@" + LOOPBACK, "sip:bob@example.com", "sip:trusted@" + LOOPBACK)).isEqualTo("200 trusted everyone");
    }

    @Test
    void localDomainsComeFromTheDomainTableAndAreMyselfWithRegisterMyself() throws Exception {
        DatagramSocket s = socket();
        row("domain", "domain", "example.com");
        start();
        assertThat(ask(s, "sip:local@Example.COM", "sip:a@example.com", "sip:b@foreign.org"))
                .isEqualTo("200 from-local uri-local myself to-foreign");
        assertThat(ask(s, "sip:local@foreign.org", "sip:a@foreign.org", "sip:b@example.com"))
                .isEqualTo("200 from-foreign uri-foreign not-myself to-local");

        row("domain", "domain", "foreign.org");
        assertThat(rpc("domain", "domain.reload")).isNull();
        assertThat(ask(s, "sip:local@foreign.org", "sip:a@foreign.org", "sip:b@example.com"))
                .isEqualTo("200 from-local uri-local myself to-local");
    }

    @Test
    void aliasDbRewritesTheRequestUri() throws Exception {
        DatagramSocket s = socket();
        row("dbaliases", "alias_username", "support", "alias_domain", "example.com", "username", "alice", "domain", "example.net");
        start();
        assertThat(ask(s, "sip:support@example.com", "sip:c@" + LOOPBACK, "sip:support@example.com"))
                .isEqualTo("200 alias sip:alice@example.net");
        assertThat(ask(s, "sip:support@example.org", "sip:c@" + LOOPBACK, "sip:support@example.org"))
                .as("use_domain=1: the host must match too").isEqualTo("404 no alias sip:support@example.org");
        assertThat(ask(s, "sip:find@example.com", "sip:c@" + LOOPBACK, "sip:support@example.com"))
                .as("alias_db_find writes the canonical URI of the To URI's alias").isEqualTo("200 found sip:alice@example.net");
    }

    @Test
    void pikeBlocksAFloodingSourceAndReleasesItWhenItStops() throws Exception {
        DatagramSocket s = socket();
        start();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            answers.add(ask(s, "flood"));
        }
        int blocked = answers.indexOf("403 pike -2");
        assertThat(blocked).as(answers.toString()).isGreaterThan(16);
        assertThat(answers.subList(0, blocked)).containsOnly("200 pike 1");
        assertThat(answers.subList(blocked + 1, answers.size())).containsOnly("403 pike -1");
        assertThat(proxy.core().stat("pike:blocked_ips")).isEqualTo(1);

        Thread.sleep(3_200); // two quiet sampling units of 1 s (and the timer's phase)
        assertThat(ask(s, "flood")).isEqualTo("200 pike 1");
    }

    /** The same tables on the SQL servers Kamailio's users run (skipped when the server is not there, unless CI requires it). */
    @ParameterizedTest
    @ValueSource(strings = {"mysql", "postgres"})
    void theSameTablesServeFromMariaDbAndPostgres(String server) throws Exception {
        databases.close();
        url = server.equals("mysql") ? TestDatabases.mysql() : TestDatabases.postgres();
        databases = new Databases(2);
        db = databases.get(url);
        Schema.create(db, "address", "trusted", "domain", "domain_attrs", "dbaliases");
        DatagramSocket gateway = socket();
        // Kamailio's port column is a SMALLINT: an ephemeral port does not fit in PostgreSQL's, so any port here
        row("address", "grp", 1, "ip_addr", LOOPBACK, "mask", 32, "port", 0, "tag", "gw-a");
        row("address", "grp", 2, "ip_addr", "127.0.0.0", "mask", 8, "port", 0, "tag", "office");
        row("domain", "domain", "example.com");
        row("dbaliases", "alias_username", "support", "alias_domain", "example.com", "username", "alice", "domain", "example.net");
        start();
        assertThat(ask(gateway, "source")).isEqualTo("200 allowed gw-a");
        assertThat(ask(socket(), "office")).isEqualTo("200 allowed office");
        assertThat(ask(gateway, "sip:local@example.com", "sip:a@example.com", "sip:b@foreign.org"))
                .isEqualTo("200 from-local uri-local myself to-foreign");
        assertThat(ask(gateway, "sip:support@example.com", "sip:c@" + LOOPBACK, "sip:support@example.com"))
                .isEqualTo("200 alias sip:alice@example.net");
    }

    @Test
    void aDatabaseThatIsDownKeepsTheProxyFromStarting() throws Exception {
        int closed = FreePorts.udpAndTcp(1)[0];
        url = "mysql://kamailio:secret@127.0.0.1:" + closed + "/kamailio";
        assertThatThrownBy(this::start).isInstanceOf(ProxyStartException.class).hasMessageContaining("127.0.0.1:" + closed);
    }
}
