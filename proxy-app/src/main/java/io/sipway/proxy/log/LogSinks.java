package io.sipway.proxy.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Where the running proxy's lines go, as Kamailio decides it: standard error with {@code -E} or
 * {@code log_stderror=yes} (what logback.xml sets up, and what runs until the script is loaded),
 * syslog otherwise. The syslog socket is {@code /dev/log}; the system property
 * {@code sipway.syslog.socket} names another (the tests' own socket).
 */
public final class LogSinks {
    /** The program name syslog lines carry when the script sets no {@code log_name} (Kamailio's is its argv[0]). */
    public static final String PROGRAM = "sipway";
    static final String SOCKET_PROPERTY = "sipway.syslog.socket";

    private LogSinks() {
    }

    /**
     * Sends every line to syslog unless {@code stderrFlag} (-E) or the script's log_stderror keeps
     * them on standard error. Returns what the operator is told about it, or null when nothing changed.
     */
    public static String apply(LogSettings settings, boolean stderrFlag) {
        if (stderrFlag || settings.stderr() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return null;
        }
        String path = System.getProperty(SOCKET_PROPERTY, "/dev/log");
        if (!UnixDatagramSender.available()) {
            return "sipway: no syslog on this platform (no unix datagram sockets): logging to standard error";
        }
        String ident = settings.name() != null ? settings.name() : PROGRAM;
        UnixDatagramSender sender;
        try {
            sender = UnixDatagramSender.open(path);
        } catch (RuntimeException e) {
            return "sipway: cannot log to syslog (" + e.getMessage() + "): logging to standard error";
        }
        SyslogAppender syslog = new SyslogAppender(sender, ident, settings.facility(), Clock.systemDefaultZone());
        syslog.setContext(context);
        syslog.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> before = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            before.add(it.next());
        }
        root.addAppender(syslog);
        for (Appender<ILoggingEvent> a : before) {
            root.detachAppender(a);
            a.stop();
        }
        return "sipway: logging to syslog (" + path + ") as " + ident + "; -E or log_stderror=yes logs to standard error";
    }

    /** Sends what syslog still has queued (at exit). */
    public static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("syslog") instanceof SyslogAppender s) {
            s.stop();
        }
    }
}
