package io.sipway.tm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.transport.Protocol;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The transitions RFC 3261 17.1 and 17.2 (with RFC 6026's Accepted) allow, and that tm refuses the others. */
@DisplayName("the transaction state machines")
class StateTablesTest {

    @Test
    @DisplayName("17.2.1: an INVITE server transaction starts in Proceeding and goes to Completed, Confirmed or Accepted")
    void inviteServer() {
        boolean invite = true;
        assertThat(ServerState.initial(invite)).isEqualTo(ServerState.PROCEEDING);
        assertThat(ServerState.PROCEEDING.mayGo(invite, ServerState.PROCEEDING)).isTrue();
        assertThat(ServerState.PROCEEDING.mayGo(invite, ServerState.COMPLETED)).isTrue();
        assertThat(ServerState.PROCEEDING.mayGo(invite, ServerState.ACCEPTED)).isTrue();
        assertThat(ServerState.COMPLETED.mayGo(invite, ServerState.CONFIRMED)).isTrue();
        assertThat(ServerState.CONFIRMED.mayGo(invite, ServerState.TERMINATED)).isTrue();
        assertThat(ServerState.ACCEPTED.mayGo(invite, ServerState.TERMINATED)).isTrue();
        // a final reply is final: no provisional, no second final, no way back
        assertThat(ServerState.COMPLETED.mayGo(invite, ServerState.PROCEEDING)).isFalse();
        assertThat(ServerState.COMPLETED.mayGo(invite, ServerState.ACCEPTED)).isFalse();
        assertThat(ServerState.ACCEPTED.mayGo(invite, ServerState.CONFIRMED)).isFalse();
        assertThat(ServerState.PROCEEDING.mayGo(invite, ServerState.TRYING)).isFalse();
        assertThat(ServerState.TERMINATED.mayGo(invite, ServerState.TERMINATED)).isFalse();
    }

    @Test
    @DisplayName("17.2.2: a non-INVITE server transaction goes Trying, Proceeding, Completed; never Confirmed or Accepted")
    void nonInviteServer() {
        boolean invite = false;
        assertThat(ServerState.initial(invite)).isEqualTo(ServerState.TRYING);
        assertThat(ServerState.TRYING.mayGo(invite, ServerState.PROCEEDING)).isTrue();
        assertThat(ServerState.TRYING.mayGo(invite, ServerState.COMPLETED)).isTrue();
        assertThat(ServerState.PROCEEDING.mayGo(invite, ServerState.COMPLETED)).isTrue();
        assertThat(ServerState.COMPLETED.mayGo(invite, ServerState.TERMINATED)).isTrue();
        assertThat(ServerState.COMPLETED.mayGo(invite, ServerState.CONFIRMED)).isFalse();
        assertThat(ServerState.PROCEEDING.mayGo(invite, ServerState.ACCEPTED)).isFalse();
    }

    @Test
    @DisplayName("17.1: client transactions: Calling (INVITE) or Trying, then Proceeding, then Completed or Accepted")
    void client() {
        assertThat(ClientState.initial(true)).isEqualTo(ClientState.CALLING);
        assertThat(ClientState.initial(false)).isEqualTo(ClientState.TRYING);
        assertThat(ClientState.CALLING.mayGo(true, ClientState.PROCEEDING)).isTrue();
        assertThat(ClientState.CALLING.mayGo(true, ClientState.ACCEPTED)).isTrue();
        assertThat(ClientState.PROCEEDING.mayGo(true, ClientState.COMPLETED)).isTrue();
        assertThat(ClientState.TRYING.mayGo(false, ClientState.COMPLETED)).isTrue();
        assertThat(ClientState.TRYING.mayGo(false, ClientState.ACCEPTED)).isFalse();
        assertThat(ClientState.CALLING.mayGo(false, ClientState.PROCEEDING)).isFalse();
        assertThat(ClientState.COMPLETED.mayGo(true, ClientState.PROCEEDING)).isFalse();
        assertThat(ClientState.ACCEPTED.mayGo(true, ClientState.COMPLETED)).isFalse();
        assertThat(ClientState.COMPLETED.mayGo(true, ClientState.TERMINATED)).isTrue();
    }

    @Test
    @DisplayName("an illegal transition is refused (an assertion error under tests)")
    void illegalTransition() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("MESSAGE", Protocol.UDP);
        assertThatThrownBy(() -> st.go(ServerState.CONFIRMED)).isInstanceOf(AssertionError.class);
        assertThat(st.state()).isEqualTo(ServerState.TRYING);
    }
}
