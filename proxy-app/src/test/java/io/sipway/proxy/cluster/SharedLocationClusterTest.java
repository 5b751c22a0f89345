package io.sipway.proxy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Sipp;
import io.sipway.proxy.cli.Main;
import io.sipway.proxy.cluster.ClusterNode.Kind;
import io.sipway.proxy.db.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Past one machine (issue 18): two edge proxies (examples/cfg/edge.cfg) that hold the browsers'
 * WebSocket connections and two registrars (examples/cfg/registrar.cfg, usrloc db_mode 3) sharing
 * one location store, each a process of its own on an address of its own (127.18.N.x), the scripts
 * run unchanged. 200 browsers register through both edges; SIPp calls every one of them through the
 * first edge, whose dispatcher hands each call to either registrar; the registrar finds the browser
 * in the store and sends the call along its Path to the edge holding its connection.
 *
 * <p>Then what an operator fears: a registrar killed in the middle of calls, an edge killed (its
 * browsers reconnect to the other one), the store stopped for 10 seconds; and the store shared with
 * Kamailio 5.6.3 in either tier.
 */
@Timeout(600)
class SharedLocationClusterTest {
    private static final Path EXAMPLES = Path.of("../examples/cfg").toAbsolutePath().normalize();
    private static final int BROWSERS = 200;
    /** The browsers' registration interval (Expires), seconds. */
    private static final int EXPIRES = 120;
    private static final Pattern AOR = Pattern.compile("\"AoR\"\\s*:");

    @TempDir
    Path work;
    private Sipp sipp;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(16);

    /** The four proxies of one test, the browsers, and where SIPp sends its calls. */
    private record Cluster(List<ClusterNode> edges, List<ClusterNode> registrars, List<Browser> browsers) {
    }

    @BeforeEach
    void setUp() {
        sipp = new Sipp(Sipp.requireInstalled(), work);
    }

    @AfterEach
    void tearDown() throws Exception {
        sipp.stopAll();
        pool.shutdownNow();
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void sipwayEdgesAndRegistrarsOnRedisSurviveALostRegistrarAndALostEdge() throws Exception {
        Cluster c = start(1, Kind.SIPWAY, Kind.SIPWAY, TestDatabases.redis(), false);
        assertThat(registrations(c.registrars().get(0))).as("ul.dump on the first registrar").isEqualTo(BROWSERS);
        assertThat(registrations(c.registrars().get(1))).as("ul.dump on the second registrar").isEqualTo(BROWSERS);
        assertThat(metrics(c.registrars().get(1))).contains("instance=\"" + hostPort(c.registrars().get(1)) + "\",server_id=\"12\"");

        callEveryone(c, "all", 50);

        // a registrar dies in the middle of calls: the edge's dispatcher takes the next one for what the
        // dead one did not answer (fr_timer), and its probing stops giving it calls
        Future<Sipp.SippResult> calls = pool.submit(() -> calls(c, "across-kill", 20));
        Thread.sleep(3000);
        c.registrars().get(0).kill();
        Sipp.SippResult across = calls.get(90, TimeUnit.SECONDS);
        assertThat(across.successful()).as(across.describe()).isEqualTo(BROWSERS);
        assertThat(across.failed()).as(across.describe()).isZero();
        assertThat(registrations(c.registrars().get(1))).as("registrations kept in the store").isEqualTo(BROWSERS);
        // the operator's view of it: the edge's dispatcher has the dead registrar inactive and probing (IP)
        assertThat(rpc(c.edges().get(0), "dispatcher.list")).containsPattern(
                "\"URI\"\\s*:\\s*\"sip:" + Pattern.quote(hostPort(c.registrars().get(0))) + "\"\\s*,\\s*\"FLAGS\"\\s*:\\s*\"IP\"");

        // an edge dies: its browsers' connections drop, they connect to the other edge and register
        // again; within one registration interval every one of them takes calls again
        long killed = System.nanoTime();
        c.edges().get(1).kill();
        long seen = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.browsers().stream().anyMatch(b -> b.edge() == 1 && b.connected()) && System.nanoTime() < seen) {
            Thread.sleep(50); // the browsers learn of it as their connections close
        }
        awaitRegistered(c.browsers(), Duration.ofSeconds(EXPIRES));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(c.browsers()).allSatisfy(b -> assertThat(b.edge()).isZero());
        assertThat(took).as("browsers back in ms").isLessThan(EXPIRES * 1000L);
        System.out.printf("cluster: %d browsers of the lost edge registered again through the other in %d ms%n", BROWSERS / 2, took);
        callEveryone(c, "after-edge-loss", 50);
    }

