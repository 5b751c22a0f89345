package io.sipway.tm;

/** tm's notion of now: {@link System#nanoTime()} in production, virtual time in tests. */
@FunctionalInterface
public interface Clock {
    long nanoTime();
}
