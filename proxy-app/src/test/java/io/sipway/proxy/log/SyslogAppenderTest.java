package io.sipway.proxy.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Lines to syslog as glibc's syslog(3) sends them for Kamailio: one datagram each on a unix socket. */
@Timeout(20)
class SyslogAppenderTest {
    private static final long PID = ProcessHandle.current().pid();
    /** 2026-12-07 06:14:38 UTC: the day is padded with a space, as syslog(3) writes it. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T06:14:38Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @BeforeAll
    static void unixSockets() {
        assumeTrue(UnixDatagramSender.available(), "no unix datagram sockets (Netty epoll) on this platform");
    }

    @Test
    void aLineCarriesPriorityTimeIdentAndPidThenKamailiosText() throws Exception {
        try (SyslogReceiver daemon = new SyslogReceiver(dir.resolve("log"))) {
            SyslogAppender syslog = new SyslogAppender(UnixDatagramSender.open(daemon.path().toString()), "kam-test",
                    SyslogFacility.of("LOG_LOCAL0"), CLOCK);
            syslog.start();
            Logger acc = (Logger) LoggerFactory.getLogger("acc");
            syslog.doAppend(new ScriptLog.Line(acc, KamailioLevel.NOTICE, SyslogFacility.DAEMON, "acc [acc.c:287]: acc_log_request(): ",
                    "ACC: call missed: timestamp=1\n"));
            Logger transport = (Logger) LoggerFactory.getLogger("io.sipway.transport.Transport");
            syslog.doAppend(new LoggingEvent("x", transport, Level.WARN, "no connection to {}", null, new Object[] {"x"}));
            Logger xlog = (Logger) LoggerFactory.getLogger("xlog");
            syslog.doAppend(new ScriptLog.Line(xlog, KamailioLevel.CRIT2, SyslogFacility.DEFAULT, "<script>: ", "no newline"));
            syslog.stop();

            // acc's own facility (LOG_DAEMON 3 * 8 + NOTICE 5); the core's LOG_LOCAL0 (16 * 8) for the rest
            assertThat(daemon.next(Duration.ofSeconds(5))).isEqualTo("<29>Dec  7 06:14:38 kam-test[" + PID
                    + "]: NOTICE: acc [acc.c:287]: acc_log_request(): ACC: call missed: timestamp=1\n");
            assertThat(daemon.next(Duration.ofSeconds(5))).isEqualTo("<132>Dec  7 06:14:38 kam-test[" + PID
                    + "]: WARNING: <Transport>: no connection to x\n");
            assertThat(daemon.next(Duration.ofSeconds(5))).isEqualTo("<130>Dec  7 06:14:38 kam-test[" + PID
                    + "]: CRITICAL: <script>: no newline");
        }
    }

    @Test
    void aDaemonThatStartsLaterOrRestartsGetsTheLinesFromThenOn() throws Exception {
        Path path = dir.resolve("late");
        UnixDatagramSender sender = UnixDatagramSender.open(path.toString());
        SyslogAppender syslog = new SyslogAppender(sender, "sipway", SyslogFacility.DAEMON, CLOCK);
        syslog.start();
        Logger xlog = (Logger) LoggerFactory.getLogger("xlog");
        try {
            syslog.doAppend(new ScriptLog.Line(xlog, KamailioLevel.ERR, SyslogFacility.DEFAULT, "<script>: ", "nobody listens\n"));
            awaitDropped(sender, 1);
            SyslogReceiver first = new SyslogReceiver(path);
            syslog.doAppend(new ScriptLog.Line(xlog, KamailioLevel.ERR, SyslogFacility.DEFAULT, "<script>: ", "first\n"));
            assertThat(first.next(Duration.ofSeconds(5))).endsWith(": ERROR: <script>: first\n");
            first.close(); // the daemon stops: its socket is gone
            syslog.doAppend(new ScriptLog.Line(xlog, KamailioLevel.ERR, SyslogFacility.DEFAULT, "<script>: ", "while it is down\n"));
            awaitDropped(sender, 2);
            try (SyslogReceiver second = new SyslogReceiver(path)) {
                syslog.doAppend(new ScriptLog.Line(xlog, KamailioLevel.ERR, SyslogFacility.DEFAULT, "<script>: ", "again\n"));
                assertThat(second.next(Duration.ofSeconds(5))).endsWith(": ERROR: <script>: again\n");
            }
        } finally {
            syslog.stop();
        }
    }

    private static void awaitDropped(UnixDatagramSender sender, long n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (sender.dropped() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(sender.dropped()).as("lines nobody could receive").isEqualTo(n);
    }
}
