package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.CompiledScript;
import io.sipway.sip.SipMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** sanity: sanity_check with the default checks and given ones, its replies, autodrop, noreply and sanity_reply. */
class SanityModuleTest {
    private final ModuleHarness h = new ModuleHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private static String invite() {
        return ModuleHarness.resource("invite-sdp.sip");
    }

    private static String register() {
        return ModuleHarness.resource("register-auth.sip");
    }

    /** Runs sanity_check(args) on the message and returns the reply sent, asserting the return value. */
    private SipMessage failsWith(String text, long expected, String... args) {
        MsgContext m = h.parse(text);
        assertThat(h.call("sanity_check", m, (Object[]) args)).isEqualTo(expected);
        return h.reply();
    }

    @Test
    void aWellFormedRequestPassesTheDefaultChecks() {
        assertThat(h.call("sanity_check", h.msg("invite-sdp.sip"))).isEqualTo(1);
        assertThat(h.call("sanity_check", h.msg("register-auth.sip"))).isEqualTo(1);
        assertThat(h.call("sanity_check", h.msg("bye-routed.sip"), "17895", "7")).isEqualTo(1); // the default cfg's
        assertThat(h.call("sanity_check", h.msg("invite-sdp.sip"), "32767", "15")).isEqualTo(1); // every check
        h.noReply();
    }

