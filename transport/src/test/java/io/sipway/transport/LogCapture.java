package io.sipway.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What the transport's loggers print while a test runs (all of io.sipway.transport, DEBUG included). */
final class LogCapture implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.sipway.transport");
    private final Level before = logger.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.start();
        logger.addAppender(appender);
    }

    /** Lines at {@code level} that contain {@code text}. */
    List<String> lines(Level level, String text) {
        synchronized (appender) { // AppenderBase appends under its own lock
            return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains(text)).toList();
        }
    }

    /** WARN lines containing {@code text}. */
    List<String> warnings(String text) {
        return lines(Level.WARN, text);
    }

    /** Lets DEBUG lines through to this capture, and only to it (the console stays quiet while it lasts). */
    LogCapture withDebug() {
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
        return this;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(before);
        logger.setAdditive(true);
    }
}
