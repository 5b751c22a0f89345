package io.sipway.proxy.module.dispatcher;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.ProxyStartException;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.RpcExport;
import io.sipway.proxy.tm.SipPeer;
import io.sipway.sip.SipMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy on a free loopback port running a dispatcher script written by the test, a caller, and
 * gateways: UDP peers bound before the proxy starts, named in the list file (or table) the test
 * writes by {@code {gw1}}, {@code {gw2}}... placeholders that become their {@code sip:127.0.0.1:port}.
 */
final class Gateways implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();

    final int proxyPort;
    final SipPeer caller;
    final List<SipPeer> gateways = new ArrayList<>();
    final Path dir;
    private Proxy proxy;

    Gateways(Path dir, int count) {
        this.dir = dir;
        int[] ports = FreePorts.udpAndTcp(count + 2);
        proxyPort = ports[0];
        caller = new SipPeer(ports[1], proxyPort, "caller");
        for (int i = 0; i < count; i++) {
            gateways.add(new SipPeer(ports[i + 2], proxyPort, "gw" + (i + 1)));
        }
    }

    /** Gateway n (from 1). */
    SipPeer gw(int n) {
        return gateways.get(n - 1);
    }

    /** sip:127.0.0.1:port of gateway n. */
    String uri(int n) {
        return "sip:127.0.0.1:" + gw(n).port;
    }

    /** The text with {gwN} replaced by gateway N's URI and {proxy} by the proxy's port. */
    String fill(String text) {
        String t = text.replace("{proxy}", Integer.toString(proxyPort)).replace("{caller}", "sip:127.0.0.1:" + caller.port);
        for (int n = gateways.size(); n >= 1; n--) {
            t = t.replace("{gw" + n + "}", uri(n));
        }
        return t;
    }

    /** Writes dispatcher.list (placeholders filled) beside the script and returns its path. */
    Path list(String text) throws IOException {
        Path p = dir.resolve("dispatcher.list");
        Files.writeString(p, fill(text));
        return p;
    }

    /** Starts the script (placeholders filled; a listen line for the proxy's port put first). */
    Proxy start(String script) throws IOException, ProxyStartException {
        Path cfg = dir.resolve("dispatcher.cfg");
        Files.writeString(cfg, script(script));
        proxy = Proxy.start(cfg, Map.of(), List.of());
        return proxy;
    }

    /** The script as the proxy runs it. */
    String script(String script) {
        return "#!KAMAILIO\nlisten=udp:127.0.0.1:" + proxyPort + "\n" + fill(script);
    }

    /** Calls an RPC command of a loaded module as the JSON-RPC server would. */
    Object rpc(String name, Object... params) throws RpcExport.RpcException {
        for (ModuleExports t : proxy.tables()) {
            RpcExport r = t.rpcs().get(name);
            if (r != null) {
                return r.handler().call(List.of(params));
            }
        }
        throw new IllegalArgumentException("no RPC " + name);
    }

    /** The caller's request {@code method} to {@code user} with this Call-ID, through the proxy. */
    String request(String method, String user, String callId, String... headers) {
        int n = SEQ.incrementAndGet();
        return method + " sip:" + user + "@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.port + ";branch=z9hG4bK-ds" + n + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: \"Caller\" <sip:caller@127.0.0.1>;tag=f" + n + "\r\n"
                + "To: <sip:" + user + "@example.com>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Contact: <sip:caller@127.0.0.1:" + caller.port + ">\r\n"
                + String.join("", java.util.Arrays.stream(headers).map(h -> h + "\r\n").toList())
                + "Content-Length: 0\r\n\r\n";
    }

    /** Sends an OPTIONS and returns the reason phrase of the final reply (the scripts reply with what they picked). */
    String ask(String user, String callId, String... headers) {
        caller.send(request("OPTIONS", user, callId, headers));
        SipMessage reply = caller.nextFinal(Duration.ofSeconds(5));
        return reply.statusCode() + " " + reply.reasonPhrase();
    }

    /** The port of the gateway a picked URI names, as "gwN", or the text itself. */
    String name(String picked) {
        for (int n = 1; n <= gateways.size(); n++) {
            if (picked.equals(uri(n))) {
                return "gw" + n;
            }
        }
        return picked;
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        caller.close();
        gateways.forEach(SipPeer::close);
    }
}
