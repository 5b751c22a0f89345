package io.sipway.tm;

import static io.sipway.tm.TmFixture.CALLEE;
import static io.sipway.tm.TmFixture.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 3261 9.1 and 16.10: a CANCEL through the INVITE transaction, as Kamailio's cancel_b_method 1 does it. */
@DisplayName("CANCEL")
class CancelTest {

    private static void cancel(TmFixture f, ServerTransaction st) {
        SipMessage cancel = TmFixture.sameTransaction(st.request(), "CANCEL", null);
        assertThat(f.tm.check(cancel, TmFixture.fromCaller(Protocol.UDP))).isEqualTo(TransactionLayer.Check.FOUND_FOR_CANCEL);
        assertThat(f.tm.inviteFor(cancel)).isSameAs(st);
        f.tm.cancel(st, cancel, Destination.to(Protocol.UDP, CALLER));
    }

    @Test
    @DisplayName("16.10: the CANCEL gets 200, the ringing branch a CANCEL (resent over UDP until its 200); its 487 goes up and is ACKed")
    void cancelRingingBranch() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.advanceTo(100);
        f.reply(b, 180);
        f.advanceTo(1_000);
        cancel(f, st);
        assertThat(f.wire.to(CALLER, "200")).hasSize(1);
        assertThat(f.wire.to(CALLER, "200").get(0).text()).contains("CSeq: 1 CANCEL");
        assertThat(st.canceled()).isTrue();

        ClientBranch c = TmFixture.cancelOf(b);
        assertThat(c.state()).isEqualTo(ClientState.TRYING);
        String sent = f.wire.to(CALLEE, "CANCEL").get(0).text();
        assertThat(sent).startsWith("CANCEL sip:bob@192.0.2.20 SIP/2.0\r\n")
                .contains("Via: SIP/2.0/UDP 192.0.2.1:5060;branch=" + b.branch + "\r\n", "CSeq: 1 CANCEL");
        f.advanceTo(2_600);
        assertThat(f.wire.times(CALLEE, "CANCEL")).containsExactly(1_000L, 1_500L, 2_500L);
        f.reply(c, 200);
        assertThat(c.state()).isEqualTo(ClientState.COMPLETED);
        f.advanceTo(10_000);
        assertThat(f.wire.times(CALLEE, "CANCEL")).containsExactly(1_000L, 1_500L, 2_500L);
        assertThat(f.wire.to(CALLER, "200")).as("the CANCEL's 200 is tm's own, the callee's is not relayed").hasSize(1);

        f.reply(b, 487);
        assertThat(f.wire.to(CALLER, "487")).hasSize(1);
        assertThat(f.wire.to(CALLER, "487").get(0).text()).contains("CSeq: 1 INVITE");
        assertThat(f.wire.to(CALLEE, "ACK")).hasSize(1);
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);
    }

    @Test
    @DisplayName("9.1: before any provisional no CANCEL leaves; the INVITE goes on; the first 1xx sends it, once")
    void cancelWaitsForProvisional() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.UDP, CALLEE);
        f.advanceTo(100);
        cancel(f, st);
        assertThat(f.wire.to(CALLER, "200")).hasSize(1);
        f.advanceTo(2_000);
        assertThat(f.wire.to(CALLEE, "CANCEL")).isEmpty();
        assertThat(f.wire.times(CALLEE, "INVITE")).containsExactly(0L, 500L, 1_500L);
        f.reply(b, 100);
        assertThat(f.wire.times(CALLEE, "CANCEL")).containsExactly(2_000L);
        f.reply(b, 180);
        f.reply(TmFixture.cancelOf(b), 200);
        f.reply(b, 183);
        f.advanceTo(10_000);
        assertThat(f.wire.times(CALLEE, "CANCEL")).containsExactly(2_000L);
        f.reply(b, 487);
        assertThat(f.wire.to(CALLER, "487")).hasSize(1);
    }

    @Test
    @DisplayName("9.1: a branch that never answers is never sent a CANCEL; at fr_timer the INVITE ends with 487")
    void cancelSilentBranch() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        f.relay(st, Protocol.UDP, CALLEE);
        f.advanceTo(100);
        cancel(f, st);
        f.advanceTo(30_000);
        assertThat(f.wire.to(CALLEE, "CANCEL")).isEmpty();
        assertThat(f.wire.times(CALLER, "487")).containsExactly(30_000L);
        assertThat(f.wire.to(CALLER, "408")).isEmpty();
    }

    @Test
    @DisplayName("16.7 step 9: a 2xx on one branch cancels the others that rang")
    void twoHundredCancelsOtherBranches() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        f.tm.relay(st, java.util.List.of(TmFixture.target(st, Protocol.UDP, CALLEE), TmFixture.target(st, Protocol.UDP, TmFixture.CALLEE2)));
        ClientBranch first = st.branches.get(0);
        ClientBranch second = st.branches.get(1);
        f.reply(first, 180);
        f.reply(second, 180);
        f.reply(second, 200);
        assertThat(f.wire.to(CALLEE, "CANCEL")).hasSize(1);
        assertThat(f.wire.to(TmFixture.CALLEE2, "CANCEL")).isEmpty();
        f.reply(first, 487);
        assertThat(f.wire.to(CALLER, "487")).isEmpty();
        assertThat(f.wire.to(CALLEE, "ACK")).hasSize(1);
    }
}
