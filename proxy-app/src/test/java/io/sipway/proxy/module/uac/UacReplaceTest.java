package io.sipway.proxy.module.uac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.ProxyStartException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * uac_replace_from / uac_replace_to (Kamailio 5.6's uac module, restore_mode auto without dialog) on
 * real UDP sockets: a caller, the proxy and a callee. The expected headers and Record-Route
 * parameters are what Kamailio 5.6.3 wrote for the same script and messages (restore_passwd
 * "s3cr3t"): the value is Kamailio's own encoding, so a Kamailio hop and a Sipway hop restore each
 * other's dialogs.
 */
@Timeout(30)
@DisplayName("uac_replace_from / uac_replace_to")
class UacReplaceTest {
    @TempDir
    Path work;
    private Proxy proxy;
    private int port;
    private final UdpParty caller;
    private final UdpParty callee;

    UacReplaceTest() throws Exception {
        caller = new UdpParty();
        callee = new UdpParty();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        caller.close();
        callee.close();
    }

    private void start(String params) throws Exception {
        start(params, "");
    }

    /** The script, with {@code inDialog} run on a request loose_route() routes. */
    private void start(String params, String inDialog) throws Exception {
        port = FreePorts.udpAndTcp();
        Path cfg = work.resolve("uac.cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=udp:127.0.0.1:" + port + "\n"
                + "loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"rr.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\nloadmodule \"uac.so\"\n"
                + params
                + "request_route {\n"
                + "  if (loose_route()) { " + inDialog + " t_relay(); exit; }\n"
                + "  record_route();\n"
                + "  if ($rU == \"bob\") { uac_replace_from(\"\\\"Anonymous\\\"\", \"sip:anonymous@anonymous.invalid\"); }\n"
                + "  if ($rU == \"carol\") { uac_replace_from(\"sip:x@y.z\"); uac_replace_to(\"Somebody\", \"sip:carol-long-name@somewhere.example.org\"); }\n"
                + "  if ($rU == \"dave\") { uac_replace_from(\"\", \"sip:d@e\"); }\n"
                + "  if ($rU == \"keep\") { uac_replace_from(\"sip:k@k.example\"); append_hf(\"X-Kept: $avp(orig)\\r\\n\"); }\n"
                + "  if ($rU == \"twice\") { uac_replace_from(\"sip:a@b\"); if (!uac_replace_from(\"sip:c@d\")) { sl_send_reply(\"500\", \"second refused\"); exit; } }\n"
                + "  $du = \"sip:127.0.0.1:" + callee.port() + "\";\n"
                + "  t_relay();\n"
                + "}\n", StandardCharsets.UTF_8);
        proxy = Proxy.start(cfg, Map.of(), List.of());
    }

    private void invite(String user, String from, String to, String callId) throws Exception {
        caller.send("INVITE sip:" + user + "@127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.port() + ";branch=z9hG4bK-" + callId.replace("@", "-") + "\r\nMax-Forwards: 70\r\n"
                + "From: " + from + "\r\nTo: " + to + "\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
                + "Contact: <sip:a@127.0.0.1:" + caller.port() + ">\r\nContent-Length: 0\r\n\r\n", port);
    }

    @Test
    @DisplayName("From replaced towards the callee with Kamailio's ;vsf= value; the caller gets its From back in the replies and in requests both ways")
    void fromReplacedAndRestoredThroughTheDialog() throws Exception {
        start("modparam(\"uac\", \"restore_passwd\", \"s3cr3t\")\n");
        invite("bob", "\"Alice\" <sip:alice@example.com>;tag=a1", "<sip:bob@example.com>", "d1@test");
        UdpParty.Received inv = callee.request("INVITE");
        assertThat(inv.line("From")).isEqualTo("From: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=a1");
        String rr = inv.msg().header("Record-Route");
        assertThat(rr).isEqualTo("<sip:127.0.0.1:" + port + ";lr;ftag=a1;vsf=czNjcjN2dT5/Xzl5YR5ycDk0aTFhB0BaGl0VE18dFw-->");
        callee.answer(inv, 200, "OK", "b1", "Contact: <sip:b@127.0.0.1:" + callee.port() + ">");
        UdpParty.Received ok = caller.reply(200, "INVITE");
        assertThat(ok.line("From")).isEqualTo("From: \"Alice\" <sip:alice@example.com>;tag=a1");
        assertThat(ok.line("To")).isEqualTo("To: <sip:bob@example.com>;tag=b1");

        // downstream within the dialog: the callee sees the new URI again (the display name stays the caller's)
        caller.send("INFO sip:b@127.0.0.1:" + callee.port() + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + caller.port()
                + ";branch=z9hG4bK-d2\r\nMax-Forwards: 70\r\nRoute: " + rr + "\r\nFrom: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
                + "To: <sip:bob@example.com>;tag=b1\r\nCall-ID: d1@test\r\nCSeq: 2 INFO\r\nContent-Length: 0\r\n\r\n", port);
        UdpParty.Received info = callee.request("INFO");
        assertThat(info.line("From")).isEqualTo("From: \"Alice\" <sip:anonymous@anonymous.invalid>;tag=a1");
        assertThat(info.line("Route")).as("our Route is taken off").isNull();
        callee.answer(info, 200, "OK", null);
        UdpParty.Received infoOk = caller.reply(200, "INFO");
        assertThat(infoOk.line("From")).isEqualTo("From: \"Alice\" <sip:alice@example.com>;tag=a1");

        // upstream within the dialog: the caller's URI comes back in To, and the callee's reply gets its own back
        callee.send("BYE sip:a@127.0.0.1:" + caller.port() + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + callee.port()
                + ";branch=z9hG4bK-d3\r\nMax-Forwards: 70\r\nRoute: " + rr + "\r\nFrom: <sip:bob@example.com>;tag=b1\r\n"
                + "To: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=a1\r\nCall-ID: d1@test\r\nCSeq: 1 BYE\r\n"
                + "Content-Length: 0\r\n\r\n", port);
        UdpParty.Received bye = caller.request("BYE");
        assertThat(bye.line("From")).isEqualTo("From: <sip:bob@example.com>;tag=b1");
        assertThat(bye.line("To")).isEqualTo("To: \"Anonymous\" <sip:alice@example.com>;tag=a1");
        caller.answer(bye, 200, "OK", null);
        UdpParty.Received byeOk = callee.reply(200, "BYE");
        assertThat(byeOk.line("To")).isEqualTo("To: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=a1");
    }

    @Test
    @DisplayName("a bare From URI and a To with a display name, both replaced: ;vsf= and ;vst= as Kamailio writes them, both restored in the reply")
    void fromAndTo() throws Exception {
        start("modparam(\"uac\", \"restore_passwd\", \"s3cr3t\")\n");
        invite("carol", "sip:alice@example.com;tag=a2", "Carol <sip:carol@example.com>", "d4@test");
        UdpParty.Received inv = callee.request("INVITE");
        assertThat(inv.line("From")).isEqualTo("From: sip:x@y.z;tag=a2");
        assertThat(inv.line("To")).isEqualTo("To: Somebody <sip:carol-long-name@somewhere.example.org>");
        assertThat(inv.msg().header("Record-Route")).isEqualTo("<sip:127.0.0.1:" + port + ";lr;ftag=a2"
                + ";vsf=czNjcipYY358MlYMEl4THlZaEFwO;vst=czNjcjN0czNjHzpjfDk+cDc3dRx9HV4RBFsGAFZaFksCH0MYFh0MAFQ->");
        callee.answer(inv, 200, "OK", "b1");
        UdpParty.Received ok = caller.reply(200, "INVITE");
        assertThat(ok.line("From")).isEqualTo("From: sip:alice@example.com;tag=a2");
        assertThat(ok.line("To")).isEqualTo("To: Carol <sip:carol@example.com>;tag=b1");
    }

    @Test
    @DisplayName("an empty display name removes it (5.6.3 leaves the space after it); the reply gets it back")
    void displayRemoved() throws Exception {
        start("modparam(\"uac\", \"restore_passwd\", \"s3cr3t\")\n");
        invite("dave", "\"Dave D\" <sip:dave@example.com>;tag=a3", "sip:bob@example.com", "d5@test");
        UdpParty.Received inv = callee.request("INVITE");
        assertThat(inv.line("From")).isEqualTo("From:  <sip:d@e>;tag=a3");
        assertThat(inv.msg().header("Record-Route")).endsWith(";ftag=a3;vsf=czNjcjNVYFYjF0sVHkMPFx0XHF4->");
        callee.answer(inv, 200, "OK", "b2");
        UdpParty.Received ok = caller.reply(200, "INVITE");
        assertThat(ok.line("From")).isEqualTo("From:  \"Dave D\" <sip:dave@example.com>;tag=a3");
        assertThat(ok.line("To")).isEqualTo("To: sip:bob@example.com;tag=b2");
    }

    @Test
    @DisplayName("a second uac_replace_from on the same request returns -1")
    void secondCallRefused() throws Exception {
        start("");
        invite("twice", "<sip:alice@example.com>;tag=a4", "<sip:bob@example.com>", "d6@test");
        assertThat(caller.reply(500, "INVITE").msg().reasonPhrase()).isEqualTo("second refused");
    }

    @Test
    @DisplayName("restore_mode none: the header is replaced and nothing is kept: no parameter, the reply as the callee wrote it")
    void noRestore() throws Exception {
        start("modparam(\"uac\", \"restore_mode\", \"none\")\n");
        invite("bob", "\"Alice\" <sip:alice@example.com>;tag=a5", "<sip:bob@example.com>", "d7@test");
        UdpParty.Received inv = callee.request("INVITE");
        assertThat(inv.line("From")).isEqualTo("From: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=a5");
        assertThat(inv.msg().header("Record-Route")).isEqualTo("<sip:127.0.0.1:" + port + ";lr;ftag=a5>");
        callee.answer(inv, 200, "OK", "b5");
        assertThat(caller.reply(200, "INVITE").line("From")).isEqualTo("From: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=a5");
    }

    @Test
    @DisplayName("the start fails as Kamailio's mod_init does: auto mode without rr's append_fromtag, restore without rr, restore_dlg=1")
    void refusedAtStart() throws Exception {
        assertThatThrownBy(() -> start("modparam(\"rr\", \"append_fromtag\", 0)\n")).isInstanceOf(ProxyStartException.class)
                .hasMessageContaining("append_fromtag");
        assertThatThrownBy(() -> start("modparam(\"uac\", \"restore_dlg\", 1)\n")).isInstanceOf(ProxyStartException.class)
                .hasMessageContaining("restore_dlg");
        assertThatThrownBy(() -> start("modparam(\"uac\", \"restore_mode\", \"sometimes\")\n")).isInstanceOf(ProxyStartException.class)
                .hasMessageContaining("restore_mode");
        port = FreePorts.udpAndTcp();
        Path cfg = work.resolve("norr.cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=udp:127.0.0.1:" + port + "\nloadmodule \"tm.so\"\nloadmodule \"uac.so\"\n"
                + "request_route { uac_replace_from(\"sip:a@b\"); t_relay(); }\n");
        assertThatThrownBy(() -> Proxy.start(cfg, Map.of(), List.of())).isInstanceOf(ProxyStartException.class)
                .hasMessageContaining("rr");
    }

    @Test
    @DisplayName("restore_mode manual: uac_restore_from() in the script gives the URI back in a request within the dialog; its reply is left as it comes")
    void manualRestore() throws Exception {
        start("modparam(\"uac\", \"restore_mode\", \"manual\")\nmodparam(\"uac\", \"restore_passwd\", \"s3cr3t\")\n",
                "if (is_method(\"INFO\")) { uac_restore_from(); }");
        invite("bob", "\"Alice\" <sip:alice@example.com>;tag=a6", "<sip:bob@example.com>", "d8@test");
        UdpParty.Received inv = callee.request("INVITE");
        String rr = inv.msg().header("Record-Route");
        assertThat(rr).contains(";vsf=");
        callee.answer(inv, 200, "OK", "b6");
        assertThat(caller.reply(200, "INVITE").line("From")).as("the initial request's replies are restored")
                .isEqualTo("From: \"Alice\" <sip:alice@example.com>;tag=a6");
        for (String method : new String[] {"INFO", "OPTIONS"}) {
            caller.send(method + " sip:b@127.0.0.1:" + callee.port() + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + caller.port()
                    + ";branch=z9hG4bK-m" + method + "\r\nMax-Forwards: 70\r\nRoute: " + rr
                    + "\r\nFrom: \"Alice\" <sip:alice@example.com>;tag=a6\r\nTo: <sip:bob@example.com>;tag=b6\r\nCall-ID: d8@test\r\n"
                    + "CSeq: 2 " + method + "\r\nContent-Length: 0\r\n\r\n", port);
            UdpParty.Received in = callee.request(method);
            callee.answer(in, 200, "OK", null);
            UdpParty.Received ok = caller.reply(200, method);
            if (method.equals("INFO")) {
                assertThat(in.line("From")).isEqualTo("From: \"Alice\" <sip:anonymous@anonymous.invalid>;tag=a6");
                assertThat(ok.line("From")).as("no reply restore in manual mode")
                        .isEqualTo("From: \"Alice\" <sip:anonymous@anonymous.invalid>;tag=a6");
            } else {
                assertThat(in.line("From")).as("not restored by the script: as the caller sent it")
                        .isEqualTo("From: \"Alice\" <sip:alice@example.com>;tag=a6");
            }
        }
    }

    @Test
    @DisplayName("restore_from_avp keeps the original display name and URI in the AVP, and the reply gets them from there")
    void restoreFromAvp() throws Exception {
        start("modparam(\"uac\", \"restore_from_avp\", \"$avp(orig)\")\n");
        invite("keep", "\"Alice\" <sip:alice@example.com>;tag=a9", "<sip:bob@example.com>", "d9@test");
        UdpParty.Received inv = callee.request("INVITE");
        assertThat(inv.line("From")).isEqualTo("From: \"Alice\" <sip:k@k.example>;tag=a9");
        assertThat(inv.line("X-Kept")).isEqualTo("X-Kept: \"Alice\" <sip:alice@example.com>");
        callee.answer(inv, 200, "OK", "b9");
        assertThat(caller.reply(200, "INVITE").line("From")).isEqualTo("From: \"Alice\" <sip:alice@example.com>;tag=a9");
    }
}
