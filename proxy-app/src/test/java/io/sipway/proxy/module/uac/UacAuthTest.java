package io.sipway.proxy.module.uac;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * uac_auth() in failure_route (Kamailio 5.6's uac module): a call through the proxy to an upstream
 * that challenges with 407 and accepts the INVITE that answers it. The upstream checks the digest
 * itself (RFC 2617 with qop=auth); the header is the one Kamailio 5.6.3 wrote for the same challenge.
 */
@Timeout(30)
@DisplayName("uac_auth()")
class UacAuthTest {
    @TempDir
    Path work;
    private Proxy proxy;
    private int port;
    private final UdpParty caller;
    private final UdpParty upstream;

    UacAuthTest() throws Exception {
        caller = new UdpParty();
        upstream = new UdpParty();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        caller.close();
        upstream.close();
    }

    private void start(String params) throws Exception {
        start(params, "");
    }

    private void start(String params, String before) throws Exception {
        port = FreePorts.udpAndTcp();
        Path cfg = work.resolve("auth.cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=udp:127.0.0.1:" + port + "\n"
                + "loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"uac.so\"\n"
                + "modparam(\"uac\", \"restore_mode\", \"none\")\n" + params
                + "request_route {\n" + before + "  $du = \"sip:127.0.0.1:" + upstream.port() + "\";\n  t_on_failure(\"AUTH\");\n  t_relay();\n}\n"
                + "failure_route[AUTH] {\n  if (t_check_status(\"401|407\")) {\n"
                + "    if (uac_auth()) { t_relay(); exit; }\n    t_reply(\"500\", \"no credentials\");\n  }\n}\n",
                StandardCharsets.UTF_8);
        proxy = Proxy.start(cfg, Map.of(), List.of());
    }

    private void invite() throws Exception {
        caller.send("INVITE sip:bob@127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + caller.port()
                + ";branch=z9hG4bK-x1\r\nMax-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
                + "Call-ID: x1@test\r\nCSeq: 5 INVITE\r\nContact: <sip:a@127.0.0.1:" + caller.port() + ">\r\nContent-Length: 0\r\n\r\n", port);
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> digest(String header) {
        Map<String, String> out = new HashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^\\s,]+))").matcher(header.substring("Digest ".length()));
        while (m.find()) {
            out.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
        }
        return out;
    }

    @Test
    @DisplayName("the header is Kamailio 5.6.3's for the same challenge: qop=auth, nc, its cnonce (a hash of the nonce), the response")
    void headerAsKamailioWritesIt() {
        UacAuth.Challenge c = UacAuth.parse("Digest realm=\"sip.example.com\", nonce=\"abc123\", qop=\"auth,auth-int\", opaque=\"op1\", algorithm=MD5");
        assertThat(UacAuth.authorization(c, new UacAuth.Credential("alice", "sip.example.com", "secret"), "INVITE",
                "sip:bob@127.0.0.1:35971", false)).isEqualTo("Digest username=\"alice\", realm=\"sip.example.com\", nonce=\"abc123\","
                + " uri=\"sip:bob@127.0.0.1:35971\", opaque=\"op1\", qop=auth, nc=00000001, cnonce=\"1834973413\","
                + " response=\"1fcd022c84da88b55b13037b280b3fe9\", algorithm=MD5");
        assertThat(UacAuth.parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256")).as("MD5 only").isNull();
        assertThat(UacAuth.parse("Digest realm=\"r\"")).as("no nonce").isNull();
    }

    @Test
    @DisplayName("a call through an upstream that challenges with 407: the INVITE goes again with a digest the upstream verifies, and the call completes")
    void callCompletesThroughAChallenge() throws Exception {
        start("modparam(\"uac\", \"credential\", \"someone:other.realm:nope\")\n"
                + "modparam(\"uac\", \"credential\", \"alice:sip.example.com:secret\")\n");
        invite();
        UdpParty.Received first = upstream.request("INVITE");
        assertThat(first.msg().header("Proxy-Authorization")).isNull();
        upstream.answer(first, 407, "Proxy Authentication Required", "up1",
                "Proxy-Authenticate: Digest realm=\"sip.example.com\", nonce=\"n0nce-42\", qop=\"auth\", opaque=\"xyz\"");
        assertThat(upstream.request("ACK").msg().topVia().branch()).as("tm ACKs the 407 hop by hop")
                .isEqualTo(first.msg().topVia().branch());

        UdpParty.Received second = upstream.request("INVITE");
        String header = second.msg().header("Proxy-Authorization");
        assertThat(header).startsWith("Digest ");
        Map<String, String> d = digest(header);
        String uri = "sip:bob@127.0.0.1:" + port;
        assertThat(d).containsEntry("username", "alice").containsEntry("realm", "sip.example.com")
                .containsEntry("nonce", "n0nce-42").containsEntry("uri", uri).containsEntry("opaque", "xyz")
                .containsEntry("qop", "auth").containsEntry("nc", "00000001").containsEntry("algorithm", "MD5");
        String ha1 = md5("alice:sip.example.com:secret");
        String ha2 = md5("INVITE:" + uri);
        assertThat(d.get("response")).as("the upstream's own check of the digest")
                .isEqualTo(md5(ha1 + ":n0nce-42:00000001:" + d.get("cnonce") + ":auth:" + ha2));
        assertThat(second.msg().requestUriString()).isEqualTo(uri);
        assertThat(second.msg().header("CSeq")).as("Kamailio 5.6 without dialog leaves the CSeq").isEqualTo("5 INVITE");
        assertThat(second.msg().topVia().branch()).isNotEqualTo(first.msg().topVia().branch());
        assertThat(second.msg().vias()).as("straight from the proxy, as the first one").hasSize(2);

        upstream.answer(second, 200, "OK", "up2", "Contact: <sip:bob@127.0.0.1:" + upstream.port() + ">");
        UdpParty.Received ok = caller.reply(200, "INVITE");
        assertThat(ok.msg().toTag()).isEqualTo("up2");
    }

    @Test
    @DisplayName("the auth_*_avp values answer their realm; for another realm (no credential either) uac_auth returns -1")
    void avpsAndNoCredentials() throws Exception {
        start("modparam(\"uac\", \"auth_username_avp\", \"$avp(u)\")\nmodparam(\"uac\", \"auth_password_avp\", \"$avp(p)\")\n"
                + "modparam(\"uac\", \"auth_realm_avp\", \"$avp(r)\")\n",
                "  $avp(u) = \"carol\"; $avp(p) = \"pw\"; $avp(r) = \"avp.realm\";\n");
        invite();
        UdpParty.Received first = upstream.request("INVITE");
        upstream.answer(first, 401, "Unauthorized", "up1", "WWW-Authenticate: Digest realm=\"avp.realm\", nonce=\"n1\"");
        UdpParty.Received second = upstream.request("INVITE");
        Map<String, String> d = digest(second.msg().header("Authorization"));
        assertThat(d).containsEntry("username", "carol").containsEntry("realm", "avp.realm").doesNotContainKey("qop");
        String uri = "sip:bob@127.0.0.1:" + port;
        assertThat(d.get("response")).isEqualTo(md5(md5("carol:avp.realm:pw") + ":n1:" + md5("INVITE:" + uri)));
        upstream.answer(second, 401, "Unauthorized", "up2", "WWW-Authenticate: Digest realm=\"elsewhere\", nonce=\"n2\"");
        // failure_route is armed once: the second 401 goes up as it came
        assertThat(caller.reply(401, "INVITE").msg().header("WWW-Authenticate")).contains("elsewhere");
    }

    @Test
    @DisplayName("without credentials for the challenge's realm uac_auth returns -1")
    void noCredentials() throws Exception {
        start("modparam(\"uac\", \"credential\", \"alice:sip.example.com:secret\")\n");
        invite();
        UdpParty.Received first = upstream.request("INVITE");
        upstream.answer(first, 401, "Unauthorized", "up1", "WWW-Authenticate: Digest realm=\"elsewhere\", nonce=\"n1\"");
        assertThat(caller.reply(500, "INVITE").msg().reasonPhrase()).isEqualTo("no credentials");
    }
}
