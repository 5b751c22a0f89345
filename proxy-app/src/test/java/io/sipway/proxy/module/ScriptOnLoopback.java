package io.sipway.proxy.module;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.ProxyStartException;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy on a free loopback port running a script written by the test, and a UDP caller: the test
 * sends requests and reads the replies the script sends ({@code sl_send_reply("200", "$sht(t=>k)")}
 * puts what it computes in the reason phrase).
 */
public final class ScriptOnLoopback implements AutoCloseable {
    private static final AtomicInteger CALLS = new AtomicInteger();
    private final Proxy proxy;
    private final DatagramSocket caller;
    private final InetSocketAddress proxyAt;

    private ScriptOnLoopback(Proxy proxy, DatagramSocket caller, InetSocketAddress proxyAt) {
        this.proxy = proxy;
        this.caller = caller;
        this.proxyAt = proxyAt;
    }

    /** Starts {@code script} (everything after the listen line) in {@code dir}. */
    public static ScriptOnLoopback start(Path dir, String script) throws IOException, ProxyStartException {
        int port = FreePorts.udpAndTcp();
        Path cfg = Files.createTempFile(dir, "script", ".cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=udp:127.0.0.1:" + port + "\n" + script);
        Proxy proxy = Proxy.start(cfg, Map.of(), List.of());
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.setSoTimeout(3000);
        return new ScriptOnLoopback(proxy, s, new InetSocketAddress("127.0.0.1", port));
    }

    /**
     * Runs a statement to prepare a test's database, trying again while the pool cannot open its first
     * connection in time (the pool waits 1 s for one, which a loaded test machine may exceed).
     */
    public static io.sipway.proxy.db.DbResult prepare(io.sipway.proxy.db.Database db, String sql) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return db.raw(sql);
            } catch (io.sipway.proxy.db.DbException e) {
                if (db.up() || attempt == 5) {
                    throw e;
                }
                Thread.sleep(1100);
            }
        }
    }

    public Proxy proxy() {
        return proxy;
    }

    /** Calls an RPC command of a loaded module as the JSON-RPC server would. */
    public Object rpc(String name, Object... params) throws RpcExport.RpcException {
        for (ModuleExports t : proxy.tables()) {
            RpcExport r = t.rpcs().get(name);
            if (r != null) {
                return r.handler().call(List.of(params));
            }
        }
        throw new IllegalArgumentException("no RPC " + name);
    }

    /** Sends an OPTIONS to {@code user} with the extra header lines, and returns the reply, or null after 3 s of silence. */
    public SipMessage request(String user, String... headers) throws IOException {
        int n = CALLS.incrementAndGet();
        StringBuilder b = new StringBuilder("OPTIONS sip:" + user + "@127.0.0.1:" + proxyAt.getPort() + " SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP 127.0.0.1:").append(caller.getLocalPort()).append(";branch=z9hG4bK-t").append(n).append(";rport\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("From: <sip:alice@127.0.0.1>;tag=a").append(n).append("\r\n")
                .append("To: <sip:").append(user).append("@127.0.0.1>\r\n")
                .append("Call-ID: c").append(n).append("@test\r\n")
                .append("CSeq: 1 OPTIONS\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        b.append("Content-Length: 0\r\n\r\n");
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        caller.send(new DatagramPacket(bytes, bytes.length, proxyAt));
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            caller.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return SipParser.parse(java.util.Arrays.copyOf(buf, p.getLength()));
    }

    /** The reason phrase of the reply to a request. */
    public String reason(String user, String... headers) throws IOException {
        SipMessage m = request(user, headers);
        if (m == null) {
            return null;
        }
        return m.reasonPhrase();
    }

    @Override
    public void close() {
        caller.close();
        proxy.close();
    }
}
