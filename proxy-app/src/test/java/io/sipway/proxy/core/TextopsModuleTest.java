package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.cfg.Arg;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.FunctionSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** textops: search, search_body, subst_uri, subst_user, cmp_str, cmp_istr, starts_with, and what is refused. */
class TextopsModuleTest {
    private final ModuleHarness h = new ModuleHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void searchMatchesAnywhereInTheMessageIgnoringCase() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("search", m, "^invite sip:")).isEqualTo(1);
        assertThat(h.call("search", m, "^x-custom: *two")).isEqualTo(1); // ^ at each line start
        assertThat(h.call("search", m, "^x-custom: *two.$")).isEqualTo(1); // POSIX: only LF ends a line, CR is a character
        assertThat(h.call("search", m, "^x-custom: *two$")).isEqualTo(-1);
        assertThat(h.call("search", m, "m=audio [0-9]+ RTP/AVP")).isEqualTo(1); // the body is part of the message
        assertThat(h.call("search", m, "^Subject:")).isEqualTo(-1);
        assertThat(h.call("search", m, "Via:.*Max-Forwards")).isEqualTo(-1); // . does not cross lines
    }

    @Test
    void searchTakesPosixClassesAndAVariable() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("search", m, "CSeq: [[:digit:]]{6} INVITE")).isEqualTo(1);
        Arg dynamic = Arg.dynamic(ctx -> "call-id: a84b4c76", "$var(re)");
        assertThat(h.call("search", m, dynamic)).isEqualTo(1);
        Arg broken = Arg.dynamic(ctx -> "(unclosed", "$var(re)");
        assertThat(h.call("search", m, broken)).isEqualTo(-1);
    }

    @Test
    void aBadConstantExpressionIsRefusedAtItsArgument() {
        assertThatThrownBy(() -> h.bind("search", "a[b"))
                .isInstanceOf(FunctionSpec.BadArgument.class)
                .hasMessageContaining("bad regular expression");
    }

    @Test
    void searchBodyLooksOnlyAtTheBody() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("search_body", m, "^c=IN IP4 192\\.0\\.2\\.10\r$")).isEqualTo(1);
        assertThat(h.call("search_body", m, "^INVITE")).isEqualTo(-1);
        MsgContext empty = h.msg("options-proxy.sip");
        assertThat(h.call("search_body", empty, ".*")).isEqualTo(-1); // no body
    }

    @Test
    void substUriRewritesTheRequestUri() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("subst_uri", m, "/^sip:\\+49([0-9]+)@example\\.com/sip:0\\1@gw.example.net/")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:030123456@gw.example.net;user=phone;transport=udp");
        assertThat(h.pv("$rU", m)).isEqualTo("030123456");
        // it works on the current R-URI, and is case-sensitive without the i flag
        assertThat(h.call("subst_uri", m, "/GW\\.EXAMPLE/x/")).isEqualTo(-1);
        assertThat(h.call("subst_uri", m, "/GW\\.EXAMPLE/x/i")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:030123456@x.net;user=phone;transport=udp");
    }

    @Test
    void substUriReplacesEveryMatchWithGAndKnowsPseudoVariables() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("subst_uri", m, "/[0-9]/#/g")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:+##########@example.com;user=phone;transport=udp");
        MsgContext m2 = h.msg("invite-sdp.sip");
        assertThat(h.call("subst_uri", m2, "/;transport=udp$/;from=$fU/")).isEqualTo(1);
        assertThat(m2.ruri).isEqualTo("sip:+4930123456@example.com;user=phone;from=alice");
        MsgContext m3 = h.msg("options-proxy.sip");
        assertThat(h.call("subst_uri", m3, "/^sip:proxy/sip:next/")).isEqualTo(1);
        assertThat(h.call("subst_uri", m3, "/$/;prev=\\u/")).isEqualTo(-1); // an empty match
        assertThat(h.call("subst_uri", m3, "/\\.com$/.com;prev=\\u/")).isEqualTo(1); // backslash-u: the current R-URI
        assertThat(m3.ruri).isEqualTo("sip:next.example.com;prev=sip:next.example.com");
    }

    @Test
    void substUserRewritesOnlyTheUserPart() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("subst_user", m, "/^\\+49/0049/")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:004930123456@example.com;user=phone;transport=udp");
        assertThat(h.call("subst_user", m, "/^\\+/x/")).isEqualTo(-1);
        assertThat(h.call("subst_user", m, "/^(00)(49)/\\2\\1/")).isEqualTo(1); // groups
        assertThat(m.ruri).isEqualTo("sip:490030123456@example.com;user=phone;transport=udp");
    }

    @Test
    void substUserOnAUriWithoutUser() {
        MsgContext m = h.msg("options-proxy.sip");
        assertThat(h.call("subst_user", m, "/^$/x/")).isEqualTo(-1); // an empty match is refused, as Kamailio's subst_run does
        assertThat(m.ruri).isNull();
    }

    @Test
    void cmpStrAndCmpIstr() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("cmp_str", m, "$fU", "alice")).isEqualTo(1);
        assertThat(h.call("cmp_str", m, "$fU", "Alice")).isEqualTo(-1); // "alice" sorts after "Alice"
        assertThat(h.call("cmp_str", m, "abc", "abd")).isEqualTo(-2);
        assertThat(h.call("cmp_str", m, "ab", "abc")).isEqualTo(-2);
        assertThat(h.call("cmp_str", m, "", "a")).isEqualTo(-2);
        assertThat(h.call("cmp_istr", m, "$fU", "ALICE")).isEqualTo(1);
        assertThat(h.call("cmp_istr", m, "b", "A")).isEqualTo(-1);
    }

    @Test
    void startsWith() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("starts_with", m, "$rU", "+49")).isEqualTo(1);
        assertThat(h.call("starts_with", m, "$rU", "+33")).isEqualTo(-1); // "+49" > "+33"
        assertThat(h.call("starts_with", m, "$rU", "+5")).isEqualTo(-2);
        assertThat(h.call("starts_with", m, "ab", "abc")).isEqualTo(-1); // shorter than the prefix
    }

    @Test
    void inAScriptASearchDrivesTheRoute() {
        CompiledScript s = h.load("request_route {\n"
                + "  if (search_body(\"PCMU\") && starts_with(\"$ci\", \"a84b\")) { $avp(r) = \"sdp\"; } else { $avp(r) = \"none\"; }\n"
                + "  if (subst_uri('/example\\.com/example.org/')) { $avp(u) = $ru; }\n"
                + "}\n");
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(s, m);
        assertThat(m.avps().get("r", 0)).isEqualTo("sdp");
        assertThat(m.avps().get("u", 0)).isEqualTo("sip:+4930123456@example.org;user=phone;transport=udp");
    }

    @Test
    void messageRewritesAreRefusedWhenTheScriptLoads() {
        assertThat(h.loadErrors("request_route { subst('/a/b/'); }\n")).contains("subst").contains("is not implemented by Sipway yet");
        assertThat(h.loadErrors("request_route { replace(\"a\", \"b\"); }\n")).contains("is not implemented by Sipway yet");
        assertThat(h.loadErrors("request_route { search_append(\"a\", \"b\"); }\n")).contains("is not implemented by Sipway yet");
        assertThat(h.loadErrors("request_route { insert_hf(\"X-A: 1\\r\\n\"); }\n")).contains("is not implemented by Sipway yet");
        assertThat(h.loadErrors("request_route { append_to_reply(\"X-A: 1\\r\\n\"); }\n")).contains("is not implemented by Sipway yet");
    }
}
