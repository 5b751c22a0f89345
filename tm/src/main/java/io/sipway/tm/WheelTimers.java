package io.sipway.tm;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link Timers}: one hashed timer wheel per event loop, turned by one periodic task
 * on that loop every {@code tickMs}. tm's timers are restarted and canceled far more often than they
 * fire (a retransmission timer armed for every UDP branch and canceled by its first reply): on the
 * wheel an arm or a cancel is a few field writes on the loop's own list, where a task scheduled on
 * the loop itself ({@link LoopTimers}) allocates a future and, as the loop's next deadline moves,
 * re-arms the kernel timer (a system call) each time. A timer fires up to one tick late, never early:
 * Kamailio's own timer ticks too.
 *
 * <p>Each loop's wheel is touched only on that loop (tm arms and cancels on the transaction's
 * loop), so the wheel needs no lock; the map of wheels is the only shared thing.
 */
public final class WheelTimers implements Timers {
    /** Slots of a wheel: a timer further than this many ticks away waits for more turns. */
    private static final int SLOTS = 512;

    private final long tickNanos;
    private final ConcurrentHashMap<EventExecutor, Wheel> wheels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param tickMs how often each wheel turns (Kamailio's timer ticks every 1/16 s; 10 ms here) */
    public WheelTimers(long tickMs) {
        if (tickMs < 1) {
            throw new IllegalArgumentException("tick " + tickMs + " ms");
        }
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMs);
    }

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
        long due = nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMs));
        task.arm(this, due);
        Node n = task.handle() instanceof Node node ? node : new Node(task);
        task.handle(n);
        wheels.computeIfAbsent(task.loop(), this::start).add(n, due);
    }

    @Override
    public void cancel(Task task) {
        task.disarm();
        if (task.handle() instanceof Node n) {
            n.unlink(); // the node stays with the task, for its next arming
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    private Wheel start(EventExecutor loop) {
        Wheel w = new Wheel(nanoTime());
        try {
            loop.scheduleAtFixedRate(w::turn, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shutDown) {
            // the loops are stopping with the transport: nothing will fire
        }
        return w;
    }

    /** A task's place on a wheel: made once per task, linked into a slot while armed. */
    private static final class Node {
        final Task task;
        Node prev;
        Node next;
        long dueTick;

        Node(Task task) {
            this.task = task;
        }

        void unlink() {
            if (prev != null) {
                prev.next = next;
                if (next != null) {
                    next.prev = prev;
                }
                prev = null;
                next = null;
            }
        }
    }

    /** One loop's wheel: slot heads are sentinels, so a node knows how to leave its list alone. */
    private final class Wheel {
        private final Node[] slots = new Node[SLOTS];
        private final long start;
        /** The last tick processed. */
        private long tick;
        /** The nodes of the slot being turned that are due: reused, one turn at a time on the loop. */
        private final java.util.ArrayList<Node> due = new java.util.ArrayList<>();

        Wheel(long start) {
            this.start = start;
            for (int i = 0; i < SLOTS; i++) {
                slots[i] = new Node(null);
            }
        }

        void add(Node n, long dueNanos) {
            // the first tick at or after the due time, and never one already processed
            long dueTick = Math.max(tick + 1, (dueNanos - start + tickNanos - 1) / tickNanos);
            n.dueTick = dueTick;
            Node head = slots[(int) (dueTick % SLOTS)];
            n.prev = head;
            n.next = head.next;
            if (head.next != null) {
                head.next.prev = n;
            }
            head.next = n;
        }

        /**
         * Runs every timer due up to now; one not due yet (a later turn of the wheel) stays. The due
         * ones of a slot are taken off first and run after: a timer's work may cancel or re-arm others
         * of the same slot (Task.run then skips one canceled or re-armed for later).
         */
        void turn() {
            long now = (System.nanoTime() - start) / tickNanos;
            while (tick < now) {
                tick++;
                Node head = slots[(int) (tick % SLOTS)];
                for (Node n = head.next; n != null; n = n.next) {
                    if (n.dueTick <= tick) {
                        due.add(n);
                    }
                }
                for (Node n : due) {
                    n.unlink();
                }
                for (Node n : due) {
                    n.task.run(); // runs fire() when armed and due; it may arm the task again
                }
                due.clear();
            }
        }
    }
}
