package io.sipway.proxy.module.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.core.Signature;
import io.sipway.proxy.tm.SipPeer;
import io.sipway.sip.SipMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A registrar behind edge proxies (RFC 3327): what save() keeps of a REGISTER's Path and answers
 * with registrar's use_path, path_mode and path_use_received, and where lookup() sends a request to
 * a binding that has a Path. Every expected reply and request was read from Kamailio 5.6.3 running
 * the same script with the same parameters (EDGE1, PHONE... stand for the test's ports; a '/' in
 * the table below for a line end).
 */
@Timeout(30)
class RegistrarPathTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final String END = Signature.serverHeader() + "\r\nContent-Length: 0\r\n\r\n";

    @TempDir
    Path work;
    private Proxy proxy;
    private int proxyPort;
    private final List<SipPeer> peers = new ArrayList<>();
    private SipPeer phone;
    private SipPeer phone2;
    private SipPeer edge1;
    private SipPeer edge2;
    private SipPeer edge3;
    private SipPeer caller;
    private int cseq = 1;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        peers.forEach(SipPeer::close);
    }

    /** A registrar with these registrar modparams; the phones and the edges (plain UDP peers) on free ports. */
    private void start(String params) throws Exception {
        int[] ports = FreePorts.udpAndTcp(7);
        proxyPort = ports[0];
        phone = peer(ports[1], "phone");
        phone2 = peer(ports[2], "phone2");
        edge1 = peer(ports[3], "edge1");
        edge2 = peer(ports[4], "edge2");
        edge3 = peer(ports[5], "edge3");
        caller = peer(ports[6], "caller");
        Path cfg = work.resolve("registrar-path.cfg");
        Files.writeString(cfg, String.join("\n",
                "listen=udp:127.0.0.1:" + proxyPort,
                "loadmodule \"tm.so\"",
                "loadmodule \"sl.so\"",
                "loadmodule \"pv.so\"",
                "loadmodule \"usrloc.so\"",
                "loadmodule \"registrar.so\"",
                params,
                "request_route {",
                "    if (method == \"REGISTER\") {",
                "        if (!save(\"location\")) { sl_send_reply(\"500\", \"save failed\"); }",
                "        exit;",
                "    }",
                "    $var(r) = lookup(\"location\");",
                "    if ($var(r) < 0) { sl_send_reply(\"404\", \"lookup $var(r)\"); exit; }",
                "    t_relay();",
                "}", ""));
        proxy = Proxy.start(cfg, Map.of(), List.of());
    }

    private SipPeer peer(int port, String tag) {
        SipPeer p = new SipPeer(port, proxyPort, tag);
        peers.add(p);
        return p;
    }

    /** {@code text} with EDGE1.. and PHONE.. replaced by the ports of this test. */
    private String ports(String text) {
        return text.replace("EDGE1", "127.0.0.1:" + edge1.port).replace("EDGE2", "127.0.0.1:" + edge2.port)
                .replace("EDGE3", "127.0.0.1:" + edge3.port).replace("PHONE2", "127.0.0.1:" + phone2.port)
                .replace("PHONE", "127.0.0.1:" + phone.port);
    }

    /** The two Path headers an edge pair adds in front of the phone (the first edge's with add_path_received's parameter). */
    private static final String TWO_PATHS = "Path: <sip:edge1@EDGE1;lr;received=sip:127.0.0.1:7777%3Btransport%3Dtcp;ob>\r\n"
            + "Path: <sip:edge2@EDGE2;lr>, <sip:edge2b@127.0.0.1:9;lr>\r\n";
    /** build_path_vector's value of {@link #TWO_PATHS}: the fields joined by ',', each as written. */
    private static final String VECTOR = "<sip:edge1@EDGE1;lr;received=sip:127.0.0.1:7777%3Btransport%3Dtcp;ob>,"
            + "<sip:edge2@EDGE2;lr>, <sip:edge2b@127.0.0.1:9;lr>";

    /** {@code from} registers its own address for alice with these extra headers (Path, Supported); the registrar's reply. */
    private SipMessage register(SipPeer from, String contactParams, String callId, String extraHeaders) {
        int n = cseq++;
        from.send(ports("REGISTER sip:127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + from.port + ";branch=z9hG4bK-reg" + n + "-" + System.nanoTime() + "\r\n"
                + extraHeaders
                + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=r1\r\nTo: <sip:alice@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: " + n + " REGISTER\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + from.port + ">" + contactParams + "\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n"));
        return from.nextFinal(WAIT);
    }

    /** An INVITE to alice from the caller, its first header lines as given. */
    private void invite(String topHeaders) {
        caller.send("INVITE sip:alice@127.0.0.1:" + proxyPort + " SIP/2.0\r\n" + topHeaders
                + "From: <sip:bob@127.0.0.1>;tag=b1\r\nTo: <sip:alice@127.0.0.1>\r\nCall-ID: inv-" + System.nanoTime() + "\r\n"
                + "CSeq: 1 INVITE\r\nContact: <sip:bob@127.0.0.1>\r\nContent-Length: 0\r\n\r\n");
    }

    private String topVia() {
        return "Via: SIP/2.0/UDP 127.0.0.1:" + caller.port + ";branch=z9hG4bK-inv" + System.nanoTime();
    }

    /** The header lines of a reply after its CSeq, as they came. */
    private static String tail(SipMessage reply) {
        String text = new String(reply.toBytes(), StandardCharsets.UTF_8);
        return text.substring(text.indexOf("\r\n", text.indexOf("CSeq: ")) + 2);
    }

    /** The header lines of a message, in order. */
    private static List<String> lines(SipMessage m) {
        String text = new String(m.toBytes(), StandardCharsets.UTF_8);
        String head = text.substring(text.indexOf("\r\n") + 2, text.indexOf("\r\n\r\n"));
        return List.of(head.split("\r\n"));
    }

    @ParameterizedTest(name = "use_path {0}, path_mode {1}, Supported: path {2}")
    @CsvSource(delimiter = '|', value = {
        "0 | 0 | false | 200 | ''",
        "0 | 2 | false | 200 | ''",
        "0 | 2 | true  | 200 | ''",
        "1 | 0 | false | 200 | ''",
        "1 | 0 | true  | 200 | ''",
        "1 | 1 | false | 200 | ''",
        "1 | 1 | true  | 200 | Path: VECTOR/",
        "1 | 2 | true  | 200 | Path: VECTOR/",
        "1 | 2 | false | 420 | Unsupported: path/Path: VECTOR/P-Registrar-Error: No support for found Path indicated/"})
    void theReplyCarriesThePathAsPathModeSays(int usePath, int pathMode, boolean supported, int code, String after) throws Exception {
        start("modparam(\"registrar\", \"use_path\", " + usePath + ")\nmodparam(\"registrar\", \"path_mode\", " + pathMode + ")");
        SipMessage r = register(phone, "", "reg-modes", TWO_PATHS + (supported ? "Supported: path\r\n" : ""));

        assertThat(r.statusCode()).isEqualTo(code);
        assertThat(r.reasonPhrase()).isEqualTo(code == 200 ? "OK" : "Bad Extension");
        assertThat(tail(r)).isEqualTo(ports("Contact: <sip:alice@PHONE>;expires=600\r\n" + after.replace("VECTOR", VECTOR).replace("/", "\r\n")) + END);
        // the binding is saved in every case, the 420 of path_mode 2 included; with use_path 1 its Path with it
        invite(topVia() + "\r\nMax-Forwards: 70\r\n");
        SipPeer reached = usePath == 1 ? edge1 : phone;
        SipMessage inv = reached.nextRequest("INVITE", WAIT);
        assertThat(inv.requestUriString()).isEqualTo(ports("sip:alice@PHONE"));
        assertThat(inv.headers("Route")).hasSize(usePath == 1 ? 3 : 0);
    }

    @Test
    void pathUseReceivedMakesTheFirstPathUrisReceivedTheBindingsUnescaped() throws Exception {
        start("modparam(\"registrar\", \"use_path\", 1)\nmodparam(\"registrar\", \"path_mode\", 1)\n"
                + "modparam(\"registrar\", \"path_use_received\", 1)");
        SipMessage ok = register(phone, "", "reg-rcv", TWO_PATHS + "Supported: path\r\n");
        assertThat(tail(ok)).isEqualTo(ports("Contact: <sip:alice@PHONE>;expires=600;received=\"sip:127.0.0.1:7777;transport=tcp\"\r\n"
                + "Path: " + VECTOR + "\r\n") + END);
        // a first Path URI without received: none (the second's is not looked at)
        ok = register(phone2, "", "reg-rcv2", "Path: <sip:edge3@EDGE3;lr>, <sip:x@127.0.0.1:9;lr;received=sip:1.2.3.4:5>\r\n"
                + "Supported: path\r\n");
        assertThat(ok.headers("Contact")).contains(ports("<sip:alice@PHONE2>;expires=600"));
        // the Path still comes first: a request goes to the first Path URI, not to the received address
        invite(topVia() + "\r\nMax-Forwards: 70\r\n");
        assertThat(edge1.nextRequest("INVITE", WAIT).requestUriString()).isEqualTo(ports("sip:alice@PHONE"));
    }

    /**
     * Two bindings, each registered through its own edges: the INVITE forks, each branch to the first
     * URI of its binding's Path ($du) with that Path as a Route header, right under the registrar's Via
     * when the request has no Route (above the caller's Via, which the registrar gives received and
     * rport), before its first Route when it has one.
     */
    @Test
    void lookupSendsEachBranchThroughItsBindingsPathAsKamailioPlacesTheRoute() throws Exception {
        start("modparam(\"registrar\", \"use_path\", 1)\nmodparam(\"registrar\", \"path_mode\", 0)");
        register(phone, ";q=1", "reg-a1", TWO_PATHS);
        register(phone2, ";q=0.5", "reg-a2", "Path: <sip:edge3@EDGE3;lr>\r\n");

        invite(topVia() + ";rport\r\nMax-Forwards: 70\r\n");
        SipMessage first = edge1.nextRequest("INVITE", WAIT);
        assertThat(first.requestUriString()).isEqualTo(ports("sip:alice@PHONE"));
        List<String> l = lines(first);
        assertThat(l.get(0)).startsWith("Via: SIP/2.0/UDP 127.0.0.1:" + proxyPort + ";branch=");
        assertThat(l.get(1)).isEqualTo(ports("Route: " + VECTOR));
        assertThat(l.get(2)).startsWith("Via: SIP/2.0/UDP 127.0.0.1:" + caller.port).contains(";rport=" + caller.port);
        assertThat(l.get(3)).isEqualTo("Max-Forwards: 70");
        SipMessage second = edge3.nextRequest("INVITE", WAIT);
        assertThat(second.requestUriString()).isEqualTo(ports("sip:alice@PHONE2"));
        assertThat(lines(second).get(1)).isEqualTo(ports("Route: <sip:edge3@EDGE3;lr>"));
        edge2.silentFor(Duration.ofMillis(200));
        phone2.silentFor(Duration.ofMillis(1));

        invite(topVia() + "\r\nMax-Forwards: 70\r\nRoute: <sip:other@127.0.0.1:9;lr>\r\n");
        l = lines(edge1.nextRequest("INVITE", WAIT));
        assertThat(l.subList(1, 5)).containsExactly(l.get(1), "Max-Forwards: 70", ports("Route: " + VECTOR),
                "Route: <sip:other@127.0.0.1:9;lr>");
        assertThat(lines(edge3.nextRequest("INVITE", WAIT))).contains(ports("Route: <sip:edge3@EDGE3;lr>"))
                .containsSubsequence(ports("Route: <sip:edge3@EDGE3;lr>"), "Route: <sip:other@127.0.0.1:9;lr>");
    }
}
