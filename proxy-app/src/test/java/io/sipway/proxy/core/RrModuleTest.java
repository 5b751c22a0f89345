package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.CompiledScript;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** rr: is_direction, check_route_param, add_rr_param, and record_route_preset refused. */
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

    @Test
    void addRrParamAfterRecordRouteReachesTheRelayedRequest() {
        CompiledScript s = h.load("request_route {\n  record_route();\n  add_rr_param(\";ftag=$ft\");\n}\n");
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(s, m);
        assertThat(m.recordRoute).isTrue();
        Destination to = Destination.to(Protocol.UDP, m.from.localSocket().local());
        byte[] out = h.core.branchRequest(m, m.requestUri(), to).build("SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKtest");
        SipMessage relayed = SipParser.parse(out);
        assertThat(relayed.header("Record-Route")).endsWith(";lr;ftag=1928301774>");
    }

    @Test
    void recordRoutePresetIsRefusedWhenTheScriptLoads() {
        assertThat(h.loadErrors("request_route { record_route_preset(\"sip:proxy.example.com;lr\"); }\n"))
                .contains("record_route_preset").contains("is not implemented by Sipway yet");
    }
}
