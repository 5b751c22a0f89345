package io.sipway.tm;

import static io.sipway.tm.TmFixture.CALLEE;
import static io.sipway.tm.TmFixture.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.transport.Protocol;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RFC 3261 17.1.1 for a branch of a proxied INVITE, with Kamailio's timers: fr_timer until the first
 * provisional, then fr_inv_timer (Timer C's part, restarted per restart_fr_on_each_reply).
 */
@DisplayName("an INVITE branch")
class InviteClientTest {

    @Test
    @DisplayName("17.1.1.2: over UDP the INVITE goes again at T1, 2*T1... (capped at T2, as Kamailio) until the first provisional")
    void retransmissionsStopAtFirstProvisional() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        assertThat(b.state()).isEqualTo(ClientState.CALLING);
        f.advanceTo(10_000);
        assertThat(f.wire.times(CALLEE, "INVITE")).containsExactly(0L, 500L, 1500L, 3500L, 7500L);
        f.reply(b, 100);
        assertThat(b.state()).isEqualTo(ClientState.PROCEEDING);
        f.advanceTo(100_000);
        assertThat(f.wire.times(CALLEE, "INVITE")).containsExactly(0L, 500L, 1500L, 3500L, 7500L);
    }

    @Test
    @DisplayName("17.1.1.2: over TCP the INVITE is sent once; fr_timer still runs")
    void noRetransmissionOverTcp() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        f.relay(st, Protocol.TCP, CALLEE);
        f.advanceTo(30_000);
        assertThat(f.wire.times(CALLEE, "INVITE")).containsExactly(0L);
        assertThat(f.wire.times(CALLER, "408")).containsExactly(30_000L);
    }

    @Test
    @DisplayName("auto_inv_100: the caller gets 100 trying at once; the callee's 100 is not relayed, its 180 is")
    void provisionalsUpstream() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        assertThat(f.wire.to(CALLER, "100")).hasSize(1);
        assertThat(f.wire.to(CALLER, "100").get(0).firstLine()).isEqualTo("SIP/2.0 100 trying -- your call is important to us");
        f.reply(b, 100);
        f.reply(b, 180);
        assertThat(f.wire.to(CALLER, "100")).hasSize(1);
        assertThat(f.wire.to(CALLER, "180")).hasSize(1);
        assertThat(st.state()).isEqualTo(ServerState.PROCEEDING);
    }

    @Test
    @DisplayName("fr_timer before any provisional: local 408, no CANCEL (the branch never rang)")
    void frTimerWithoutProvisional() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.advanceTo(29_999);
        assertThat(f.wire.to(CALLER, "408")).isEmpty();
        f.advanceTo(30_000);
        assertThat(f.wire.times(CALLER, "408")).containsExactly(30_000L);
        assertThat(b.state()).isEqualTo(ClientState.TERMINATED);
        assertThat(f.wire.to(CALLEE, "CANCEL")).isEmpty();
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);
    }

    @Test
    @DisplayName("fr_inv_timer after a provisional (Timer C): CANCEL to the branch that rang, local 408 upstream, its 487 ACKed")
    void frInvTimerCancelsRingingBranch() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.advanceTo(1_000);
        f.reply(b, 180);
        f.advanceTo(30_000);
        assertThat(f.wire.to(CALLER, "408")).as("fr_timer no longer runs once it rang").isEmpty();
        f.advanceTo(120_999);
        assertThat(f.wire.to(CALLER, "408")).isEmpty();
        f.advanceTo(121_000);
        assertThat(f.wire.times(CALLEE, "CANCEL")).containsExactly(121_000L);
        assertThat(f.wire.times(CALLER, "408")).containsExactly(121_000L);
        assertThat(b.timedOut).isTrue();
        assertThat(b.state()).isEqualTo(ClientState.TERMINATED);

        // the callee answers the CANCEL and ends its INVITE: ACKed hop by hop, nothing more goes up
        f.reply(TmFixture.cancelOf(b), 200);
        f.reply(b, 487);
        assertThat(f.wire.to(CALLEE, "ACK")).hasSize(1);
        assertThat(f.wire.to(CALLER, "487")).isEmpty();
    }

    @Test
    @DisplayName("restart_fr_on_each_reply=1: every provisional restarts fr_inv_timer")
    void restartOnEachReply() {
        TmFixture f = new TmFixture();
        ClientBranch b = f.relay(f.receive("INVITE", Protocol.UDP), Protocol.UDP, CALLEE);
        f.advanceTo(1_000);
        f.reply(b, 180);
        f.advanceTo(50_000); // (before the INVITE's maximum lifetime, 180 s, would end it anyway)
        f.reply(b, 180);
        f.advanceTo(169_999);
        assertThat(f.wire.to(CALLER, "408")).isEmpty();
        f.advanceTo(170_000);
        assertThat(f.wire.times(CALLER, "408")).containsExactly(170_000L);
    }

    @Test
    @DisplayName("restart_fr_on_each_reply=0: a repeated provisional does not restart fr_inv_timer")
    void noRestartOnRepeatedReply() {
        TmFixture f = new TmFixture(TmSettings.defaults().with("restart_fr_on_each_reply", 0));
        ClientBranch b = f.relay(f.receive("INVITE", Protocol.UDP), Protocol.UDP, CALLEE);
        f.advanceTo(1_000);
        f.reply(b, 180);
        f.advanceTo(60_000);
        f.reply(b, 180);
        f.advanceTo(121_000);
        assertThat(f.wire.times(CALLER, "408")).containsExactly(121_000L);
    }

    @Test
    @DisplayName("restart_fr_on_each_reply=0: a higher provisional from 180 up still restarts it")
    void restartOnHigherReply() {
        TmFixture f = new TmFixture(TmSettings.defaults().with("restart_fr_on_each_reply", 0));
        ClientBranch b = f.relay(f.receive("INVITE", Protocol.UDP), Protocol.UDP, CALLEE);
        f.advanceTo(1_000);
        f.reply(b, 180);
        f.advanceTo(50_000); // (before the INVITE's maximum lifetime, 180 s, would end it anyway)
        f.reply(b, 183);
        f.advanceTo(121_000);
        assertThat(f.wire.to(CALLER, "408")).isEmpty();
        f.advanceTo(170_000);
        assertThat(f.wire.times(CALLER, "408")).containsExactly(170_000L);
    }

    @Test
    @DisplayName("17.1.1.3: a negative final reply is ACKed by tm, hop by hop, every time it comes; it goes up once")
    void negativeReplyAckedHopByHop() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.reply(b, 180);
        f.reply(b, 486);
        assertThat(b.state()).isEqualTo(ClientState.COMPLETED);
        assertThat(f.wire.to(CALLEE, "ACK")).hasSize(1);
        String ack = f.wire.to(CALLEE, "ACK").get(0).text();
        assertThat(ack).startsWith("ACK sip:bob@192.0.2.20 SIP/2.0\r\n")
                .contains("Via: SIP/2.0/UDP 192.0.2.1:5060;branch=" + b.branch + "\r\n", "CSeq: 1 ACK", "tag=callee");
        assertThat(f.wire.to(CALLER, "486")).hasSize(1);
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);

        f.reply(b, 486); // the callee did not get our ACK
        assertThat(f.wire.to(CALLEE, "ACK")).hasSize(2);
        assertThat(f.wire.to(CALLER, "486")).hasSize(1);
    }

    @Test
    @DisplayName("RFC 6026: a 2xx makes the branch and the transaction Accepted; tm sends no ACK, a retransmitted 2xx goes up too")
    void twoHundredAccepted() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.reply(b, 200);
        assertThat(b.state()).isEqualTo(ClientState.ACCEPTED);
        assertThat(st.state()).isEqualTo(ServerState.ACCEPTED);
        f.reply(b, 200);
        assertThat(f.wire.to(CALLER, "200")).hasSize(2);
        assertThat(f.wire.to(CALLEE, "ACK")).isEmpty();
        f.advanceTo(5_000); // wt_timer: Timer L
        assertThat(st.state()).isEqualTo(ServerState.TERMINATED);
        assertThat(f.tm.inUse()).isZero();
    }

    @Test
    @DisplayName("a serial fork: failure_route runs when the leg timed out and its new leg's answer goes up")
    void failureRouteForks() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        st.failureRoute = "next";
        ClientBranch[] second = new ClientBranch[1];
        f.onFailure = s -> {
            assertThat(s.pickedTimedOut()).isTrue();
            second[0] = f.relay(s, Protocol.UDP, TmFixture.CALLEE2);
        };
        f.relay(st, Protocol.UDP, CALLEE);
        f.advanceTo(30_000);
        assertThat(f.failures).containsExactly(408);
        assertThat(f.wire.to(CALLER, "408")).isEmpty();
        f.reply(second[0], 200);
        assertThat(f.wire.to(CALLER, "200")).hasSize(1);
        assertThat(st.state()).isEqualTo(ServerState.ACCEPTED);
    }

    @Test
    @DisplayName("16.7: of a fork's negative replies the best goes up once every branch answered (404 before 486)")
    void forkPicksBest() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        f.tm.relay(st, java.util.List.of(TmFixture.target(st, Protocol.UDP, CALLEE), TmFixture.target(st, Protocol.UDP, TmFixture.CALLEE2)));
        f.reply(st.branches.get(0), 486);
        assertThat(f.wire.to(CALLER, "486")).isEmpty();
        f.reply(st.branches.get(1), 404);
        assertThat(f.wire.to(CALLER, "404")).hasSize(1);
        assertThat(f.wire.to(CALLER, "486")).isEmpty();
    }
}
