package io.sipway.tm;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link Timers}: a hashed timer wheel per event loop (as Kamailio's timer wheel,
 * at a finer tick), each task kept in the wheel of its transaction's loop and run there, after or
 * before the loop's other work for the transaction, never beside it; {@link System#nanoTime()} is
 * the clock.
 *
 * <p>Why not the loop's own {@code schedule}: every transaction arms two or three timers and cancels
 * most of them, and Netty keeps scheduled tasks in a priority queue (a new task object per schedule,
 * O(log n) per schedule and cancel, a few percent of the CPU of a call in the profile). Here a
 * schedule or cancel links or unlinks a node the task keeps for its life: O(1), nothing allocated
 * after the first, and the loop wakes once per {@link #TICK_NANOS} while any timer is pending.
 *
 * <p>A task runs at the first tick at or after its due time (at most a tick late), never early.
 * Called off its loop, a schedule or cancel is handed to the loop, in order.
 */
public final class LoopTimers implements Timers {
    /** 10 ms: finer than Kamailio's 62.5 ms timer tick, and a hundred wake-ups a second per busy loop at most. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A revolution of 2.56 s: retransmissions (T1 500 ms .. T2 4 s) go round at most twice. */
    static final int SLOTS = 256;
    private final ConcurrentHashMap<EventExecutor, Wheel> wheels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void schedule(Task task, long delayMs) {
        EventExecutor loop = task.loop();
        if (!loop.inEventLoop()) {
            execute(loop, () -> schedule(task, delayMs));
            return;
        }
        cancel(task);
        if (closed) {
            return; // a message still in flight when the layer closes just ends
        }
        long due = nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        task.arm(this, due);
        Node n = task.handle() instanceof Node node ? node : new Node(task, wheels.computeIfAbsent(loop, Wheel::new));
        task.handle(n);
        n.wheel.add(n, due);
    }

    @Override
    public void cancel(Task task) {
        EventExecutor loop = task.loop();
        if (!loop.inEventLoop()) {
            execute(loop, () -> cancel(task));
            return;
        }
        task.disarm();
        if (task.handle() instanceof Node n) {
            n.wheel.remove(n);
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    private static void execute(EventExecutor loop, Runnable r) {
        try {
            loop.execute(r);
        } catch (RejectedExecutionException shutDown) {
            // the loops are stopping with the transport: no timer runs any more
        }
    }

    /** A task's place in its wheel: made at its first schedule, reused for every later one. */
    static final class Node {
        final Task task;
        final Wheel wheel;
        Node prev;
        Node next;
        /** The tick it is due at; -1 while in no list. */
        long tick = -1;

        Node(Task task, Wheel wheel) {
            this.task = task;
            this.wheel = wheel;
        }
    }

    /** One loop's wheel: touched only on that loop. */
    static final class Wheel implements Runnable {
        private final EventExecutor loop;
        private final Node[] slots = new Node[SLOTS];
        private final long origin = System.nanoTime();
        /** The last tick whose slot was run. */
        private long done;
        private int pending;
        private boolean ticking;
        /** The due nodes of the tick being run, taken off their slot first: a task they run may cancel one. */
        private Node expired;

        Wheel(EventExecutor loop) {
            this.loop = loop;
        }

        void add(Node n, long dueNanos) {
            long tick = Math.max(done + 1, Math.floorDiv(dueNanos - origin + TICK_NANOS - 1, TICK_NANOS));
            n.tick = tick;
            int slot = (int) (tick & (SLOTS - 1));
            n.prev = null;
            n.next = slots[slot];
            if (n.next != null) {
                n.next.prev = n;
            }
            slots[slot] = n;
            pending++;
            if (!ticking) {
                ticking = true;
                next();
            }
        }

        void remove(Node n) {
            if (n.tick < 0) {
                return;
            }
            unlink(n);
            n.tick = -1;
            pending--;
        }

        /** Takes {@code n} off the list it is in (its slot's, or the expired one), leaving it pending. */
        private void unlink(Node n) {
            if (n.prev != null) {
                n.prev.next = n.next;
            } else if (expired == n) {
                expired = n.next;
            } else {
                slots[(int) (n.tick & (SLOTS - 1))] = n.next;
            }
            if (n.next != null) {
                n.next.prev = n.prev;
            }
            n.prev = null;
            n.next = null;
        }

        /** Runs every slot up to the current tick, then waits for the next one while a timer is pending. */
        @Override
        public void run() {
            long now = Math.floorDiv(System.nanoTime() - origin, TICK_NANOS);
            while (done < now) {
                done++;
                runSlot(done);
            }
            if (pending > 0) {
                next();
            } else {
                ticking = false;
            }
        }

        private void runSlot(long tick) {
            int slot = (int) (tick & (SLOTS - 1));
            for (Node n = slots[slot]; n != null; ) {
                Node following = n.next;
                if (n.tick <= tick) { // due: to the expired list (a later revolution's stays)
                    unlink(n);
                    n.next = expired;
                    if (expired != null) {
                        expired.prev = n;
                    }
                    expired = n;
                }
                n = following;
            }
            while (expired != null) {
                Node n = expired;
                remove(n);
                try {
                    n.task.run(); // its own checks: armed, and due (never early)
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(LoopTimers.class).error("a tm timer failed: {}", e.toString(), e);
                }
            }
        }

        private void next() {
            long wait = origin + (done + 1) * TICK_NANOS - System.nanoTime();
            try {
                loop.schedule(this, Math.max(wait, 0), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shutDown) {
                ticking = false; // the loops are stopping with the transport
            }
        }
    }
}
