package io.sipway.proxy.cluster;

import io.sipway.proxy.gateway.WsSipClient;
import io.sipway.sip.SipMessage;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A browser running a SIP-over-WebSocket UA, as JsSIP behaves towards a set of edge proxies: it
 * connects to one, registers (its Contact made once, kept across reconnects), answers calls by
 * itself, and when its connection drops it connects to the next edge and registers again. The test
 * drives it ({@link #maintain}); it starts no thread of its own.
 */
final class Browser implements AutoCloseable {
    static final String DOMAIN = "sipway.test";

    final String user;
    private final List<URI> edges;
    private final String host = UUID.randomUUID().toString().substring(0, 12) + ".invalid";
    private final int expires;
    private int edge;
    private int cseq = 1;
    private volatile WsSipClient client;
    private volatile boolean registered;
    private long registeredAt;
    private int answeredBefore;

    /** A browser of {@code user} that first connects to {@code edges.get(first)}, registering for {@code expires} seconds. */
    Browser(String user, List<URI> edges, int first, int expires) {
        this.user = user;
        this.edges = edges;
        this.edge = first;
        this.expires = expires;
    }

    /**
     * What a UA's timer does: reconnect (to the next edge) when the connection is gone, register when
     * not registered or when half the expiry has passed. Returns whether it is registered now.
     */
    synchronized boolean maintain(long nowMillis) {
        WsSipClient c = client;
        if (c == null || !c.isOpen()) {
            if (c != null) {
                answeredBefore += c.answeredCalls();
                cseq = c.nextCseq();
                edge = (edge + 1) % edges.size(); // the edge went away: the next one
                client = null;
            }
            registered = false;
            try {
                c = new WsSipClient(edges.get(edge), user, DOMAIN, host, cseq);
            } catch (IllegalStateException e) {
                client = null;
                edge = (edge + 1) % edges.size(); // that one does not take connections: the next turn tries the next
                return false;
            }
            c.autoAnswer();
            client = c;
        }
        if (registered && nowMillis - registeredAt < expires * 500L) {
            return true;
        }
        try {
            SipMessage r = c.register(expires, Duration.ofSeconds(5));
            registered = r.statusCode() == 200;
            if (registered) {
                registeredAt = nowMillis;
            }
        } catch (AssertionError e) {
            registered = false; // no answer: the next turn tries again
        }
        return registered;
    }

    /** The edge it is connected to now (its index in the list). */
    synchronized int edge() {
        return edge;
    }

    /** Whether its connection is up, as far as it knows. */
    boolean connected() {
        WsSipClient c = client;
        return c != null && c.isOpen();
    }

    boolean registered() {
        return registered;
    }

    /** Calls this browser answered, over all its connections. */
    synchronized int answered() {
        WsSipClient c = client;
        return answeredBefore + (c == null ? 0 : c.answeredCalls());
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.abort();
        }
    }
}
