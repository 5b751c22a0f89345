package io.sipway.proxy.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code t_on_branch("NAME")} and {@code branch_route[NAME]} (src/test/resources/tm/branch-route.cfg),
 * as Kamailio runs them: once per outgoing branch, before it is sent, on a copy of the request that
 * belongs to that branch alone.
 */
@DisplayName("branch_route runs once per branch, on that branch's own copy of the request")
@Timeout(20)
class BranchRouteTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private LoopbackProxy proxy;
    private SipPeer caller;
    private SipPeer calleeA;
    private SipPeer calleeB;
    private SipPeer calleeC;

    @BeforeEach
    void start() throws Exception {
        proxy = LoopbackProxy.start("branch-route.cfg", 5230, 5231, 5232, 5233, 5234);
        caller = proxy.peer(5231);
        calleeA = proxy.peer(5232);
        calleeB = proxy.peer(5233);
        calleeC = proxy.peer(5234);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    @DisplayName("$ru reads the branch's URI; a header or $du set there stays with that branch")
    void eachBranchHasItsOwnCopy() {
        caller.send(caller.invite("fork", "z9hG4bK-br-fork"));

        SipMessage alice = calleeA.nextRequest("INVITE", WAIT);
        assertThat(alice.requestUriString()).isEqualTo(proxy.moved("sip:alice@127.0.0.1:5232"));
        assertThat(alice.headers("X-Branch-Uri")).containsExactly(proxy.moved("sip:alice@127.0.0.1:5232"));
        assertThat(alice.headers("X-Request-Route")).as("what request_route did is on every branch").containsExactly("seen");
        assertThat(alice.headers("X-Var-Seen")).as("$var values of request_route are read in branch_route").containsExactly("yes");

        SipMessage bob = calleeC.nextRequest("INVITE", WAIT);
        assertThat(bob.requestUriString()).as("$du set in branch_route moved this branch only").isEqualTo(proxy.moved("sip:bob@127.0.0.1:5233"));
        assertThat(bob.headers("X-Branch-Uri")).containsExactly(proxy.moved("sip:bob@127.0.0.1:5233"));
        assertThat(bob.headers("X-Request-Route")).containsExactly("seen");
        assertThat(bob.topVia().branch()).isNotEqualTo(alice.topVia().branch());
        assertThat(alice.headers("X-Branch-Idx")).as("$T_branch_idx").containsExactly("0");
        assertThat(bob.headers("X-Branch-Idx")).containsExactly("1");
        assertThat(alice.headers("X-Armed")).as("t_is_set after t_on_branch").containsExactly("branch_route");
        assertThat(alice.headers("X-Armed-Before")).as("t_is_set before t_on_branch").isEmpty();
        assertThat(alice.headers("X-Bflag")).as("setbflag in request_route, isbflagset in branch_route").containsExactly("3");

        calleeB.silentFor(Duration.ofMillis(300));
    }

    @Test
    @DisplayName("drop in branch_route cancels that branch; the others go")
    void dropCancelsOnlyThatBranch() {
        caller.send(caller.invite("dropone", "z9hG4bK-br-dropone"));

        SipMessage alice = calleeB.nextRequest("INVITE", WAIT);
        assertThat(alice.requestUriString()).isEqualTo(proxy.moved("sip:alice@127.0.0.1:5233"));
        assertThat(alice.headers("X-Branch-Uri")).containsExactly(proxy.moved("sip:alice@127.0.0.1:5233"));
        calleeA.silentFor(Duration.ofMillis(300));

        calleeB.answer(alice, 486, "Busy Here");
        assertThat(caller.nextFinal(WAIT).statusCode()).as("the only branch decides").isEqualTo(486);
    }

    @Test
    @DisplayName("when branch_route drops every branch, t_relay fails and tm answers 500 (Kamailio's E_CFG)")
    void droppingEveryBranchAnswers500() {
        caller.send(caller.invite("dropall", "z9hG4bK-br-dropall"));

        SipMessage trying = caller.next(WAIT);
        assertThat(trying.statusCode()).as("t_relay's 100 comes before the branches are built").isEqualTo(100);
        SipMessage error = caller.nextFinal(WAIT);
        assertThat(error.statusCode()).isEqualTo(500);
        assertThat(error.reasonPhrase()).isEqualTo("I'm terribly sorry, server error occurred (6/TM)");
        calleeA.silentFor(Duration.ofMillis(300));
    }

    @Test
    @DisplayName("a failure_route that forks again runs branch_route only if it arms it again")
    void failureRouteArmsItAgain() {
        caller.send(caller.invite("serial", "z9hG4bK-br-serial"));
        SipMessage first = calleeA.nextRequest("INVITE", WAIT);
        assertThat(first.headers("X-Branch-Uri")).containsExactly(proxy.moved("sip:alice@127.0.0.1:5232"));
        calleeA.answer(first, 486, "Busy Here");
        assertThat(calleeA.nextRequest("ACK", WAIT).topVia().branch()).isEqualTo(first.topVia().branch());

        SipMessage second = calleeB.nextRequest("INVITE", WAIT);
        assertThat(second.requestUriString()).isEqualTo(proxy.moved("sip:dave@127.0.0.1:5233"));
        assertThat(second.headers("X-Branch-Uri")).as("not the first leg's header: a fresh copy").containsExactly(proxy.moved("sip:dave@127.0.0.1:5233"));
        assertThat(second.headers("X-Request-Route")).containsExactly("seen");
    }

    @Test
    @DisplayName("t_on_branch arms one t_relay: a failure_route that does not arm it sends its branch untouched")
    void failureRouteWithoutArming() {
        caller.send(caller.invite("serialplain", "z9hG4bK-br-plain"));
        SipMessage first = calleeA.nextRequest("INVITE", WAIT);
        assertThat(first.headers("X-Branch-Uri")).hasSize(1);
        calleeA.answer(first, 486, "Busy Here");

        SipMessage second = calleeB.nextRequest("INVITE", WAIT);
        assertThat(second.requestUriString()).isEqualTo(proxy.moved("sip:dave@127.0.0.1:5233"));
        assertThat(second.headers("X-Branch-Uri")).isEmpty();
        assertThat(second.headers("X-Request-Route")).containsExactly("seen");
    }
}
