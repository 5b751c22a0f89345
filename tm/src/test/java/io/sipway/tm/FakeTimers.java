package io.sipway.tm;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Virtual time for tm's tests: nothing runs until {@link #advance}, which lets every task that falls
 * due run, in order of due time (then of scheduling), moving the clock to each one as it goes. A
 * task runs at once when the advancing thread is on its loop (always, for a layer without loops),
 * else it is queued on its loop, as a production timer fires onto the transaction's event loop.
 */
final class FakeTimers implements Timers {
    private record Entry(long due, long seq, Task task) {
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>(
            Comparator.comparingLong(Entry::due).thenComparingLong(Entry::seq));
    private long now;
    private long seq;

    @Override
    public long nanoTime() {
        return now;
    }

    /** Milliseconds since the test started. */
    long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(now);
    }

    @Override
    public void schedule(Task task, long delayMs) {
        cancel(task);
        Entry e = new Entry(now + TimeUnit.MILLISECONDS.toNanos(delayMs), seq++, task);
        task.arm(this, e.due());
        task.handle(e);
        queue.add(e);
    }

    @Override
    public void cancel(Task task) {
        task.disarm();
        if (task.handle() instanceof Entry e) {
            queue.remove(e);
            task.handle(null);
        }
    }

    /** Lets {@code ms} milliseconds pass, running what falls due on the way. */
    void advance(long ms) {
        advanceTo(now + TimeUnit.MILLISECONDS.toNanos(ms));
    }

    /** Lets time pass up to {@code ms} since the start. */
    void advanceToMs(long ms) {
        advanceTo(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    private void advanceTo(long end) {
        while (!queue.isEmpty() && queue.peek().due() <= end) {
            Entry e = queue.poll();
            now = e.due();
            Task t = e.task();
            if (t.loop().inEventLoop()) {
                t.run();
            } else {
                t.loop().execute(t); // fired onto the transaction's loop: it runs when that loop does
            }
        }
        now = Math.max(now, end);
    }

    /** Tasks waiting to run. */
    int pending() {
        return queue.size();
    }
}