    @Test
    void theStoreStoppedTenSecondsFailsCallsFastAndLosesNothing() throws Exception {
        if (!PrivateRedis.installed()) {
            if (System.getenv("CI") != null) {
                throw new AssertionError("redis-server is not installed but CI is set (.ci/run installs it)");
            }
            Assumptions.abort("redis-server is not installed");
        }
        PrivateRedis redis = new PrivateRedis(FreePorts.udpAndTcp(), work.resolve("redis"));
        redis.start();
        running.add(redis);
        Cluster c = start(2, Kind.SIPWAY, Kind.SIPWAY, redis.url(1), false);
        callEveryone(c, "before", 50);

        redis.kill();
        long stopped = System.nanoTime();
        List<Integer> codes = new ArrayList<>();
        while (System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(10)) {
            ProbeCall.Outcome o = ProbeCall.call(c.edges().get(0).sip, "u" + codes.size() % BROWSERS, Duration.ofSeconds(8));
            assertThat(o.code()).as("a call while the store is down: " + o).isBetween(500, 599);
            assertThat(o.millis()).as("answered in ms").isLessThan(4000);
            System.out.printf("cluster: store down: a call answered %d in %d ms%n", o.code(), o.millis());
            codes.add(o.code());
            Thread.sleep(500);
        }
        assertThat(codes).hasSizeGreaterThan(5);
        System.out.printf("cluster: store down 10 s: %d calls answered %s%n", codes.size(), codes);
        redis.start();
        awaitStoreBack(c, Duration.ofSeconds(20));
        // what was written before the outage is all there: every browser takes a call without registering again
        callEveryone(c, "after", 50);
        assertThat(registrations(c.registrars().get(0))).isEqualTo(BROWSERS);
    }

