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
 * {@code t_set_fr(fr_inv_timeout [, fr_timeout])} in ms for one transaction, and {@code t_reset_fr()}
 * (src/test/resources/tm/set-fr.cfg, where the module's fr_timer is 4 s and fr_inv_timer 8 s).
 * Bounds are generous: a timer of 300 ms must fire well before the module's one would.
 */
@DisplayName("t_set_fr sets the final-response timers of one transaction")
@Timeout(30)
class TmSetFrTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private LoopbackProxy proxy;
    private SipPeer caller;
    private SipPeer callee;
    private SipPeer second;

    @BeforeEach
    void start() throws Exception {
        proxy = LoopbackProxy.start("set-fr.cfg", 5235, 5236, 5237, 5238);
        caller = proxy.peer(5236);
        callee = proxy.peer(5237);
        second = proxy.peer(5238);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private static long msSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Test
    @DisplayName("t_set_fr(5000, 300) before t_relay: a callee that never answers gives 408 after about 300 ms, not fr_timer's 4 s")
    void frTimeoutBeforeRelay() {
        long start = System.nanoTime();
        caller.send(caller.invite("quick", "z9hG4bK-fr-quick"));
        SipMessage timeout = caller.nextFinal(Duration.ofSeconds(6));
        long ms = msSince(start);
        assertThat(timeout.statusCode()).isEqualTo(408);
        assertThat(ms).isBetween(200L, 2500L);
        callee.nextRequest("INVITE", WAIT);
    }

    @Test
    @DisplayName("t_set_fr(400): after a 180 the call ends with 408 (and a CANCEL) after about 400 ms, not fr_inv_timer's 8 s")
    void frInvTimeoutAfterRinging() {
        caller.send(caller.invite("quickring", "z9hG4bK-fr-ring"));
        SipMessage invite = callee.nextRequest("INVITE", WAIT);
        long ringing = System.nanoTime();
        callee.answer(invite, 180, "Ringing");
        SipMessage timeout = caller.nextFinal(Duration.ofSeconds(9));
        long ms = msSince(ringing);
        assertThat(timeout.statusCode()).isEqualTo(408);
        assertThat(ms).isBetween(300L, 4000L);
        SipMessage cancel = callee.nextRequest("CANCEL", WAIT);
        assertThat(cancel.topVia().branch()).isEqualTo(invite.topVia().branch());
    }

    @Test
    @DisplayName("t_set_fr in failure_route sets the timer of the next leg")
    void inFailureRoute() {
        caller.send(caller.invite("serial", "z9hG4bK-fr-serial"));
        SipMessage invite = callee.nextRequest("INVITE", WAIT);
        long busy = System.nanoTime();
        callee.answer(invite, 486, "Busy Here");
        second.nextRequest("INVITE", WAIT); // the second leg, never answered
        SipMessage timeout = caller.nextFinal(Duration.ofSeconds(6));
        assertThat(timeout.statusCode()).as("the new leg's best reply").isEqualTo(408);
        assertThat(msSince(busy)).isBetween(200L, 2500L);
    }

    @Test
    @DisplayName("t_set_fr in branch_route sets the timer of the transaction")
    void inBranchRoute() {
        long start = System.nanoTime();
        caller.send(caller.invite("inbranch", "z9hG4bK-fr-branch"));
        SipMessage timeout = caller.nextFinal(Duration.ofSeconds(6));
        assertThat(timeout.statusCode()).isEqualTo(408);
        assertThat(msSince(start)).isBetween(200L, 2500L);
    }

    @Test
    @DisplayName("t_reset_fr() takes back an earlier t_set_fr: fr_timer's 4 s again")
    void resetBringsBackTheModuleTimers() {
        long start = System.nanoTime();
        caller.send(caller.invite("reset", "z9hG4bK-fr-reset"));
        SipMessage timeout = caller.nextFinal(Duration.ofSeconds(8));
        assertThat(timeout.statusCode()).isEqualTo(408);
        assertThat(msSince(start)).isGreaterThan(3000L);
    }
}
