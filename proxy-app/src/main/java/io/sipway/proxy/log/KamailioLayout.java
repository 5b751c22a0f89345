package io.sipway.proxy.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;

/**
 * A log line as Kamailio writes it to standard error (log_stderror=yes, -E):
 * {@code " 0(pid) LEVEL: <prefix><component>: message"}. The prefix is {@code log_prefix} evaluated
 * on the message being processed ({@link LogPrefix}); the component is {@code <script>} for xlog,
 * Kamailio's module text for module records (acc), {@code <Class>} for Sipway's own lines. To
 * syslog the line goes without the {@code " 0(pid) "} ({@link #body}).
 */
public final class KamailioLayout extends LayoutBase<ILoggingEvent> {
    private final String process = " 0(" + ProcessHandle.current().pid() + ") ";

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder b = new StringBuilder(160).append(process);
        body(event, b);
        return b.toString();
    }

    /** The line after the process: level, prefix, component, text (Sipway's own lines end with a newline, as Kamailio's do). */
    static void body(ILoggingEvent event, StringBuilder b) {
        if (event instanceof ScriptLog.Line line) {
            b.append(line.label()).append(": ").append(LogPrefix.current()).append(line.component())
                    .append(line.getMessage());
            return;
        }
        b.append(levelOf(event).label()).append(": ").append(LogPrefix.current()).append('<').append(component(event.getLoggerName()))
                .append(">: ").append(event.getFormattedMessage()).append('\n');
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            b.append(ThrowableProxyUtil.asString(thrown)).append('\n');
        }
    }

    static KamailioLevel levelOf(ILoggingEvent event) {
        return event instanceof ScriptLog.Line line ? line.kamailioLevel() : KamailioLevel.ofLogback(event.getLevel());
    }

    /** The logger's last name ({@code Transport}); the xlog logger speaks as {@code script}, as Kamailio's xlog does. */
    private static String component(String logger) {
        String last = logger.substring(logger.lastIndexOf('.') + 1);
        return last.equals("xlog") ? "script" : last;
    }
}
