package io.sipway.proxy.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.core.Signature;
import io.sipway.sip.SipMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The core's server_signature, server_header and user_agent_header as Kamailio 5.6.3 applies them
 * (src/test/resources/tm/signature.cfg): its own replies (sl, tm) end with the server_header line
 * just before Content-Length, written as given whatever its name; the CANCEL tm writes from the
 * received request (reparse_invite 0) carries the user_agent_header line; server_signature=no
 * leaves both out.
 */
@DisplayName("the Server and User-Agent lines Sipway writes")
@Timeout(60) // the first proxy of a JVM takes seconds to start on a busy machine
class SignatureHeadersTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private LoopbackProxy proxy;
    private SipPeer caller;

    private void start(String... defines) throws Exception {
        Map<String, String> d = new java.util.HashMap<>();
        for (String name : defines) {
            d.put(name, "");
        }
        proxy = LoopbackProxy.start("signature.cfg", 5290, d, 5291, 5292, 5293);
        caller = proxy.peer(5291);
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private String request(String method, String user, String branch) {
        return SipPeer.message("invite.sip", Map.of("user", user, "proxy", proxy.moved("5290"), "uac", caller.port, "branch", branch))
                .replace("INVITE", method);
    }

    /** The header lines of a reply to {@code method} for {@code user}, from the line after CSeq to the end. */
    private String tailOfReply(String method, String user, String branch) {
        caller.send(request(method, user, branch));
        SipMessage reply = caller.nextFinal(WAIT);
        String text = new String(reply.toBytes(), StandardCharsets.UTF_8);
        return text.substring(text.indexOf("\r\n", text.indexOf("CSeq: ")) + 2);
    }

    @Test
    @DisplayName("by default sl's and tm's replies end with Server: sipway (<version> (<arch>/<os>)), as Kamailio's with its own name")
    void defaultSignature() throws Exception {
        start();
        assertThat(Signature.serverHeader()).matches("Server: sipway \\(.+ \\(.+/.+\\)\\)");
        String tail = Signature.serverHeader() + "\r\nContent-Length: 0\r\n\r\n";
        assertThat(tailOfReply("OPTIONS", "anyone", "z9hG4bK-sig-sl")).isEqualTo(tail);
        assertThat(tailOfReply("INVITE", "busy", "z9hG4bK-sig-tm")).isEqualTo(tail);
    }

    @Test
    @DisplayName("server_header=\"Server: X Y\" is the line, as given")
    void serverHeader() throws Exception {
        start("SERVER_HEADER");
        assertThat(tailOfReply("OPTIONS", "anyone", "z9hG4bK-sig-h1")).isEqualTo("Server: X Y\r\nContent-Length: 0\r\n\r\n");
        assertThat(tailOfReply("INVITE", "busy", "z9hG4bK-sig-h2")).isEqualTo("Server: X Y\r\nContent-Length: 0\r\n\r\n");
    }

    @Test
    @DisplayName("server_header may name another header: Kamailio writes it as given, with no Server")
    void otherHeaderName() throws Exception {
        start("OTHER_HEADER");
        assertThat(tailOfReply("OPTIONS", "anyone", "z9hG4bK-sig-o1")).isEqualTo("X-Foo: bar\r\nContent-Length: 0\r\n\r\n");
    }

    @Test
    @DisplayName("server_signature=no: no Server on replies, and server_header does not bring it back")
    void noSignature() throws Exception {
        start("NO_SIGNATURE", "SERVER_HEADER");
        assertThat(tailOfReply("OPTIONS", "anyone", "z9hG4bK-sig-n1")).isEqualTo("Content-Length: 0\r\n\r\n");
        assertThat(tailOfReply("INVITE", "busy", "z9hG4bK-sig-n2")).isEqualTo("Content-Length: 0\r\n\r\n");
    }

    /** A forked INVITE: a rings, b answers 200; the CANCEL a gets, as text. */
    private String cancelToTheRingingBranch() {
        SipPeer a = proxy.peer(5292);
        SipPeer b = proxy.peer(5293);
        caller.send(request("INVITE", "anyone", "z9hG4bK-sig-ua"));
        SipMessage toA = a.nextRequest("INVITE", WAIT);
        SipMessage toB = b.nextRequest("INVITE", WAIT);
        a.answer(toA, 180, "Ringing");
        SipMessage ringing = caller.next(WAIT);
        while (ringing.statusCode() != 180) {
            ringing = caller.next(WAIT);
        }
        b.answer(toB, 200, "OK");
        return new String(a.nextRequest("CANCEL", WAIT).toBytes(), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("user_agent_header: tm's CANCEL written from the received request carries it, before Content-Length")
    void userAgentOnTmsCancel() throws Exception {
        start();
        assertThat(cancelToTheRingingBranch()).contains("\r\nMax-Forwards: 70\r\nUser-Agent: UA-X\r\nContent-Length: 0\r\n"
                + "Reason: SIP;cause=200;text=\"Call completed elsewhere\"\r\n\r\n");
    }

    @Test
    @DisplayName("server_signature=no: tm's CANCEL carries no User-Agent either")
    void noUserAgentWithoutSignature() throws Exception {
        start("NO_SIGNATURE");
        assertThat(cancelToTheRingingBranch()).doesNotContain("User-Agent").contains("\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n");
    }
}
