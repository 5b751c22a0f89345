package io.sipway.proxy.module.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Algorithm 10 (call load) on a real proxy and real gateways on loopback: each INVITE goes to the
 * gateway with the fewest calls (the first of equals), a BYE through ds_load_update() takes its
 * call off, a fail-over with ds_next_dst() moves the call to the next gateway, and dispatcher.list
 * shows each gateway's calls (RUNTIME DLGLOAD).
 */
class DispatcherCallLoadTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    static final String LIST = String.join("\n", "1 {gw1} 0 10 duid=gw1", "1 {gw2} 0 5 duid=gw2;maxload=2", "");

    static final String SCRIPT = String.join("\n",
            "loadmodule \"tm.so\"",
            "loadmodule \"sl.so\"",
            "loadmodule \"pv.so\"",
            "loadmodule \"textops.so\"",
            "loadmodule \"dispatcher.so\"",
            "modparam(\"dispatcher\", \"list_file\", \"{list}\")",
            "modparam(\"dispatcher\", \"flags\", 2)",
            "modparam(\"dispatcher\", \"ds_hash_size\", 8)",
            "modparam(\"dispatcher\", \"ds_hash_expire\", 3600)",
            "modparam(\"dispatcher\", \"ds_hash_initexpire\", 60)",
            "request_route {",
            "    if (is_method(\"BYE\")) { ds_load_update(); sl_send_reply(\"200\", \"OK\"); exit; }",
            "    if (is_method(\"ACK\")) { exit; }",
            "    if (!ds_select_dst(\"1\", \"10\")) { sl_send_reply(\"503\", \"No gateway\"); exit; }",
            "    t_on_reply(\"LOAD\");",
            "    t_on_failure(\"NEXT\");",
            "    t_relay();",
            "}",
            "onreply_route[LOAD] { if (status =~ \"^2\") { ds_load_update(); } }",
            "failure_route[NEXT] { if (t_check_status(\"503\") && ds_next_dst()) { t_on_failure(\"NEXT\"); t_relay(); } }",
            "");

    @TempDir
    Path dir;
    private Gateways gws;

    @BeforeEach
    void start() throws Exception {
        gws = new Gateways(dir, 2);
        gws.start(SCRIPT.replace("{list}", gws.list(LIST).toString()));
    }

    @AfterEach
    void stop() {
        gws.close();
    }

    /** An INVITE answered 200 by the gateway that gets it: its number. */
    private int call(String callId) {
        gws.caller.send(gws.request("INVITE", "bob", callId));
        for (long end = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < end; ) {
            for (int n = 1; n <= 2; n++) {
                SipMessage m = gws.gw(n).poll(Duration.ofMillis(50));
                if (m != null && m.isRequest() && m.methodName().equals("INVITE")) {
                    gws.gw(n).answer(m, 200, "OK");
                    assertThat(gws.caller.nextFinal(WAIT).statusCode()).isEqualTo(200);
                    return n;
                }
            }
        }
        throw new AssertionError("no gateway got " + callId);
    }

    private void bye(String callId) {
        gws.caller.send(gws.request("BYE", "bob", callId));
        assertThat(gws.caller.nextFinal(WAIT).statusCode()).isEqualTo(200);
    }

    /** DLGLOAD of each gateway in dispatcher.list. */
    @SuppressWarnings("unchecked")
    private List<Long> loads() throws Exception {
        Map<String, Object> out = (Map<String, Object>) gws.rpc("dispatcher.list");
        Map<String, Object> set = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) out.get("RECORDS")).get(0)).get("SET");
        return ((List<Object>) set.get("TARGETS")).stream().map(t -> (Map<String, Object>) ((Map<String, Object>) t).get("DEST"))
                .map(d -> (Long) ((Map<String, Object>) d.get("RUNTIME")).get("DLGLOAD")).toList();
    }

    @Test
    void eachCallGoesToTheGatewayWithTheFewestCalls() throws Exception {
        assertThat(call("a@test")).as("both idle: the first").isEqualTo(1);
        assertThat(call("b@test")).as("gw1 has a call").isEqualTo(2);
        assertThat(loads()).containsExactly(1L, 1L);
        assertThat(call("c@test")).as("one each: the first").isEqualTo(1);
        assertThat(loads()).containsExactly(2L, 1L);

        bye("a@test");
        bye("c@test");
        assertThat(loads()).containsExactly(0L, 1L);
        assertThat(call("d@test")).isEqualTo(1);
        bye("b@test");
        bye("d@test");
        assertThat(loads()).containsExactly(0L, 0L);
    }

    @Test
    void aFailOverMovesTheCallToTheNextGateway() throws Exception {
        gws.caller.send(gws.request("INVITE", "bob", "busy@test"));
        SipMessage first = gws.gw(1).nextRequest("INVITE", WAIT);
        assertThat(loads()).containsExactly(1L, 0L);
        gws.gw(1).answer(first, 503, "Service Unavailable");
        SipMessage second = gws.gw(2).nextRequest("INVITE", WAIT);
        gws.gw(2).answer(second, 200, "OK");
        assertThat(gws.caller.nextFinal(WAIT).statusCode()).isEqualTo(200);
        assertThat(loads()).as("the call counts for gw2 now").containsExactly(0L, 1L);
    }

    @Test
    void aGatewayAtItsMaxloadIsPassedOver() throws Exception {
        assertThat(call("m1@test")).isEqualTo(1);
        assertThat(call("m2@test")).isEqualTo(2);
        assertThat(call("m3@test")).isEqualTo(1);
        assertThat(call("m4@test")).isEqualTo(2);
        // gw2 is at maxload=2: gw1 gets the next one though it has as many calls
        assertThat(call("m5@test")).isEqualTo(1);
        assertThat(call("m6@test")).isEqualTo(1);
        assertThat(loads()).containsExactly(4L, 2L);
    }
}
