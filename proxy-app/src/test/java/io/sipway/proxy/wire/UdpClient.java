package io.sipway.proxy.wire;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A loopback UDP socket that sends a proxy the bytes a test wrote, exactly (ISO-8859-1: one char one
 * byte, so CR, LF and NUL go as written), and reads what comes back. {@code {port}} in a message is
 * this socket's port, {@code {branch}} a branch new for each message.
 */
final class UdpClient implements AutoCloseable {
    private static int branches;
    private final DatagramSocket socket;
    private final InetSocketAddress proxy;

    UdpClient(int proxyPort) {
        this(proxyPort, 0);
    }

    /** A socket on {@code port} (0: any free one) sending to the proxy on 127.0.0.1:{@code proxyPort}. */
    UdpClient(int proxyPort, int port) {
        try {
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(3000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        proxy = new InetSocketAddress("127.0.0.1", proxyPort);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** {@code text} with this socket's port and a fresh branch filled in. */
    String fill(String text) {
        synchronized (UdpClient.class) {
            branches++;
        }
        return text.replace("{port}", Integer.toString(port())).replace("{branch}", "z9hG4bKw" + System.nanoTime() + branches);
    }

    /** Sends {@code text} (filled in) to the proxy; returns the bytes sent. */
    String send(String text) {
        String filled = fill(text);
        sendRaw(filled, proxy);
        return filled;
    }

    void sendRaw(String text, InetSocketAddress to) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        try {
            socket.send(new DatagramPacket(b, b.length, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next datagram as text, exactly as received. */
    String receiveRaw() {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("nothing received on " + port() + " within " + timeout() + " ms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String(Arrays.copyOf(buf, p.getLength()), StandardCharsets.ISO_8859_1);
    }

    /** The next datagram, parsed; a 100 Trying is skipped. */
    SipMessage receive() {
        while (true) {
            SipMessage m = SipParser.parse(receiveRaw().getBytes(StandardCharsets.ISO_8859_1));
            if (m.statusCode() != 100) {
                return m;
            }
        }
    }

    /** The next datagram with the Call-ID of {@code sent} (retransmissions of earlier requests skipped). */
    SipMessage receiveFor(String sent) {
        String callId = SipParser.parse(sent.getBytes(StandardCharsets.ISO_8859_1)).callId();
        while (true) {
            SipMessage m = receive();
            if (callId.equals(m.callId())) {
                return m;
            }
        }
    }

    /** Asserts that nothing arrives within {@code ms}. */
    void receivesNothing(int ms) {
        try {
            socket.setSoTimeout(ms);
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            throw new AssertionError("expected nothing, received: " + new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1));
        } catch (SocketTimeoutException expected) {
            // silence, as wanted
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout(3000);
            } catch (IOException ignored) {
                // the socket is closing
            }
        }
    }

    private int timeout() {
        try {
            return socket.getSoTimeout();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
