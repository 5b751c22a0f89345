package io.sipway.transport;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One deadline per connection, kept without a timer per event: arming an armed timer costs a
 * compare-and-set, and when it fires the {@link Check} says whether the deadline passed, moved
 * (then it waits the rest), or no longer applies (then it stops until armed again). Runs on the
 * connection's event loop; {@link #arm} may be called from any thread.
 */
final class LazyTimer {
    /** What the timer watches. Called on the event loop. */
    interface Check {
        /** Nanoseconds left before the deadline (0 or less: it passed), or {@link #IDLE} when there is nothing to watch. */
        long nanosLeft();

        /** The deadline passed; the timer stops. */
        void expired();
    }

    /** {@link Check#nanosLeft()}'s answer when nothing is watched. */
    static final long IDLE = Long.MAX_VALUE;

    private final EventExecutor loop;
    private final Check check;
    private final AtomicBoolean armed = new AtomicBoolean();

    LazyTimer(EventExecutor loop, Check check) {
        this.loop = loop;
        this.check = check;
    }

    /** Starts watching, the first look after {@code nanos}; nothing when already watching. */
    void arm(long nanos) {
        if (armed.compareAndSet(false, true)) {
            schedule(nanos);
        }
    }

    private void schedule(long nanos) {
        try {
            loop.schedule(this::fire, Math.max(1, nanos), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            armed.set(false);
        }
    }

    private void fire() {
        long left = check.nanosLeft();
        if (left == IDLE) {
            armed.set(false);
            // armed again by another thread between the look and the reset: that arm found it armed and did nothing
            long again = check.nanosLeft();
            if (again != IDLE && armed.compareAndSet(false, true)) {
                schedule(again);
            }
        } else if (left <= 0) {
            armed.set(false);
            check.expired();
        } else {
            schedule(left);
        }
    }
}
