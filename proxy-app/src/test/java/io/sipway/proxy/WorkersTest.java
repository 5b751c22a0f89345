package io.sipway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ModuleHost;
import io.sipway.proxy.module.Routes;
import io.sipway.proxy.module.core.CoreModule;
import io.sipway.proxy.tm.SipPeer;
import io.sipway.sip.SipMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/ARCHITECTURE.md, "Functions that may wait": a route that can reach a function that may wait
 * runs on a {@code sipway-worker-N} thread, every other one on the event loop that read its
 * message; the loops go on meanwhile; a full queue answers 503. No module function waits on main
 * yet, so the test adds a module of its own: {@code sleep_ms(n)} may wait (it sleeps), {@code
 * where(label)} records the thread a route runs on. Real UDP sockets on loopback throughout.
 */
@Timeout(60)
class WorkersTest {
    private static final Duration WITHIN = Duration.ofSeconds(5);
    private static final String WORKER = "sipway-worker-";

    @TempDir
    Path work;
    private final int[] ports = FreePorts.udpAndTcp(4);
    private final int proxyPort = ports[0];
    private final List<AutoCloseable> open = new ArrayList<>();
    /** "label method-or-code thread" per where() call, in the order they ran. */
    private final Queue<String> ran = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** The test's module: sleep_ms waits, as a database query would; where records the thread. */
    private ModuleExports waitingModule() {
        ModuleExports.Builder b = ModuleExports.module("waittest", "test only: a function that may wait");
        b.fn("sleep_ms", 1, 1, Routes.ANY, args -> {
            long ms = Long.parseLong(args.get(0).constantString());
            return ctx -> {
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 1;
            };
        }).mayWait().summary("sleeps n ms, as a blocking query waits");
        b.fn("where", 1, 1, Routes.ANY, args -> {
            String label = args.get(0).constantString();
            return ctx -> {
                SipMessage m = ((MsgContext) ctx).msg;
                ran.add(label + " " + (m.isRequest() ? m.methodName() : Integer.toString(m.statusCode())) + " "
                        + Thread.currentThread().getName());
                return 1;
            };
        }).summary("records the thread the route runs on");
        return b.build();
    }

    private Proxy start(String routes) throws Exception {
        return start(routes, core -> { });
    }

    private Proxy start(String routes, Consumer<Core> setUp) throws Exception {
        String script = "#!KAMAILIO\nlisten=udp:127.0.0.1:" + proxyPort + "\n"
                + "loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"rr.so\"\nloadmodule \"pv.so\"\n"
                + "loadmodule \"siputils.so\"\nloadmodule \"textops.so\"\nloadmodule \"waittest.so\"\n"
                + routes.replace("{UAS}", Integer.toString(ports[2])).replace("{UAS2}", Integer.toString(ports[3]));
        Path cfg = Files.writeString(work.resolve("workers.cfg"), script);
        Proxy p = Proxy.start(cfg, Map.of(), List.of(), core -> {
            setUp.accept(core);
            List<ModuleExports> tables = new ArrayList<>(Modules.tables(core));
            tables.add(waitingModule());
            return new ModuleHost(tables, new CoreModule(core));
        });
        open.add(p);
        return p;
    }

    private SipPeer peer(int port, String tag) {
        SipPeer p = new SipPeer(port, proxyPort, tag);
        open.add(p);
        return p;
    }

    private String options(SipPeer from, String user, String branch) {
        return "OPTIONS sip:" + user + "@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + from.port + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1>;tag=f-" + branch + "\r\nTo: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: " + branch + "@workers.test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    }

    private String invite(SipPeer from, String user, String branch) {
        return "INVITE sip:" + user + "@127.0.0.1:" + proxyPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + from.port + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1>;tag=f-" + branch + "\r\nTo: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: " + branch + "@workers.test\r\nCSeq: 1 INVITE\r\n"
                + "Contact: <sip:caller@127.0.0.1:" + from.port + ">\r\nContent-Length: 0\r\n\r\n";
    }

    private List<String> ran(String label) {
        return ran.stream().filter(s -> s.startsWith(label + " ")).toList();
    }

    @Test
    void aRequestRouteThatMayWaitRunsOnAWorkerWhileTheLoopAnswersTheNextRequest() throws Exception {
        Proxy proxy = start("""
                children=2
                request_route {
                    if ($rU == "slow") { sleep_ms("1500"); }
                    where("request");
                    sl_send_reply("200", "OK");
                }
                """);
        assertThat(proxy.workers()).as("children").isEqualTo(2);
        SipPeer caller = peer(ports[1], "c");
        caller.send(options(caller, "slow", "z9hG4bKslow"));
        Thread.sleep(100);
        long sent = System.nanoTime();
        caller.send(options(caller, "fast", "z9hG4bKfast"));
        SipMessage first = caller.next(WITHIN);
        assertThat(first.callId()).as("the request read while the slow one waits is answered first").startsWith("z9hG4bKfast");
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofMillis(1000));
        assertThat(caller.next(WITHIN).callId()).startsWith("z9hG4bKslow");
        assertThat(ran("request")).hasSize(2).allSatisfy(s -> assertThat(s).contains(" OPTIONS " + WORKER));
    }

