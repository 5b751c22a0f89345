package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Dropped messages: the first logged at once at ERROR, then one line per second at most, saying how many were left out. */
class DropLogTest {
    @Test
    void oneLinePerSecondWithTheCountLeftOut() {
        Logger log = (Logger) LoggerFactory.getLogger("test.drops");
        log.setLevel(Level.INFO);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        AtomicLong now = new AtomicLong(1_000_000_000L);
        DropLog drops = new DropLog(log, now::get);
        ReceiveInfo from = new ReceiveInfo(Protocol.UDP, new InetSocketAddress("127.0.0.1", 5555), null, 0);

        drops.dropped(from, "first");
        now.addAndGet(500_000_000L);
        drops.dropped(from, "second");
        drops.dropped(from, "third");
        now.addAndGet(600_000_000L);
        drops.dropped(from, "fourth");

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "core parsing of SIP message failed (127.0.0.1:5555/1): first",
                "core parsing of SIP message failed (127.0.0.1:5555/1): fourth (2 more dropped since the last line)");
        assertThat(lines.list).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.ERROR));
    }
}
