package io.sipway.tm;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link Timers}: each task is scheduled on its transaction's event loop
 * ({@code EventExecutor.schedule}), so it runs there, after or before the loop's other work for the
 * transaction, never beside it; {@link System#nanoTime()} is the clock. Called on that loop, a
 * schedule or cancel touches only the loop's own timer queue (no lock, no task handed over).
 */
public final class LoopTimers implements Timers {
    private volatile boolean closed;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void schedule(Task task, long delayMs) {
        cancel(task);
        if (closed) {
            return; // a message still in flight when the layer closes just ends
        }
        task.arm(this, nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs));
        try {
            task.handle(task.loop().schedule(task, delayMs, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException shutDown) {
            task.disarm(); // the loops are stopping with the transport
        }
    }

    @Override
    public void cancel(Task task) {
        task.disarm();
        if (task.handle() instanceof ScheduledFuture<?> f) {
            f.cancel(false);
            task.handle(null);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
