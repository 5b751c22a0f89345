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
 * An overload meets tm's memory budget (-m), not the heap's end: at the bound a new request is
 * refused as Kamailio refuses one when shared memory runs out (t_relay fails with E_OUT_OF_MEM,
 * the script's sl_reply_error answers "500 Internal processing error (2/SL)"), the calls already
 * held go on, and new ones pass again once transactions end (stats.cfg: wt_timer 300 ms).
 */
@DisplayName("tm's memory budget under an overload")
@Timeout(20)
class TransactionBudgetTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private LoopbackProxy proxy;
    private SipPeer caller;
    private SipPeer callee;

    @BeforeEach
    void start() throws Exception {
        proxy = LoopbackProxy.start("stats.cfg", 5256, 5257, 5258);
        caller = proxy.peer(5257);
        callee = proxy.peer(5258);
        proxy.limitTransactions(1); // full as soon as one transaction is held
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    @DisplayName("a new call is refused with 500 while the held one goes on; after it ends, calls pass again")
    void refusesNewCallsAtTheBound() throws Exception {
        String held = caller.invite("bob", "z9hG4bK-budget-held");
        caller.send(held);
        SipMessage invite = callee.nextRequest("INVITE", WAIT);
        assertThat(caller.next(WAIT).statusCode()).isEqualTo(100);

        caller.send(caller.invite("carol", "z9hG4bK-budget-refused"));
        SipMessage refused = caller.nextFinal(WAIT);
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.reasonPhrase()).isEqualTo("Internal processing error (2/SL)");
        assertThat(proxy.stat("core:transactions_refused")).isEqualTo(1);
        callee.silentFor(Duration.ofMillis(300));

        caller.send(held); // a retransmission of the held call is its transaction's, never refused
        callee.silentFor(Duration.ofMillis(300));
        assertThat(proxy.stat("core:transactions_refused")).isEqualTo(1);
        callee.answer(invite, 200, "OK");
        assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(200);

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (proxy.stat("tm:inuse_transactions") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        caller.send(caller.invite("dave", "z9hG4bK-budget-after"));
        assertThat(callee.nextRequest("INVITE", WAIT).requestUriString()).contains("dave");
    }
}
