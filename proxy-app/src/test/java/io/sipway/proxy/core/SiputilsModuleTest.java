package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.CompiledScript;
import io.sipway.sip.SipMessage;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** siputils: is_user, uri_param, add_uri_param, is_uri_user_e164, is_e164, is_first_hop, is_supported, options_reply. */
class SiputilsModuleTest {
    private final ModuleHarness h = new ModuleHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void isUserIsFalseWithoutAuthorizedCredentials() {
        // Kamailio compares with credentials www_authorize/proxy_authorize marked; Sipway has none to mark
        MsgContext m = h.msg("register-auth.sip");
        assertThat(h.call("is_user", m, "bob")).isEqualTo(-1);
    }

    @Test
    void uriParamWithAndWithoutValue() {
        MsgContext m = h.msg("invite-sdp.sip"); // sip:+4930123456@example.com;user=phone;transport=udp
        assertThat(h.call("uri_param", m, "user", "phone")).isEqualTo(1);
        assertThat(h.call("uri_param", m, "user", "ip")).isEqualTo(-1);
        assertThat(h.call("uri_param", m, "USER", "phone")).isEqualTo(-1); // names compare as written
        assertThat(h.call("uri_param", m, "user")).isEqualTo(-1); // has a value
        assertThat(h.call("uri_param", m, "lr")).isEqualTo(-1);
        m.ruri = "sip:bob@example.com;lr;x=$y";
        assertThat(h.call("uri_param", m, "lr")).isEqualTo(1);
    }

    @Test
    void addUriParamChangesTheRequestUri() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("add_uri_param", m, "nat=$fU")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:+4930123456@example.com;user=phone;transport=udp;nat=alice");
        assertThat(h.call("uri_param", m, "nat", "alice")).isEqualTo(1);
        m.ruri = "sip:bob@example.com?Subject=hi";
        assertThat(h.call("add_uri_param", m, "a=b")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:bob@example.com;a=b?Subject=hi"); // before the headers
        assertThat(h.call("add_uri_param", m, "")).isEqualTo(1);
        assertThat(m.ruri).isEqualTo("sip:bob@example.com;a=b?Subject=hi");
    }

