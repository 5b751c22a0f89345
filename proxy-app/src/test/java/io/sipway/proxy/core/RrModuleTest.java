package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.CompiledScript;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** rr: is_direction, check_route_param, add_rr_param, the Record-Route values record_route and record_route_preset write. */
class RrModuleTest {
    private final ModuleHarness h = new ModuleHarness();

    @AfterEach
    void close() {
        h.close();
    }

    /** bye-routed.sip: top Route <sip:proxy.example.com;lr;ftag=1928301774;nat=yes> (our alias), From tag 314159. */
    private static String bye() {
        return ModuleHarness.resource("bye-routed.sip");
    }

    @Test
    void aRequestFromTheCalleeIsUpstream() {
        MsgContext m = h.msg("bye-routed.sip");
        assertThat(h.call("is_direction", m, "upstream")).isEqualTo(1);
        assertThat(h.call("is_direction", m, "downstream")).isEqualTo(-1);
    }

    @Test
    void aRequestFromTheCallerIsDownstream() {
        String fromCaller = bye().replace("From: \"Bob B.\" <sip:bob@example.com>;tag=314159", "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774")
                .replace("To: Alice <sip:alice@atlanta.example.com>;tag=1928301774", "To: \"Bob B.\" <sip:bob@example.com>;tag=314159");
        MsgContext m = h.parse(fromCaller);
        assertThat(h.call("is_direction", m, "downstream")).isEqualTo(1);
        assertThat(h.call("is_direction", m, "upstream")).isEqualTo(-1);
    }

    @Test
    void withoutALocalRouteWithAnFtagItIsDownstream() {
        assertThat(h.call("is_direction", h.msg("invite-sdp.sip"), "downstream")).isEqualTo(1); // no Route
        String noFtag = bye().replace(";ftag=1928301774", "");
        assertThat(h.call("is_direction", h.parse(noFtag), "downstream")).isEqualTo(1);
        String notOurs = bye().replace("Route: <sip:proxy.example.com;lr;ftag=1928301774;nat=yes>, ", "Route: ");
        assertThat(h.call("is_direction", h.parse(notOurs), "upstream")).isEqualTo(-1); // top Route is edge.example.net
    }

    @Test
    void checkRouteParamMatchesTheParametersOfOurRoute() {
        MsgContext m = h.msg("bye-routed.sip");
        assertThat(h.call("check_route_param", m, "nat=yes")).isEqualTo(1);
        assertThat(h.call("check_route_param", m, "NAT=YES")).isEqualTo(1); // case-insensitive
        assertThat(h.call("check_route_param", m, "^;lr;")).isEqualTo(1); // with the first ';'
        assertThat(h.call("check_route_param", m, "nat=no")).isEqualTo(-1);
        assertThat(h.call("check_route_param", h.msg("invite-sdp.sip"), "lr")).isEqualTo(-1); // no Route
        String notOurs = bye().replace("Route: <sip:proxy.example.com;lr;ftag=1928301774;nat=yes>, ", "Route: ");
        assertThat(h.call("check_route_param", h.parse(notOurs), "lr")).isEqualTo(-1);
    }

    @Test
    void addRrParamAppendsToTheRecordRouteParameters() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("add_rr_param", m, ";ftag=$ft")).isEqualTo(1);
        assertThat(h.call("add_rr_param", m, ";nat=yes")).isEqualTo(1);
        assertThat(m.recordRouteParams).isEqualTo(";ftag=1928301774;nat=yes");
    }

    /** The Record-Route values of the request a script relays (out of the socket it came in on). */
    private List<String> recordRoutes(String script) {
        CompiledScript s = h.load(script);
        MsgContext m = h.msg("invite-sdp.sip"); // From tag 1928301774, received on udp:127.0.0.1:<port>
        h.run(s, m);
        InetSocketAddress at = m.from.localSocket().local();
        Destination to = Destination.to(Protocol.UDP, at);
        byte[] bytes = h.core.branchRequest(m, m.requestUri(), to).build("SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKtest");
        return SipParser.parse(bytes).headers("Record-Route");
    }

    private int port() {
        return h.msg("invite-sdp.sip").from.localSocket().local().getPort();
    }

    // The expected values are what Kamailio 5.6.3 writes for the same script (checked side by side).

    @Test
    void recordRouteWritesTheSocketLrThenTheFromTagThenTheAddedParameters() {
        assertThat(recordRoutes("request_route {\n  record_route(\";p=v\");\n  add_rr_param(\";q=w\");\n}\n"))
                .containsExactly("<sip:127.0.0.1:" + port() + ";lr;ftag=1928301774;p=v;q=w>");
    }

    @Test
    void enableFullLrWritesLrOnAndAppendFromtagZeroLeavesTheTagOut() {
        assertThat(recordRoutes("modparam(\"rr\", \"enable_full_lr\", 1)\nmodparam(\"rr\", \"append_fromtag\", 0)\n"
                + "request_route { record_route(); }\n"))
                .containsExactly("<sip:127.0.0.1:" + port() + ";lr=on>");
    }

    @Test
    void enableDoubleRrTwoAlwaysWritesTwoRecordRoutes() {
        // (a change of socket giving two is on the wire in ForwardTest)
        assertThat(recordRoutes("modparam(\"rr\", \"enable_double_rr\", 2)\nrequest_route { record_route(); }\n"))
                .containsExactly("<sip:127.0.0.1:" + port() + ";r2=on;lr;ftag=1928301774>",
                        "<sip:127.0.0.1:" + port() + ";r2=on;lr;ftag=1928301774>");
    }

    @Test
    void recordRoutePresetWritesTheGivenUrisFirstOnTop() {
        assertThat(recordRoutes("request_route { record_route_preset(\"1.2.3.4:5080;foo=bar\", \"sip:5.6.7.8\"); }\n"))
                .containsExactly("<sip:1.2.3.4:5080;foo=bar;ftag=1928301774;lr>", "<sip:5.6.7.8;ftag=1928301774;lr>");
        assertThat(recordRoutes("request_route { record_route_preset(\"$rd:5090\"); }\n"))
                .containsExactly("<sip:example.com:5090;ftag=1928301774;lr>");
    }

    @Test
    void removeRecordRouteTakesBackARecordRouteAskedForEarlier() {
        assertThat(recordRoutes("request_route { record_route(); remove_record_route(); }\n")).isEmpty();
    }
}
