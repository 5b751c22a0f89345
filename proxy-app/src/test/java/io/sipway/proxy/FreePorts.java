package io.sipway.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Loopback ports chosen at run time, so that two test runs on one machine (two worktrees, a CI job
 * beside a developer) never fight over a fixed port. A port is asked of the kernel (bind to port 0),
 * read and released; the test then hands it to the proxy or to SIPp. Another process could take it
 * in between, but the kernel hands out ephemeral ports in turn, so that window is small.
 */
public final class FreePorts {
    private static final int ATTEMPTS = 100;

    private FreePorts() {
    }

    /**
     * {@code count} distinct ports, each free for UDP and TCP on 127.0.0.1 at once: the scripts
     * listen on both transports of a port, and SIPp's callers use either.
     */
    public static int[] udpAndTcp(int count) {
        List<AutoCloseable> held = new ArrayList<>();
        int[] ports = new int[count];
        try {
            // every socket stays open until all are chosen, so the kernel cannot give one port twice
            for (int i = 0; i < count; i++) {
                ports[i] = oneHeld(held);
            }
            return ports;
        } finally {
            for (AutoCloseable socket : held) {
                try {
                    socket.close();
                } catch (Exception ignored) {
                    // closing a bound, unconnected socket does not fail in a way that matters here
                }
            }
        }
    }

    /** One port free for UDP and TCP on 127.0.0.1. */
    public static int udpAndTcp() {
        return udpAndTcp(1)[0];
    }

    private static int oneHeld(List<AutoCloseable> held) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                ServerSocket tcp = new ServerSocket();
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress(loopback, 0));
                held.add(tcp);
                try {
                    held.add(new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort())));
                    return tcp.getLocalPort();
                } catch (IOException udpTaken) {
                    // free for TCP but not for UDP: keep the TCP socket held (so it is not offered again) and ask again
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free TCP port on loopback", e);
            }
        }
        throw new IllegalStateException("no port free for both UDP and TCP on loopback after " + ATTEMPTS + " attempts");
    }
}