    @Test
    void asManyWorkersAsKamailioHasProcessesThatMayBlockChildrenPerUdpListenerAndTcpChildrenForTheStreams() throws Exception {
        Proxy proxy = start("children=2\ntcp_children=3\nlisten=tcp:127.0.0.1:" + proxyPort + "\n"
                + "request_route { sl_send_reply(\"200\", \"OK\"); }\n");
        assertThat(proxy.workers()).as("2 for the UDP listener, 3 for the TCP one").isEqualTo(5);
    }

    @Test
    void aRouteThatCannotWaitRunsOnItsEventLoopAndChildrenDefaultsToKamailios8Workers() throws Exception {
        Proxy proxy = start("""
                request_route { where("request"); sl_send_reply("200", "OK"); }
                """);
        assertThat(proxy.workers()).isEqualTo(8);
        SipPeer caller = peer(ports[1], "c");
        caller.send(options(caller, "bob", "z9hG4bKloop"));
        assertThat(caller.next(WITHIN).statusCode()).isEqualTo(200);
        assertThat(ran("request")).singleElement().satisfies(s -> assertThat(s).doesNotContain(WORKER));
    }

    @Test
    void aWaitingFunctionReachedThroughRouteCallsSendsTheRequestToAWorker() throws Exception {
        start("""
                request_route { where("request"); route(CHECK); }
                route[CHECK] { route(LOOKUP); }
                route[LOOKUP] { if ($rU == "nobody") { sleep_ms("1"); } sl_send_reply("404", "Not Found"); }
                """);
        SipPeer caller = peer(ports[1], "c");
        caller.send(options(caller, "bob", "z9hG4bKroute"));
        assertThat(caller.next(WITHIN).statusCode()).isEqualTo(404);
        assertThat(ran("request")).singleElement().satisfies(s -> assertThat(s).contains(WORKER));
    }

    @Test
    void aFailureRouteThatMayWaitRunsOnAWorkerAndEitherForksAgainOrLetsTheBestReplyGoUp() throws Exception {
        start("""
                request_route {
                    where("request");
                    t_on_failure("NEXT");
                    $du = "sip:127.0.0.1:{UAS}";
                    t_relay();
                }
                failure_route[NEXT] {
                    sleep_ms("1");
                    where("failure");
                    if ($rU == "retry") { $du = "sip:127.0.0.1:{UAS2}"; t_relay(); }
                }
                """);
        SipPeer caller = peer(ports[1], "c");
        SipPeer busy = peer(ports[2], "busy");
        SipPeer second = peer(ports[3], "second");

        caller.send(invite(caller, "retry", "z9hG4bKretry"));
        busy.answer(busy.nextRequest("INVITE", WITHIN), 486, "Busy Here");
        busy.nextRequest("ACK", WITHIN); // tm's hop-by-hop ACK of the 486
        second.answer(second.nextRequest("INVITE", WITHIN), 200, "OK", "Contact: <sip:second@127.0.0.1:" + ports[3] + ">");
        assertThat(caller.nextFinal(WITHIN).statusCode()).as("the failure route forked to the second UAS").isEqualTo(200);

        caller.send(invite(caller, "alone", "z9hG4bKalone"));
        busy.answer(busy.nextRequest("INVITE", WITHIN), 486, "Busy Here");
        assertThat(caller.nextFinal(WITHIN).statusCode()).as("no new branch: the best reply goes up").isEqualTo(486);

        assertThat(ran("request")).hasSize(2).allSatisfy(s -> assertThat(s).doesNotContain(WORKER));
        assertThat(ran("failure")).hasSize(2).allSatisfy(s -> assertThat(s).contains(WORKER));
    }

    @Test
    void aReplyRouteThatMayWaitRunsOnAWorkerAndTheReplyGoesOnThroughItsTransaction() throws Exception {
        start("""
                request_route { where("request"); $du = "sip:127.0.0.1:{UAS}"; t_relay(); }
                reply_route { sleep_ms("1"); where("reply_route"); }
                """);
        SipPeer caller = peer(ports[1], "c");
        SipPeer callee = peer(ports[2], "callee");
        caller.send(options(caller, "callee", "z9hG4bKreply"));
        callee.answer(callee.nextRequest("OPTIONS", WITHIN), 200, "OK");
        assertThat(caller.nextFinal(WITHIN).statusCode()).isEqualTo(200);
        assertThat(ran("request")).singleElement().satisfies(s -> assertThat(s).doesNotContain(WORKER));
        assertThat(ran("reply_route")).singleElement().satisfies(s -> assertThat(s).contains("200 " + WORKER));
    }

