package io.sipway.proxy.module.rtpproxy;

import java.io.IOException;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rtpproxy control protocol over UDP (Kamailio's send_rtpp_command): a command goes out as
 * {@code cookie command}, sent up to {@code rtpproxy_retr} times, each time waiting
 * {@code rtpproxy_tout} seconds for the answer that starts with the same cookie. Each thread that
 * sends has its own connected, non-blocking socket per instance, as each Kamailio process has: the
 * answers of one never reach another, and what is left in a socket from an earlier, given-up
 * command is drained before the next. Only workers send (the functions are mayWait): a wait never
 * holds an event loop. An instance that refuses (ICMP port unreachable) or stays silent is disabled.
 */
final class Control {
    static final Logger LOG = LoggerFactory.getLogger("io.sipway.rtpproxy");
    /** Kamailio reads an answer into 256 bytes: what is longer is cut there. */
    private static final int ANSWER_MAX = 255;

    private final int retries;
    private final int timeoutSeconds;
    private final int disableTimeout;
    private final String pid = Long.toString(ProcessHandle.current().pid());
    private final AtomicLong sequence = new AtomicLong();
    private final ThreadLocal<Map<Nodes.Node, Socket>> sockets = ThreadLocal.withInitial(HashMap::new);
    private final ConcurrentLinkedQueue<Socket> opened = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /** One thread's socket to one instance, with the selector it waits on. */
    private record Socket(DatagramChannel channel, Selector selector) {
    }

    Control(int retries, int timeoutSeconds, int disableTimeout) {
        this.retries = retries;
        this.timeoutSeconds = timeoutSeconds;
        this.disableTimeout = disableTimeout;
    }

    int disableTimeout() {
        return disableTimeout;
    }

    /**
     * Sends a command (without its cookie) and returns the answer after its cookie, or null when
     * none came: the instance is then disabled for {@code rtpproxy_disable_tout} seconds.
     */
    String send(Nodes.Node node, String command) {
        String cookie = pid + "_" + sequence.getAndIncrement();
        byte[] out = (cookie + " " + command).getBytes(StandardCharsets.ISO_8859_1);
        try {
            Socket s = socket(node);
            drain(s.channel());
            ByteBuffer in = ByteBuffer.allocate(ANSWER_MAX);
            for (int i = 0; i < retries; i++) {
                s.channel().write(ByteBuffer.wrap(out));
                // as poll() in a loop: each datagram that is not the answer waits the whole timeout again
                while (s.selector().select(Math.max(1, timeoutSeconds * 1000L)) > 0) {
                    s.selector().selectedKeys().clear();
                    in.clear();
                    if (s.channel().read(in) < 0) {
                        break;
                    }
                    String answer = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
                    if (answer.startsWith(cookie)) {
                        String rest = answer.substring(cookie.length());
                        return rest.isEmpty() ? rest : rest.substring(1);
                    }
                }
            }
            LOG.error("timeout waiting reply from a RTP proxy");
        } catch (PortUnreachableException e) {
            LOG.error("can't send command to a RTP proxy");
        } catch (IOException e) {
            LOG.error("can't read reply from a RTP proxy: {}", e.toString());
        }
        LOG.error("proxy <{}> does not respond, disable it", node.url);
        node.disabled = true;
        node.recheckAtMs = Nodes.now() + disableTimeout * 1000L;
        return null;
    }

    /**
     * Whether this thread is an event loop, where no command may wait: a route that reaches the
     * functions runs on a worker, so this is a last guard (logged), never the way things go.
     */
    static boolean onEventLoop(String function) {
        if (Thread.currentThread() instanceof io.netty.util.concurrent.FastThreadLocalThread) {
            LOG.error("{}: not run on an event loop (it would wait for the relay); it returns -1", function);
            return true;
        }
        return false;
    }

    /** What an earlier command left (a late answer) goes, so that it is not read as this one's. */
    private static void drain(DatagramChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(ANSWER_MAX);
        try {
            while (ch.read(b) > 0) {
                b.clear();
            }
        } catch (PortUnreachableException e) {
            // a refusal of an earlier command: this one is sent anyway, as Kamailio's recv drains it
        }
    }

    private Socket socket(Nodes.Node node) throws IOException {
        if (closed) {
            throw new IOException("the proxy is stopping");
        }
        Map<Nodes.Node, Socket> mine = sockets.get();
        Socket s = mine.get(node);
        if (s == null || !s.channel().isOpen()) {
            DatagramChannel ch = DatagramChannel.open(node.address.getAddress() instanceof java.net.Inet6Address
                    ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
            ch.connect(node.address);
            ch.configureBlocking(false);
            Selector sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            s = new Socket(ch, sel);
            mine.put(node, s);
            opened.add(s);
        }
        return s;
    }

    /** Closes every thread's sockets (the proxy stops). */
    void close() {
        closed = true;
        for (Socket s; (s = opened.poll()) != null; ) {
            try {
                s.selector().close();
                s.channel().close();
            } catch (IOException e) {
                LOG.debug("closing a control socket: {}", e.toString());
            }
        }
    }
}