    @Test
    void e164Checks() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("is_uri_user_e164", m, "$ru")).isEqualTo(1);
        assertThat(h.call("is_uri_user_e164", m, "$fu")).isEqualTo(-1);
        assertThat(h.call("is_uri_user_e164", m, "sip:+4@x")).isEqualTo(-1); // too short: "+" and 2 to 15 digits
        assertThat(h.call("is_uri_user_e164", m, "sip:+49@x")).isEqualTo(1);
        assertThat(h.call("is_uri_user_e164", m, "tel:+4930123456")).isEqualTo(-1); // no '@'
        assertThat(h.call("is_e164", m, "$rU")).isEqualTo(1);
        assertThat(h.call("is_e164", m, "+1234567890123456")).isEqualTo(-1); // 16 digits
        assertThat(h.call("is_e164", m, "+123456789012345")).isEqualTo(1); // 15 digits
        assertThat(h.call("is_e164", m, "4930123456")).isEqualTo(-1); // no '+'
        assertThat(h.call("is_e164", m, "+49-30")).isEqualTo(-1);
    }

    @Test
    void isFirstHopForRequests() {
        assertThat(h.call("is_first_hop", h.msg("invite-sdp.sip"))).isEqualTo(1); // one Via
        String twoVias = ModuleHarness.resource("invite-sdp.sip")
                .replace("Max-Forwards: 70\r\n", "Via: SIP/2.0/UDP 192.0.2.99;branch=z9hG4bKx\r\nMax-Forwards: 70\r\n");
        assertThat(h.call("is_first_hop", h.parse(twoVias))).isEqualTo(-1);
    }

    @Test
    void isFirstHopForReplies() {
        String ringing = ModuleHarness.resource("ringing-rr.sip");
        // top Record-Route <sip:127.0.0.1;lr> is not us (we listen on another port): not the first hop
        assertThat(h.call("is_first_hop", h.parse(ringing))).isEqualTo(-1);
        // our own Record-Route, reply from elsewhere: the first hop
        String ours = ringing.replace("<sip:127.0.0.1;lr>", "<sip:" + h.pv("$Ri", h.msg("options-proxy.sip")) + ":"
                + h.pv("$Rp", h.msg("options-proxy.sip")) + ";lr>");
        assertThat(h.call("is_first_hop", h.parse(ours))).isEqualTo(1);
        // ... unless it came from that very address: a loop
        MsgContext self = h.parseFrom(ours, new InetSocketAddress("127.0.0.1", ((Long) h.pv("$Rp", h.parse(ours))).intValue()));
        assertThat(h.call("is_first_hop", self)).isEqualTo(-1);
        // a host name in the Record-Route: not the first hop in mode 0, the first hop in mode 1 (it is our alias)
        String named = ringing.replace("<sip:127.0.0.1;lr>", "<sip:proxy.example.com;lr>");
        assertThat(h.call("is_first_hop", h.parse(named))).isEqualTo(-1);
        assertThat(h.call("is_first_hop", h.parse(named), "1")).isEqualTo(1);
        // no Record-Route at all
        assertThat(h.call("is_first_hop", h.parse(ringing.replace("Record-Route: <sip:127.0.0.1;lr>\r\n", "")))).isEqualTo(1);
    }

    @Test
    void isSupportedReadsEverySupportedHeader() {
        MsgContext m = h.msg("invite-sdp.sip"); // Supported: 100rel, timer / Supported: path
        assertThat(h.call("is_supported", m, "100rel")).isEqualTo(1);
        assertThat(h.call("is_supported", m, "path")).isEqualTo(1);
        assertThat(h.call("is_supported", m, "gruu")).isEqualTo(-1);
        assertThat(h.call("is_supported", h.msg("options-proxy.sip"), "timer")).isEqualTo(-1); // no Supported
    }

    @Test
    void optionsReplyAnswersAnOptionsWithoutUserAndEndsTheScript() {
        MsgContext m = h.msg("options-proxy.sip");
        assertThat(h.call("options_reply", m)).isEqualTo(0);
        assertThat(m.replied).isTrue();
        SipMessage r = h.reply();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.reasonPhrase()).isEqualTo("OK");
        assertThat(r.header("Accept")).isEqualTo("*/*");
        assertThat(r.header("Accept-Language")).isEqualTo("en");
        assertThat(r.hasHeader("Accept-Encoding")).isTrue();
        assertThat(r.hasHeader("Supported")).isTrue();
        assertThat(r.callId()).isEqualTo("opt-1@192.0.2.10");
        assertThat(r.toTag()).isNotNull();
        assertThat(h.core.stat("sl:2xx_replies")).isEqualTo(1);
    }

    @Test
    void optionsReplyRefusesOtherRequests() {
        assertThat(h.call("options_reply", h.msg("invite-sdp.sip"))).isEqualTo(-1); // not OPTIONS
        String withUser = ModuleHarness.resource("options-proxy.sip").replace("OPTIONS sip:proxy.example.com", "OPTIONS sip:bob@proxy.example.com");
        assertThat(h.call("options_reply", h.parse(withUser))).isEqualTo(-1);
        h.noReply();
    }

    @Test
    void optionsReplyTakesTheModuleParameters() {
        CompiledScript s = h.load("modparam(\"siputils\", \"options_accept\", \"application/sdp\")\n"
                + "modparam(\"siputils\", \"options_support\", \"100rel\")\n"
                + "request_route {\n  if (is_method(\"OPTIONS\") && $rU == $null) { options_reply(); }\n"
                + "  $avp(after) = \"reached\";\n}\n");
        MsgContext m = h.msg("options-proxy.sip");
        h.run(s, m);
        assertThat(m.exited()).isTrue();
        assertThat(m.avps().get("after", 0)).isNull(); // 0 ended the script
        SipMessage r = h.reply();
        assertThat(r.header("Accept")).isEqualTo("application/sdp");
        assertThat(r.header("Supported")).isEqualTo("100rel");
    }
}
