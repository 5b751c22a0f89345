package io.sipway.tm;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loops transactions belong to, and how work for a transaction gets onto its loop.
 *
 * <p>A transaction belongs to the loop that created it (the one that read its request); a thread
 * that is none of the loops (a test, a benchmark, the ops thread) gets one chosen in turn. Work for
 * a transaction that arrives elsewhere is moved onto its loop: from another of the loops it is handed
 * over ({@code execute}, never waiting: a loop must not block); from any other thread it runs on the
 * loop while the caller waits, so the caller sees its effect when the call returns.
 *
 * <p>Without loops ({@link #none()}, tm's own tests) every transaction is on
 * {@link ImmediateEventExecutor}: whoever calls runs it, and the caller keeps to one thread.
 */
final class Loops {
    private static final Logger LOG = LoggerFactory.getLogger(Loops.class);

    private final EventExecutor[] loops;
    private final AtomicInteger turn = new AtomicInteger();

    private Loops(EventExecutor[] loops) {
        this.loops = loops;
    }

    static Loops of(EventExecutorGroup group) {
        List<EventExecutor> all = new ArrayList<>();
        group.forEach(all::add);
        return new Loops(all.toArray(new EventExecutor[0]));
    }

    /** These loops (tm's tests, with loops of their own). */
    static Loops ofEach(EventExecutor... loops) {
        return new Loops(loops.clone());
    }

    static Loops none() {
        return new Loops(new EventExecutor[0]);
    }

    /**
     * The loop of a transaction created now: the caller's when it is one of ours; for a thread that
     * works on behalf of one of ours (a proxy worker running a message that loop read: Netty's
     * {@link ThreadExecutorMap} names the loop), that one; else the next in turn.
     */
    EventExecutor forNew() {
        if (loops.length == 0) {
            return ImmediateEventExecutor.INSTANCE;
        }
        EventExecutor current = current();
        if (current != null) {
            return current;
        }
        EventExecutor home = ThreadExecutorMap.currentExecutor();
        for (EventExecutor e : loops) {
            if (e == home) {
                return e;
            }
        }
        return loops[Math.floorMod(turn.getAndIncrement(), loops.length)];
    }

    /** The loop the caller runs on, or null when it is none of ours (a plain loop over a small array: no allocation). */
    private EventExecutor current() {
        for (EventExecutor e : loops) {
            if (e.inEventLoop()) {
                return e;
            }
        }
        return null;
    }

    /**
     * Runs {@code work} on {@code loop}; the caller is not on it (checked first by tm, so the fast
     * path builds no lambda). From another of our loops it is handed over and runs later; from any
     * other thread the caller waits for it. A stopped loop (the transport closing) runs nothing.
     */
    void run(EventExecutor loop, Runnable work) {
        if (current() != null) {
            handOver(loop, work);
        } else {
            call(loop, () -> {
                work.run();
                return null;
            }, null);
        }
    }

    /** Whether the caller may wait for a loop (it is none of ours). */
    boolean mayWait() {
        return current() == null;
    }

    /** Queues {@code work} on {@code loop}. */
    static void handOver(EventExecutor loop, Runnable work) {
        try {
            loop.execute(work);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("event loop stopped: work for a transaction dropped");
        }
    }

    /** Runs {@code work} on {@code loop} and waits for its result ({@code ifStopped} when the loop has stopped). Never from one of our loops. */
    static <T> T call(EventExecutor loop, Callable<T> work, T ifStopped) {
        Future<T> f;
        try {
            f = loop.submit(work);
        } catch (RejectedExecutionException stopped) {
            return ifStopped;
        }
        return f.syncUninterruptibly().getNow();
    }
}
