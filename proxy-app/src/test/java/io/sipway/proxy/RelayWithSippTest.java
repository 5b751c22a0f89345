package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy between real SIP peers: SIPp (Debian package sip-tester) plays caller and callees on
 * loopback, the proxy runs a Kamailio script, and the assertions are what SIPp saw on the wire.
 *
 * <p>Every test starts its own {@link Proxy} and its SIPp processes; nothing outlives a test (the
 * processes are killed in {@link #stopEverything()}). Ports: the shared benchmark relay is fixed to
 * proxy 5060, UAS 5070, UAC 5061; the scripts in {@code src/test/resources/relay} listen on
 * 5090..5093 and talk to SIPp on 5170..5179. Tests run one at a time (they reuse ports).
 *
 * <p>Without {@code sipp} on the PATH the class is skipped, unless the environment variable
 * {@code CI} is set: then it fails, because {@code .ci/run} installs sip-tester.
 */
@DisplayName("The proxy relays real SIP traffic between SIPp peers")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayWithSippTest {

    private static final String LOOPBACK = "127.0.0.1";
    /** Working directory of the tests is proxy-app/, with the shared folder two levels up. */
    private static final Path PEERS = Path.of("../../shared/peers").toAbsolutePath().normalize();

    private static String sipp;

    @TempDir
    Path work;

    private final List<Process> peers = new ArrayList<>();
    private Proxy proxy;

    @BeforeAll
    static void sippIsInstalled() {
        sipp = findOnPath("sipp");
        if (sipp == null) {
            if (System.getenv("CI") != null) {
                fail("sipp is not on the PATH but CI is set: install the Debian package sip-tester (.ci/run does)");
            }
            assumeTrue(false, "sipp is not on the PATH (Debian package sip-tester): real-peer tests skipped");
        }
        assertThat(PEERS.resolve("cfg/relay.cfg")).as("the shared peers folder (../../shared/peers from proxy-app/)").isRegularFile();
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (Process p : peers) {
            p.destroy();
        }
        for (Process p : peers) {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        }
        peers.clear();
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }

    @ParameterizedTest(name = "caller over -t {0}")
    @ValueSource(strings = {"u1", "t1", "tn"})
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    @DisplayName("the ../shared/peers relay: 1000 calls at 100 calls/s all succeed, and the proxy serves afterwards")
    void sharedRelayCarriesEveryCall(String transport) throws Exception {
        proxy = Proxy.start(PEERS.resolve("cfg/relay.cfg"), Map.of(), List.of());
        // relay.cfg sets $du = sip:127.0.0.1:5070 without a transport: the callee leg is UDP whatever the caller uses
        uas("uas", PEERS.resolve("sipp/uas_rr.xml"), 5070);

        SippResult load = call("load", PEERS.resolve("sipp/uac_rr.xml"), transport, 5061, 5060, 1000, 100, Duration.ofSeconds(30));
        assertThat(load.successful()).as(load.describe()).isEqualTo(1000);
        assertThat(load.failed()).as(load.describe()).isZero();
        assertThat(load.exitCode()).as(load.describe()).isZero();

        SippResult after = call("after", PEERS.resolve("sipp/uac_rr.xml"), transport, 5061, 5060, 10, 10, Duration.ofSeconds(10));
        assertThat(after.successful()).as(after.describe()).isEqualTo(10);
        assertThat(after.failed()).as(after.describe()).isZero();
    }

    @Test
    @DisplayName("CANCEL before answer: the caller gets 200 for its CANCEL and 487 for its INVITE; the ringing callee gets the CANCEL")
    void cancelBeforeAnswer() throws Exception {
        proxy = Proxy.start(resource("relay/basic.cfg"), Map.of(), List.of());
        Process callee = uas("callee", resource("sipp/uas_ring.xml"), 5170, "-m", "1");

        SippResult caller = call("caller", resource("sipp/uac_cancel.xml"), "u1", 5171, 5090, 1, 1, Duration.ofSeconds(10));
        assertThat(caller.successful()).as(caller.describe()).isEqualTo(1);
        assertThat(caller.failed()).as(caller.describe()).isZero();

        SippResult ringing = finish("callee", callee, Duration.ofSeconds(5));
        assertThat(ringing.successful()).as("callee saw INVITE, CANCEL and the ACK for its 487\n" + ringing.describe()).isEqualTo(1);
    }

    @Test
    @DisplayName("UAS absent: the caller gets 408 when fr_timer (1 s) ends the unanswered branch, before fr_inv_timer (2 s)")
    void absentCalleeTimesOut() throws Exception {
        proxy = Proxy.start(resource("relay/timeout.cfg"), Map.of(), List.of());

        SippResult caller = call("caller", resource("sipp/uac_timeout.xml"), "u1", 5172, 5091, 1, 1, Duration.ofSeconds(10));
        assertThat(caller.successful()).as("408 arrived and was ACKed\n" + caller.describe()).isEqualTo(1);
        // no provisional ever arrives, so fr_timer governs the INVITE branch (KAMAILIO.md 4.2); Kamailio 5.6.3: 0.96 s
        assertThat(caller.responseTime1()).as("INVITE sent -> 408 received\n" + caller.describe())
                .isBetween(Duration.ofMillis(800), Duration.ofMillis(1900));
    }

    @Test
    @DisplayName("486 from the first callee: failure_route[NEXT] relays to the second callee, whose 200 the caller gets")
    void busyCalleeFailsOverToTheNext() throws Exception {
        proxy = Proxy.start(resource("relay/failover.cfg"), Map.of(), List.of());
        Process busy = uas("busy", resource("sipp/uas_busy.xml"), 5173, "-m", "1");
        uas("second", PEERS.resolve("sipp/uas_rr.xml"), 5174, "-m", "1");

        // uac_rr.xml fails on any reply but 100, 180 and 200: a relayed 486 would fail the call
        SippResult caller = call("caller", PEERS.resolve("sipp/uac_rr.xml"), "u1", 5175, 5092, 1, 1, Duration.ofSeconds(10));
        assertThat(caller.successful()).as(caller.describe()).isEqualTo(1);
        assertThat(caller.failed()).as(caller.describe()).isZero();

        SippResult first = finish("busy", busy, Duration.ofSeconds(5));
        assertThat(first.successful()).as("the busy callee got the proxy's ACK for its 486\n" + first.describe()).isEqualTo(1);
    }

    @Test
    @DisplayName("two parallel branches: the caller gets the one 200; the ringing branch gets CANCEL")
    void parallelForkCancelsTheLoser() throws Exception {
        proxy = Proxy.start(resource("relay/fork.cfg"), Map.of(), List.of());
        Process answering = uas("answering", resource("sipp/uas_answer_late.xml"), 5176, "-m", "1");
        Process ringing = uas("ringing", resource("sipp/uas_ring.xml"), 5177, "-m", "1");

        SippResult caller = call("caller", PEERS.resolve("sipp/uac_rr.xml"), "u1", 5178, 5093, 1, 1, Duration.ofSeconds(10));
        assertThat(caller.successful()).as(caller.describe()).isEqualTo(1);
        assertThat(caller.failed()).as(caller.describe()).isZero();

        SippResult winner = finish("answering", answering, Duration.ofSeconds(5));
        assertThat(winner.successful()).as("the answering callee got ACK and BYE along the route set\n" + winner.describe())
                .isEqualTo(1);
        SippResult loser = finish("ringing", ringing, Duration.ofSeconds(5));
        assertThat(loser.successful()).as("the ringing callee got CANCEL and the ACK for its 487\n" + loser.describe())
                .isEqualTo(1);
    }

    @Test
    @DisplayName("garbage and malformed datagrams: no reply storm (at most one 400 each), the proxy still relays calls")
    void malformedDatagramsAreDroppedQuietly() throws Exception {
        proxy = Proxy.start(resource("relay/basic.cfg"), Map.of(), List.of());
        long droppedBefore = proxy.stat("sipway:malformed_dropped");

        Map<String, byte[]> bad = new LinkedHashMap<>();
        byte[] noise = new byte[512];
        new Random(42).nextBytes(noise);
        bad.put("random bytes", noise);
        bad.put("no Via", request("OPTIONS", false, "Content-Length: 0\r\n", ""));
        bad.put("Content-Length not a number", request("OPTIONS", true, "Content-Length: abc\r\n", ""));
        bad.put("Content-Length beyond the datagram", request("OPTIONS", true, "Content-Length: 500\r\n", "hello"));
        bad.put("two different Content-Lengths", request("OPTIONS", true, "Content-Length: 5\r\nContent-Length: 7\r\n", "hello"));
        bad.put("headers cut off", "INVITE sip:service@127.0.0.1:5090 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1"
                .getBytes(StandardCharsets.US_ASCII));

        Map<String, List<String>> replies = sendAndListen(bad, new InetSocketAddress(LOOPBACK, 5090), Duration.ofSeconds(1));
        replies.forEach((what, got) -> assertThat(got).as("replies to a datagram with %s", what)
                .hasSizeLessThanOrEqualTo(1)
                .allMatch(statusLine -> statusLine.startsWith("SIP/2.0 400 ")));

        uas("uas", PEERS.resolve("sipp/uas_rr.xml"), 5170);
        SippResult after = call("after", PEERS.resolve("sipp/uac_rr.xml"), "u1", 5171, 5090, 5, 5, Duration.ofSeconds(10));
        assertThat(after.successful()).as(after.describe()).isEqualTo(5);
        assertThat(after.failed()).as(after.describe()).isZero();
        // Sipway's own counter (Kamailio has none by this name)
        assertThat(proxy.stat("sipway:malformed_dropped")).isGreaterThan(droppedBefore);
    }

    // ---------------------------------------------------------------------------------------------
    // SIPp

    /** What one SIPp run reported: exit code, its final counters, response time 1 (cumulative mean). */
    record SippResult(String name, int exitCode, long successful, long failed, Duration responseTime1, String output,
            String errors) {
        String describe() {
            return "SIPp " + name + ": exit " + exitCode + ", successful " + successful + ", failed " + failed
                    + "\n--- output (tail) ---\n" + tail(output, 3000) + "\n--- errors (head) ---\n" + head(errors, 3000);
        }
    }

    /** A callee on UDP {@code port}; returns once it listens. */
    private Process uas(String name, Path scenario, int port, String... options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-timeout", "30", "-timeout_error"));
        args.addAll(List.of(options));
        Process p = startSipp(name, scenario, "u1", port, null, args);
        awaitUdpBound(port, p);
        return p;
    }

    /** A caller from {@code localPort} to the proxy on {@code proxyPort}: {@code calls} calls at {@code rate}/s. */
    private SippResult call(String name, Path scenario, String transport, int localPort, int proxyPort, int calls, int rate,
            Duration limit) throws IOException, InterruptedException {
        Process p = startSipp(name, scenario, transport, localPort, LOOPBACK + ":" + proxyPort,
                List.of("-s", "service", "-m", Integer.toString(calls), "-r", Integer.toString(rate), "-rp", "1000",
                        "-l", Integer.toString(Math.max(calls, 10)), "-d", "0",
                        "-timeout", Long.toString(limit.toSeconds()), "-timeout_error"));
        return finish(name, p, limit.plusSeconds(5));
    }

    private Process startSipp(String name, Path scenario, String transport, int localPort, String remote, List<String> options)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(sipp, "-sf", scenario.toString()));
        if (remote != null) {
            cmd.add(remote);
        }
        cmd.addAll(List.of("-i", LOOPBACK, "-p", Integer.toString(localPort), "-t", transport, "-nostdin",
                "-max_socket", "2000", // tn opens one connection per call; the default 50000 exceeds ulimit -n here
                "-trace_stat", "-stf", work.resolve(name + ".csv").toString(), "-fd", "1",
                "-trace_err", "-error_file", work.resolve(name + ".errors").toString()));
        cmd.addAll(options);
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".out").toFile()).start();
        peers.add(p);
        return p;
    }

    /** Waits for SIPp to exit (killing it after {@code limit}) and reads its final statistics. */
    private SippResult finish(String name, Process p, Duration limit) throws IOException, InterruptedException {
        boolean exited = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            p.destroy();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        }
        String output = readIfExists(work.resolve(name + ".out"));
        String errors = readIfExists(work.resolve(name + ".errors"));
        if (!exited) {
            errors = "killed after " + limit.toSeconds() + " s\n" + errors;
        }
        Map<String, String> stats = lastStatRow(readIfExists(work.resolve(name + ".csv")));
        long ok = counter(stats.get("SuccessfulCall(C)"), output, "Successful call");
        long failed = counter(stats.get("FailedCall(C)"), output, "Failed call");
        Duration rt1 = sippDuration(stats.get("ResponseTime1(C)"));
        return new SippResult(name, exited ? p.exitValue() : -1, ok, failed, rt1, output, errors);
    }

    /** -trace_stat: a header row of names and one row per period, ';'-separated; the last row is final. */
    private static Map<String, String> lastStatRow(String csv) {
        List<String> rows = csv.lines().filter(l -> !l.isBlank()).toList();
        Map<String, String> row = new LinkedHashMap<>();
        if (rows.size() < 2) {
            return row;
        }
        String[] names = rows.get(0).split(";", -1);
        String[] values = rows.get(rows.size() - 1).split(";", -1);
        for (int i = 0; i < Math.min(names.length, values.length); i++) {
            row.put(names[i].trim(), values[i].trim());
        }
        return row;
    }

    /** The CSV value, else the cumulative column of SIPp's final statistics screen, else -1. */
    private static long counter(String csvValue, String screen, String label) {
        if (csvValue != null && csvValue.matches("\\d+")) {
            return Long.parseLong(csvValue);
        }
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)").matcher(screen);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    /** SIPp's HH:MM:SS:micros. */
    private static Duration sippDuration(String value) {
        if (value == null || !value.matches("\\d+:\\d+:\\d+:\\d+")) {
            return Duration.ofDays(1);
        }
        String[] f = value.split(":");
        return Duration.ofHours(Long.parseLong(f[0])).plusMinutes(Long.parseLong(f[1])).plusSeconds(Long.parseLong(f[2]))
                .plusNanos(Long.parseLong(f[3]) * 1000);
    }

    // ---------------------------------------------------------------------------------------------
    // Raw datagrams

    /** A request from the socket whose port replaces {@code PORT}; Via optional; headers end with the given ones. */
    private static byte[] request(String method, boolean via, String lengthHeaders, String body) {
        String text = method + " sip:service@127.0.0.1:5090 SIP/2.0\r\n"
                + (via ? "Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bK-malformed-" + method + "\r\n" : "")
                + "From: <sip:probe@127.0.0.1>;tag=probe\r\n"
                + "To: <sip:service@127.0.0.1:5090>\r\n"
                + "Call-ID: malformed-" + Long.toHexString(System.nanoTime()) + "@127.0.0.1\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Max-Forwards: 70\r\n"
                + lengthHeaders + "\r\n" + body;
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends each datagram from its own socket, then collects the status lines each socket receives for {@code window}. */
    private static Map<String, List<String>> sendAndListen(Map<String, byte[]> datagrams, InetSocketAddress to, Duration window)
            throws IOException, InterruptedException {
        Map<String, DatagramSocket> sockets = new LinkedHashMap<>();
        Map<String, List<String>> replies = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, byte[]> d : datagrams.entrySet()) {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
                s.setSoTimeout(10);
                sockets.put(d.getKey(), s);
                replies.put(d.getKey(), new ArrayList<>());
                byte[] bytes = new String(d.getValue(), StandardCharsets.ISO_8859_1)
                        .replace("127.0.0.1:PORT", "127.0.0.1:" + s.getLocalPort()).getBytes(StandardCharsets.ISO_8859_1);
                s.send(new DatagramPacket(bytes, bytes.length, to));
            }
            long end = System.nanoTime() + window.toNanos();
            byte[] buf = new byte[65535];
            while (System.nanoTime() < end) {
                for (Map.Entry<String, DatagramSocket> s : sockets.entrySet()) {
                    DatagramPacket packet = new DatagramPacket(buf, buf.length);
                    try {
                        s.getValue().receive(packet);
                        String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.ISO_8859_1);
                        replies.get(s.getKey()).add(text.lines().findFirst().orElse(""));
                    } catch (SocketTimeoutException quiet) {
                        // nothing for this one yet
                    }
                }
            }
        } finally {
            sockets.values().forEach(DatagramSocket::close);
        }
        return replies;
    }

    // ---------------------------------------------------------------------------------------------
    // Plumbing

    private static Path resource(String name) throws URISyntaxException {
        URL url = RelayWithSippTest.class.getResource("/" + name);
        assertThat(url).as("test resource %s", name).isNotNull();
        return Path.of(url.toURI());
    }

    private static String findOnPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** Linux: until /proc/net/udp lists 127.0.0.1:port; elsewhere a fixed half second. */
    private static void awaitUdpBound(int port, Process owner) throws IOException, InterruptedException {
        Path table = Path.of("/proc/net/udp");
        if (!Files.isReadable(table)) {
            Thread.sleep(500);
            return;
        }
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) {
                return; // its exit code and output tell why
            }
            for (String line : Files.readAllLines(table)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 1 && f[1].equals(local)) {
                    return;
                }
            }
            Thread.sleep(20);
        }
    }

    private static String readIfExists(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }

    private static String head(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
