package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.cfg.CompiledScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core's strip(n), strip_tail(n) and prefix(s) on the Request-URI's user part, as Kamailio's
 * action.c rewrites the new URI: the rest stays as written, a user stripped away takes its "@".
 */
class UriRewritesTest {
    private final ModuleHarness h = new ModuleHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private MsgContext invite(String ruri) {
        MsgContext m = h.msg("invite-sdp.sip");
        m.ruri = ruri;
        return m;
    }

    @Test
    void stripAndPrefixTurnALeading00IntoAPlusAsTheDefaultScriptDoes() {
        MsgContext m = invite("sip:0049301234567@127.0.0.1:5060;user=phone");
        assertThat(h.call("strip", m, 2L)).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:49301234567@127.0.0.1:5060;user=phone");
        assertThat(h.call("prefix", m, "+")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:+49301234567@127.0.0.1:5060;user=phone");
        assertThat(h.pv("$rU", m)).isEqualTo("+49301234567");
    }

    @Test
    void stripTailTakesFromTheEnd() {
        MsgContext m = invite("sips:12345@example.com?Subject=x");
        assertThat(h.call("strip_tail", m, 2L)).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sips:123@example.com?Subject=x");
    }

    @Test
    void strippingTheWholeUserOrMoreRemovesItAndItsAt() {
        MsgContext m = invite("sip:bob@example.com");
        assertThat(h.call("strip", m, 3L)).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:example.com");
        m.ruri = "sip:bob@example.com";
        assertThat(h.call("strip", m, 10L)).isEqualTo(1); // "too long strip asked; deleting username"
        assertThat(m.ruri).isEqualTo("sip:example.com");
        m.ruri = "sip:bob@example.com";
        assertThat(h.call("strip_tail", m, 0L)).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:bob@example.com");
    }

    @Test
    void prefixGivesAUriWithoutUserOne() {
        MsgContext m = invite("sip:example.com:5070;transport=tcp");
        assertThat(h.call("prefix", m, "123")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:123@example.com:5070;transport=tcp");
    }

    @Test
    void theArgumentsAreWhatKamailiosGrammarTakes() {
        assertThat(h.loadErrors("request_route { strip(\"2\"); }\n")).contains("bad argument, number expected");
        assertThat(h.loadErrors("request_route { strip($var(n)); }\n")).contains("parameter 1 is not constant");
        assertThat(h.loadErrors("request_route { prefix(5); }\n")).contains("bad argument, string expected");
        assertThatThrownBy(() -> h.bind("strip", -1L)).hasMessageContaining("number expected");
    }

    @Test
    void aScriptSeesTheRewrittenUriInLaterReads() {
        CompiledScript s = h.load("request_route {\n if (starts_with(\"$rU\", \"00\")) { strip(2); prefix(\"+\"); }\n"
                + " $var(u) = $rU;\n $avp(u) = $var(u);\n}\n");
        MsgContext m = invite("sip:0033123456789@example.com");
        h.run(s, m);
        assertThat(h.pv("$avp(u)", m)).isEqualTo("+33123456789");
        assertThat(m.ruri).isEqualTo("sip:+33123456789@example.com");
    }
}
