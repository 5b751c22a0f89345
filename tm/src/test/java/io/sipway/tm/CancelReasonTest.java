package io.sipway.tm;

import static io.sipway.tm.TmFixture.CALLEE;
import static io.sipway.tm.TmFixture.CALLEE2;
import static io.sipway.tm.TmFixture.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CANCEL and ACK tm writes toward a branch, byte for byte as Kamailio 5.6.3 writes them for the
 * same INVITE (build_local_reparse), and the Reason (RFC 3326) each CANCEL carries (CancelReasons).
 */
@DisplayName("tm's CANCEL and ACK")
class CancelReasonTest {
    /** A forked INVITE: the first branch to CALLEE, the second to CALLEE2. */
    private static ServerTransaction fork(TmFixture f) {
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        f.tm.relay(st, List.of(TmFixture.target(st, Protocol.UDP, CALLEE), TmFixture.target(st, Protocol.UDP, CALLEE2)));
        return st;
    }

    /** What Kamailio sends to the branch: the INVITE's lines in its order, CSeq's method replaced, Reason last. */
    private static String expectedCancel(ClientBranch b, String reason) {
        return expected(b, "CANCEL", b.server.request().header("To"), reason);
    }

    private static String expected(ClientBranch b, String method, String to, String reason) {
        SipMessage r = b.server.request();
        return method + " sip:bob@" + b.to.address().getHostString() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=" + b.branch + "\r\n"
                + "Max-Forwards: 69\r\n"
                + "From: " + r.header("From") + "\r\n"
                + "To: " + to + "\r\n"
                + "Call-ID: " + r.callId() + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Content-Length: 0\r\n"
                + (reason == null ? "" : reason)
                + "\r\n";
    }

    @ParameterizedTest(name = "a {0} elsewhere: {1}")
    @CsvSource(delimiter = '|', value = {
        "200 | Reason: SIP;cause=200;text=\"Call completed elsewhere\"",
        "202 | Reason: SIP;cause=202", // Kamailio's text map knows 200 only
        "603 | Reason: SIP;cause=603"
    })
    @DisplayName("a 2xx or 6xx on one branch: the other, ringing, is canceled with the Reason naming it")
    void finalElsewhere(int elsewhere, String reason) {
        TmFixture f = new TmFixture();
        ServerTransaction st = fork(f);
        ClientBranch ringing = st.branches.get(0);
        f.reply(ringing, 180);
        f.reply(st.branches.get(1), elsewhere);
        assertThat(f.wire.to(CALLEE, "CANCEL")).hasSize(1);
        assertThat(f.wire.to(CALLEE, "CANCEL").get(0).text()).isEqualTo(expectedCancel(ringing, reason + "\r\n"));
    }

    @Test
    @DisplayName("the caller's CANCEL: its Reason headers are copied, all of them; without one the CANCEL has none")
    void callersReasonCopied() {
        TmFixture f = new TmFixture();
        ServerTransaction st = fork(f);
        f.reply(st.branches.get(0), 180);
        f.reply(st.branches.get(1), 183);
        SipMessage invite = st.request();
        SipMessage cancel = TmFixture.parse("CANCEL sip:bob@example.com SIP/2.0\r\nVia: " + invite.header("Via") + "\r\n"
                + "Max-Forwards: 70\r\nFrom: " + invite.header("From") + "\r\nTo: " + invite.header("To") + "\r\n"
                + "Call-ID: " + invite.callId() + "\r\nCSeq: 1 CANCEL\r\n"
                + "Reason: Q.850;cause=16;text=\"Terminated\"\r\nReason: SIP;cause=600;text=\"Busy Everywhere\"\r\n"
                + "Content-Length: 0\r\n\r\n");
        f.tm.cancel(st, cancel, Destination.to(Protocol.UDP, CALLER));
        String copied = "Reason: Q.850;cause=16;text=\"Terminated\"\r\nReason: SIP;cause=600;text=\"Busy Everywhere\"\r\n";
        assertThat(f.wire.to(CALLEE, "CANCEL").get(0).text()).isEqualTo(expectedCancel(st.branches.get(0), copied));
        assertThat(f.wire.to(CALLEE2, "CANCEL").get(0).text()).isEqualTo(expectedCancel(st.branches.get(1), copied));

        TmFixture g = new TmFixture();
        ServerTransaction plain = g.receive("INVITE", Protocol.UDP);
        ClientBranch b = g.relay(plain, Protocol.UDP, CALLEE);
        g.reply(b, 180);
        g.tm.cancel(plain, TmFixture.sameTransaction(plain.request(), "CANCEL", null), Destination.to(Protocol.UDP, CALLER));
        assertThat(g.wire.to(CALLEE, "CANCEL").get(0).text()).isEqualTo(expectedCancel(b, null));
    }

    @ParameterizedTest(name = "after a {0} elsewhere: {1}")
    @CsvSource(delimiter = '|', value = {
        "200 | Reason: SIP;cause=200", // the final reply sent upstream, without the text
        "603 | ''" // a 6xx waits for the other branches: nothing went up yet, so no Reason
    })
    @DisplayName("a branch silent when another answered is canceled when it rings, with the Reason Kamailio still knows then")
    void lateCancel(int elsewhere, String reason) {
        TmFixture f = new TmFixture();
        ServerTransaction st = fork(f);
        ClientBranch silent = st.branches.get(0);
        f.reply(st.branches.get(1), elsewhere);
        assertThat(f.wire.to(CALLEE, "CANCEL")).isEmpty();
        f.reply(silent, 180);
        assertThat(f.wire.to(CALLEE, "CANCEL").get(0).text()).isEqualTo(expectedCancel(silent, reason.isEmpty() ? null : reason + "\r\n"));
    }

    @Test
    @DisplayName("fr_inv_timer ends a ringing branch: its CANCEL has no Reason")
    void timeoutCancel() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.reply(b, 180);
        f.advanceTo(120_000);
        assertThat(f.wire.to(CALLEE, "CANCEL").get(0).text()).isEqualTo(expectedCancel(b, null));
    }

    @Test
    @DisplayName("the ACK of a negative reply: the INVITE's lines, To from the reply, CSeq ACK")
    void ackLayout() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.reply(b, 486);
        assertThat(f.wire.to(CALLEE, "ACK").get(0).text()).isEqualTo(expected(b, "ACK", st.request().header("To") + ";tag=callee", null));
    }

    @Test
    @DisplayName("reparse_invite=0: written from the request received, Max-Forwards 70, with the user_agent_header line")
    void fromTheReceivedInvite() {
        TmFixture f = new TmFixture(TmSettings.defaults().with("reparse_invite", 0).withSignature("Server: x", "User-Agent: ua-x"));
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.reply(b, 180);
        f.tm.reply(st, 486, "Busy Here");
        SipMessage r = st.request();
        assertThat(f.wire.to(CALLEE, "CANCEL").get(0).text()).isEqualTo("CANCEL sip:bob@192.0.2.20 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=" + b.branch + "\r\n"
                + "From: " + r.header("From") + "\r\n"
                + "Call-ID: " + r.callId() + "\r\n"
                + "To: " + r.header("To") + "\r\n"
                + "CSeq: 1 CANCEL\r\n"
                + "Max-Forwards: 70\r\n"
                + "User-Agent: ua-x\r\n"
                + "Content-Length: 0\r\n"
                + "Reason: SIP;cause=486\r\n\r\n");
    }
}
