package io.sipway.proxy.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.MovedPorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.RpcExport;
import io.sipway.proxy.tm.SipPeer;
import io.sipway.sip.SipMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The load balancer of {@code examples/cfg/dispatcher.cfg}, run unchanged (only its ports moved) under
 * Sipway and, where it is installed, under Kamailio 5.6.3, with the same calls and the same
 * expectations: calls take turns over the two gateways of its list; a gateway sees the balancer's
 * domain in From (uac_replace_from) while the caller sees its own From in every reply and in the
 * requests the gateway sends back (uac's restore); a gateway that answers 503 is passed over for the
 * next one and marked down, probed with OPTIONS and given calls again once it answers them.
 */
class LoadBalancerExampleTest {
    private static final Path EXAMPLE = Path.of("../examples/cfg/dispatcher.cfg");
    private static final Path LIST = Path.of("../examples/cfg/dispatcher.list");
    private static final Path KAMAILIO = Path.of("/usr/sbin/kamailio");
    private static final String MODPATH = "MODPATH=\"/usr/lib/x86_64-linux-gnu/kamailio/modules/\"";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String ORIGINAL_FROM = "\"Alice\" <sip:alice@client.example>";
    private static final String REPLACED_FROM = "\"Alice\" <sip:alice@lb.sipway.test>";
    private static final AtomicInteger SEQ = new AtomicInteger();

    @TempDir
    Path dir;
    private MovedPorts ports;
    private int proxyPort;
    private SipPeer caller;
    private SipPeer gw1;
    private SipPeer gw2;
    private Proxy sipway;
    private Process kamailio;

    static Stream<String> proxies() {
        return Stream.of("sipway", "kamailio");
    }

    /** Starts the example under {@code which} with its list, both beside each other in the test's directory. */
    private void start(String which) throws Exception {
        ports = MovedPorts.of(5060, 5070, 5071);
        proxyPort = ports.get(5060);
        caller = new SipPeer(FreePorts.udpAndTcp(1)[0], proxyPort, "alice");
        gw1 = new SipPeer(ports.get(5070), proxyPort, "gw1");
        gw2 = new SipPeer(ports.get(5071), proxyPort, "gw2");
        Path cfg = ports.script(EXAMPLE, dir);
        Path list = ports.script(LIST, dir);
        String dsList = "DS_LIST=\"" + list.toAbsolutePath() + "\"";
        if (which.equals("sipway")) {
            sipway = Proxy.start(cfg, Map.of("DS_LIST", "\"" + list.toAbsolutePath() + "\""), List.of());
            return;
        }
        assumeTrue(Files.isExecutable(KAMAILIO), "kamailio is not installed (Debian package kamailio): Kamailio's side skipped");
        kamailio = new ProcessBuilder(KAMAILIO.toString(), "-f", cfg.toString(), "-DD", "-E", "-m", "64", "-M", "8",
                "-A", MODPATH, "-A", dsList, "-Y", dir.toString(), "-w", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("kamailio.log").toFile()).start();
        awaitListening();
    }

    /** Kamailio listens once it answers a request with Max-Forwards 0 (the script's 483). */
    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            caller.send(request("OPTIONS", "ready-" + SEQ.incrementAndGet() + "@lb.test", "Max-Forwards: 0"));
            SipMessage m = caller.poll(Duration.ofMillis(300));
            if (m != null && m.isResponse()) {
                assertThat(m.statusCode()).isEqualTo(483);
                return;
            }
        }
        throw new AssertionError("kamailio did not answer on " + proxyPort + ":\n" + Files.readString(dir.resolve("kamailio.log")));
    }

    @AfterEach
    void stop() throws Exception {
        if (sipway != null) {
            sipway.close();
        }
        if (kamailio != null) {
            kamailio.destroy();
            if (!kamailio.waitFor(10, TimeUnit.SECONDS)) {
                kamailio.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (SipPeer p : new SipPeer[] {caller, gw1, gw2}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("proxies")
    void callsTakeTurnsAndOnlyTheGatewaysSeeTheBalancersDomain(String which) throws Exception {
        start(which);
        Set<Integer> reached = new HashSet<>();
        for (int n = 0; n < 2; n++) {
            String callId = "turn-" + n + "-" + SEQ.incrementAndGet() + "@lb.test";
            caller.send(invite(callId));
            Arrived inv = nextInvite();
            reached.add(inv.gateway.port);
            assertThat(inv.message.callId()).isEqualTo(callId);
            assertThat(inv.message.header("From")).startsWith(REPLACED_FROM + ";tag=");
            assertThat(inv.message.header("Record-Route")).contains(";vsf=");
            inv.gateway.answer(inv.message, 200, "OK", "Contact: <sip:bob@127.0.0.1:" + inv.gateway.port + ">");

            SipMessage ok = caller.nextFinal(WAIT);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.header("From")).as("the caller's own From, restored in the reply").startsWith(ORIGINAL_FROM + ";tag=");
            dialogIsKnown(callId, true);

            String route = ok.header("Record-Route");
            caller.send(inDialog("ACK", ok, route, 1));
            SipMessage ack = inv.gateway.nextRequest("ACK", WAIT);
            assertThat(ack.header("From")).startsWith(REPLACED_FROM + ";tag=");

            if (n == 0) {
                // the caller hangs up: the gateway sees the balancer's From again
                caller.send(inDialog("BYE", ok, route, 2));
                SipMessage bye = inv.gateway.nextRequest("BYE", WAIT);
                assertThat(bye.header("From")).startsWith(REPLACED_FROM + ";tag=");
                inv.gateway.answer(bye, 200, "OK");
                SipMessage byeOk = caller.nextFinal(WAIT);
                assertThat(byeOk.statusCode()).isEqualTo(200);
                assertThat(byeOk.header("From")).startsWith(ORIGINAL_FROM + ";tag=");
            } else {
                // the gateway hangs up: its To (the balancer's From) reaches the caller as the caller's own From
                inv.gateway.send(byeFromGateway(inv.gateway, inv.message, ok));
                SipMessage bye = caller.nextRequest("BYE", WAIT);
                assertThat(bye.header("To")).startsWith(ORIGINAL_FROM + ";tag=");
                caller.answer(bye, 200, "OK");
                assertThat(inv.gateway.nextFinal(WAIT).statusCode()).isEqualTo(200);
            }
            dialogIsKnown(callId, false);
        }
        assertThat(reached).as("round robin: one call each").containsExactlyInAnyOrder(gw1.port, gw2.port);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("proxies")
    void aGatewayAnswering503IsPassedOverMarkedDownAndBackOnceItAnswersProbes(String which) throws Exception {
        start(which);
        String callId = "failover-" + SEQ.incrementAndGet() + "@lb.test";
        caller.send(invite(callId));
        Arrived first = nextInvite();
        SipPeer busy = first.gateway;
        SipPeer other = busy == gw1 ? gw2 : gw1;
        busy.answer(first.message, 503, "Service Unavailable");

        SipMessage second = other.nextRequest("INVITE", WAIT);
        assertThat(second.callId()).isEqualTo(callId);
        other.answer(second, 200, "OK", "Contact: <sip:bob@127.0.0.1:" + other.port + ">");
        assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(200);

        // marked down: the next calls all go to the other gateway
        for (int n = 0; n < 2; n++) {
            String next = "while-down-" + n + "-" + SEQ.incrementAndGet() + "@lb.test";
            caller.send(invite(next));
            SipMessage inv = other.nextRequest("INVITE", WAIT);
            assertThat(inv.callId()).isEqualTo(next);
            other.answer(inv, 486, "Busy Here");
            assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(486);
            other.nextRequest("ACK", WAIT);
        }

        // probed every 5 s (ds_ping_interval); a 200 to the probe makes it take calls again
        SipMessage probe = nextSkippingAcks(busy, "OPTIONS", Duration.ofSeconds(8));
        assertThat(probe.header("From")).contains("sip:lb@lb.sipway.test");
        busy.answer(probe, 200, "OK");
        Thread.sleep(300);
        Set<Integer> reached = new HashSet<>();
        for (int n = 0; n < 2; n++) {
            String next = "after-up-" + n + "-" + SEQ.incrementAndGet() + "@lb.test";
            caller.send(invite(next));
            Arrived inv = nextInvite();
            reached.add(inv.gateway.port);
            inv.gateway.answer(inv.message, 486, "Busy Here");
            assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(486);
        }
        assertThat(reached).as("both gateways take calls again").containsExactlyInAnyOrder(gw1.port, gw2.port);
    }

    /** Sipway's dialog module knows the call while it lasts (dlg.list); Kamailio's example has no RPC transport. */
    private void dialogIsKnown(String callId, boolean known) throws Exception {
        if (sipway == null) {
            return;
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            boolean listed = rpc("dlg.list").toString().contains(callId);
            if (listed == known || System.nanoTime() > deadline) {
                assertThat(listed).as("%s in dlg.list", callId).isEqualTo(known);
                return;
            }
            Thread.sleep(50);
        }
    }

    private Object rpc(String name, Object... params) throws RpcExport.RpcException {
        for (ModuleExports t : sipway.tables()) {
            RpcExport r = t.rpcs().get(name);
            if (r != null) {
                return r.handler().call(List.of(params));
            }
        }
        throw new IllegalArgumentException("no RPC " + name);
    }

    private record Arrived(SipPeer gateway, SipMessage message) {
    }

    /** The next INVITE at either gateway (ACKs of earlier failures passed over). */
    private Arrived nextInvite() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (SipPeer gw : new SipPeer[] {gw1, gw2}) {
                SipMessage m = gw.poll(Duration.ofMillis(20));
                if (m == null || m.isResponse() || m.methodName().equals("ACK")) {
                    continue;
                }
                if (m.methodName().equals("OPTIONS")) {
                    gw.answer(m, 200, "OK");
                    continue;
                }
                assertThat(m.methodName()).isEqualTo("INVITE");
                return new Arrived(gw, m);
            }
        }
        throw new AssertionError("no INVITE reached a gateway");
    }

    private static SipMessage nextSkippingAcks(SipPeer peer, String method, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            SipMessage m = peer.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (m.isRequest() && m.methodName().equals("ACK")) {
                continue;
            }
            assertThat(m.isRequest() ? m.methodName() : "reply " + m.statusCode()).isEqualTo(method);
            return m;
        }
    }

    private String invite(String callId) {
        return request("INVITE", callId);
    }

    private String request(String method, String callId, String... headers) {
        int n = SEQ.incrementAndGet();
        StringBuilder b = new StringBuilder()
                .append(method).append(" sip:bob@127.0.0.1:").append(proxyPort).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP 127.0.0.1:").append(caller.port).append(";branch=z9hG4bK-lb").append(n).append(";rport\r\n");
        if (headers.length == 0) {
            b.append("Max-Forwards: 70\r\n");
        }
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("From: ").append(ORIGINAL_FROM).append(";tag=a").append(n).append("\r\n")
                .append("To: <sip:bob@example.com>\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: 1 ").append(method).append("\r\n")
                .append("Contact: <sip:alice@127.0.0.1:").append(caller.port).append(">\r\n")
                .append("Content-Length: 0\r\n\r\n").toString();
    }

    /** The caller's ACK or BYE in the dialog the 200 {@code ok} set up: to its Contact, along its Record-Route. */
    private String inDialog(String method, SipMessage ok, String route, int cseq) {
        String target = ok.header("Contact").replaceAll("^<|>.*$", "");
        return method + " " + target + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.port + ";branch=z9hG4bK-lbd" + SEQ.incrementAndGet() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "Route: " + route + "\r\n"
                + "From: " + ok.header("From") + "\r\n"
                + "To: " + ok.header("To") + "\r\n"
                + "Call-ID: " + ok.callId() + "\r\n"
                + "CSeq: " + (method.equals("ACK") ? 1 : cseq) + " " + method + "\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** The gateway's BYE to the caller: From and To swapped as the gateway knows them, to the caller's Contact via the proxy. */
    private String byeFromGateway(SipPeer gw, SipMessage invite, SipMessage ok) {
        return "BYE sip:alice@127.0.0.1:" + caller.port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + gw.port + ";branch=z9hG4bK-gwb" + SEQ.incrementAndGet() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "Route: " + invite.header("Record-Route") + "\r\n"
                + "From: " + ok.header("To") + "\r\n"
                + "To: " + invite.header("From") + "\r\n"
                + "Call-ID: " + invite.callId() + "\r\n"
                + "CSeq: 1 BYE\r\n"
                + "Content-Length: 0\r\n\r\n";
    }
}
