package io.sipway.proxy.module.rtpproxy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP socket that records the rtpproxy commands it gets (without their cookies) and answers as
 * rtpproxy does: V 20040107, VF 1 (every capability), U and L a port (40002, 40004, ...) and
 * 192.0.2.9, Q statistics, anything else 0.
 */
final class FakeRtpproxy implements AutoCloseable {
    final List<String> commands = new CopyOnWriteArrayList<>();
    private final DatagramSocket socket;
    private final Thread thread;
    private int port = 40000;
    volatile boolean silent;

    FakeRtpproxy() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        thread = new Thread(this::serve, "fake-rtpproxy");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The commands other than V and VF. */
    List<String> calls() {
        return commands.stream().filter(c -> !c.startsWith("V")).toList();
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            String text = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
            int sp = text.indexOf(' ');
            String cookie = text.substring(0, sp);
            String cmd = text.substring(sp + 1);
            commands.add(cmd);
            if (silent) {
                continue;
            }
            String answer;
            if (cmd.startsWith("VF")) {
                answer = "1";
            } else if (cmd.startsWith("V")) {
                answer = "20040107";
            } else if (cmd.startsWith("U") || cmd.startsWith("L")) {
                port += 2;
                answer = port + " 192.0.2.9";
            } else if (cmd.startsWith("Q")) {
                answer = "3600 5 6 7 8";
            } else {
                answer = "0";
            }
            byte[] out = (cookie + " " + answer + "\n").getBytes(StandardCharsets.ISO_8859_1);
            try {
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
