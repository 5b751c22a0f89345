package io.sipway.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

/**
 * A SIP client on a plain socket, written by hand so that it can misbehave: over TCP, TLS, WS or WSS
 * (the WebSocket handshake and masked frames of RFC 6455 done here), with a receive buffer as small
 * as the kernel allows, and reading only when the test says so.
 */
final class RawStreamClient implements AutoCloseable {
    private final Socket socket;
    private final Socket plain;
    private final OutputStream out;
    private final boolean webSocket;

    private RawStreamClient(Socket socket, Socket plain, boolean webSocket) throws IOException {
        this.socket = socket;
        this.plain = plain;
        this.out = socket.getOutputStream();
        this.webSocket = webSocket;
    }

    /**
     * Connects over {@code protocol} (TCP, TLS, WS, WSS) to {@code at}; {@code receiveBuffer} bytes
     * of SO_RCVBUF (set before the connect, so the window is small from the start), 0 for the default.
     */
    static RawStreamClient connect(Protocol protocol, InetSocketAddress at, int receiveBuffer) throws Exception {
        Socket plain = new Socket();
        if (receiveBuffer > 0) {
            plain.setReceiveBufferSize(receiveBuffer);
        }
        plain.connect(at, 5000);
        plain.setSoTimeout(5000);
        Socket s = plain;
        if (protocol.isSecure()) {
            SSLSocket tls = (SSLSocket) TestClients.trustingTls().getSocketFactory().createSocket(plain, at.getHostString(), at.getPort(), true);
            tls.startHandshake();
            s = tls;
        }
        RawStreamClient c = new RawStreamClient(s, plain, protocol.isWebSocket());
        if (protocol.isWebSocket()) {
            c.upgrade(at);
        }
        return c;
    }

    private void upgrade(InetSocketAddress at) throws IOException {
        String request = "GET / HTTP/1.1\r\nHost: " + at.getHostString() + ":" + at.getPort() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: sip\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the WebSocket handshake: " + head);
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException("WebSocket upgrade refused: " + head);
        }
    }

    /** Sends one SIP message (one masked text frame over WS/WSS). */
    void send(byte[] message) throws IOException {
        out.write(webSocket ? maskedTextFrame(message) : message);
        out.flush();
    }

    /** Sends raw bytes as they are (no framing). */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** RFC 6455 5.2: FIN + text, the client's mask (zeros: the payload stays readable in a capture). */
    static byte[] maskedTextFrame(byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(0x81);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) payload.length >>> shift));
            }
        }
        f.write(new byte[4], 0, 4);
        f.write(payload, 0, payload.length);
        return f.toByteArray();
    }

    Socket socket() {
        return socket;
    }

    /** The local port: the connection's remote port as the transport sees it. */
    int localPort() {
        return socket.getLocalPort();
    }

    /**
     * Whether the peer has closed: end of stream or a reset within {@code millis} (bytes that were
     * still unread are skipped). False when the connection is still open after that.
     */
    boolean closedByPeerWithin(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        byte[] sink = new byte[65536];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (socket.getInputStream().read(sink) < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    /** Drops the connection with a reset (SO_LINGER 0), without a TLS close_notify or a WebSocket close frame. */
    void reset() throws IOException {
        plain.setSoLinger(true, 0);
        plain.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
