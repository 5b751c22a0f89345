package io.sipway.proxy.cluster;

import io.sipway.proxy.cli.Main;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One proxy of a cluster test, a process of its own as in production: Sipway (this build, its test
 * class path) or Kamailio 5.6.3, running an example script unchanged with {@code -A} defines, its
 * output in a log file. {@link #kill()} is a crash (SIGKILL): nothing of it runs after.
 */
final class ClusterNode implements AutoCloseable {
    static final Path KAMAILIO = Path.of("/usr/sbin/kamailio");

    enum Kind { SIPWAY, KAMAILIO }

    final String name;
    final Kind kind;
    /** Where it takes SIP over UDP. */
    final InetSocketAddress sip;
    /** Sipway's JSON-RPC and metrics (null for Kamailio). */
    final InetSocketAddress rpc;
    final Path log;
    private final Process process;

    private ClusterNode(String name, Kind kind, InetSocketAddress sip, InetSocketAddress rpc, Path log, Process process) {
        this.name = name;
        this.kind = kind;
        this.sip = sip;
        this.rpc = rpc;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts {@code script} with these defines ({@code NAME=value}, or {@code NAME}) and waits until
     * it answers SIP on {@code sip} (an OPTIONS gets any reply).
     */
    static ClusterNode start(String name, Kind kind, Path script, InetSocketAddress sip, int rpcPort, Map<String, String> defines,
            Path work) throws IOException, InterruptedException {
        Path log = work.resolve(name + ".log");
        List<String> cmd = new ArrayList<>();
        InetSocketAddress rpc = null;
        if (kind == Kind.SIPWAY) {
            rpc = new InetSocketAddress(sip.getAddress(), rpcPort);
            cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"),
                    // a small, quickly started JVM: four of them share two cores with the test
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "-f", script.toString(), "--rpc-listen", sip.getAddress().getHostAddress() + ":" + rpcPort));
        } else {
            Path run = Files.createDirectories(work.resolve(name + "-run"));
            cmd.addAll(List.of(KAMAILIO.toString(), "-f", script.toString(), "-DD", "-E", "-m", "64", "-M", "8",
                    "-Y", run.toString(), "-w", run.toString()));
        }
        defines.forEach((k, v) -> cmd.addAll(List.of("-A", v == null ? k : k + "=" + v)));
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ClusterNode node = new ClusterNode(name, kind, sip, rpc, log, p);
        node.awaitAnswering(Duration.ofSeconds(60));
        return node;
    }

    private void awaitAnswering(Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(300);
            int n = 0;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
                }
                String options = "OPTIONS sip:" + sip.getAddress().getHostAddress() + ":" + sip.getPort() + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort() + ";branch=z9hG4bKup" + name + (n++) + ";rport\r\n"
                        + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=up\r\nTo: <sip:" + sip.getAddress().getHostAddress()
                        + ">\r\nCall-ID: up-" + name + "-" + n + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
                byte[] b = options.getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(b, b.length, sip));
                try {
                    s.receive(new DatagramPacket(new byte[4096], 4096));
                    return;
                } catch (SocketTimeoutException e) {
                    // not listening yet
                }
            }
        }
        throw new IllegalStateException(name + " did not answer on " + sip + " in " + within.toSeconds() + " s:\n" + logTail());
    }

    boolean alive() {
        return process.isAlive();
    }

    /** A crash: SIGKILL to the process (and Kamailio's children), waited for. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String logTail() {
        try {
            String s = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
            return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** A stop: SIGTERM, then SIGKILL after 10 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + " (" + kind + " " + sip + ")";
    }
}
