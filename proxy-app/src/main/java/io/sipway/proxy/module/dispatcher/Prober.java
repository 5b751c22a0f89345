package io.sipway.proxy.module.dispatcher;

import io.sipway.transport.SendSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probing (Kamailio's ds_check_timer, ds_ping_set, ds_options_callback): every ds_ping_interval
 * seconds an OPTIONS (ds_ping_method) to each destination that ds_probing_mode says to ping; a
 * 2xx, or a code of ds_ping_reply_codes, makes it active (after ds_inactive_threshold good
 * replies when it was inactive); another reply, a timeout (408) or a send that fails makes it
 * trying, and inactive after ds_probing_threshold of them. The timer only hands the pings to tm,
 * which sends them without waiting; replies are handled on the prober's own thread, where the
 * event routes run on Kamailio's faked message.
 */
final class Prober implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.dispatcher");

    static final int PROBE_NONE = 0;
    static final int PROBE_ALL = 1;
    static final int PROBE_INACTIVE = 2;
    static final int PROBE_ONLYFLAGGED = 3;

    /** Sends one ping and calls back with the final code (408 on a timeout) and reason, from any thread; false when it cannot be sent. */
    interface Sender {
        boolean send(String method, String uri, String from, String obproxy, SendSocket socket, Reply done);
    }

    interface Reply {
        void onReply(int code, String reason, boolean replied);
    }

    private final Dispatcher ds;
    private final Sender sender;
    private final ScheduledExecutorService thread;
    private volatile boolean active = true;

    Prober(Dispatcher ds, Sender sender) {
        this.ds = ds;
        this.sender = sender;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sipway-dispatcher-ping");
            t.setDaemon(true);
            return t;
        });
    }

    void start(int intervalSeconds) {
        thread.scheduleWithFixedDelay(this::pingAll, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    /** dispatcher.ping_active: pinging on (1) or off (0); the old value. */
    int active(int v) {
        int old = active ? 1 : 0;
        if (v >= 0) {
            active = v != 0;
        }
        return old;
    }

    boolean active() {
        return active;
    }

    /** ds_ping_result_helper: whether this destination is pinged in the probing mode. */
    static boolean pinged(int flags, int mode) {
        if (mode == PROBE_ALL) {
            return true;
        }
        if (mode != PROBE_INACTIVE && (flags & Destination.PROBING) != 0) {
            return true;
        }
        return mode == PROBE_INACTIVE && (flags & Destination.PROBING) != 0 && (flags & Destination.INACTIVE) != 0;
    }

    void pingAll() {
        if (!active) {
            return;
        }
        DsSettings s = ds.settings();
        for (DsSet set : ds.lists().sets()) {
            for (int j = 0; j < set.dests.length; j++) {
                Destination d = set.dests[j];
                int flags = set.flags(j);
                if ((flags & (Destination.DISABLED | Destination.NO_PING | Destination.NO_DNS)) != 0 || !pinged(flags, s.probingMode())) {
                    continue;
                }
                String from = d.attrs.pingFrom() != null && !d.attrs.pingFrom().isEmpty() ? d.attrs.pingFrom() : s.pingFrom();
                String obproxy = d.attrs.obproxy() != null && !d.attrs.obproxy().isEmpty() ? d.attrs.obproxy() : s.outboundProxy();
                int setid = set.id;
                boolean sent;
                try {
                    sent = sender.send(s.pingMethod(), d.uri, from, obproxy, d.socket,
                            (code, reason, replied) -> thread.execute(() -> replied(setid, d.uri, code, reason, replied)));
                } catch (RuntimeException e) {
                    sent = false;
                }
                if (!sent) {
                    LOG.error("unable to ping [{}] in group [{}]", d.uri, setid);
                    if ((set.flags(j) & Destination.DISABLED) == 0) {
                        int state = Destination.TRYING | (s.probingMode() != PROBE_NONE ? Destination.PROBING : 0);
                        ds.updateState(null, setid, d.uri, state, 0, new Dispatcher.Event(500, "Sending keepalive failed", 0, d.uri, setid));
                    }
                }
            }
        }
    }

    /** ds_options_callback. */
    void replied(int setid, String uri, int code, String reason, boolean replied) {
        DsSettings s = ds.settings();
        int now = ds.state(setid, uri);
        if (s.probingMode() == PROBE_ONLYFLAGGED && (now & Destination.PROBING) == 0) {
            return;
        }
        Dispatcher.Event ev = new Dispatcher.Event(code, replied ? reason : null, replied ? 1 : 0, uri, setid);
        int state;
        if ((code >= 200 && code <= 299) || s.pingReplyCodes().accepts(code)) {
            state = s.probingMode() == PROBE_ALL || (s.probingMode() == PROBE_ONLYFLAGGED && (now & Destination.PROBING) != 0)
                    ? Destination.PROBING : 0;
        } else {
            state = Destination.TRYING | (s.probingMode() != PROBE_NONE ? Destination.PROBING : 0);
        }
        if ((ds.state(setid, uri) & Destination.DISABLED) == 0) {
            ds.updateState(null, setid, uri, state, 0, ev);
        }
    }

    /** ds_ping_reply_codes: "class=2;code=403;code=488;class=3". */
    record ReplyCodes(List<Integer> codes) {
        static ReplyCodes parse(String text) {
            List<Integer> out = new ArrayList<>();
            for (String pair : text.split(";")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                long v = Destination.Attrs.number(pair.substring(eq + 1));
                if (name.equals("code") && v >= 100 && v < 700 || name.equals("class") && v >= 1 && v < 7) {
                    out.add((int) v);
                }
            }
            return new ReplyCodes(List.copyOf(out));
        }

        boolean accepts(int code) {
            for (int c : codes) {
                if (c / 10 != 0 ? c == code : c == code / 100) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
