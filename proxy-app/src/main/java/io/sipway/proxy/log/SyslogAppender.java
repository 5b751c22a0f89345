package io.sipway.proxy.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Kamailio's lines to syslog (log_stderror=no, the default without -E), as glibc's syslog(3) sends
 * them to {@code /dev/log} after Kamailio's {@code openlog(log_name, LOG_PID, log_facility)}:
 * {@code <PRI>Mmm dd hh:mm:ss ident[pid]: LEVEL: <prefix><component>: message} in one datagram
 * (RFC 3164 without the host name, local time), PRI being the facility times 8 plus the level's
 * severity. A line with a facility of its own (acc's {@code log_facility}, xlog's first argument)
 * goes with it; the others with the core's.
 */
final class SyslogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

    private final UnixDatagramSender sender;
    private final String ident;
    private final int facility;
    private final Clock clock;

    /**
     * @param ident    {@code log_name}, the program's name when unset
     * @param facility the core's {@code log_facility}
     * @param clock    the time stamps' clock (the system's, in its time zone)
     */
    SyslogAppender(UnixDatagramSender sender, String ident, int facility, Clock clock) {
        this.sender = sender;
        this.ident = ident + "[" + ProcessHandle.current().pid() + "]: ";
        this.facility = facility;
        this.clock = clock;
        setName("syslog");
    }

    @Override
    protected void append(ILoggingEvent event) {
        int f = event instanceof ScriptLog.Line line && line.facility() != SyslogFacility.DEFAULT ? line.facility() : facility;
        StringBuilder b = new StringBuilder(192).append('<').append(f * 8 + KamailioLayout.levelOf(event).severity()).append('>')
                .append(STAMP.format(ZonedDateTime.now(clock))).append(' ').append(ident);
        KamailioLayout.body(event, b);
        sender.send(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void stop() {
        super.stop();
        sender.close();
    }
}
