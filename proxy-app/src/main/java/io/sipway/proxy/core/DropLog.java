package io.sipway.proxy.core;

import io.sipway.transport.ReceiveInfo;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The log of messages the core could not read and dropped. Kamailio writes an ERROR line for each
 * ("core parsing of SIP message failed (ip:port/proto)", "required headers not found in request");
 * Sipway writes the first at ERROR at once and then at most one per {@link #INTERVAL_NANOS}, saying how
 * many it left out, so a flood of garbage cannot flood the log. Every drop also goes out at DEBUG.
 */
final class DropLog {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Logger log;
    private final LongSupplier nanoTime;
    /** When the next ERROR line may be written. */
    private final AtomicLong nextLineAt;
    private final AtomicLong leftOut = new AtomicLong();

    DropLog(Logger log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
        this.nextLineAt = new AtomicLong(nanoTime.getAsLong());
    }

    /** A message from {@code from} was dropped because {@code why}. */
    void dropped(ReceiveInfo from, String why) {
        String where = from.source().getAddress().getHostAddress() + ":" + from.source().getPort() + "/"
                + from.protocol().kamailioId();
        log.debug("core parsing of SIP message failed ({}): {}", where, why);
        long now = nanoTime.getAsLong();
        long at = nextLineAt.get();
        if (now - at < 0 || !nextLineAt.compareAndSet(at, now + INTERVAL_NANOS)) {
            leftOut.incrementAndGet();
            return;
        }
        long others = leftOut.getAndSet(0);
        if (others == 0) {
            log.error("core parsing of SIP message failed ({}): {}", where, why);
        } else {
            log.error("core parsing of SIP message failed ({}): {} ({} more dropped since the last line)", where, why, others);
        }
    }
}
