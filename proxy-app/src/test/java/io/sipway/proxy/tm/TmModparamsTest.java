package io.sipway.proxy.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code modparam("tm", "auto_inv_100")} and {@code modparam("tm", "restart_fr_on_each_reply")}
 * at their defaults (1) and at 0 (src/test/resources/tm/modparams.cfg: fr_inv_timer 1 s).
 */
@DisplayName("tm's auto_inv_100 and restart_fr_on_each_reply")
@Timeout(30)
class TmModparamsTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private LoopbackProxy proxy;
    private SipPeer caller;
    private SipPeer callee;
    private final ScheduledExecutorService ringer = Executors.newSingleThreadScheduledExecutor();

    /** The proxy on modparams.cfg with these names defined (-D NAME). */
    private void startWith(String... defines) throws Exception {
        Map<String, String> d = new HashMap<>();
        for (String name : defines) {
            d.put(name, "");
        }
        proxy = LoopbackProxy.start("modparams.cfg", 5245, d, 5246, 5247);
        caller = proxy.peer(5246);
        callee = proxy.peer(5247);
    }

    @AfterEach
    void stop() {
        ringer.shutdownNow();
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    @DisplayName("auto_inv_100 1 (default): t_relay answers an INVITE with 100 at once")
    void trying() throws Exception {
        startWith();
        caller.send(caller.invite("bob", "z9hG4bK-mp-100"));
        SipMessage first = caller.next(WAIT);
        assertThat(first.statusCode()).isEqualTo(100);
        assertThat(first.reasonPhrase()).isEqualTo("trying -- your call is important to us");
        assertThat(first.toTag()).as("no To tag on a 100").isNull();
        callee.nextRequest("INVITE", WAIT);
    }

    @Test
    @DisplayName("auto_inv_100 0: no 100 from the proxy; the caller hears first what the callee says")
    void noTrying() throws Exception {
        startWith("NO_AUTO_100");
        caller.send(caller.invite("bob", "z9hG4bK-mp-no100"));
        SipMessage invite = callee.nextRequest("INVITE", WAIT);
        caller.silentFor(Duration.ofMillis(400));
        callee.answer(invite, 180, "Ringing");
        assertThat(caller.next(WAIT).statusCode()).isEqualTo(180);
    }

    /** The callee rings ten times, every 400 ms; returns when the first 180 left. */
    private long ringTenTimes(SipMessage invite) {
        AtomicInteger rings = new AtomicInteger();
        long first = System.nanoTime();
        ringer.scheduleAtFixedRate(() -> {
            if (rings.incrementAndGet() <= 10) {
                callee.answer(invite, 180, "Ringing");
            }
        }, 0, 400, TimeUnit.MILLISECONDS);
        return first;
    }

    @Test
    @DisplayName("restart_fr_on_each_reply 1 (default): every 180 restarts fr_inv_timer, so a ringing callee keeps the call")
    void restartOnEachProvisional() throws Exception {
        startWith();
        caller.send(caller.invite("bob", "z9hG4bK-mp-restart"));
        long first = ringTenTimes(callee.nextRequest("INVITE", WAIT));
        SipMessage timeout = caller.nextFinal(Duration.ofSeconds(10));
        long ms = (System.nanoTime() - first) / 1_000_000;
        assertThat(timeout.statusCode()).isEqualTo(408);
        assertThat(ms).as("the last 180 came at 3.6 s, fr_inv_timer is 1 s").isGreaterThan(3000L);
        assertThat(callee.nextRequest("CANCEL", WAIT).methodName()).isEqualTo("CANCEL");
    }

    @Test
    @DisplayName("restart_fr_on_each_reply 0: only the first provisional starts fr_inv_timer; repeated 180s do not extend it")
    void noRestart() throws Exception {
        startWith("NO_RESTART_FR");
        caller.send(caller.invite("bob", "z9hG4bK-mp-norestart"));
        long first = ringTenTimes(callee.nextRequest("INVITE", WAIT));
        SipMessage timeout = caller.nextFinal(Duration.ofSeconds(10));
        long ms = (System.nanoTime() - first) / 1_000_000;
        assertThat(timeout.statusCode()).isEqualTo(408);
        assertThat(ms).as("fr_inv_timer (1 s) from the first 180, while the callee still rings").isBetween(700L, 2500L);
        assertThat(callee.nextRequest("CANCEL", WAIT).methodName()).isEqualTo("CANCEL");
    }
}
