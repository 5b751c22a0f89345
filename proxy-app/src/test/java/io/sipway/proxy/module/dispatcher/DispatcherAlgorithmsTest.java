package io.sipway.proxy.module.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * ds_select_dst's algorithms on a real proxy, as Kamailio 5.6 picks: the script replies with the
 * $du it chose (and the fail-over XAVPs), the test reads the reply. The list file gives each
 * algorithm its own set, so the tests share one proxy whatever order they run in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DispatcherAlgorithmsTest {
    /** The list as an operator writes it; Kamailio orders each set by priority, equal ones last-written first. */
    static final String LIST = String.join("\n",
            "# set 1: three gateways of equal priority (hashes, round robin, random)",
            "1 {gw1}",
            "1 {gw2}",
            "1 {gw3}",
            "",
            "# set 2: priorities",
            "2 {gw1} 0 10",
            "2 {gw2} 0 30   # the first choice",
            "2 {gw3} 0 20",
            "# set 3: weights in percent",
            "3 {gw1} 0 0 weight=50",
            "3 {gw2} 0 0 weight=30",
            "3 {gw3} 0 0 weight=20",
            "# set 4: relative weights",
            "4 {gw1} 0 0 rweight=1",
            "4 {gw2} 0 0 rweight=1",
            "4 {gw3} 0 0 rweight=2",
            "# set 5: as set 2, for the fail-over list",
            "5 {gw1} 0 10 duid=one;region=eu",
            "5 {gw2} 0 30",
            "5 {gw3} 0 20",
            "# set 6: the caller, for ds_is_from_list",
            "6 {caller} 0 0 origin=caller",
            "");

    static final String SCRIPT = String.join("\n",
            "loadmodule \"tm.so\"",
            "loadmodule \"sl.so\"",
            "loadmodule \"pv.so\"",
            "loadmodule \"dispatcher.so\"",
            "modparam(\"dispatcher\", \"flags\", 2)",
            "modparam(\"dispatcher\", \"hash_pvar\", \"$fU@$ci\")",
            "modparam(\"dispatcher\", \"setid_pvname\", \"$avp(dsset)\")",
            "modparam(\"dispatcher\", \"attrs_pvname\", \"$avp(dsattrs)\")",
            "request_route {",
            "    if ($hdr(X-Do) == \"from\") {",
            "        if (ds_is_from_list()) { sl_send_reply(\"200\", \"from set $avp(dsset) attrs $avp(dsattrs)\"); }",
            "        else { sl_send_reply(\"404\", \"not from a gateway\"); }",
            "        exit;",
            "    }",
            "    if ($hdr(X-Do) == \"from1\") {",
            "        if (ds_is_from_list(\"1\")) { sl_send_reply(\"200\", \"from set 1\"); }",
            "        else { sl_send_reply(\"404\", \"not from set 1\"); }",
            "        exit;",
            "    }",
            "    if ($hdr(X-Do) == \"from1-anyport\") {",
            "        if (ds_is_from_list(\"1\", \"3\")) { sl_send_reply(\"200\", \"from set 1\"); }",
            "        else { sl_send_reply(\"404\", \"not from set 1\"); }",
            "        exit;",
            "    }",
            "    if ($hdr(X-Do) == \"exists\") {",
            "        if (ds_list_exists(\"$hdr(X-Set)\")) { sl_send_reply(\"200\", \"exists\"); }",
            "        else { sl_send_reply(\"404\", \"no such set\"); }",
            "        exit;",
            "    }",
            "    if ($hdr(X-Do) == \"domain\") {",
            "        if (!ds_select_domain(\"$hdr(X-Set)\", \"$rU\")) { sl_send_reply(\"404\", \"none\"); exit; }",
            "        sl_send_reply(\"200\", \"$ru\");",
            "        exit;",
            "    }",
            "    if ($hdr(X-Do) == \"limit\") {",
            "        if (!ds_select_dst(\"$hdr(X-Set)\", \"$rU\", \"2\")) { sl_send_reply(\"404\", \"none\"); exit; }",
            "        sl_send_reply(\"200\", \"$xavp(_dsctx_=>cnt) $xavp(_dsdst_=>uri) $xavp(_dsdst_[1]=>uri) $xavp(_dsdst_[2]=>uri)\");",
            "        exit;",
            "    }",
            "    if (!ds_select_dst(\"$hdr(X-Set)\", \"$rU\")) { sl_send_reply(\"404\", \"none\"); exit; }",
            "    sl_send_reply(\"200\", \"$du $xavp(_dsdst_[1]=>uri) $xavp(_dsdst_[2]=>uri) $xavp(_dsctx_=>cnt)"
                    + " $xavp(_dsdst_=>grp) $xavp(_dsdst_[2]=>attrs)\");",
            "}",
            "");

    private Gateways gws;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("sipway-dispatcher-");
        gws = new Gateways(dir, 3);
        gws.list(LIST); // the default list_file: dispatcher.list beside the script
        gws.start(SCRIPT);
    }

    @AfterAll
    void stop() {
        if (gws != null) {
            gws.close();
        }
    }

    /** The gateway the proxy picks from the set with the algorithm ("gw2"), for a request with this Call-ID. */
    private String pick(int set, int alg, String callId, String... headers) {
        String[] all = new String[headers.length + 1];
        all[0] = "X-Set: " + set;
        System.arraycopy(headers, 0, all, 1, headers.length);
        String reply = gws.ask(Integer.toString(alg), callId, all);
        assertThat(reply).startsWith("200 ");
        return gws.name(reply.substring(4).split(" ")[0]);
    }

    private Map<String, Integer> picks(int set, int alg, int n) {
        Map<String, Integer> count = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            count.merge(pick(set, alg, "w" + i + "@test"), 1, Integer::sum);
        }
        return count;
    }

    /**
     * What Kamailio 5.6.3 picked with ds_select_dst(1, 0) from the same list for the Call-IDs
     * call-0-a84b4c76e66710@pc33.example.com to call-23-... (its set 1 of three gateways written in
     * the same order).
     */
    static final String[] KAMAILIO_CALL_ID_PICKS = {"gw3", "gw2", "gw2", "gw1", "gw1", "gw3", "gw3", "gw2", "gw3", "gw3",
        "gw2", "gw3", "gw3", "gw1", "gw1", "gw2", "gw1", "gw3", "gw1", "gw1", "gw2", "gw3", "gw3", "gw1"};

    @Test
    void callIdHashSendsACallIdAlwaysToTheGatewayKamailioPicks() {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String callId = "call-" + i + "-a84b4c76e66710@pc33.example.com";
            String first = pick(1, 0, callId);
            assertThat(pick(1, 0, callId)).as("the same Call-ID, the same gateway").isEqualTo(first);
            seen.add(first);
        }
        assertThat(seen).containsExactly(KAMAILIO_CALL_ID_PICKS);
    }

    @Test
    void fromAndToUriHashesPickAsKamailio() {
        for (int i = 0; i < 5; i++) {
            // Kamailio 5.6.3: From sip:caller@127.0.0.1 goes to gw2, To sip:2@example.com to gw3
            assertThat(pick(1, 1, "from-" + i + "@test")).as("one From (the caller's), one gateway").isEqualTo("gw2");
            assertThat(pick(1, 2, "to-" + i + "@test")).isEqualTo("gw3");
        }
    }

    @Test
    void hashOfHashPvarPicksAsKamailio() {
        // Kamailio 5.6.3 with hash_pvar "$fU@$ci", Call-IDs pv0@test to pv7@test
        String[] kamailio = {"gw2", "gw2", "gw2", "gw2", "gw3", "gw3", "gw3", "gw3"};
        for (int i = 0; i < kamailio.length; i++) {
            assertThat(pick(1, 7, "pv" + i + "@test")).as("pv" + i + "@test").isEqualTo(kamailio[i]);
        }
    }

    @Test
    void hashOfTheAuthUserPicksAsKamailioAndRoundRobinWithoutCredentials() {
        // Kamailio 5.6.3: the user part of the digest username
        Map<String, String> kamailio = Map.of("alice", "gw1", "bob", "gw1", "carol", "gw2", "dave@example.com", "gw3");
        kamailio.forEach((user, gw) -> assertThat(pick(1, 5, "a-" + user.hashCode() + "@test", "Authorization: Digest username=\"" + user
                + "\", realm=\"example.com\", nonce=\"n\", uri=\"sip:x\", response=\"r\"")).as(user).isEqualTo(gw));
        List<String> rr = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rr.add(pick(1, 5, "no-auth" + i + "@test"));
        }
        assertThat(rr).containsExactlyInAnyOrder("gw1", "gw2", "gw3");
    }

    @Test
    void roundRobinCyclesInKamailiosOrderAndSkipsAnInactiveGateway() throws Exception {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(pick(1, 4, "rr" + i + "@test"));
        }
        assertThat(order).containsExactly("gw3", "gw2", "gw1", "gw3", "gw2", "gw1");

        gws.rpc("dispatcher.set_state", "i", 1, gws.uri(2));
        try {
            order.clear();
            for (int i = 0; i < 4; i++) {
                order.add(pick(1, 4, "rr-skip" + i + "@test"));
            }
            assertThat(order).containsExactly("gw3", "gw1", "gw3", "gw1");
        } finally {
            gws.rpc("dispatcher.set_state", "a", 1, gws.uri(2));
        }
    }

    @Test
    void priorityPicksTheHighestUsableOne() throws Exception {
        assertThat(pick(2, 8, "p1@test")).isEqualTo("gw2");
        assertThat(pick(2, 8, "p2@test")).isEqualTo("gw2");
        gws.rpc("dispatcher.set_state", "d", 2, gws.uri(2));
        assertThat(pick(2, 8, "p3@test")).as("gw2 disabled: the next priority").isEqualTo("gw3");
        gws.rpc("dispatcher.set_state", "i", 2, gws.uri(3));
        assertThat(pick(2, 8, "p4@test")).isEqualTo("gw1");
        gws.rpc("dispatcher.set_state", "i", 2, gws.uri(1));
        assertThat(gws.ask("8", "p5@test", "X-Set: 2")).as("nothing usable").startsWith("404 ");
    }

    @Test
    void weightsGiveEachGatewayItsShareOfEveryHundredCalls() {
        assertThat(picks(3, 9, 100)).isEqualTo(Map.of("gw1", 50, "gw2", 30, "gw3", 20));
        assertThat(picks(3, 9, 200)).isEqualTo(Map.of("gw1", 100, "gw2", 60, "gw3", 40));
    }

    @Test
    void relativeWeightsAreSharedAgainAmongTheUsableGateways() throws Exception {
        assertThat(picks(4, 11, 100)).isEqualTo(Map.of("gw1", 25, "gw2", 25, "gw3", 50));
        gws.rpc("dispatcher.set_state", "i", 4, gws.uri(3));
        assertThat(picks(4, 11, 100)).isEqualTo(Map.of("gw1", 50, "gw2", 50));
    }

    @Test
    void randomPicksAmongAll() {
        assertThat(picks(1, 6, 60).keySet()).containsExactlyInAnyOrder("gw1", "gw2", "gw3");
    }

    @Test
    void failOverListHoldsThePickThenTheOthersInOrder() {
        String reply = gws.ask("8", "x1@test", "X-Set: 5");
        // $du, $xavp(_dsdst_[1]=>uri), $xavp(_dsdst_[2]=>uri), $xavp(_dsctx_=>cnt), $xavp(_dsdst_=>grp), [2]'s attrs
        assertThat(reply).isEqualTo("200 " + gws.uri(2) + " " + gws.uri(3) + " " + gws.uri(1) + " 3 5 duid=one;region=eu");

        assertThat(gws.ask("8", "x2@test", "X-Set: 5", "X-Do: limit"))
                .isEqualTo("200 2 " + gws.uri(2) + " " + gws.uri(3) + " <null>");
    }

    @Test
    void selectDomainRewritesTheRequestUrisHostPart() {
        assertThat(gws.ask("8", "d1@test", "X-Set: 5", "X-Do: domain"))
                .isEqualTo("200 sip:8@127.0.0.1:" + gws.gw(2).port);
    }

    @Test
    void anUnknownSetSelectsNothing() {
        assertThat(gws.ask("4", "u1@test", "X-Set: 9")).startsWith("404 ");
        assertThat(gws.ask("4", "u2@test", "X-Set: 9", "X-Do: exists")).startsWith("404 ");
        assertThat(gws.ask("4", "u3@test", "X-Set: 3", "X-Do: exists")).startsWith("200 ");
    }

    @Test
    void isFromListMatchesTheSourceAddressAndPort() {
        assertThat(gws.ask("0", "f1@test", "X-Do: from")).isEqualTo("200 from set 6 attrs origin=caller");
        assertThat(gws.ask("0", "f2@test", "X-Do: from1")).as("set 1 has 127.0.0.1 on other ports").startsWith("404 ");
        assertThat(gws.ask("0", "f3@test", "X-Do: from1-anyport")).as("mode 1: any port").startsWith("200 ");
    }
}
