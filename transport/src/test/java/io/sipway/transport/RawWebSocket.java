package io.sipway.transport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLSocket;

/**
 * A WebSocket client by hand (RFC 6455) over a plain or TLS socket, for tests that must send what a
 * well-behaved client never would: half requests, floods without reading, broken frames.
 */
final class RawWebSocket implements AutoCloseable {
    /** A well-formed upgrade offering subprotocol sip (the key is RFC 6455's example). */
    static final String UPGRADE = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n";
    /** What the server must answer RFC 6455's example key with. */
    static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(5000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A connection to 127.0.0.1:port (TLS trusting the test server when {@code tls}); receiveBuffer 0 = the OS default. */
    static RawWebSocket connect(int port, boolean tls, int receiveBuffer) throws Exception {
        Socket s = tls ? TestClients.trustingTls().getSocketFactory().createSocket() : new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer); // before connect: it sets the window the server sees
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        if (s instanceof SSLSocket ssl) {
            ssl.setSoTimeout(5000);
            ssl.startHandshake();
        }
        return new RawWebSocket(s);
    }

    static RawWebSocket connect(int port, boolean tls) throws Exception {
        return connect(port, tls, 0);
    }

    /** Sends {@link #UPGRADE} and returns the server's answer head (status line and headers). */
    String upgrade() throws IOException {
        send(UPGRADE.getBytes(StandardCharsets.US_ASCII));
        return readHead();
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(String ascii) throws IOException {
        send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    void sendFrame(int opcode, byte[] payload, boolean fin) throws IOException {
        send(frame(opcode, payload, fin, true));
    }

    /** One frame as a client writes it ({@code masked}) or as a server does. */
    static byte[] frame(int opcode, byte[] payload, boolean fin, boolean masked) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
        b.write((fin ? 0x80 : 0) | opcode);
        int mask = masked ? 0x80 : 0;
        if (payload.length < 126) {
            b.write(mask | payload.length);
        } else if (payload.length < 65536) {
            b.write(mask | 126);
            b.write(payload.length >> 8);
            b.write(payload.length);
        } else {
            b.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                b.write((int) ((long) payload.length >> shift));
            }
        }
        byte[] key = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(key);
            b.writeBytes(key);
        }
        for (int i = 0; i < payload.length; i++) {
            b.write(payload[i] ^ key[i & 3]);
        }
        return b.toByteArray();
    }

    /** The head of an HTTP answer, up to and without the empty line. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed after " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        return h.substring(0, h.length() - 4);
    }

    record Frame(int opcode, boolean fin, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** A close frame's status code, or -1. */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }

        String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    /** The next frame from the server (unmasked, any length). */
    Frame readFrame() throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
            throw new EOFException("connection closed");
        }
        long len = b1 & 0x7F;
        if (len == 126) {
            len = (readByte() << 8) | readByte();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte();
            }
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length < len) {
            throw new EOFException("connection closed inside a frame");
        }
        return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /**
     * Whether the server closes the connection within {@code millis}: everything it still sends is
     * read and dropped; true at end of stream or a reset, false when the time ran out first.
     */
    boolean closedWithin(long millis) throws IOException {
        long end = System.nanoTime() + millis * 1_000_000L;
        byte[] sink = new byte[8192];
        while (true) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) { // reset by the server, or a TLS close without close_notify
                return true;
            } catch (javax.net.ssl.SSLException e) {
                return true;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
