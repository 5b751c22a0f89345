package io.sipway.tm;

import static io.sipway.tm.TmFixture.CALLEE;
import static io.sipway.tm.TmFixture.CALLEE2;
import static io.sipway.tm.TmFixture.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.transport.Protocol;
import io.sipway.transport.SendStatus;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A branch over TCP whose connection fails after the send was accepted (the transport's
 * SendListener: refused, tcp_connect_timeout, a failed TLS handshake). Kamailio connects before
 * t_relay returns and answers 477 at once; Sipway connects asynchronously, and the branch still ends
 * with the same local 477 when the failure is reported, instead of a 408 at fr_timer.
 */
@DisplayName("a branch whose connection fails")
class SendFailureTest {
    private static final String REASON = "SIP/2.0 477 Unfortunately error on sending to next hop occurred (477/TM)";

    private static TmFixture connecting() {
        TmFixture f = new TmFixture();
        f.wire.status = SendStatus.CONNECTING;
        return f;
    }

    @Test
    @DisplayName("ends Terminated when the connect fails, and the caller gets the local 477 at once, not a 408 at fr_timer")
    void lateConnectFailureAnswers477() {
        TmFixture f = connecting();
        ServerTransaction st = f.receive("INVITE", Protocol.TCP);
        ClientBranch b = f.relay(st, Protocol.TCP, CALLEE);
        assertThat(b).isNotNull();
        f.advanceTo(10_000); // tcp_connect_timeout
        assertThat(f.wire.connectFails(CALLEE)).isEqualTo(1);

        assertThat(b.state()).isEqualTo(ClientState.TERMINATED);
        assertThat(f.wire.to(CALLER, "477")).hasSize(1);
        assertThat(f.wire.to(CALLER, "477").get(0).firstLine()).isEqualTo(REASON);
        assertThat(f.wire.to(CALLER, "477").get(0).atMs()).isEqualTo(10_000L);
        assertThat(st.state()).isEqualTo(ServerState.COMPLETED);
        assertThat(f.wire.to(CALLEE, "CANCEL")).isEmpty(); // nothing ever reached the callee
        assertThat(f.wire.to(CALLEE, "ACK")).isEmpty();

        f.advanceTo(40_000); // no ACK: fr_timer (Timer H) frees it; no 408 ever, the 477 sent once over TCP
        assertThat(f.wire.to(CALLER, "408")).isEmpty();
        assertThat(f.wire.to(CALLER, "477")).hasSize(1);
        assertThat(st.state()).isEqualTo(ServerState.TERMINATED);
        assertThat(f.tm.inUse()).isZero();
    }

    @Test
    @DisplayName("a connect that fails before send() returns: t_relay sent no branch, nothing goes up (the script answers)")
    void failureWhileSendingIsNoBranch() {
        TmFixture f = connecting();
        f.wire.failWhileSending = true;
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        int sent = f.tm.relay(st, List.of(TmFixture.target(st, Protocol.TCP, CALLEE)));
        assertThat(sent).isZero();
        assertThat(st.branches).isEmpty();
        assertThat(f.wire.to(CALLER, "477")).isEmpty();
        assertThat(st.state()).isEqualTo(ServerState.PROCEEDING);
    }

    @Test
    @DisplayName("reported for a branch already answered: nothing more goes up")
    void failureAfterAnswerIgnored() {
        TmFixture f = connecting();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.TCP, CALLEE);
        f.reply(b, 486);
        assertThat(f.wire.to(CALLER, "486")).hasSize(1);
        f.wire.connectFails(CALLEE);
        assertThat(b.state()).isEqualTo(ClientState.COMPLETED);
        assertThat(b.finalCode).isEqualTo(486);
        assertThat(f.wire.to(CALLER, "477")).isEmpty();
    }

    @Test
    @DisplayName("reported for a branch that timed out: the 408 stays the answer")
    void failureAfterTimeoutIgnored() {
        TmFixture f = connecting();
        ServerTransaction st = f.receive("NOTIFY", Protocol.UDP);
        ClientBranch b = f.relay(st, Protocol.TCP, CALLEE);
        f.advanceTo(30_000); // fr_timer
        assertThat(f.wire.to(CALLER, "408")).hasSize(1);
        f.wire.connectFails(CALLEE);
        assertThat(b.finalCode).isEqualTo(408);
        assertThat(f.wire.to(CALLER, "477")).isEmpty();
    }

    @Test
    @DisplayName("in a fork the failed branch is one answer among the others: the 477 waits for the rest of the leg")
    void forkWaitsForOtherBranches() {
        TmFixture f = connecting();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        f.tm.relay(st, List.of(TmFixture.target(st, Protocol.TCP, CALLEE), TmFixture.target(st, Protocol.TCP, CALLEE2)));
        f.wire.connectFails(CALLEE);
        assertThat(f.wire.to(CALLER, "477")).isEmpty();
        f.reply(st.branches.get(1), 200);
        assertThat(f.wire.to(CALLER, "200")).hasSize(1);
        assertThat(f.wire.to(CALLER, "477")).isEmpty();
        assertThat(st.state()).isEqualTo(ServerState.ACCEPTED);
    }

    @Test
    @DisplayName("failure_route sees the 477 and may try another destination")
    void failureRouteSees477() {
        TmFixture f = connecting();
        ServerTransaction st = f.receive("INVITE", Protocol.UDP);
        st.failureRoute = "next";
        ClientBranch[] second = new ClientBranch[1];
        f.onFailure = s -> {
            assertThat(s.pickedTimedOut()).isFalse();
            assertThat(s.pickedReplied()).isFalse();
            second[0] = f.relay(s, Protocol.UDP, CALLEE2);
        };
        f.relay(st, Protocol.TCP, CALLEE);
        f.wire.connectFails(CALLEE);
        assertThat(f.failures).containsExactly(477);
        f.reply(second[0], 200);
        assertThat(f.wire.to(CALLER, "200")).hasSize(1);
        assertThat(f.wire.to(CALLER, "477")).isEmpty();
    }
}
