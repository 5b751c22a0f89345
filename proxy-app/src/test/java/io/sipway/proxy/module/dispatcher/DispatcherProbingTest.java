package io.sipway.proxy.module.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probing on a real proxy: every ds_ping_interval the proxy sends OPTIONS to the destinations with
 * the probing flag; one that does not answer (tm's 408 after fr_timer) is inactive after
 * ds_probing_threshold failures and runs event_route[dispatcher:dst-down]; its next good reply makes
 * it active again and runs event_route[dispatcher:dst-up]. Calls go elsewhere meanwhile.
 */
class DispatcherProbingTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    static final String SCRIPT = String.join("\n",
            "loadmodule \"tm.so\"",
            "loadmodule \"sl.so\"",
            "loadmodule \"pv.so\"",
            "loadmodule \"htable.so\"",
            "loadmodule \"dispatcher.so\"",
            "modparam(\"htable\", \"htable\", \"ev=>size=4\")",
            "modparam(\"tm\", \"fr_timer\", 600)",
            "modparam(\"dispatcher\", \"ds_ping_interval\", 1)",
            "modparam(\"dispatcher\", \"ds_probing_threshold\", 2)",
            // 3: only the destinations with the probing flag, which they keep (0 would clear it on a good reply)
            "modparam(\"dispatcher\", \"ds_probing_mode\", 3)",
            "modparam(\"dispatcher\", \"ds_ping_from\", \"sip:probe@sipway.test\")",
            "request_route {",
            "    if (!ds_select_dst(\"1\", \"8\")) { sl_send_reply(\"404\", \"none\"); exit; }",
            "    sl_send_reply(\"200\", \"$du\");",
            "}",
            "event_route[dispatcher:dst-down] {",
            "    $sht(ev=>down) = $ru + \" \" + $dsv(code);",
            "}",
            "event_route[dispatcher:dst-up] {",
            "    $sht(ev=>up) = $ru + \" \" + $dsv(code);",
            "}",
            "");

    @TempDir
    Path dir;
    private Gateways gws;

    @AfterEach
    void stop() {
        if (gws != null) {
            gws.close();
        }
    }

    private String sht(String key) throws Exception {
        try {
            return gws.rpc("htable.get", "ev", key).toString();
        } catch (io.sipway.proxy.module.RpcExport.RpcException e) {
            return null;
        }
    }

    @Test
    void aSilentGatewayGoesDownAfterTheThresholdAndComesBackOnAReply() throws Exception {
        gws = new Gateways(dir, 2);
        gws.list("1 {gw1} 8 20\n1 {gw2} 0 10\n"); // gw1 probed (flag 8); gw2 not
        gws.start(SCRIPT);
        assertThat(gws.ask("x", "c1@test")).isEqualTo("200 " + gws.uri(1));

        SipMessage ping = gws.gw(1).nextRequest("OPTIONS", WAIT);
        assertThat(ping.requestUriString()).isEqualTo(gws.uri(1));
        assertThat(ping.header("From")).startsWith("<sip:probe@sipway.test>;tag=");
        assertThat(ping.header("To")).isEqualTo("<" + gws.uri(1) + ">");
        gws.gw(1).answer(ping, 200, "OK");
        gws.gw(2).silentFor(Duration.ofMillis(1500)); // never pinged: no probing flag
        assertThat(gws.rpc("dispatcher.list").toString()).contains("URI=" + gws.uri(1) + ", FLAGS=AP");

        // no more answers: the first failure makes it trying, the second (threshold 2) inactive
        gws.gw(1).nextRequest("OPTIONS", WAIT);
        waitFor(() -> gws.rpc("dispatcher.list").toString().contains("URI=" + gws.uri(1) + ", FLAGS=TP"));
        gws.gw(1).nextRequest("OPTIONS", WAIT);
        waitFor(() -> gws.rpc("dispatcher.list").toString().contains("URI=" + gws.uri(1) + ", FLAGS=IP"));
        assertThat(sht("down")).contains(gws.uri(1) + " 408");
        assertThat(gws.ask("x", "c2@test")).as("calls go to gw2 meanwhile").isEqualTo("200 " + gws.uri(2));

        // it answers again: active at once (ds_inactive_threshold 1)
        SipMessage again = gws.gw(1).nextRequest("OPTIONS", WAIT);
        gws.gw(1).answer(again, 200, "OK");
        waitFor(() -> gws.rpc("dispatcher.list").toString().contains("URI=" + gws.uri(1) + ", FLAGS=AP"));
        assertThat(sht("up")).contains(gws.uri(1) + " 200");
        assertThat(gws.ask("x", "c3@test")).isEqualTo("200 " + gws.uri(1));
    }

    @Test
    void pingActiveStopsAndResumesThePings() throws Exception {
        gws = new Gateways(dir, 1);
        gws.list("1 {gw1} 8\n");
        gws.start(SCRIPT);
        gws.gw(1).answer(gws.gw(1).nextRequest("OPTIONS", WAIT), 200, "OK");
        assertThat(gws.rpc("dispatcher.ping_active", 0).toString()).isEqualTo("{NewPingState=0, OldPingState=1}");
        gws.gw(1).poll(Duration.ofMillis(1200)); // one may have been on its way
        gws.gw(1).silentFor(Duration.ofMillis(1500));
        gws.rpc("dispatcher.ping_active", 1);
        gws.gw(1).nextRequest("OPTIONS", WAIT);
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check c) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT);
            }
            Thread.sleep(50);
        }
    }
}
