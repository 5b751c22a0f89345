package io.sipway.transport;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who makes room when tcp_max_connections is reached. Kamailio refuses the new connection, so a
 * few thousand idle connections keep every real caller out until their lifetime ends. Here the
 * oldest accepted connection that has not yet carried a SIP message (still in its TLS handshake or
 * WebSocket upgrade, or silent) is closed instead, and counted; only when every connection has
 * carried SIP is the new one refused. Connections this proxy opened are never chosen.
 */
final class Eviction {
    private static final Logger LOG = LoggerFactory.getLogger(Eviction.class);

    /** Accepted connections that carried no SIP message yet, oldest first. Guarded by this. */
    private final LinkedHashSet<Connection> unproven = new LinkedHashSet<>();
    private final ConnectionTable table;
    private final ConnectionStats stats;
    private final AtomicBoolean told = new AtomicBoolean();

    Eviction(ConnectionTable table, ConnectionStats stats) {
        this.table = table;
        this.stats = stats;
    }

    /** A connection was accepted: it may be evicted until it carries a SIP message. */
    synchronized void accepted(Connection c) {
        unproven.add(c);
    }

    /** A SIP message arrived on {@code c}: it is kept from now on. Cheap after the first time. */
    void carriedSip(Connection c) {
        if (c != null && !c.carriedSip) {
            c.carriedSip = true;
            synchronized (this) {
                unproven.remove(c);
            }
        }
    }

    synchronized void closed(Connection c) {
        unproven.remove(c);
    }

    /**
     * Closes the oldest connection that never carried SIP, for one that arrives while the table
     * holds {@code max}; false when there is none (every connection carried SIP).
     */
    boolean makeRoom(int max) {
        Connection victim = oldest();
        if (victim == null) {
            return false;
        }
        stats.add(ConnectionStats.Event.EVICTED);
        if (told.compareAndSet(false, true)) {
            LOG.warn("tcp_max_connections={} reached: closing {}, which has carried no SIP message, for a new connection"
                    + " (the oldest such goes each time; counted as evicted, logged at debug from now on)", max, victim);
        } else {
            LOG.debug("tcp_max_connections={} reached: closing {}, which has carried no SIP message", max, victim);
        }
        table.remove(victim); // the room is free now, not when the close is done
        if (victim.handle instanceof io.netty.channel.Channel ch) {
            Closing.now(ch);
        }
        return true;
    }

    private synchronized Connection oldest() {
        for (Iterator<Connection> it = unproven.iterator(); it.hasNext(); ) {
            Connection c = it.next();
            it.remove();
            if (c.isOpen()) {
                return c;
            }
        }
        return null;
    }
}
