package io.sipway.proxy.media;

import io.sipway.proxy.FreePorts;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real rtpengine (Debian's rtpengine-daemon) for a test: userspace forwarding only, media and its
 * ng control port on loopback, no configuration file, sessions deleted at once when deleted (no
 * delete delay, so that its list of calls tells what the proxy freed). Stopped by {@link #close()}.
 */
final class Rtpengine implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/rtpengine");
    final int ngPort;
    private final Process process;
    private final Path log;

    private Rtpengine(int ngPort, Process process, Path log) {
        this.ngPort = ngPort;
        this.process = process;
        this.log = log;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Starts one and waits until it answers a ping (a second or so: it makes its DTLS certificate first). */
    static Rtpengine start(Path dir) throws IOException, InterruptedException {
        int ng = FreePorts.udpAndTcp();
        Path log = dir.resolve("rtpengine-" + ng + ".log");
        Process p = new ProcessBuilder(BINARY.toString(), "--config-file=none", "--table=-1", "--interface=127.0.0.1",
                "--listen-ng=127.0.0.1:" + ng, "--delete-delay=0", "--foreground", "--log-stderr",
                "--pidfile=" + dir.resolve("rtpengine-" + ng + ".pid"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Rtpengine r = new Rtpengine(ng, p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("rtpengine exited: " + Files.readString(log));
            }
            if (r.command("d7:command4:pinge", 300).contains("4:pong")) {
                return r;
            }
        }
        r.close();
        throw new IOException("rtpengine did not answer a ping on " + ng + ": " + Files.readString(log));
    }

    /** The calls it holds, from its own {@code list} command (bencoded, Call-IDs in a list). */
    String calls() throws IOException {
        String answer = command("d7:command4:liste", 2000);
        int at = answer.indexOf("5:callsl");
        if (at < 0) {
            throw new IOException("unexpected answer to list: " + answer);
        }
        return answer.substring(at + "5:callsl".length(), answer.lastIndexOf("e6:result"));
    }

    /** Sends one ng command (its bencoded dictionary) and returns the dictionary of the answer, or "" when none came in time. */
    String command(String dictionary, int timeoutMs) throws IOException {
        String cookie = Long.toHexString(System.nanoTime()) + " ";
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(timeoutMs);
            byte[] out = (cookie + dictionary).getBytes(StandardCharsets.ISO_8859_1);
            s.send(new DatagramPacket(out, out.length, new InetSocketAddress("127.0.0.1", ngPort)));
            byte[] in = new byte[65536];
            DatagramPacket p = new DatagramPacket(in, in.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return "";
            }
            String answer = new String(in, 0, p.getLength(), StandardCharsets.ISO_8859_1);
            return answer.startsWith(cookie) ? answer.substring(cookie.length()) : "";
        }
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
