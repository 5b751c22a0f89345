package io.sipway.proxy.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.slf4j.LoggerFactory;

/**
 * Lines the script and Kamailio's modules print with a Kamailio level of their own (xlog's
 * {@code L_NOTICE}, acc's records): Kamailio's LOG_FX. The caller has compared the level with
 * {@code debug=} already; the line goes to the appenders of its logger (stderr or syslog, see
 * {@link LogSinks}) with its level, its facility and its component ({@code "<script>: "},
 * {@code "acc [acc.c:287]: acc_log_request(): "}), the text exactly as given: Kamailio prints no
 * newline the text does not end with.
 */
public final class ScriptLog {
    private final Logger logger;

    /** Lines of logger {@code name} ("xlog", "acc"): what a test or an appender filters on. */
    public ScriptLog(String name) {
        this.logger = LoggerFactory.getLogger(name) instanceof Logger l ? l : null;
    }

    /** Prints {@code text} at {@code level} with {@code facility} ({@link SyslogFacility#DEFAULT}: the core's). */
    public void print(KamailioLevel level, int facility, String component, String text) {
        print(level, null, facility, component, text);
    }

    /** The same with a name of its own in place of the level's ({@code "exec"}: the debugger's log_level_name); null: the level's. */
    public void print(KamailioLevel level, String label, int facility, String component, String text) {
        if (logger != null) {
            logger.callAppenders(new Line(logger, level, label, facility, component, text));
        }
    }

    /** One such line: a logback event that knows its Kamailio level, facility and component. */
    static final class Line extends LoggingEvent {
        private final KamailioLevel level;
        private final int facility;
        private final String component;
        private final String label;

        Line(Logger logger, KamailioLevel level, int facility, String component, String text) {
            this(logger, level, null, facility, component, text);
        }

        Line(Logger logger, KamailioLevel level, String label, int facility, String component, String text) {
            super(ScriptLog.class.getName(), logger, level.logback(), text, null, null);
            this.level = level;
            this.label = label;
            this.facility = facility;
            this.component = component;
        }

        KamailioLevel kamailioLevel() {
            return level;
        }

        int facility() {
            return facility;
        }

        /** What the line says its level is: the level's label unless a name was given. */
        String label() {
            return label != null ? label : level.label();
        }

        String component() {
            return component;
        }
    }
}