    @Test
    void cseqMethodMismatchIsAnswered400AndStopsTheScript() {
        SipMessage r = failsWith(invite().replace("CSeq: 314159 INVITE", "CSeq: 314159 BYE"), 0);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reasonPhrase()).isEqualTo("CSeq method does not match request method");
        assertThat(r.callId()).isEqualTo("a84b4c76e66710@pc33.atlanta.example.com");
    }

    @Test
    void cseqNumberMustBeAnUnsigned32BitValue() {
        SipMessage r = failsWith(invite().replace("CSeq: 314159 INVITE", "CSeq: 42949672970 INVITE"), 0, "64");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reasonPhrase()).isEqualTo("CSeq number is illegal");
    }

    @Test
    void expiresMustBeANumber() {
        SipMessage r = failsWith(register().replace("Expires: 7200", "Expires: soon"), 0, "256");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reasonPhrase()).isEqualTo("Expires value is illegal");
        assertThat(h.call("sanity_check", h.msg("register-auth.sip"), "256")).isEqualTo(1);
    }

    @Test
    void anUnknownProxyRequireExtensionIsAnswered420WithUnsupported() {
        String pr = invite().replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nProxy-Require: foo, bar\r\n");
        SipMessage r = failsWith(pr, 0);
        assertThat(r.statusCode()).isEqualTo(420);
        assertThat(r.reasonPhrase()).isEqualTo("Bad Proxy Require Extension");
        assertThat(r.header("Unsupported")).isEqualTo("foo");
        // modparam proxy_require lists what this proxy supports
        h.load("modparam(\"sanity\", \"proxy_require\", \"foo, bar\")\nrequest_route { exit; }\n");
        assertThat(h.call("sanity_check", h.parse(pr))).isEqualTo(1);
    }

    @Test
    void requestUriWithAnUnknownSchemeIsABadRequestUri() {
        SipMessage r = failsWith(invite().replace("INVITE sip:+4930123456@example.com;user=phone;transport=udp", "INVITE http://example.com/x"), 0);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reasonPhrase()).isEqualTo("Bad Request URI");
        // tel: is one Kamailio parses
        assertThat(h.call("sanity_check", h.parse(invite().replace("INVITE sip:+4930123456@example.com;user=phone;transport=udp",
                "INVITE tel:+4930123456")))).isEqualTo(1);
    }

    @Test
    void missingOrDuplicatedRequiredHeadersFailWithoutReply() {
        String twoFroms = invite().replace("Call-ID:", "From: <sip:eve@example.com>;tag=9\r\nCall-ID:");
        assertThat(h.call("sanity_check", h.parse(twoFroms))).isEqualTo(0);
        assertThat(h.call("sanity_check", h.parse(twoFroms), "3")).as("checks without 4 pass").isEqualTo(1);
        h.noReply();
    }

    @Test
    void uriChecksOfFromToAndContact() {
        String badContact = invite().replace("Contact: <sip:alice@192.0.2.10:5062;transport=udp>;expires=60", "Contact: <sip:>");
        assertThat(h.call("sanity_check", h.parse(badContact), "1024", "7")).isEqualTo(1); // Contact not asked for
        SipMessage r = failsWith(badContact, 0, "1024", "8");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reasonPhrase()).isEqualTo("Bad Contact URI");
        String badTo = invite().replace("To: \"Bob B.\" <sip:bob@example.com>", "To: <sip:>");
        r = failsWith(badTo, 0, "1024", "4");
        assertThat(r.reasonPhrase()).isEqualTo("Ivalid To Header"); // sic, Kamailio's reason
        String badFrom = invite().replace("From: Alice <sip:alice@atlanta.example.com>", "From: <sip:>");
        r = failsWith(badFrom, 0, "1024", "2");
        assertThat(r.reasonPhrase()).isEqualTo("Invalid From Header");
    }

    @Test
    void digestCredentialsMustBeComplete() {
        String noResponse = register().replace(" response=\"dfe56131d1958046689d83306477ecc\",", "");
        SipMessage r = failsWith(noResponse, 0, "2048");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reasonPhrase()).isEqualTo("Bad Auth Credentials");
        String noCnonce = register().replace(", cnonce=\"0a4f113b\"", "");
        assertThat(failsWith(noCnonce, 0, "2048").reasonPhrase()).isEqualTo("Bad Auth Credentials"); // qop=auth needs cnonce
        String emptyUser = register().replace("username=\"bob\"", "username=\"\"");
        assertThat(failsWith(emptyUser, 0, "8192").reasonPhrase()).isEqualTo("Auth Empty User");
        String unterminated = register().replace("cnonce=\"0a4f113b\"", "cnonce=\"0a4f113b");
        assertThat(failsWith(unterminated, 0, "8192").reasonPhrase()).isEqualTo("Bad Auth Header");
    }

    @Test
    void anotherAuthorizationSchemeFailsTheDigestCheckOnly() {
        String basic = register().replaceAll("Authorization: Digest [^\r]*", "Authorization: Basic Ym9iOnNlY3JldA==");
        assertThat(h.call("sanity_check", h.parse(basic), "8192")).isEqualTo(1);
        assertThat(h.call("sanity_check", h.parse(basic), "2048")).isEqualTo(0);
        h.noReply(); // the digest check fails silently on another scheme
    }

    @Test
    void duplicatedTagsAreRefused() {
        String twoTags = invite().replace(";tag=1928301774", ";tag=1928301774;tag=2");
        assertThat(h.call("sanity_check", h.parse(twoTags))).isEqualTo(1); // 4096 is not a default check
        SipMessage r = failsWith(twoTags, 0, "4096");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.reasonPhrase()).isEqualTo("Many From Tag Params");
    }

    @Test
    void checkFlagsOutOfRangeAreAnError() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("sanity_check", m, "0")).isEqualTo(-1);
        assertThat(h.call("sanity_check", m, "32768")).isEqualTo(-1);
        assertThat(h.call("sanity_check", m, "1", "16")).isEqualTo(-1);
        h.noReply();
    }

    @Test
    void anAckIsNeverAnswered() {
        String ack = invite().replace("INVITE sip:", "ACK sip:").replace("CSeq: 314159 INVITE", "CSeq: 314159 BYE");
        assertThat(h.call("sanity_check", h.parse(ack))).isEqualTo(0);
        h.noReply();
    }

    @Test
    void repliesPassTheReplyChecksAndFailTheRequestLineOnes() {
        MsgContext reply = h.msg("ringing-rr.sip");
        assertThat(h.call("sanity_check", reply, "17604", "6")).isEqualTo(1); // what Kamailio's cfg runs on replies
        assertThat(h.call("sanity_check", reply, "1")).isEqualTo(0); // the R-URI version of a reply
        h.noReply(); // a reply is never answered
    }

    @Test
    void withAutodropOffAFailureIsFalseAndTheScriptDecides() {
        CompiledScript s = h.load("modparam(\"sanity\", \"autodrop\", 0)\n"
                + "request_route {\n  if (!sanity_check(\"1511\", \"7\")) { $avp(r) = \"failed\"; exit; }\n  $avp(r) = \"passed\";\n}\n");
        MsgContext bad = h.parse(invite().replace("CSeq: 314159 INVITE", "CSeq: 314159 BYE"));
        h.run(s, bad);
        assertThat(bad.avps().get("r", 0)).isEqualTo("failed");
        assertThat(h.reply().statusCode()).isEqualTo(400);
        MsgContext good = h.msg("invite-sdp.sip");
        h.run(s, good);
        assertThat(good.avps().get("r", 0)).isEqualTo("passed");
    }

    @Test
    void withTheDefaultAutodropAFailureEndsTheScript() {
        CompiledScript s = h.load("request_route {\n  if (!sanity_check()) { $avp(r) = \"failed\"; exit; }\n  $avp(r) = \"passed\";\n}\n");
        MsgContext bad = h.parse(invite().replace("CSeq: 314159 INVITE", "CSeq: 314159 BYE"));
        h.run(s, bad);
        assertThat(bad.exited()).isTrue();
        assertThat(bad.avps().get("r", 0)).isNull();
        assertThat(h.reply().statusCode()).isEqualTo(400);
    }

    @Test
    void withNoreplyTheScriptSendsTheReplyWithSanityReply() {
        CompiledScript s = h.load("modparam(\"sanity\", \"noreply\", 1)\nmodparam(\"sanity\", \"autodrop\", 0)\n"
                + "request_route {\n  if (!sanity_check()) { $avp(r) = \"failed\"; sanity_reply(); exit; }\n}\n");
        MsgContext bad = h.parse(invite().replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nProxy-Require: foo\r\n"));
        assertThat(h.call("sanity_check", bad)).isEqualTo(-1);
        h.noReply(); // nothing until sanity_reply()
        assertThat(h.call("sanity_reply", bad)).isEqualTo(1);
        SipMessage r = h.reply();
        assertThat(r.statusCode()).isEqualTo(420);
        assertThat(r.header("Unsupported")).isEqualTo("foo");
        // with no failure recorded for the message, sanity_reply answers 500
        MsgContext other = h.msg("invite-sdp.sip");
        h.run(s, other);
        assertThat(other.avps().get("r", 0)).isNull();
        assertThat(h.call("sanity_reply", other)).isEqualTo(1);
        assertThat(h.reply().statusCode()).isEqualTo(500);
    }

    @Test
    void sanityReplyDoesNothingWithoutNoreply() {
        MsgContext m = h.msg("invite-sdp.sip");
        assertThat(h.call("sanity_reply", m)).isEqualTo(1);
        h.noReply();
    }
}
