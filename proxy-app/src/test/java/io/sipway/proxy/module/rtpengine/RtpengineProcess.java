package io.sipway.proxy.module.rtpengine;

import static org.assertj.core.api.Assumptions.assumeThat;

import io.sipway.proxy.FreePorts;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real rtpengine for a test, on a free loopback ng port, userspace forwarding only, no config
 * file (the system's may name ports another instance holds), sessions deleted at once on delete.
 * Skipped when the binary is absent, unless SIPWAY_TEST_REQUIRE_RTPENGINE=1 (CI) makes that a failure.
 */
public final class RtpengineProcess implements AutoCloseable {
    public final int port;
    private final Process process;
    private final DatagramSocket socket;

    private RtpengineProcess(int port, Process process) throws IOException {
        this.port = port;
        this.process = process;
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.setSoTimeout(500);
    }

    static String binary() {
        String env = System.getenv("SIPWAY_TEST_RTPENGINE");
        String bin = env != null && env.startsWith("/") ? env : "/usr/bin/rtpengine";
        boolean there = Files.isExecutable(Path.of(bin));
        if (!there && "1".equals(System.getenv("SIPWAY_TEST_REQUIRE_RTPENGINE"))) {
            throw new AssertionError("SIPWAY_TEST_REQUIRE_RTPENGINE=1 but no rtpengine at " + bin);
        }
        assumeThat(there).as("rtpengine installed at " + bin).isTrue();
        return bin;
    }

    public static RtpengineProcess start(Path dir) throws Exception {
        String bin = binary();
        int port = FreePorts.udpAndTcp();
        List<String> cmd = new ArrayList<>(List.of(bin, "--config-file=none", "--table=-1", "--interface=127.0.0.1",
                "--listen-ng=127.0.0.1:" + port, "--foreground", "--log-stderr", "--delete-delay=0",
                "--pidfile=" + dir.resolve("rtpengine-" + port + ".pid")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("rtpengine-" + port + ".log").toFile())
                .start();
        RtpengineProcess r = new RtpengineProcess(port, p);
        long until = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < until) {
            Map<String, Object> pong = r.command("d7:command4:pinge");
            if (pong != null && "pong".equals(pong.get("result"))) {
                return r;
            }
            if (!p.isAlive()) {
                break;
            }
        }
        r.close();
        throw new AssertionError("rtpengine did not start: " + Files.readString(dir.resolve("rtpengine-" + port + ".log")));
    }

    /** One ng command (a bencoded dictionary) and its answer, or null after half a second. */
    public Map<String, Object> command(String dict) throws Exception {
        byte[] b = ("t_" + System.nanoTime() + " " + dict).getBytes(StandardCharsets.ISO_8859_1);
        socket.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
        byte[] buf = new byte[65535];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(in);
        } catch (SocketTimeoutException e) {
            return null;
        }
        int sp = 0;
        while (buf[sp] != ' ') {
            sp++;
        }
        return Bencode.decodeDict(buf, sp + 1, in.getLength());
    }

    /** The Call-IDs rtpengine has sessions for (its own "list" command). */
    @SuppressWarnings("unchecked")
    public List<String> calls() throws Exception {
        Map<String, Object> r = command("d7:command4:liste");
        return r == null ? null : (List<String>) r.get("calls");
    }

    /**
     * What rtpengine received from each side of a call ({@code query}): per from/to tag, the RTP packets
     * of its streams; rtpengine forwards each side's packets to the other.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Long> packetsByTag(String callId) throws Exception {
        Map<String, Object> r = command("d7:command5:query7:call-id" + callId.length() + ":" + callId + "e");
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        if (r == null || !(r.get("tags") instanceof Map<?, ?> tags)) {
            return out;
        }
        for (Map.Entry<?, ?> t : tags.entrySet()) {
            long packets = 0;
            for (Object media : (List<Object>) ((Map<String, Object>) t.getValue()).getOrDefault("medias", List.of())) {
                for (Object stream : (List<Object>) ((Map<String, Object>) media).getOrDefault("streams", List.of())) {
                    if (((Map<String, Object>) stream).get("stats") instanceof Map<?, ?> stats && stats.get("packets") instanceof Long n) {
                        packets += n;
                    }
                }
            }
            out.put(String.valueOf(t.getKey()), packets);
        }
        return out;
    }

    @Override
    public void close() {
        socket.close();
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
