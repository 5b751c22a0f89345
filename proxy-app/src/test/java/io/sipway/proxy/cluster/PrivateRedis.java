package io.sipway.proxy.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server of the test's own (Debian's redis-server, which .ci/run installs), so that it can
 * be stopped and started again: its append-only file is written on every command
 * ({@code appendfsync always}), so a crash loses nothing that was acknowledged, and a restart on the
 * same directory brings every key back.
 */
final class PrivateRedis implements AutoCloseable {
    static final Path SERVER = Path.of("/usr/bin/redis-server");

    final int port;
    private final Path dir;
    private Process process;

    PrivateRedis(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static boolean installed() {
        return Files.isExecutable(SERVER);
    }

    void start() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        process = new ProcessBuilder(List.of(SERVER.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no",
                "--protected-mode", "no")).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                Thread.sleep(100); // accepting: the AOF is loaded before the port is opened
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port + ": " + Files.readString(dir.resolve("redis.log")));
    }

    /** A crash: SIGKILL, so that only what was on disk survives. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    String url(int db) {
        return "redis://127.0.0.1:" + port + "/" + db;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
