package io.sipway.proxy.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code t_branch_timeout()}, {@code t_branch_replied()}, {@code t_any_timeout()} and
 * {@code t_any_replied()} in failure_route (src/test/resources/tm/branch-flags.cfg: fr_timer 500 ms,
 * fr_inv_timer 800 ms). The failure route forwards the request to an observer with one header per
 * function that returned true; the observer's copy is what the tests read.
 */
@DisplayName("failure_route knows how the failed branch ended")
@Timeout(20)
class BranchFlagsTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private LoopbackProxy proxy;
    private SipPeer caller;
    private SipPeer one;
    private SipPeer two;
    private SipPeer observer;

    @BeforeEach
    void start() throws Exception {
        proxy = LoopbackProxy.start("branch-flags.cfg", 5240, 5241, 5242, 5243, 5244);
        caller = proxy.peer(5241);
        one = proxy.peer(5242);
        two = proxy.peer(5243);
        observer = proxy.peer(5244);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    /** The flag headers the failure route wrote, in the order it writes them. */
    private List<String> flagsSeenByTheFailureRoute() {
        SipMessage m = observer.nextRequest("INVITE", WAIT);
        assertThat(m.headers("X-In-Request-Route")).as("both are false outside failure_route").isEmpty();
        List<String> flags = new ArrayList<>();
        for (String h : new String[] {"X-Branch-Timeout", "X-Branch-Replied", "X-Any-Timeout", "X-Any-Replied"}) {
            if (!m.headers(h).isEmpty()) {
                flags.add(h);
            }
        }
        return flags;
    }

    @Test
    @DisplayName("a callee that never answers: the branch timed out and received nothing")
    void silentCallee() {
        caller.send(caller.invite("silent", "z9hG4bK-fl-silent"));
        one.nextRequest("INVITE", WAIT);
        assertThat(flagsSeenByTheFailureRoute()).containsExactly("X-Branch-Timeout", "X-Any-Timeout");
    }

    @Test
    @DisplayName("a callee that rings and never answers: the branch timed out and was replied to")
    void ringingThenSilent() {
        caller.send(caller.invite("ringing", "z9hG4bK-fl-ringing"));
        one.answer(one.nextRequest("INVITE", WAIT), 180, "Ringing");
        assertThat(flagsSeenByTheFailureRoute())
                .containsExactly("X-Branch-Timeout", "X-Branch-Replied", "X-Any-Timeout", "X-Any-Replied");
    }

    @Test
    @DisplayName("a 100 Trying counts as a reply")
    void tryingOnly() {
        caller.send(caller.invite("trying", "z9hG4bK-fl-trying"));
        one.answer(one.nextRequest("INVITE", WAIT), 100, "Trying");
        assertThat(flagsSeenByTheFailureRoute())
                .containsExactly("X-Branch-Timeout", "X-Branch-Replied", "X-Any-Timeout", "X-Any-Replied");
    }

    @Test
    @DisplayName("a callee that answers 486: replied, no timeout")
    void busy() {
        caller.send(caller.invite("busy", "z9hG4bK-fl-busy"));
        one.answer(one.nextRequest("INVITE", WAIT), 486, "Busy Here");
        assertThat(flagsSeenByTheFailureRoute()).containsExactly("X-Branch-Replied", "X-Any-Replied");
    }

    @Test
    @DisplayName("forked: the failed branch is the best one (a 404), while another branch timed out")
    void branchVersusAny() {
        caller.send(caller.invite("fork", "z9hG4bK-fl-fork"));
        one.answer(one.nextRequest("INVITE", WAIT), 404, "Not Found");
        two.nextRequest("INVITE", WAIT); // never answered: 408 after fr_timer, and 404 ranks before 408
        assertThat(flagsSeenByTheFailureRoute()).containsExactly("X-Branch-Replied", "X-Any-Timeout", "X-Any-Replied");
    }
}
