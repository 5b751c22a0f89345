package io.sipway.proxy.module.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-over with ds_select_dst, t_on_failure and ds_next_dst() on a real proxy and real gateways
 * on loopback: a call goes to the first gateway; when that one answers 503, or does not answer
 * before fr_timer, the next gateway gets it, and so on down the list.
 */
class DispatcherFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    static final String LIST = String.join("\n",
            "# priority order: gw1, then gw2, then gw3",
            "1 {gw1} 0 30",
            "1 {gw2} 0 20",
            "1 {gw3} 0 10",
            "");

    /** The load balancer of Kamailio's examples, cut down: fail over on 503 and on a timeout. */
    static final String SCRIPT = String.join("\n",
            "loadmodule \"tm.so\"",
            "loadmodule \"sl.so\"",
            "loadmodule \"textops.so\"",
            "loadmodule \"pv.so\"",
            "loadmodule \"xlog.so\"",
            "loadmodule \"htable.so\"",
            "loadmodule \"dispatcher.so\"",
            "modparam(\"htable\", \"htable\", \"down=>size=4\")",
            "modparam(\"tm\", \"fr_timer\", 1000)",
            "modparam(\"dispatcher\", \"list_file\", \"{list}\")",
            "modparam(\"dispatcher\", \"flags\", 2)",
            "request_route {",
            "    if (is_method(\"ACK\")) {",
            "        if (t_check_trans()) { t_relay(); }",
            "        exit;",
            "    }",
            "    if ($hdr(X-Parallel) == \"yes\") {",
            "        ds_select_dst(\"1\", \"12\");",
            "        t_relay();",
            "        exit;",
            "    }",
            "    if ($hdr(X-Domain) == \"yes\") {",
            "        if (!ds_select_domain(\"1\", \"8\")) { sl_send_reply(\"503\", \"No gateway\"); exit; }",
            "        t_on_failure(\"NEXT_DOMAIN\");",
            "        t_relay();",
            "        exit;",
            "    }",
            "    if (!ds_select_dst(\"1\", \"8\")) {",
            "        sl_send_reply(\"503\", \"No gateway\");",
            "        exit;",
            "    }",
            "    t_on_failure(\"NEXT_GATEWAY\");",
            "    if (!t_relay()) { sl_reply_error(); }",
            "}",
            "failure_route[NEXT_GATEWAY] {",
            "    if (t_is_canceled()) { exit; }",
            "    if (t_check_status(\"503\") || (t_branch_timeout() && !t_branch_replied())) {",
            "        if ($hdr(X-Mark) == \"yes\") { ds_mark_dst(); }",
            "        if (ds_next_dst()) {",
            "            t_on_failure(\"NEXT_GATEWAY\");",
            "            t_relay();",
            "            exit;",
            "        }",
            "    }",
            "}",
            "failure_route[NEXT_DOMAIN] {",
            "    if (t_check_status(\"503\") && ds_next_domain()) {",
            "        t_on_failure(\"NEXT_DOMAIN\");",
            "        t_relay();",
            "    }",
            "}",
            "event_route[dispatcher:dst-down] {",
            "    xlog(\"L_WARN\", \"a gateway is down ($dsv(code))\\n\");",
            "    $sht(down=>code) = $dsv(code);",
            "}",
            "");

    @TempDir
    Path dir;
    private Gateways gws;

    @BeforeEach
    void start() throws Exception {
        gws = new Gateways(dir, 3);
        Path list = gws.list(LIST);
        gws.start(SCRIPT.replace("{list}", list.toString()));
    }

    @AfterEach
    void stop() {
        gws.close();
    }

    private void invite(String callId, String... headers) {
        gws.caller.send(gws.request("INVITE", "bob", callId, headers));
    }

    @Test
    void theFirstGatewayGetsTheCall() {
        invite("first@test");
        SipMessage inv = gws.gw(1).nextRequest("INVITE", WAIT);
        gws.gw(1).answer(inv, 200, "OK");
        assertThat(gws.caller.nextFinal(WAIT).statusCode()).isEqualTo(200);
        gws.gw(2).silentFor(Duration.ofMillis(300));
    }

    @Test
    void a503SendsTheCallToTheNextGateway() {
        invite("busy@test");
        SipMessage first = gws.gw(1).nextRequest("INVITE", WAIT);
        gws.gw(1).answer(first, 503, "Service Unavailable");
        assertThat(gws.gw(1).nextRequest("ACK", WAIT).callId()).isEqualTo("busy@test");

        SipMessage second = gws.gw(2).nextRequest("INVITE", WAIT);
        assertThat(second.callId()).isEqualTo("busy@test");
        gws.gw(2).answer(second, 200, "OK");
        SipMessage fin = gws.caller.nextFinal(WAIT);
        assertThat(fin.statusCode()).isEqualTo(200);
        assertThat(fin.header("To")).contains("tag=gw2");
    }

    @Test
    void algorithmTwelveCallsEveryGatewayAtOnce() {
        invite("parallel@test", "X-Parallel: yes");
        for (int n = 1; n <= 3; n++) {
            assertThat(gws.gw(n).nextRequest("INVITE", WAIT).callId()).isEqualTo("parallel@test");
        }
    }

    @Test
    void selectDomainAndNextDomainRewriteTheRequestUri() {
        invite("domain@test", "X-Domain: yes");
        SipMessage first = gws.gw(1).nextRequest("INVITE", WAIT);
        assertThat(first.requestUriString()).isEqualTo("sip:bob@127.0.0.1:" + gws.gw(1).port);
        gws.gw(1).answer(first, 503, "Service Unavailable");
        SipMessage second = gws.gw(2).nextRequest("INVITE", WAIT);
        assertThat(second.requestUriString()).isEqualTo("sip:bob@127.0.0.1:" + gws.gw(2).port);
        gws.gw(2).answer(second, 200, "OK");
        assertThat(gws.caller.nextFinal(WAIT).statusCode()).isEqualTo(200);
    }

    @Test
    void aGatewayThatDoesNotAnswerIsPassedAfterFrTimer() {
        invite("silent@test");
        gws.gw(1).nextRequest("INVITE", WAIT); // and no answer
        long sent = System.nanoTime();
        SipMessage second = gws.gw(2).nextRequest("INVITE", WAIT);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("after fr_timer (1 s)").isGreaterThan(Duration.ofMillis(700));
        gws.gw(2).answer(second, 200, "OK");
        assertThat(gws.caller.nextFinal(WAIT).statusCode()).isEqualTo(200);
    }

    @Test
    void eachFailureMovesOneGatewayDownTheListUntilNoneIsLeft() {
        invite("all-busy@test");
        for (int n = 1; n <= 3; n++) {
            SipMessage inv = gws.gw(n).nextRequest("INVITE", WAIT);
            assertThat(inv.callId()).isEqualTo("all-busy@test");
            gws.gw(n).answer(inv, 503, "Service Unavailable");
        }
        SipMessage fin = gws.caller.nextFinal(WAIT);
        // no gateway left: the last failure goes up, a 503 as 500 (RFC 3261 16.7, as Kamailio's tm)
        assertThat(fin.statusCode()).isEqualTo(500);
    }

    @Test
    void markingTheFailedGatewayTakesItOutOfLaterSelections() throws Exception {
        invite("mark@test", "X-Mark: yes");
        SipMessage first = gws.gw(1).nextRequest("INVITE", WAIT);
        gws.gw(1).answer(first, 503, "Service Unavailable");
        gws.gw(1).nextRequest("ACK", WAIT);
        SipMessage second = gws.gw(2).nextRequest("INVITE", WAIT);
        gws.gw(2).answer(second, 200, "OK");
        assertThat(gws.caller.nextFinal(WAIT).statusCode()).isEqualTo(200);
        assertThat(gws.rpc("dispatcher.list").toString()).contains("URI=" + gws.uri(1) + ", FLAGS=IX");
        // event_route[dispatcher:dst-down] ran: $dsv(code) is 820 for a request (the failure route's)
        assertThat(gws.rpc("htable.get", "down", "code").toString()).contains("value=820");

        invite("after-mark@test");
        SipMessage next = gws.gw(2).nextRequest("INVITE", WAIT);
        assertThat(next.callId()).as("gw1 is inactive: the next call starts at gw2").isEqualTo("after-mark@test");
        gws.gw(2).answer(next, 200, "OK");
        assertThat(gws.caller.nextFinal(WAIT).statusCode()).isEqualTo(200);
        gws.gw(1).silentFor(Duration.ofMillis(300));
    }
}
