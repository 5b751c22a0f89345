package io.sipway.tm;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link Timers}: one Netty HashedWheelTimer (10 ms tick, one daemon thread
 * "sipway-tm-timer") and {@link System#nanoTime()}. A task runs on that thread and takes its
 * transaction's monitor.
 */
public final class WheelTimers implements Timers {
    private final HashedWheelTimer wheel = new HashedWheelTimer(r -> {
        Thread t = new Thread(r, "sipway-tm-timer");
        t.setDaemon(true);
        return t;
    }, 10, TimeUnit.MILLISECONDS);
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
        try {
            task.handle(wheel.newTimeout(task, delayMs, TimeUnit.MILLISECONDS));
        } catch (IllegalStateException stopped) {
            task.handle(null);
        }
    }

    @Override
    public void cancel(Task task) {
        if (task.handle() instanceof Timeout t) {
            t.cancel();
            task.handle(null);
        }
    }

    @Override
    public void close() {
        closed = true;
        wheel.stop();
    }
}
