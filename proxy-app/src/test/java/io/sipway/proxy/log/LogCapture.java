package io.sipway.proxy.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * The lines a logger prints, as standard error shows them without the {@code " 0(pid) "} in front
 * ({@code "NOTICE: {prefix}acc [acc.c:287]: ...\n"}). Each line is laid out when it is logged, on
 * the thread that logs it, so its {@code log_prefix} is the one of the message that thread is
 * processing.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Logger logger;
    private final List<String> lines = new ArrayList<>();

    /** Starts capturing the lines of logger {@code name} ("acc", "xlog"; "ROOT" for all). */
    public LogCapture(String name) {
        this.logger = (Logger) LoggerFactory.getLogger(name);
        setContext(logger.getLoggerContext());
        setName("capture");
        start();
        logger.addAppender(this);
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        StringBuilder b = new StringBuilder();
        KamailioLayout.body(event, b);
        lines.add(b.toString());
        notifyAll();
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The first line matching {@code p} within {@code wait}, or null. */
    public synchronized String await(Predicate<String> p, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            for (String l : lines) {
                if (p.test(l)) {
                    return l;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** The lines matching {@code p}, now. */
    public synchronized List<String> matching(Predicate<String> p) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (p.test(l)) {
                out.add(l);
            }
        }
        return out;
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
    }
}