    @Test
    void sipwayEdgesAndRegistrarsOnPostgres() throws Exception {
        String url = TestDatabases.postgres();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("db", "create", url)).as(err.toString()).isZero();
        Cluster c = start(3, Kind.SIPWAY, Kind.SIPWAY, url, true);
        assertThat(registrations(c.registrars().get(1))).isEqualTo(BROWSERS);
        callEveryone(c, "all", 50);
    }

    @Test
    void kamailioRegistrarsBehindSipwayEdgesShareTheStore() throws Exception {
        requireKamailio();
        Cluster c = start(4, Kind.SIPWAY, Kind.KAMAILIO, TestDatabases.redis(), false);
        callEveryone(c, "all", 50);
    }

    @Test
    void sipwayRegistrarsBehindKamailioEdges() throws Exception {
        requireKamailio();
        Cluster c = start(5, Kind.KAMAILIO, Kind.SIPWAY, TestDatabases.redis(), false);
        assertThat(registrations(c.registrars().get(0))).isEqualTo(BROWSERS);
        callEveryone(c, "all", 50);
    }

    // ---- the cluster -------------------------------------------------------------------------------

    /**
     * Starts registrars on 127.18.{block}.3 and .4 (server_id 11 and 12) over the store at {@code dbUrl},
     * edges on .1 and .2 (server_id 1 and 2) dispatching to them, then {@link #BROWSERS} browsers, every
     * other one on each edge, and waits until all are registered.
     */
    private Cluster start(int block, Kind edgeKind, Kind registrarKind, String dbUrl, boolean postgres) throws Exception {
        int[] ports = FreePorts.udpAndTcp(3);
        int sipPort = ports[0];
        int wsPort = ports[1];
        int rpcPort = ports[2];
        List<ClusterNode> registrars = new ArrayList<>();
        StringBuilder list = new StringBuilder("# the registrars of this test\n");
        for (int i = 0; i < 2; i++) {
            String ip = "127.18." + block + "." + (3 + i);
            Map<String, String> defines = new LinkedHashMap<>();
            defines.put("REG_IP", ip);
            defines.put("REG_PORT", Integer.toString(sipPort));
            defines.put("SERVER_ID", Integer.toString(11 + i));
            defines.put("DBURL", "\"" + dbUrl + "\"");
            if (postgres) {
                defines.put("WITH_PGSQL", null);
            }
            registrars.add(started(ClusterNode.start("registrar" + (i + 1), registrarKind, EXAMPLES.resolve("registrar.cfg"),
                    new InetSocketAddress(ip, sipPort), rpcPort, defines, work)));
            list.append("1 sip:").append(ip).append(':').append(sipPort).append('\n');
        }
        Path dsList = work.resolve("edge.list");
        Files.writeString(dsList, list);
        List<ClusterNode> edges = new ArrayList<>();
        List<URI> wsUris = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String ip = "127.18." + block + "." + (1 + i);
            Map<String, String> defines = new LinkedHashMap<>();
            defines.put("EDGE_IP", ip);
            defines.put("SIP_PORT", Integer.toString(sipPort));
            defines.put("WS_PORT", Integer.toString(wsPort));
            defines.put("SERVER_ID", Integer.toString(1 + i));
            defines.put("DS_LIST", "\"" + dsList + "\"");
            edges.add(started(ClusterNode.start("edge" + (i + 1), edgeKind, EXAMPLES.resolve("edge.cfg"),
                    new InetSocketAddress(ip, sipPort), rpcPort, defines, work)));
            wsUris.add(URI.create("ws://" + ip + ":" + wsPort + "/"));
        }
        List<Browser> browsers = new ArrayList<>();
        for (int i = 0; i < BROWSERS; i++) {
            Browser b = new Browser(user(i), wsUris, i % 2, EXPIRES);
            browsers.add(b);
            running.add(b);
        }
        Files.writeString(work.resolve("users.csv"), users());
        awaitRegistered(browsers, Duration.ofSeconds(60));
        assertThat(browsers.stream().filter(b -> b.edge() == 1).count()).isEqualTo(BROWSERS / 2);
        return new Cluster(edges, registrars, browsers);
    }

    private ClusterNode started(ClusterNode n) {
        running.add(n);
        return n;
    }

    private static String user(int i) {
        return String.format("u%03d", i);
    }

    private static String users() {
        StringBuilder b = new StringBuilder("SEQUENTIAL\n");
        for (int i = 0; i < BROWSERS; i++) {
            b.append(user(i)).append(";\n");
        }
        return b.toString();
    }

    /** Drives every browser's timer until all are registered (a failure names who is not). */
    private void awaitRegistered(List<Browser> browsers, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            List<Future<Boolean>> turns = new ArrayList<>();
            for (Browser b : browsers) {
                turns.add(pool.submit(() -> b.maintain(System.currentTimeMillis())));
            }
            int registered = 0;
            for (Future<Boolean> t : turns) {
                registered += t.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            if (registered == browsers.size()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError((browsers.size() - registered) + " browsers not registered in " + within.toSeconds() + " s, e.g. "
                        + browsers.stream().filter(b -> !b.registered()).map(b -> b.user).limit(5).toList());
            }
            Thread.sleep(500);
        }
    }

    /** SIPp calls every browser once through the first edge; every call completes and each browser answered one more. */
    private void callEveryone(Cluster c, String name, int rate) throws Exception {
        int[] before = c.browsers().stream().mapToInt(Browser::answered).toArray();
        Sipp.SippResult r = calls(c, name, rate);
        assertThat(r.successful()).as(r.describe()).isEqualTo(BROWSERS);
        assertThat(r.failed()).as(r.describe()).isZero();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < BROWSERS; i++) {
            int n = c.browsers().get(i).answered() - before[i];
            if (n != 1) {
                wrong.add(user(i) + " answered " + n);
            }
        }
        assertThat(wrong).as("every browser answered its one call").isEmpty();
    }

    private Sipp.SippResult calls(Cluster c, String name, int rate) throws IOException, InterruptedException {
        ClusterNode edge = c.edges().get(0);
        Process p = sipp.start(name, resource("cluster/call_users.xml"), "u1", FreePorts.udpAndTcp(), hostPort(edge),
                List.of("-inf", work.resolve("users.csv").toString(), "-m", Integer.toString(BROWSERS), "-r", Integer.toString(rate),
                        "-rp", "1000", "-l", Integer.toString(BROWSERS), "-timeout", "120", "-timeout_error"));
        return sipp.finish(name, p, Duration.ofSeconds(130));
    }

    /** After a store outage: a call gets through again (the proxies reconnect by themselves). */
    private void awaitStoreBack(Cluster c, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        ProbeCall.Outcome o;
        do {
            Thread.sleep(500);
            o = ProbeCall.call(c.edges().get(0).sip, "u000", Duration.ofSeconds(5));
        } while (o.code() != 200 && System.nanoTime() < deadline);
        assertThat(o.code()).as("a call after the store came back: " + o).isEqualTo(200);
    }

    // ---- operators' views ---------------------------------------------------------------------------

    /** The AoRs {@code sipway rpc ul.dump} shows on a Sipway instance (every one in the shared store). */
    private static int registrations(ClusterNode n) throws Exception {
        String body = rpc(n, "ul.dump");
        Matcher m = AOR.matcher(body);
        int count = 0;
        while (m.find()) {
            count++;
        }
        return count;
    }

    private static String rpc(ClusterNode n, String method) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + hostPort(n.rpc) + "/RPC"))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"id\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static String metrics(ClusterNode n) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + hostPort(n.rpc) + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String hostPort(ClusterNode n) {
        return hostPort(n.sip);
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static void requireKamailio() {
        if (!Files.isExecutable(ClusterNode.KAMAILIO)) {
            if (System.getenv("CI") != null) {
                throw new AssertionError("kamailio is not installed but CI is set (.ci/run installs it)");
            }
            Assumptions.abort("kamailio 5.6.3 is not installed");
        }
    }

    private static Path resource(String name) {
        return Path.of("src/test/resources", name).toAbsolutePath();
    }
}
