package io.sipway.proxy.core;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParseException;
import io.sipway.transport.ReceiveInfo;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's side of the {@link Workers}: a route that may wait handed to one with the message's
 * log prefix, its errors counted as a loop counts them, and a full queue counted and logged.
 */
final class RouteWorkers {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.core");
    private final Core core;
    /** Messages a route that may wait could not be queued for: the workers' queue was full (an overload). */
    private final LongAdder queueFullCount;
    /** Made at attach when not set before. */
    private volatile Workers workers;
    private volatile long lastQueueFullLog;

    RouteWorkers(Core core) {
        this.core = core;
        this.queueFullCount = core.statistic("sipway:worker_queue_full");
    }

    /** {@code children} threads with {@code queue} messages waiting at most beyond the ones running. */
    void size(int children, int queue) {
        if (children < 1 || queue < 1) {
            throw new IllegalArgumentException("children and the workers' queue must be at least 1, not " + children + " and " + queue);
        }
        Workers old = workers;
        workers = new Workers(children, queue);
        if (old != null) {
            old.close();
        }
    }

    /** {@code children} threads (their default queue), unless sized before (a test's small bound wins). */
    void sizeUnlessSized(int children) {
        if (workers == null) {
            size(children, children * Workers.QUEUE_PER_WORKER);
        }
    }

    /** Kamailio's default {@code children} unless sized before. */
    void ensureStarted() {
        if (workers == null) {
            workers = new Workers(Workers.DEFAULT_CHILDREN);
        }
    }

    int threads() {
        Workers w = workers;
        return w == null ? Workers.DEFAULT_CHILDREN : w.threads();
    }

    /**
     * Runs {@code work} (a route that may wait, and what follows it) on a worker, at home on the
     * caller's event loop ({@link Workers}); false when their queue is full (counted as
     * sipway:worker_queue_full): the caller answers or drops. An error in it is counted and logged
     * as one on a loop is.
     */
    boolean run(SipMessage m, ReceiveInfo from, Runnable work) {
        io.sipway.proxy.log.LogPrefix.Source prefix = core.logPrefix();
        if (workers.submit(() -> {
            try {
                io.sipway.proxy.log.LogPrefix.around(prefix, m, from, work);
            } catch (SipParseException e) {
                core.count("sipway:errors");
                core.drops.dropped(from, "while routing: " + e.getMessage());
            } catch (RuntimeException e) {
                core.count("sipway:errors");
                LOG.error("error handling a message from {} on a worker: {}", from.source(), e.toString(), e);
            }
        })) {
            return true;
        }
        queueFullCount.increment();
        return false;
    }

    /** One line per 10 s at most while the workers' queue is full, not one per message. */
    void queueFull(String what) {
        long now = System.nanoTime();
        long last = lastQueueFullLog;
        if (last == 0 || now - last > 10_000_000_000L) {
            lastQueueFullLog = now;
            LOG.warn("the workers' queue is full (the routes that may wait fall behind): {} ({} so far, statistic"
                    + " sipway:worker_queue_full)", what, queueFullCount.sum());
        }
    }

    /** What is queued runs first (for up to 2 s). */
    void close() {
        Workers w = workers;
        if (w != null) {
            w.close();
        }
    }
}