    @Test
    void aFullQueueAnswers503AndCountsIt() throws Exception {
        Proxy proxy = start("""
                request_route { sleep_ms("800"); sl_send_reply("200", "OK"); }
                """, core -> core.workers(1, 1)); // one worker, one message waiting
        SipPeer caller = peer(ports[1], "c");
        caller.send(options(caller, "a", "z9hG4bKrunning"));
        Thread.sleep(150);
        caller.send(options(caller, "b", "z9hG4bKqueued"));
        Thread.sleep(150);
        caller.send(options(caller, "c", "z9hG4bKrefused"));
        SipMessage refused = caller.next(Duration.ofMillis(500));
        assertThat(refused.callId()).startsWith("z9hG4bKrefused");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.reasonPhrase()).isEqualTo("Service Unavailable");
        assertThat(proxy.stat("sipway:worker_queue_full")).isEqualTo(1);
        assertThat(caller.next(WITHIN).callId()).startsWith("z9hG4bKrunning");
        assertThat(caller.next(WITHIN).callId()).startsWith("z9hG4bKqueued");
    }

    @Test
    void aCallRoutedFromWorkersCompletesEndToEnd() throws Exception {
        start("""
                request_route {
                    sleep_ms("1");
                    where("request");
                    if (has_totag()) {
                        if (loose_route()) { t_relay(); exit; }
                        if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
                        sl_send_reply("404", "Not here");
                        exit;
                    }
                    if (is_method("INVITE")) { record_route(); t_on_reply("REPLY"); }
                    $du = "sip:127.0.0.1:{UAS}";
                    t_relay();
                }
                onreply_route[REPLY] { sleep_ms("1"); where("reply"); }
                """);
        SipPeer caller = peer(ports[1], "c");
        SipPeer callee = peer(ports[2], "callee");
        String calleeContact = "sip:callee@127.0.0.1:" + ports[2];
        caller.send(invite(caller, "callee", "z9hG4bKcall"));
        SipMessage invite = callee.nextRequest("INVITE", WITHIN);
        callee.answer(invite, 180, "Ringing", "Contact: <" + calleeContact + ">");
        callee.answer(invite, 200, "OK", "Contact: <" + calleeContact + ">");
        SipMessage ok = caller.nextFinal(WITHIN);
        assertThat(ok.statusCode()).isEqualTo(200);
        String route = ok.header("Record-Route");
        assertThat(route).contains("127.0.0.1:" + proxyPort);

        String dialog = "From: <sip:caller@127.0.0.1>;tag=f-z9hG4bKcall\r\nTo: " + ok.header("To") + "\r\n"
                + "Call-ID: z9hG4bKcall@workers.test\r\nRoute: " + route + "\r\nMax-Forwards: 70\r\n";
        caller.send("ACK " + calleeContact + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + caller.port
                + ";branch=z9hG4bKack;rport\r\n" + dialog + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
        assertThat(callee.nextRequest("ACK", WITHIN).requestUriString()).isEqualTo(calleeContact);
        caller.send("BYE " + calleeContact + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + caller.port
                + ";branch=z9hG4bKbye;rport\r\n" + dialog + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
        callee.answer(callee.nextRequest("BYE", WITHIN), 200, "OK");
        SipMessage byeOk = caller.nextFinal(WITHIN);
        assertThat(byeOk.statusCode()).isEqualTo(200);
        assertThat(byeOk.header("CSeq")).isEqualTo("2 BYE");

        assertThat(ran("request")).extracting(s -> s.split(" ")[1]).containsExactly("INVITE", "ACK", "BYE");
        assertThat(ran("request")).allSatisfy(s -> assertThat(s).contains(WORKER));
        assertThat(ran("reply")).extracting(s -> s.split(" ")[1]).contains("180", "200");
        assertThat(ran("reply")).allSatisfy(s -> assertThat(s).contains(WORKER));
    }

    @Test
    void theXhttpEventRouteIsAnsweredAtOnceSoItMayNotReachAWaitingFunction() {
        assertThatThrownBy(() -> start("""
                listen=tcp:127.0.0.1:%d
                loadmodule "xhttp.so"
                request_route { sl_send_reply("200", "OK"); }
                event_route[xhttp:request] { sleep_ms("1"); xhttp_reply("200", "OK", "text/plain", "hi"); }
                """.formatted(ports[1])))
                .isInstanceOf(ProxyStartException.class)
                .hasMessageContaining("event_route[xhttp:request] is answered at once")
                .hasMessageContaining("sleep_ms()");
    }
}
