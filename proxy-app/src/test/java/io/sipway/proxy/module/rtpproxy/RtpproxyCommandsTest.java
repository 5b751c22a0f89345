package io.sipway.proxy.module.rtpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands Sipway sends to an rtpproxy, and the SDP it relays, for one call (INVITE with an
 * offer, 200 with an answer, BYE) through the same script Kamailio 5.6.3 ran: rtpproxy_offer in
 * request_route, rtpproxy_answer in onreply_route, rtpproxy_destroy for BYE, the flags taken from
 * a header. Every expected value was read from Kamailio 5.6.3 (rtpproxy.so) running this script
 * against the same recording rtpproxy ({@link FakeRtpproxy}), cookies left out.
 */
class RtpproxyCommandsTest {
    @TempDir
    Path dir;

    static String script(int sipPort, int rtpproxyPort) {
        return String.join("\n",
                "#!KAMAILIO",
                "listen=udp:127.0.0.1:" + sipPort,
                "children=2",
                "loadmodule \"tm.so\"",
                "loadmodule \"sl.so\"",
                "loadmodule \"pv.so\"",
                "loadmodule \"textops.so\"",
                "loadmodule \"xlog.so\"",
                "loadmodule \"rtpproxy.so\"",
                "modparam(\"rtpproxy\", \"rtpproxy_sock\", \"udp:127.0.0.1:" + rtpproxyPort + "\")",
                "request_route {",
                "    if (is_method(\"INVITE\")) {",
                "        if ($hdr(X-Ip) != \"\") {",
                "            $var(rc) = rtpproxy_offer(\"$hdr(X-Flags)\", \"$hdr(X-Ip)\");",
                "        } else {",
                "            $var(rc) = rtpproxy_offer(\"$hdr(X-Flags)\");",
                "        }",
                "        t_on_reply(\"R\");",
                "    }",
                "    if (is_method(\"BYE\")) {",
                "        rtpproxy_destroy();",
                "    }",
                "    t_relay();",
                "}",
                "onreply_route[R] {",
                "    if (status =~ \"^2\") {",
                "        rtpproxy_answer(\"$hdr(X-Flags)\");",
                "    }",
                "}",
                "");
    }

    /** One call with these flags (and forced address, "" for none); the fake rtpproxy's commands and the call. */
    private record Result(List<String> commands, SdpCall call) {
    }

    private Result call(String flags, String ip) throws Exception {
        return call(flags, ip, false);
    }

    /**
     * The same script with rtpproxy_manage() in every place (and, for the BYE, $rtpstat and
     * start_recording() before it), as Kamailio 5.6.3 ran it.
     */
    static String manageScript(int sipPort, int rtpproxyPort) {
        return script(sipPort, rtpproxyPort)
                .replace("rtpproxy_offer(\"$hdr(X-Flags)\", \"$hdr(X-Ip)\")", "rtpproxy_manage(\"$hdr(X-Flags)\", \"$hdr(X-Ip)\")")
                .replace("rtpproxy_offer(\"$hdr(X-Flags)\")", "rtpproxy_manage(\"$hdr(X-Flags)\")")
                .replace("rtpproxy_answer(\"$hdr(X-Flags)\")", "rtpproxy_manage(\"$hdr(X-Flags)\")")
                .replace("rtpproxy_destroy();", "$var(stat) = $rtpstat; start_recording(); rtpproxy_manage();");
    }

    private Result call(String flags, String ip, boolean manage) throws Exception {
        try (FakeRtpproxy rtpproxy = new FakeRtpproxy()) {
            int port = FreePorts.udpAndTcp();
            Path cfg = dir.resolve("rtpproxy-" + port + ".cfg");
            Files.writeString(cfg, manage ? manageScript(port, rtpproxy.port()) : script(port, rtpproxy.port()));
            try (Proxy proxy = Proxy.start(cfg, Map.of(), List.of()); SdpCall call = new SdpCall(port)) {
                call.run(flags, ip);
                Thread.sleep(100);
                return new Result(rtpproxy.calls(), call);
            }
        }
    }

