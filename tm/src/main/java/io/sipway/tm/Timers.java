package io.sipway.tm;

import io.netty.util.concurrent.EventExecutor;

/**
 * tm's timers (request and reply retransmissions, fr_timer / fr_inv_timer, wt_timer, the maximum
 * lifetime), given to {@link TransactionLayer} so that tests run them on virtual time
 * ({@code FakeTimers}) and production on a timer wheel per event loop ({@link LoopTimers}).
 *
 * <p>Every {@link Task} belongs to one transaction and runs on that transaction's event loop
 * ({@link Task#loop()}), where everything else that touches the transaction runs: a timer and a
 * reply of the same transaction never run at the same time, and no lock guards them. tm calls
 * {@link #schedule} and {@link #cancel} on that loop too.
 *
 * <p>A task lives as long as its branch or transaction: a timer restarted a hundred times (a
 * retransmission, fr_inv_timer on every 183) allocates nothing of tm's. A run that was already on
 * its way to the loop when the task was canceled or restarted is dropped by {@link Task#run()}
 * (the implementation need not win that race).
 */
public interface Timers extends Clock {
    /** A timer of tm's: {@link #fire()} runs once per {@link #schedule}, on {@link #loop()}. */
    abstract class Task implements Runnable {
        private final EventExecutor loop;
        private Object handle;
        private Clock clock;
        private boolean armed;
        private long due;

        /** @param loop the event loop of the task's transaction: where it runs */
        protected Task(EventExecutor loop) {
            this.loop = loop;
        }

        public final EventExecutor loop() {
            return loop;
        }

        /** The implementation's record of the task (its place in a timer wheel); null before the first schedule. */
        public final Object handle() {
            return handle;
        }

        public final void handle(Object h) {
            handle = h;
        }

        /** Called by {@link Timers#schedule}: the run due at {@code dueNanos} on {@code clock} is the one that counts. */
        public final void arm(Clock clock, long dueNanos) {
            this.clock = clock;
            this.due = dueNanos;
            this.armed = true;
        }

        /** Called by {@link Timers#cancel}: no run counts until the next arm. */
        public final void disarm() {
            armed = false;
        }

        public final boolean armed() {
            return armed;
        }

        /**
         * Runs {@link #fire()} when this is the run last armed: not after a cancel, and not early (a
         * run of an earlier arming that was already queued on the loop when the task was restarted).
         */
        @Override
        public final void run() {
            if (!armed || clock.nanoTime() < due) {
                return;
            }
            armed = false; // the handle stays: an implementation may keep its record of the task for the next schedule
            fire();
        }

        /** The timer's work, on {@link #loop()}. */
        protected abstract void fire();
    }

    /** Runs {@code task} once after {@code delayMs} ms on its loop; a pending run of the same task is canceled first (a restart). */
    void schedule(Task task, long delayMs);

    /** Cancels the pending run of {@code task}, if any. */
    void cancel(Task task);

    /** Stops the timers: no task is scheduled after this. */
    default void close() {
    }
}
