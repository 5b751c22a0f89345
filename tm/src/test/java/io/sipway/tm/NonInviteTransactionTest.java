package io.sipway.tm;

import static io.sipway.tm.TmFixture.CALLEE;
import static io.sipway.tm.TmFixture.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 3261 17.1.2 and 17.2.2 as a proxy runs them (Kamailio's fr_timer and wt_timer for Timers F, J and K). */
@DisplayName("a non-INVITE transaction")
class NonInviteTransactionTest {

    @Test
    @DisplayName("17.1.2.2: over UDP the request goes again at T1, 2*T1, 4*T1... capped at T2")
    void retransmitsOverUdp() {
        TmFixture f = new TmFixture();
        ClientBranch b = f.relay(f.receive("MESSAGE", Protocol.UDP), Protocol.UDP, CALLEE);
        assertThat(b.state()).isEqualTo(ClientState.TRYING);
        f.advanceTo(20_000);
        assertThat(f.wire.times(CALLEE, "MESSAGE")).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L, 19500L);
    }

    @Test
    @DisplayName("17.1.2.2: over TCP the transport is reliable: no retransmission")
    void noRetransmissionOverTcp() {
        TmFixture f = new TmFixture();
        f.relay(f.receive("MESSAGE", Protocol.UDP), Protocol.TCP, CALLEE);
        f.advanceTo(29_000);
        assertThat(f.wire.times(CALLEE, "MESSAGE")).containsExactly(0L);
    }

    @Test
    @DisplayName("17.1.2.2: after a provisional the request goes on being retransmitted, at T2")
    void t2AfterProvisional() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("MESSAGE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.advanceTo(700);
        f.reply(b, 100);
        assertThat(b.state()).isEqualTo(ClientState.PROCEEDING);
        f.advanceTo(13_000);
        // the retransmission due at 1500 was armed with 2*T1 before the 100; from then on, every T2
        assertThat(f.wire.times(CALLEE, "MESSAGE")).containsExactly(0L, 500L, 1500L, 5500L, 9500L);
        assertThat(f.wire.to(CALLER, "100")).as("a 100 is not relayed").isEmpty();
        assertThat(st.state()).isEqualTo(ServerState.TRYING);
    }

    @Test
    @DisplayName("a 1xx other than 100 goes up and moves the server transaction to Proceeding")
    void provisionalGoesUp() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("MESSAGE", Protocol.UDP);
        f.reply(f.relay(st, Protocol.UDP, CALLEE), 183);
        assertThat(f.wire.to(CALLER, "183")).hasSize(1);
        assertThat(st.state()).isEqualTo(ServerState.PROCEEDING);
    }

    @Test
    @DisplayName("fr_timer (Timer F): no final reply in time ends the branch with a local 408 upstream")
    void frTimer() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("MESSAGE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.advanceTo(29_999);
        assertThat(f.wire.to(CALLER, "408")).isEmpty();
        f.advanceTo(30_000);
        assertThat(f.wire.to(CALLER, "408")).hasSize(1);
        assertThat(f.wire.to(CALLER, "408").get(0).text()).contains("408 Request Timeout", "CSeq: 1 MESSAGE", "To: <sip:bob@example.com>;tag=");
        assertThat(b.state()).isEqualTo(ClientState.TERMINATED);
        assertThat(b.timedOut).isTrue();
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);
        assertThat(f.wire.to(CALLEE, "CANCEL")).as("only an INVITE is canceled").isEmpty();
        f.advanceTo(40_000);
        assertThat(f.wire.times(CALLEE, "MESSAGE")).as("no retransmission after the timeout").allMatch(t -> t < 30_000);
    }

    @Test
    @DisplayName("17.2.2: a retransmitted request gets the last reply again; wt_timer (Timer J) then frees the transaction")
    void completedThenFreed() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("MESSAGE", Protocol.UDP);
        SipMessage request = st.request();
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.advanceTo(200);
        f.reply(b, 200);
        assertThat(b.state()).isEqualTo(ClientState.COMPLETED);
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);
        assertThat(f.wire.to(CALLER, "200")).hasSize(1);

        f.advanceTo(1_000);
        assertThat(f.tm.check(request, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.RETRANSMISSION);
        assertThat(f.tm.create(request, TmFixture.fromCaller(Protocol.UDP), Destination.to(Protocol.UDP, CALLER))).isNull();
        assertThat(f.wire.times(CALLER, "200")).containsExactly(200L, 1000L, 1000L);
        assertThat(f.wire.times(CALLEE, "MESSAGE")).as("the retransmission stays here").containsExactly(0L);

        assertThat(f.tm.inUse()).isEqualTo(1);
        f.advanceTo(5_199);
        assertThat(f.tm.inUse()).isEqualTo(1);
        f.advanceTo(5_200);
        assertThat(st.state()).isEqualTo(ServerState.TERMINATED);
        assertThat(b.state()).isEqualTo(ClientState.TERMINATED);
        assertThat(f.tm.inUse()).isZero();
        assertThat(f.tm.stat("tm:inuse_transactions")).isZero();
        assertThat(f.tm.stat("tm:freed")).isEqualTo(1);
        assertThat(f.timers.pending()).as("no timer left behind").isZero();
        assertThat(f.tm.check(request, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.NOT_FOUND);
        assertThat(f.reply(b, 200)).as("a late reply no longer matches (the core forwards it statelessly)").isFalse();
    }

    @Test
    @DisplayName("a branch that cannot be sent is not opened: t_relay gets 0 and no timer runs for it")
    void unsentBranch() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("MESSAGE", Protocol.TCP);
        f.wire.status = io.sipway.transport.SendStatus.NO_CONNECTION;
        assertThat(f.tm.relay(st, java.util.List.of(TmFixture.target(st, Protocol.TCP, CALLEE)))).isZero();
        assertThat(st.branches).isEmpty();
        assertThat(f.tm.pending()).isEqualTo(1);
        f.wire.status = io.sipway.transport.SendStatus.SENT;
        f.tm.reply(st, 477, "Unfortunately error on sending to next hop occurred");
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);
        assertThat(f.tm.pending()).isZero();
        assertThat(f.timers.pending()).as("only the wait timer").isEqualTo(1);
        f.advance(5_000);
        assertThat(f.tm.inUse()).isZero();
    }
}