    @Test
    void anOfferAndItsAnswerGoThroughTheRelayPerStreamAndTheSdpGetsItsAddressAndPorts() throws Exception {
        Result r = call("", "");
        assertThat(r.commands()).containsExactly(
                "Uc0,8,101 call-none@test 127.0.0.1 49170 ftag1;1",
                "Uc31 call-none@test 127.0.0.1 51372 ftag1;2",
                "Lc0 call-none@test 127.0.0.1 6000 ftag1;1 ttag2;1",
                "Lc31 call-none@test 127.0.0.1 6002 ftag1;2 ttag2;2",
                "D call-none@test ftag1 ttag2");
        assertThat(SdpCall.body(r.call().invite)).isEqualTo("v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.9\r\ns=-\r\n"
                + "c=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n"
                + "a=rtcp:40003\r\nm=video 40004 RTP/AVP 31\r\nc=IN IP4 192.0.2.9\r\na=nortpproxy:yes\r\n");
        assertThat(r.call().invite).contains("Content-Length: 229\r\n");
        assertThat(SdpCall.body(r.call().ok)).isEqualTo("v=0\r\no=bob 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\n"
                + "t=0 0\r\nm=audio 40006 RTP/AVP 0\r\nm=video 40008 RTP/AVP 31\r\na=nortpproxy:yes\r\n");
        assertThat(r.call().ok).contains("Content-Length: 134\r\n");
    }

    @Test
    void manageOffersOnTheInviteAnswersOnItsReplyAndDestroysOnBye() throws Exception {
        Result r = call("", "", true);
        assertThat(r.commands()).containsExactly(
                "Uc0,8,101 call-none@test 127.0.0.1 49170 ftag1;1",
                "Uc31 call-none@test 127.0.0.1 51372 ftag1;2",
                "Lc0 call-none@test 127.0.0.1 6000 ftag1;1 ttag2;1",
                "Lc31 call-none@test 127.0.0.1 6002 ftag1;2 ttag2;2",
                "Q call-none@test ftag1;1 ttag2",
                "R call-none@test ftag1 ttag2",
                "D call-none@test ftag1 ttag2");
        assertThat(SdpCall.body(r.call().invite)).contains("m=audio 40002 RTP/AVP").endsWith("a=nortpproxy:yes\r\n");
        assertThat(SdpCall.body(r.call().ok)).contains("m=audio 40006 RTP/AVP").endsWith("a=nortpproxy:yes\r\n");
    }

    @Test
    void theFlagsChangeTheCommandsAsKamailiosDo() throws Exception {
        assertThat(call("w", "").commands()).startsWith("USc0,8,101 call-w@test 127.0.0.1 49170 ftag1;1",
                "USc31 call-w@test 127.0.0.1 51372 ftag1;2", "LSc0 call-w@test 127.0.0.1 6000 ftag1;1 ttag2;1");
        assertThat(call("x", "").commands()).startsWith("UIEc0,8,101 call-x@test 127.0.0.1 49170 ftag1;1",
                "UIEc31 call-x@test 127.0.0.1 51372 ftag1;2", "LIEc0 call-x@test 127.0.0.1 6000 ftag1;1 ttag2;1");
        assertThat(call("ie", "").commands()).startsWith("UIEc0,8,101 call-ie@test 127.0.0.1 49170 ftag1;1");
        // r and a: the address sent is the SDP's, not the sender's
        assertThat(call("r", "").commands()).startsWith("Uc0,8,101 call-r@test 10.0.0.1 49170 ftag1;1",
                "Uc31 call-r@test 10.0.0.2 51372 ftag1;2", "Lc0 call-r@test 10.0.0.9 6000 ftag1;1 ttag2;1",
                "Lc31 call-r@test 10.0.0.9 6002 ftag1;2 ttag2;2");
        assertThat(call("a", "").commands()).startsWith("UAc0,8,101 call-a@test 10.0.0.1 49170 ftag1;1",
                "UAc31 call-a@test 10.0.0.2 51372 ftag1;2", "LAc0 call-a@test 10.0.0.9 6000 ftag1;1 ttag2;1");
        // Kamailio 5.6.3 sends "Z20" for the first stream, and for the second reads past its buffer
        // (the length of the option grows per stream); Sipway sends Z20 for each
        assertThat(call("z20", "").commands()).startsWith("UZ20c0,8,101 call-z20@test 127.0.0.1 49170 ftag1;1");
        assertThat(call("c", "").commands()).startsWith("Uc0,8,101 call-c@test 127.0.0.1 49170 ftag1;1");
        assertThat(call("f", "").commands()).startsWith("Uc0,8,101 call-f@test 127.0.0.1 49170 ftag1;1");
    }

