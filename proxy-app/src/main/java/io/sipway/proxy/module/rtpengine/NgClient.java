package io.sipway.proxy.module.rtpengine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ng protocol's transport (Kamailio's send_rtpp_command over UDP): each request is a cookie, a
 * space and a bencoded dictionary; the answer starts with the same cookie. One socket for all
 * instances, read by one thread of the module's own, which hands each answer to the request
 * waiting for its cookie; the caller (a worker: the functions are mayWait) sends up to
 * {@code rtpengine_retr} times, waiting {@code rtpengine_tout_ms} after each. Answers with an
 * unknown cookie (late ones, after a retry gave up) are dropped.
 */
final class NgClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.rtpengine");
    /** Kamailio's reply buffer is 64 KiB: the largest UDP answer. */
    private static final int MAX_ANSWER = 0x10000;

    private final DatagramChannel channel;
    private final Map<String, CompletableFuture<byte[]>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final String cookiePrefix;
    private final Thread reader;

    NgClient() throws IOException {
        channel = DatagramChannel.open();
        channel.bind(null);
        cookiePrefix = "0_" + ProcessHandle.current().pid() + "_"; // Kamailio's server_id_pid_seq
        reader = new Thread(this::read, "sipway-rtpengine-ng");
        reader.setDaemon(true);
        reader.start();
    }

    /** The answer's dictionary bytes (after the cookie), or null when none came after all tries. */
    byte[] send(InetSocketAddress to, byte[] dict, int tries, long timeoutMs) {
        String cookie = cookiePrefix + seq.incrementAndGet();
        byte[] c = (cookie + " ").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer packet = ByteBuffer.allocate(c.length + dict.length).put(c).put(dict);
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        waiting.put(cookie, answer);
        try {
            for (int i = 0; i < Math.max(1, tries); i++) {
                try {
                    channel.send(packet.flip().position(0), to);
                } catch (IOException e) {
                    LOG.error("can't send command to RTPEngine <{}>: {}", to, e.toString());
                    return null;
                }
                try {
                    return answer.get(timeoutMs, TimeUnit.MILLISECONDS);
                } catch (TimeoutException again) {
                    // the next try, as Kamailio's loop over rtpengine_retr
                } catch (ExecutionException e) {
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            LOG.error("timeout waiting reply from RTPEngine <{}>", to);
            return null;
        } finally {
            waiting.remove(cookie);
        }
    }

    private void read() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_ANSWER);
        while (channel.isOpen()) {
            try {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                if (from == null) {
                    continue;
                }
                byte[] b = Arrays.copyOf(buf.array(), buf.position());
                int sp = indexOf(b, (byte) ' ');
                String cookie = new String(b, 0, sp < 0 ? b.length : sp, StandardCharsets.ISO_8859_1);
                CompletableFuture<byte[]> f = waiting.get(cookie);
                if (f != null) {
                    f.complete(sp < 0 ? new byte[0] : Arrays.copyOfRange(b, sp + 1, b.length));
                }
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                LOG.debug("rtpengine control socket: {}", e.toString()); // an ICMP unreachable from a stopped instance
            }
        }
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
        waiting.values().forEach(f -> f.complete(null));
    }
}
