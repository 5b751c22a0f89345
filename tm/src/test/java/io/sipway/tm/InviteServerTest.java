package io.sipway.tm;

import static io.sipway.tm.TmFixture.CALLEE;
import static io.sipway.tm.TmFixture.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 3261 17.2.1 toward the caller: retransmitted INVITEs, the negative reply until its ACK, and the 2xx's ACK. */
@DisplayName("an INVITE server transaction")
class InviteServerTest {

    @Test
    @DisplayName("17.2.1: a retransmitted INVITE is answered from the transaction with the last reply, never forwarded")
    void retransmittedInvite() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        SipMessage invite = st.request();
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        assertThat(f.tm.check(invite, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.RETRANSMISSION);
        assertThat(f.wire.to(CALLER, "100")).hasSize(2);
        f.reply(b, 180);
        assertThat(f.tm.create(invite, TmFixture.fromCaller(Protocol.UDP), Destination.to(Protocol.UDP, CALLER))).isNull();
        assertThat(f.wire.to(CALLER, "180")).hasSize(2);
        assertThat(f.wire.to(CALLEE, "INVITE")).hasSize(1);
    }

    @Test
    @DisplayName("17.2.1: over UDP the negative reply goes again at T1, 2*T1... capped at T2 until the ACK, which tm absorbs")
    void negativeReplyUntilAck() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.advanceTo(1_000);
        f.reply(b, 486);
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);
        f.advanceTo(16_000);
        assertThat(f.wire.times(CALLER, "486")).containsExactly(1_000L, 1_500L, 2_500L, 4_500L, 8_500L, 12_500L);

        SipMessage ack = TmFixture.sameTransaction(st.request(), "ACK", "callee");
        assertThat(f.tm.check(ack, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.ACK_ABSORBED);
        assertThat(st.state()).isEqualTo(ServerState.CONFIRMED);
        assertThat(f.tm.check(ack, TmFixture.fromCaller(Protocol.UDP))).as("a retransmitted ACK too").isEqualTo(TransactionLayer.Check.ACK_ABSORBED);
        f.advanceTo(20_000);
        assertThat(f.wire.to(CALLER, "486")).hasSize(6);
        assertThat(f.wire.to(CALLEE, "ACK")).as("only tm's own hop-by-hop ACK reaches the callee").hasSize(1);

        f.advanceTo(20_999); // wt_timer from the ACK at 16 000: Timer I
        assertThat(f.tm.inUse()).isEqualTo(1);
        f.advanceTo(21_000);
        assertThat(st.state()).isEqualTo(ServerState.TERMINATED);
        assertThat(f.tm.inUse()).isZero();
        assertThat(f.tm.stat("current")).isZero();
        assertThat(f.timers.pending()).isZero();
    }

    @Test
    @DisplayName("17.2.1: over TCP the negative reply is sent once; without an ACK the transaction goes after fr_timer (Timer H)")
    void negativeReplyOverTcp() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.TCP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.reply(b, 603);
        f.advanceTo(29_999);
        assertThat(f.wire.to(CALLER, "603")).hasSize(1);
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);
        f.advanceTo(30_000);
        assertThat(st.state()).isEqualTo(ServerState.TERMINATED);
        assertThat(f.tm.inUse()).isZero();
    }

    @Test
    @DisplayName("17.2.1: without an ACK the UDP retransmissions stop at fr_timer (Timer H) and the transaction goes")
    void noAckOverUdp() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        f.reply(f.relay(st, Protocol.UDP, CALLEE), 486);
        f.advanceTo(29_999);
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);
        f.advanceTo(30_000);
        assertThat(st.state()).isEqualTo(ServerState.TERMINATED);
        f.advanceTo(40_000);
        assertThat(f.wire.times(CALLER, "486")).containsExactly(0L, 500L, 1_500L, 3_500L, 7_500L, 11_500L, 15_500L, 19_500L, 23_500L, 27_500L);
        assertThat(f.tm.inUse()).isZero();
    }

    @Test
    @DisplayName("17.1.1.3 / 16.6: the ACK to a 2xx is a request of its own: tm does not absorb it, the proxy forwards it end to end")
    void twoHundredAckIsEndToEnd() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        f.reply(f.relay(st, Protocol.UDP, CALLEE), 200);
        // the caller's ACK has a branch of its own; one reusing the INVITE's is not absorbed either
        SipMessage newBranch = TmFixture.parse(TmFixture.sameTransaction(st.request(), "ACK", "callee").toString()
                .replace("z9hG4bK-caller-", "z9hG4bK-ack-"));
        assertThat(f.tm.check(newBranch, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.NOT_FOUND);
        SipMessage sameBranch = TmFixture.sameTransaction(st.request(), "ACK", "callee");
        assertThat(f.tm.check(sameBranch, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.NOT_FOUND);
        assertThat(st.state()).isEqualTo(ServerState.ACCEPTED);

        assertThat(f.wire.to(CALLEE, "ACK")).as("tm never ACKs a 2xx itself").isEmpty();
        assertThat(f.tm.forwardStateless(TmFixture.target(newBranch, Protocol.UDP, CALLEE))).isTrue();
        assertThat(f.wire.to(CALLEE, "ACK")).hasSize(1);
        assertThat(f.wire.to(CALLEE, "ACK").get(0).text())
                .contains("Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK", "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bK-ack-");
        assertThat(f.tm.inUse()).as("the ACK made no transaction").isEqualTo(1);
    }
}
