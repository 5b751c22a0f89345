package io.sipway.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipway.proxy.log.SyslogReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sipway -f as a process, as a service manager runs it: where its lines go (syslog unless -E or
 * log_stderror=yes) and how it ends (SIGTERM and SIGINT: a clean stop and exit status 0, as
 * Kamailio's; the JVM's default would be 143 or 130, a failure to systemd).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SipwayProcessTest {
    private static final Path CFG = Path.of("src/test/resources/logs/syslog.cfg").toAbsolutePath();

    @TempDir
    Path dir;

    /** A running sipway and what it wrote on standard error so far. */
    private static final class Sipway implements AutoCloseable {
        final Process process;
        final int port;
        private final StringBuilder err = new StringBuilder();

        Sipway(Path syslogSocket, String... extra) throws IOException, InterruptedException {
            port = io.sipway.proxy.FreePorts.udpAndTcp();
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), "-Dsipway.syslog.socket=" + syslogSocket,
                    Main.class.getName(), "-f", CFG.toString(), "-l", "udp:127.0.0.1:" + port, "--rpc-listen", "off"));
            cmd.addAll(List.of(extra));
            process = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Thread reader = new Thread(() -> copy(process.getErrorStream()), "sipway-stderr");
            reader.setDaemon(true);
            reader.start();
            assertThat(awaitErr("running", Duration.ofSeconds(60))).as("sipway started:\n" + err()).isTrue();
        }

        private void copy(InputStream in) {
            try {
                byte[] b = new byte[4096];
                for (int n = in.read(b); n >= 0; n = in.read(b)) {
                    synchronized (this) {
                        err.append(new String(b, 0, n, StandardCharsets.UTF_8));
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        synchronized String err() {
            return err.toString();
        }

        synchronized boolean awaitErr(String text, Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (err.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && err.indexOf(text) < 0 && left < wait.toNanos() / 2) {
                    return err.indexOf(text) >= 0;
                }
                wait(Math.max(1, Math.min(left / 1_000_000, 200)));
            }
            return true;
        }

        /** OPTIONS to the proxy; true when its 200 came back. */
        boolean options(String user) throws IOException {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                s.setSoTimeout(10_000);
                String m = "OPTIONS sip:" + user + "@127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort()
                        + ";branch=z9hG4bK-p1\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:" + user + "@127.0.0.1>\r\nCall-ID: p1\r\n"
                        + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
                byte[] b = m.getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
                DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
                s.receive(reply);
                return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII).startsWith("SIP/2.0 200");
            }
        }

        int exit(Duration wait) throws InterruptedException {
            assertThat(process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)).as("sipway exited:\n" + err()).isTrue();
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void withoutMinusEItLogsToSyslogAsLogNameWithLogFacilityAndSigtermExitsZero() throws Exception {
        assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "no unix datagram sockets on this platform");
        try (SyslogReceiver syslog = new SyslogReceiver(dir.resolve("log"));
             Sipway sipway = new Sipway(syslog.path())) {
            assertThat(sipway.options("alice")).isTrue();
            String pid = Long.toString(sipway.process.pid());
            // LOG_LOCAL3 (19) * 8 + NOTICE (5); the prefix evaluated on the request
            String line = syslog.nextWith("hello", Duration.ofSeconds(10));
            assertThat(line).matches("<157>[A-Z][a-z]{2} [ 1-3][0-9] \\d\\d:\\d\\d:\\d\\d sw-test\\[" + pid
                    + "\\]: NOTICE: \\[OPTIONS\\] <script>: hello alice\n");
            assertThat(sipway.err()).contains("logging to syslog").doesNotContain("hello alice");

            sipway.process.destroy(); // SIGTERM
            assertThat(sipway.exit(Duration.ofSeconds(30))).isZero();
            assertThat(syslog.nextWith("Thank you for flying sipway", Duration.ofSeconds(5))).startsWith("<158>"); // INFO
        }
    }

    /**
     * Whether this JVM was started with SIGINT ignored (a background job of a shell without job
     * control: {@code cmd &} in a script). The proxy inherits that, and a JVM that finds SIGINT
     * ignored leaves it so: Ctrl-C could not reach it in such a run, whatever Sipway does.
     */
    private static boolean sigintIgnored() throws IOException {
        java.nio.file.Path status = java.nio.file.Path.of("/proc/self/status");
        if (!java.nio.file.Files.exists(status)) {
            return false;
        }
        for (String line : java.nio.file.Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (2 - 1))) != 0; // SIGINT is 2
            }
        }
        return false;
    }

    @Test
    void minusEKeepsTheLinesOnStandardErrorAndSigintExitsZero() throws Exception {
        assumeTrue(!sigintIgnored(), "this test run ignores SIGINT (started in the background without job control)");
        try (SyslogReceiver syslog = io.netty.channel.epoll.Epoll.isAvailable() ? new SyslogReceiver(dir.resolve("log")) : null;
             Sipway sipway = new Sipway(dir.resolve("log"), "-E")) {
            assertThat(sipway.options("bob")).isTrue();
            assertThat(sipway.awaitErr(" NOTICE: [OPTIONS] <script>: hello bob\n", Duration.ofSeconds(10))).as(sipway.err()).isTrue();
            assertThat(sipway.err()).contains(" 0(" + sipway.process.pid() + ") NOTICE: [OPTIONS] <script>: hello bob\n");

            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(sipway.process.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sipway.exit(Duration.ofSeconds(30))).isZero();
            assertThat(sipway.err()).contains("Thank you for flying sipway");
            if (syslog != null) {
                assertThat(syslog.next(Duration.ofMillis(200))).as("nothing went to syslog").isNull();
            }
        }
    }
}
