package io.sipway.proxy.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which reply goes up when an INVITE forks to three callees (src/test/resources/tm/fork3.cfg), as
 * Kamailio's tm picks it (KAMAILIO.md 4.4): the lowest class wins, 401/407 rank before other 4xx
 * and their challenges are merged, a 6xx cancels the other branches, a 503 goes up as 500.
 */
@DisplayName("tm picks the reply a forked INVITE ends with")
@Timeout(20)
class ReplySelectionTest {
    private static final Duration WAIT = ForkedProxy.WAIT;
    @RegisterExtension
    final ForkedProxy fork = new ForkedProxy();
    private SipMessage toA;
    private SipMessage toB;
    private SipMessage toC;

    private void call(String branch) {
        SipMessage[] to = fork.call(fork.caller.invite("anyone", branch));
        toA = to[0];
        toB = to[1];
        toC = to[2];
    }

    @Test
    @DisplayName("486, 302, 503: the 3xx goes up as the callee sent it, and every negative reply is ACKed")
    void lowestClassWins() {
        call("z9hG4bK-sel-class");
        fork.a.answer(toA, 486, "Busy Here");
        fork.b.answer(toB, 302, "Moved Temporarily", "Contact: <sip:elsewhere@127.0.0.1:5999>");
        fork.c.answer(toC, 503, "Service Unavailable");

        SipMessage up = fork.caller.nextFinal(WAIT);
        assertThat(up.statusCode()).isEqualTo(302);
        assertThat(up.header("Contact")).isEqualTo("<sip:elsewhere@127.0.0.1:5999>");
        assertThat(up.toTag()).isEqualTo("uas-5253");
        assertThat(up.vias()).hasSize(1);
        for (SipPeer callee : fork.callees()) {
            assertThat(callee.nextRequest("ACK", WAIT).methodName()).isEqualTo("ACK");
        }
    }

    @Test
    @DisplayName("404, 407, 401: a challenge beats other 4xx, and the 401 that goes up carries every branch's challenge")
    void challengesAreMerged() {
        call("z9hG4bK-sel-auth");
        fork.a.answer(toA, 404, "Not Found");
        fork.b.answer(toB, 407, "Proxy Authentication Required", "Proxy-Authenticate: Digest realm=\"b.example\", nonce=\"nb\"");
        fork.c.answer(toC, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"c.example\", nonce=\"nc1\"",
                "WWW-Authenticate: Digest realm=\"c.example\", nonce=\"nc2\", algorithm=SHA-256", "X-Only-From-C: yes");

        SipMessage up = fork.caller.nextFinal(WAIT);
        assertThat(up.statusCode()).as("401 ranks before 407").isEqualTo(401);
        assertThat(up.reasonPhrase()).isEqualTo("Unauthorized");
        assertThat(up.headers("Proxy-Authenticate")).containsExactly("Digest realm=\"b.example\", nonce=\"nb\"");
        assertThat(up.headers("WWW-Authenticate")).containsExactly("Digest realm=\"c.example\", nonce=\"nc1\"",
                "Digest realm=\"c.example\", nonce=\"nc2\", algorithm=SHA-256");
        assertThat(up.headers("X-Only-From-C")).as("a reply tm writes itself, not c's").isEmpty();
        assertThat(up.toTag()).as("the proxy's own tag").isNotNull().isNotEqualTo("uas-5254");
        assertThat(up.callId()).isEqualTo("z9hG4bK-sel-auth@tm.sipway.test");
        assertThat(up.topVia().branch()).isEqualTo("z9hG4bK-sel-auth");
    }

    @Test
    @DisplayName("one challenge among other failures goes up exactly as the callee sent it")
    void aSingleChallengeIsRelayed() {
        call("z9hG4bK-sel-one");
        fork.a.answer(toA, 486, "Busy Here");
        fork.b.answer(toB, 401, "Who Are You", "WWW-Authenticate: Digest realm=\"b.example\", nonce=\"nb\"", "X-From-B: yes");
        fork.c.answer(toC, 404, "Not Found");

        SipMessage up = fork.caller.nextFinal(WAIT);
        assertThat(up.statusCode()).isEqualTo(401);
        assertThat(up.reasonPhrase()).isEqualTo("Who Are You");
        assertThat(up.headers("X-From-B")).containsExactly("yes");
        assertThat(up.toTag()).isEqualTo("uas-5253");
    }

    @Test
    @DisplayName("a 6xx cancels the ringing branches; it goes up once their 487s are in")
    void sixxEndsForking() {
        call("z9hG4bK-sel-6xx");
        fork.b.answer(toB, 180, "Ringing");
        fork.c.answer(toC, 180, "Ringing");
        assertThat(fork.caller.next(WAIT).statusCode()).isEqualTo(100);
        assertThat(fork.caller.next(WAIT).statusCode()).isEqualTo(180);
        fork.a.answer(toA, 603, "Decline");

        SipMessage cancelB = fork.b.nextRequest("CANCEL", WAIT);
        SipMessage cancelC = fork.c.nextRequest("CANCEL", WAIT);
        assertThat(cancelB.topVia().branch()).isEqualTo(toB.topVia().branch());
        assertThat(cancelC.topVia().branch()).isEqualTo(toC.topVia().branch());
        fork.caller.silentFor(Duration.ofMillis(300)); // nothing final while branches are still open

        for (SipPeer callee : new SipPeer[] {fork.b, fork.c}) {
            callee.answer(callee == fork.b ? cancelB : cancelC, 200, "OK");
            callee.answer(callee == fork.b ? toB : toC, 487, "Request Terminated");
        }
        SipMessage up = fork.caller.nextFinal(WAIT);
        assertThat(up.statusCode()).as("6xx ranks before 487").isEqualTo(603);
        assertThat(up.reasonPhrase()).isEqualTo("Decline");
    }

    @Test
    @DisplayName("a 503 that wins goes up as 500 (remap_503_500, RFC 3261 16.7)")
    void serviceUnavailableBecomes500() {
        call("z9hG4bK-sel-503");
        fork.a.answer(toA, 503, "Service Unavailable");
        fork.b.answer(toB, 503, "Service Unavailable");
        fork.c.answer(toC, 503, "Service Unavailable");

        SipMessage up = fork.caller.nextFinal(WAIT);
        assertThat(up.statusCode()).isEqualTo(500);
        assertThat(up.reasonPhrase()).isEqualTo("Service Unavailable");
    }
}
