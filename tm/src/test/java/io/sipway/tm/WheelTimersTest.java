package io.sipway.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The production timers: a wheel per event loop. A timer fires on its loop, not before it is due
 * (up to a tick late), once per arming; a cancel or a re-arm in between wins; one that is due later
 * than a turn of the wheel waits for its turn; the work of one timer may cancel another of the same
 * slot.
 */
@DisplayName("the timer wheel of a loop")
class WheelTimersTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final WheelTimers timers = new WheelTimers(2);

    @AfterEach
    void stop() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** A task that records when it fired (ms after it was armed) and on which thread. */
    private final class Probe extends Timers.Task {
        final List<Long> firedAfterMs = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch fired = new CountDownLatch(1);
        volatile boolean onLoop;
        volatile long armedAt;
        Runnable also = () -> { };

        Probe(EventExecutor loop) {
            super(loop);
        }

        void arm(long ms) throws Exception {
            loop.submit(() -> {
                armedAt = System.nanoTime();
                timers.schedule(this, ms);
            }).get();
        }

        @Override
        protected void fire() {
            onLoop = loop().inEventLoop();
            firedAfterMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - armedAt));
            also.run();
            fired.countDown();
        }
    }

    @Test
    @DisplayName("fires once, on its loop, not before it is due")
    void firesOnceOnItsLoopNotEarly() throws Exception {
        Probe p = new Probe(loop);
        p.arm(30);
        assertThat(p.fired.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(50);
        assertThat(p.firedAfterMs).hasSize(1);
        assertThat(p.firedAfterMs.get(0)).isGreaterThanOrEqualTo(30);
        assertThat(p.onLoop).isTrue();
    }

    @Test
    @DisplayName("a cancel before it is due wins; a re-arm moves it")
    void cancelAndRearm() throws Exception {
        Probe canceled = new Probe(loop);
        canceled.arm(20);
        loop.submit(() -> timers.cancel(canceled)).get();
        Probe moved = new Probe(loop);
        moved.arm(10);
        moved.arm(60); // restarted: the first due time no longer counts
        assertThat(moved.fired.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(moved.firedAfterMs.get(0)).isGreaterThanOrEqualTo(60);
        Thread.sleep(50);
        assertThat(canceled.firedAfterMs).isEmpty();
        assertThat(moved.firedAfterMs).hasSize(1);
    }

    @Test
    @DisplayName("due further than one turn of the wheel (512 ticks): waits for its turn")
    void beyondOneTurn() throws Exception {
        Probe p = new Probe(loop);
        p.arm(1_200); // 600 ticks of 2 ms
        assertThat(p.fired.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(p.firedAfterMs.get(0)).isGreaterThanOrEqualTo(1_200);
    }

    @Test
    @DisplayName("one timer's work may cancel another due in the same tick: that one does not fire")
    void aFiringTimerCancelsItsNeighbour() throws Exception {
        Probe first = new Probe(loop);
        Probe second = new Probe(loop);
        first.also = () -> timers.cancel(second);
        second.also = () -> timers.cancel(first);
        first.arm(20);
        second.arm(20);
        Thread.sleep(200);
        assertThat(first.firedAfterMs.size() + second.firedAfterMs.size()).isEqualTo(1);
    }

    @Test
    @DisplayName("a thousand timers on one loop each fire once")
    void manyTimers() throws Exception {
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Probe p = new Probe(loop);
            p.arm(i % 50);
            probes.add(p);
        }
        for (Probe p : probes) {
            assertThat(p.fired.await(5, TimeUnit.SECONDS)).isTrue();
        }
        Thread.sleep(30);
        assertThat(probes).allMatch(p -> p.firedAfterMs.size() == 1);
    }
}
