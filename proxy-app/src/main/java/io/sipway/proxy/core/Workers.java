package io.sipway.proxy.core;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the routes that may wait run (docs/ARCHITECTURE.md, "Functions that may wait"): Kamailio
 * runs its script in {@code children} worker processes, so a database query blocks one of them;
 * Sipway runs the messages whose route can reach such a function on {@code children} threads
 * named {@code sipway-worker-N}, and keeps its event loops free.
 *
 * <p>The queue is bounded ({@link #QUEUE_PER_WORKER} messages per worker): what a database that
 * answers slowly makes wait is held here up to that bound, never without one; beyond it
 * {@link #submit} says no and the caller answers 503 (a request) or drops (a reply).
 *
 * <p>A message keeps the event loop that read it as its "home" while a worker runs it: the worker
 * runs under that loop in Netty's {@link ThreadExecutorMap}, so the transaction it creates belongs
 * to that loop, as if the loop had created it, and a DNS answer it waits for continues there. The
 * worker is not the loop ({@code inEventLoop()} is false): every call into tm from it runs on the
 * transaction's loop while the worker waits, which a worker may do.
 */
final class Workers implements AutoCloseable {
    /**
     * Messages waiting per worker beyond the ones running: 1024 is about a second of a worker's
     * work at 1 ms per query, and what a client retransmitting over UDP would wait anyway (T1 at
     * 500 ms); more would only hold requests whose senders gave up.
     */
    static final int QUEUE_PER_WORKER = 1024;
    /** Kamailio's default {@code children}. */
    static final int DEFAULT_CHILDREN = 8;

    private final ThreadPoolExecutor pool;
    private final int threads;

    Workers(int threads) {
        this(threads, threads * QUEUE_PER_WORKER);
    }

    Workers(int threads, int queue) {
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "sipway-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code work} on a worker, at home on the caller's event loop (see the class comment);
     * false when the queue is full or the workers stopped: nothing was queued.
     */
    boolean submit(Runnable work) {
        EventExecutor home = ThreadExecutorMap.currentExecutor();
        try {
            pool.execute(home == null ? work : ThreadExecutorMap.apply(work, home));
            return true;
        } catch (RejectedExecutionException full) {
            return false;
        }
    }

    /** What waits in the queue now. */
    int queued() {
        return pool.getQueue().size();
    }

    /** Lets the queued messages run for up to two seconds, then stops the workers. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
