package io.sipway.tm;

import io.netty.util.concurrent.AbstractEventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An event loop the test turns by hand: work handed to it ({@code execute}) waits in its queue until
 * {@link #runPending()}; {@link #onLoop} runs something as if this loop had read it. The test
 * thread is "on" this loop only inside those two, so tm sees another loop's work as foreign and
 * hands it over, as it would between two Netty loops, and the test decides when it runs.
 */
final class FakeLoop extends AbstractEventExecutor {
    private final String name;
    private final Queue<Runnable> queue = new ArrayDeque<>();
    private Thread running;

    FakeLoop(String name) {
        this.name = name;
    }

    /** Runs {@code work} on this loop, then whatever it handed to this loop. */
    <T> T onLoop(Supplier<T> work) {
        Thread outer = running;
        running = Thread.currentThread();
        try {
            T result = work.get();
            drain();
            return result;
        } finally {
            running = outer;
        }
    }

    void act(Runnable work) {
        onLoop(() -> {
            work.run();
            return null;
        });
    }

    /** Lets the loop run: everything queued, in order, and what that queues. How many ran. */
    int runPending() {
        return onLoop(this::drain);
    }

    private int drain() {
        int n = 0;
        Runnable r;
        while ((r = queue.poll()) != null) {
            r.run();
            n++;
        }
        return n;
    }

    /** Work waiting for the loop. */
    int queued() {
        return queue.size();
    }

    @Override
    public boolean inEventLoop(Thread thread) {
        return running != null && running == thread;
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
    }

    @Override
    public boolean isShuttingDown() {
        return false;
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        return terminationFuture();
    }

    @Override
    public Future<?> terminationFuture() {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
    }

    @Override
    @Deprecated
    public void shutdown() {
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    @Override
    public String toString() {
        return name;
    }
}
