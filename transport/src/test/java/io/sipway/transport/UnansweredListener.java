package io.sipway.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address whose TCP connects hang: a listener with a backlog of 1 that never accepts,
 * its accept queue filled by a few connections. Linux then drops further SYNs (the listen queue
 * overflows), so a connect gets no answer until the connecting side gives up: what an unreachable
 * host looks like, without leaving loopback. Shared with proxy-app's tests (test-jar).
 */
public final class UnansweredListener implements AutoCloseable {
    /** Connections tried to fill the queue; Linux holds backlog + 1, so a handful is plenty. */
    private static final int MAX_FILLERS = 16;

    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    public UnansweredListener() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        InetSocketAddress at = address();
        for (int i = 0; i < MAX_FILLERS; i++) {
            Socket s = new Socket();
            try {
                s.connect(at, 300);
                fillers.add(s);
            } catch (SocketTimeoutException full) { // the SYN went unanswered: the queue is full
                s.close();
                return;
            }
        }
        close();
        throw new IllegalStateException("the accept queue of " + at + " never filled after " + MAX_FILLERS + " connections");
    }

    /** Where a connect hangs. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        listener.close();
    }
}
