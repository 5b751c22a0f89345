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
 * tm's statistics under Kamailio's names (KAMAILIO.md 4.5; src/test/resources/tm/stats.cfg,
 * wt_timer 300 ms): tmx's counters, the older tmx reply names and RPC tm.stats' ones.
 */
@DisplayName("tm counts transactions and replies under Kamailio's statistic names")
@Timeout(20)
class TmStatisticsTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private LoopbackProxy proxy;
    private SipPeer caller;
    private SipPeer callee;

    @BeforeEach
    void start() throws Exception {
        proxy = LoopbackProxy.start("stats.cfg", 5256, 5257, 5258);
        caller = proxy.peer(5257);
        callee = proxy.peer(5258);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private long stat(String name) {
        return proxy.stat(name);
    }

    private void waitUntilNoTransactionIsLeft() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stat("tm:inuse_transactions") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    @DisplayName("an answered call, a busy one and a local 404")
    void transactionsAndReplies() throws Exception {
        String answered = caller.invite("bob", "z9hG4bK-st-ok");
        caller.send(answered);
        SipMessage invite = callee.nextRequest("INVITE", WAIT);
        callee.answer(invite, 180, "Ringing");
        assertThat(caller.next(WAIT).statusCode()).isEqualTo(100);
        assertThat(caller.next(WAIT).statusCode()).isEqualTo(180);
        assertThat(stat("tm:inuse_transactions")).as("one transaction, still waiting for its final reply").isEqualTo(1);
        assertThat(stat("tm:active_transactions")).isEqualTo(1);
        callee.answer(invite, 200, "OK");
        assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(200);

        String busy = caller.invite("carol", "z9hG4bK-st-busy");
        caller.send(busy);
        callee.answer(callee.nextRequest("INVITE", WAIT), 486, "Busy Here");
        SipMessage busyReply = caller.nextFinal(WAIT);
        assertThat(busyReply.statusCode()).isEqualTo(486);
        caller.send(SipPeer.ackOf(busy, busyReply));

        String local = caller.invite("local", "z9hG4bK-st-local");
        caller.send(local);
        SipMessage notHere = caller.nextFinal(WAIT);
        assertThat(notHere.statusCode()).isEqualTo(404);
        caller.send(SipPeer.ackOf(local, notHere));

        waitUntilNoTransactionIsLeft();
        assertThat(stat("tm:UAS_transactions")).isEqualTo(3);
        assertThat(stat("tmx:UAS_transactions")).as("tmx's own group name reads the same").isEqualTo(3);
        assertThat(stat("tm:UAC_transactions")).as("transactions tm itself originates: none in a proxy").isZero();
        assertThat(stat("tm:2xx_transactions")).isEqualTo(1);
        assertThat(stat("tm:3xx_transactions")).isZero();
        assertThat(stat("tm:4xx_transactions")).isEqualTo(2);
        assertThat(stat("tm:5xx_transactions")).isZero();
        assertThat(stat("tm:6xx_transactions")).isZero();
        assertThat(stat("tm:rpl_received")).as("180, 200, 486").isEqualTo(3);
        assertThat(stat("tm:rpl_generated")).as("two 100s and the 404").isEqualTo(3);
        assertThat(stat("tm:local_replies")).isEqualTo(3);
        assertThat(stat("tm:rpl_sent")).isEqualTo(6);
        assertThat(stat("tm:rpl_relayed")).isEqualTo(3);
        assertThat(stat("tm:relayed_replies")).isEqualTo(3);
        assertThat(stat("tm:rpl_absorbed")).isZero();
        assertThat(stat("tm:created")).isEqualTo(3);
        assertThat(stat("tm:total")).isEqualTo(3);
        assertThat(stat("tm:freed")).isEqualTo(3);
        assertThat(stat("tm:inuse_transactions")).isZero();
        assertThat(stat("tm:active_transactions")).isZero();
        assertThat(stat("tm:current")).isZero();
        assertThat(stat("tm:waiting")).isZero();
        assertThat(stat("tm:no_such_counter")).isZero();
    }

    @Test
    @DisplayName("a CANCEL is a transaction of its own, answered 200 by tm; the INVITE ends 487")
    void cancel() throws Exception {
        String invite = caller.invite("bob", "z9hG4bK-st-cancel");
        caller.send(invite);
        SipMessage relayed = callee.nextRequest("INVITE", WAIT);
        callee.answer(relayed, 180, "Ringing");
        assertThat(caller.next(WAIT).statusCode()).isEqualTo(100);
        assertThat(caller.next(WAIT).statusCode()).isEqualTo(180);
        caller.send(SipPeer.cancelOf(invite));
        SipMessage canceling = caller.next(WAIT);
        assertThat(canceling.statusCode()).isEqualTo(200);
        assertThat(canceling.cseq().methodName()).isEqualTo("CANCEL");
        callee.answer(callee.nextRequest("CANCEL", WAIT), 200, "OK");
        callee.answer(relayed, 487, "Request Terminated");
        SipMessage terminated = caller.nextFinal(WAIT);
        assertThat(terminated.statusCode()).isEqualTo(487);
        caller.send(SipPeer.ackOf(invite, terminated));

        waitUntilNoTransactionIsLeft();
        assertThat(stat("tm:UAS_transactions")).as("the INVITE and the CANCEL").isEqualTo(2);
        assertThat(stat("tm:2xx_transactions")).as("the CANCEL's 200").isEqualTo(1);
        assertThat(stat("tm:4xx_transactions")).isEqualTo(1);
        assertThat(stat("tm:rpl_generated")).as("the 100 and the CANCEL's 200").isEqualTo(2);
        assertThat(stat("tm:inuse_transactions")).isZero();
    }
}
