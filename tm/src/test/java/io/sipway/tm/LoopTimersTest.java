package io.sipway.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The production timers on a real event loop: a task runs on its loop, never before its due time
 * and at most a tick or two after it; a cancel or a restart wins over the earlier schedule; a task
 * may cancel or restart another one due in the same tick.
 */
class LoopTimersTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final LoopTimers timers = new LoopTimers();

    @AfterEach
    void stop() {
        timers.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A task that records when (in ms since it was scheduled) and on which thread it ran. */
    private final class Recorder extends Timers.Task {
        final List<Long> ranAfterMs = new CopyOnWriteArrayList<>();
        final CountDownLatch ran = new CountDownLatch(1);
        volatile long scheduledAt;
        volatile boolean onLoop;

        Recorder(EventExecutor loop) {
            super(loop);
        }

        void start(long delayMs) {
            loop.execute(() -> {
                scheduledAt = System.nanoTime();
                timers.schedule(this, delayMs);
            });
        }

        @Override
        protected void fire() {
            onLoop = loop().inEventLoop();
            ranAfterMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - scheduledAt));
            ran.countDown();
        }
    }

    @Test
    void aTaskRunsOnItsLoopNeverBeforeItsDueTime() throws Exception {
        Recorder r = new Recorder(loop);
        r.start(50);
        assertThat(r.ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(r.onLoop).isTrue();
        assertThat(r.ranAfterMs).singleElement().satisfies(ms -> assertThat(ms).isGreaterThanOrEqualTo(50));
    }

    @Test
    void tasksDueOverSeveralRevolutionsRunInTheOrderTheyAreDue() throws Exception {
        List<Integer> order = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(3);
        long[] delays = {2_700, 30, 600}; // 2.7 s: past one turn of the wheel (2.56 s)
        for (int i = 0; i < delays.length; i++) {
            int n = i;
            Timers.Task t = new Timers.Task(loop) {
                @Override
                protected void fire() {
                    order.add(n);
                    all.countDown();
                }
            };
            long d = delays[i];
            loop.execute(() -> timers.schedule(t, d));
        }
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactly(1, 2, 0);
    }

    @Test
    void aCanceledTaskDoesNotRun() throws Exception {
        Recorder canceled = new Recorder(loop);
        Recorder witness = new Recorder(loop);
        canceled.start(30);
        loop.execute(() -> timers.cancel(canceled));
        witness.start(100);
        assertThat(witness.ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(canceled.ranAfterMs).isEmpty();
    }

    @Test
    void aRestartReplacesTheEarlierSchedule() throws Exception {
        Recorder r = new Recorder(loop);
        r.start(30);
        r.start(200); // restarted before the first fell due: it runs once, at the second
        assertThat(r.ran.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);
        assertThat(r.ranAfterMs).singleElement().satisfies(ms -> assertThat(ms).isGreaterThanOrEqualTo(200));
    }

    @Test
    void aTaskMayCancelAnotherOneDueInTheSameTick() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Timers.Task[] pair = new Timers.Task[2];
        for (int i = 0; i < 2; i++) {
            int other = 1 - i;
            pair[i] = new Timers.Task(loop) {
                @Override
                protected void fire() {
                    runs.incrementAndGet();
                    timers.cancel(pair[other]); // whichever runs first, the other must not
                }
            };
        }
        Recorder witness = new Recorder(loop);
        loop.execute(() -> {
            timers.schedule(pair[0], 20);
            timers.schedule(pair[1], 20);
        });
        witness.start(150);
        assertThat(witness.ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void aScheduleFromAnotherThreadRunsOnTheTasksLoop() throws Exception {
        Recorder r = new Recorder(loop);
        r.scheduledAt = System.nanoTime();
        timers.schedule(r, 30); // from the test's thread
        assertThat(r.ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(r.onLoop).isTrue();
        assertThat(r.ranAfterMs).singleElement().satisfies(ms -> assertThat(ms).isGreaterThanOrEqualTo(30));
    }

    @Test
    void nothingIsScheduledAfterClose() throws Exception {
        Recorder r = new Recorder(loop);
        timers.close();
        r.start(10);
        assertThat(r.ran.await(300, TimeUnit.MILLISECONDS)).isFalse();
    }
}
