package io.sipway.tm;

import static io.sipway.tm.TmFixture.CALLEE;
import static io.sipway.tm.TmFixture.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.SendStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which thread runs what: a transaction belongs to the event loop that read its request; its
 * replies, its CANCEL and ACK, a send failure and its timers all run there, one after the other in
 * the order they reached it. Two loops turned by hand (A reads the requests, B reads what comes
 * back on another channel) on virtual time.
 */
@DisplayName("a transaction's event loop")
class TransactionLoopTest {
    private final FakeLoop a = new FakeLoop("A");
    private final FakeLoop b = new FakeLoop("B");
    private final TmFixture f = new TmFixture(a, b);

    /** A request read on A, relayed by A's script to the callee. */
    private ServerTransaction relayedOnA(String method, Protocol p) {
        return a.onLoop(() -> {
            ServerTransaction st = f.receive(method, Protocol.UDP);
            f.relay(st, p, CALLEE);
            return st;
        });
    }

    @Test
    @DisplayName("belongs to the loop that read its request")
    void ownedByTheReadingLoop() {
        assertThat(a.onLoop(() -> f.receive("MESSAGE", Protocol.UDP)).loop()).isSameAs(a);
        assertThat(b.onLoop(() -> f.receive("MESSAGE", Protocol.UDP)).loop()).isSameAs(b);
    }

    @Test
    @DisplayName("a reply read on another loop is handed over: nothing changes until the transaction's loop runs it")
    void replyHandedOver() {
        ServerTransaction st = relayedOnA("MESSAGE", Protocol.TCP);
        ClientBranch branch = st.branches.get(0);
        assertThat(b.onLoop(() -> f.reply(branch, 200))).as("tm's: not forwarded statelessly").isTrue();
        assertThat(branch.state()).isEqualTo(ClientState.TRYING);
        assertThat(f.wire.to(CALLER, "200")).isEmpty();
        assertThat(a.queued()).isEqualTo(1);

        a.runPending();
        assertThat(branch.state()).isEqualTo(ClientState.COMPLETED);
        assertThat(f.wire.to(CALLER, "200")).hasSize(1);
    }

    @Test
    @DisplayName("17.1.2.2: fr_timer falling due behind a handed-over 200 runs after it and finds nothing to do: no 408")
    void replyQueuedBeforeTimerWins() {
        ServerTransaction st = relayedOnA("MESSAGE", Protocol.TCP);
        ClientBranch branch = st.branches.get(0);
        b.onLoop(() -> f.reply(branch, 200));
        f.advanceTo(30_000); // Timer F fires onto A, behind the reply
        assertThat(a.queued()).isEqualTo(2);
        assertThat(f.wire.to(CALLER, "408")).isEmpty();

        a.runPending();
        assertThat(f.wire.to(CALLER, "200")).hasSize(1);
        assertThat(f.wire.to(CALLER, "408")).isEmpty();
        assertThat(branch.state()).isEqualTo(ClientState.COMPLETED);
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);
    }

    @Test
    @DisplayName("RFC 6026: fr_timer queued first ends the INVITE branch with a 408; the 2xx behind it still goes up, after it")
    void timerQueuedBeforeReplyRunsFirst() {
        ServerTransaction st = relayedOnA("INVITE", Protocol.TCP);
        ClientBranch branch = st.branches.get(0);
        f.advanceTo(30_000);
        b.onLoop(() -> f.reply(branch, 200));
        assertThat(a.queued()).isEqualTo(2);

        a.runPending();
        List<String> upstream = new ArrayList<>();
        for (FakeWire.Sent s : f.wire.sent) {
            if (s.to().address().equals(CALLER)) {
                upstream.add(s.what());
            }
        }
        assertThat(upstream).containsExactly("100", "408", "200");
        assertThat(branch.state()).isEqualTo(ClientState.TERMINATED);
    }

    @Test
    @DisplayName("onreply_route and failure_route run on the transaction's loop, for a reply read on another")
    void hooksOnTheTransactionsLoop() {
        ServerTransaction st = relayedOnA("INVITE", Protocol.UDP);
        st.onReplyRoute = "reply";
        st.failureRoute = "failure";
        List<String> ranOn = new ArrayList<>();
        f.onReply = (s, r) -> ranOn.add("onreply " + r.statusCode() + (a.inEventLoop() ? " on A" : " elsewhere"));
        f.onFailure = s -> ranOn.add("failure " + s.bestCode() + (a.inEventLoop() ? " on A" : " elsewhere"));
        b.onLoop(() -> f.reply(st.branches.get(0), 486));
        assertThat(ranOn).isEmpty();

        a.runPending();
        assertThat(ranOn).containsExactly("onreply 486 on A", "failure 486 on A");
        assertThat(f.wire.to(CALLEE, "ACK")).hasSize(1);
    }

    @Test
    @DisplayName("9.1: a CANCEL read on another loop gets its 200 at once; the ringing branch is canceled on the INVITE's loop")
    void cancelFromAnotherLoop() {
        ServerTransaction st = relayedOnA("INVITE", Protocol.UDP);
        a.act(() -> f.reply(st.branches.get(0), 180));
        SipMessage cancel = TmFixture.sameTransaction(st.request(), "CANCEL", null);
        b.act(() -> f.tm.cancel(f.tm.inviteFor(cancel), cancel, Destination.to(Protocol.UDP, CALLER)));
        assertThat(f.wire.to(CALLER, "200")).hasSize(1);
        assertThat(f.wire.to(CALLEE, "CANCEL")).isEmpty();
        assertThat(st.canceled()).isFalse();

        a.runPending();
        assertThat(st.canceled()).isTrue();
        assertThat(f.wire.to(CALLEE, "CANCEL")).hasSize(1);
    }

    @Test
    @DisplayName("17.2.1: an ACK read on another loop is absorbed there; Completed becomes Confirmed on the INVITE's loop")
    void ackFromAnotherLoop() {
        ServerTransaction st = relayedOnA("INVITE", Protocol.UDP);
        a.act(() -> f.reply(st.branches.get(0), 486));
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);
        SipMessage ack = TmFixture.sameTransaction(st.request(), "ACK", st.toTag);
        assertThat(b.onLoop(() -> f.tm.check(ack, TmFixture.fromCaller(Protocol.UDP)))).isEqualTo(TransactionLayer.Check.ACK_ABSORBED);
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);

        a.runPending();
        assertThat(st.state()).isEqualTo(ServerState.CONFIRMED);
    }

    @Test
    @DisplayName("a connect failure told on the connecting channel's loop ends the branch on the transaction's loop (477)")
    void sendFailureHandedOver() {
        f.wire.status = SendStatus.CONNECTING;
        ServerTransaction st = relayedOnA("INVITE", Protocol.TCP);
        b.act(() -> f.wire.connectFails(CALLEE));
        assertThat(f.wire.to(CALLER, "477")).isEmpty();

        a.runPending();
        assertThat(f.wire.to(CALLER, "477")).hasSize(1);
        assertThat(st.branches.get(0).state()).isEqualTo(ClientState.TERMINATED);
    }

    @Test
    @DisplayName("17.2.3: a retransmitted request read on another loop gets the last reply from that loop, at once")
    void retransmissionAnsweredWhereRead() {
        ServerTransaction st = relayedOnA("INVITE", Protocol.UDP);
        assertThat(f.wire.to(CALLER, "100")).hasSize(1);
        assertThat(b.onLoop(() -> f.tm.create(st.request(), st.from(), st.replyTo()))).isNull();
        assertThat(f.wire.to(CALLER, "100")).hasSize(2);
        assertThat(a.queued()).isZero();
    }
}