    @Test
    void theViaFlagsAppendABranchToTheCallId() throws Exception {
        List<String> one = call("1", "").commands();
        assertThat(one.get(0)).isEqualTo("Uc0,8,101 call-1@test;z9hG4bK-INVITE1 127.0.0.1 49170 ftag1;1");
        // in the reply the first Via is the proxy's own
        assertThat(one.get(2)).matches("Lc0 call-1@test;z9hG4bK[^ ]+ 127\\.0\\.0\\.1 6000 ftag1;1 ttag2;1")
                .doesNotContain("z9hG4bK-INVITE1");
        assertThat(one.get(4)).isEqualTo("D call-1@test ftag1 ttag2");
        List<String> three = call("3", "").commands();
        assertThat(three).startsWith("Uc0,8,101 call-3@test;z9hG4bK-INVITE1 127.0.0.1 49170 ftag1;1",
                "Uc31 call-3@test;z9hG4bK-INVITE1 127.0.0.1 51372 ftag1;2",
                "Lc0 call-3@test;z9hG4bK-INVITE1 127.0.0.1 6000 ftag1;1 ttag2;1");
        // 2 in the INVITE: it has one Via, so the offer fails (-1, nothing sent) and the SDP goes as it came
        Result two = call("2", "");
        assertThat(two.commands()).startsWith("Lc0 call-2@test;z9hG4bK-INVITE1 127.0.0.1 6000 ftag1;1 ttag2;1");
        assertThat(SdpCall.body(two.call().invite)).isEqualTo(SdpCall.OFFER);
    }

    @Test
    void aGivenAddressGoesIntoTheSdpInsteadOfTheRelays() throws Exception {
        Result r = call("", "198.51.100.7");
        assertThat(SdpCall.body(r.call().invite)).contains("o=alice 2890844526 2890844526 IN IP4 198.51.100.7\r\n")
                .contains("c=IN IP4 198.51.100.7\r\n").contains("m=audio 40002 RTP/AVP").doesNotContain("192.0.2.9")
                .doesNotContain("10.0.0.");
    }

    @Test
    void setRtpProxySetChoosesTheSetForTheMessageItRunsIn() throws Exception {
        try (FakeRtpproxy zero = new FakeRtpproxy(); FakeRtpproxy one = new FakeRtpproxy()) {
            int port = FreePorts.udpAndTcp();
            Path cfg = dir.resolve("sets-" + port + ".cfg");
            Files.writeString(cfg, script(port, zero.port())
                    .replace("    if (is_method(\"INVITE\")) {\n        if", "    if (is_method(\"INVITE\")) {\n        set_rtp_proxy_set(\"1\");\n        if")
                    .replace("loadmodule \"rtpproxy.so\"", "loadmodule \"rtpproxy.so\"\nmodparam(\"rtpproxy\", \"rtpproxy_sock\", \"1 == udp:127.0.0.1:"
                            + one.port() + "\")"));
            try (Proxy proxy = Proxy.start(cfg, Map.of(), List.of()); SdpCall call = new SdpCall(port)) {
                call.run("", "");
                Thread.sleep(100);
            }
            // the INVITE's offer went to set 1; the reply and the BYE are other messages: the default set 0
            assertThat(one.calls()).containsExactly("Uc0,8,101 call-none@test 127.0.0.1 49170 ftag1;1",
                    "Uc31 call-none@test 127.0.0.1 51372 ftag1;2");
            assertThat(zero.calls()).containsExactly("Lc0 call-none@test 127.0.0.1 6000 ftag1;1 ttag2;1",
                    "Lc31 call-none@test 127.0.0.1 6002 ftag1;2 ttag2;2", "D call-none@test ftag1 ttag2");
        }
    }
}
