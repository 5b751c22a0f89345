package io.sipway.tm;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;

/**
 * tm's timers (request and reply retransmissions, fr_timer / fr_inv_timer, wt_timer, the maximum
 * lifetime), given to {@link TransactionLayer} so that tests run them on virtual time
 * ({@code FakeTimers}) and production on {@link WheelTimers}.
 *
 * <p>tm schedules {@link Task}s that live as long as their branch or transaction: a timer restarted
 * a hundred times (a retransmission, fr_inv_timer on every 183) allocates nothing but the
 * implementation's own entry. tm calls {@link #schedule} and {@link #cancel} with the task's
 * transaction monitor held (or before the transaction is visible to another thread); a task takes that monitor itself when it runs, and checks that it is
 * still due (a cancel may lose the race with a run already started).
 */
public interface Timers extends Clock {
    /** A timer of tm's: runs once per {@link #schedule}. */
    abstract class Task implements Runnable, TimerTask {
        private Object handle;

        /** The implementation's record of the pending run (e.g. Netty's Timeout); null when none. */
        public final Object handle() {
            return handle;
        }

        public final void handle(Object h) {
            handle = h;
        }

        /** Netty's HashedWheelTimer runs the task itself: no adapter object per schedule. */
        @Override
        public final void run(Timeout timeout) {
            run();
        }
    }

    /** Runs {@code task} once after {@code delayMs} ms; a pending run of the same task is canceled first (a restart). */
    void schedule(Task task, long delayMs);

    /** Cancels the pending run of {@code task}, if any. */
    void cancel(Task task);

    /** Stops the timers: no task runs after this. */
    default void close() {
    }
}
