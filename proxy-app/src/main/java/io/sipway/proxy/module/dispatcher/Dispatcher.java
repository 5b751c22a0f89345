package io.sipway.proxy.module.dispatcher;

import io.sipway.cfg.CompiledScript;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.db.Database;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher of one running proxy: its settings, the sets loaded now, reloads, and the state
 * changes of destinations with the event routes they run (Kamailio's dispatch.c: ds_reload,
 * ds_update_state, ds_reinit_state, ds_run_route).
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.dispatcher");

    private final Clock clock;
    private final AtomicReference<DsLists> lists = new AtomicReference<>(DsLists.EMPTY);
    private volatile DsSettings settings;
    private volatile DsLoader loader;
    private volatile Database db;
    private volatile CompiledScript.Entry dstDown;
    private volatile CompiledScript.Entry dstUp;
    /** Kamailio's faked message with the destination as R-URI, for the event routes probing runs. */
    private volatile java.util.function.Function<String, MsgContext> faked = uri -> null;
    /** Where an event route that may wait runs when the state changed on an event loop (which must not wait). */
    private volatile java.util.concurrent.Executor offLoop = Runnable::run;
    /** When the last reload started (ms); 0 before the first: reloads closer than reload_delta are refused. */
    private long reloadTime;

    /** What $dsv(...) reads while event_route[dispatcher:dst-*] runs (Kamailio's ds_rctx_t), per thread. */
    record Event(int code, String reason, int flags, String uri, int setid) {
    }

    private static final ThreadLocal<Event> EVENT = new ThreadLocal<>();

    Dispatcher(Clock clock) {
        this.clock = clock;
    }

    /** mod_init: the settings, the first load (the proxy does not start when it fails), the event routes. */
    void start(DsSettings s, DsLoader l, Database database, CompiledScript script,
               java.util.function.Function<String, MsgContext> fakedMessage, java.util.concurrent.Executor waiting)
            throws DsLoader.LoadException {
        faked = fakedMessage;
        offLoop = waiting;
        settings = s;
        loader = l;
        db = database;
        dstDown = script == null ? null : script.entry(io.sipway.cfg.Ast.RouteType.EVENT, "dispatcher:dst-down");
        dstUp = script == null ? null : script.entry(io.sipway.cfg.Ast.RouteType.EVENT, "dispatcher:dst-up");
        lists.set(load());
    }

    DsSettings settings() {
        return settings;
    }

    /** Algorithm 10's call load (ds_hash_size above 0), or null. */
    private volatile CallLoad callLoad;

    CallLoad callLoad() {
        return callLoad;
    }

    void callLoad(CallLoad load) {
        callLoad = load;
    }

    DsLists lists() {
        return lists.get();
    }

    private DsLists load() throws DsLoader.LoadException {
        return db != null ? loader.loadDb(db) : loader.loadFile();
    }

    /**
     * dispatcher.reload and ds_reload(): reads the sets again and swaps them in; refused while an
     * earlier reload is younger than reload_delta seconds ("ongoing reload"). Blocks (file, DNS,
     * database): never called on an event loop.
     */
    void reload() throws ReloadRefused, DsLoader.LoadException {
        synchronized (this) {
            long now = clock.millis();
            if (reloadTime != 0 && reloadTime > now - settings.reloadDelta() * 1000L) {
                throw new ReloadRefused();
            }
            reloadTime = now;
        }
        lists.set(load());
        LOG.debug("reloaded dispatcher");
    }

    /** A reload asked too soon after the last one. */
    static final class ReloadRefused extends Exception {
        private static final long serialVersionUID = 1L;

        ReloadRefused() {
            super("Ongoing reload");
        }
    }

    /** The index of the destination with that URI (compared ignoring case, as Kamailio does) in the set, or -1. */
    static int indexOf(DsSet set, String uri) {
        for (int i = 0; i < set.dests.length; i++) {
            if (set.dests[i].uri.equalsIgnoreCase(uri)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * ds_update_state: sets the state of the destination {@code uri} of set {@code group}; with
     * {@code mode} 1 (ds_mark_dst, ds_mark_addr) a trying destination is inactive at once, with 0
     * (probing) after ds_probing_threshold failures, and an inactive one needs
     * ds_inactive_threshold good replies to be active again. A destination that becomes unusable runs
     * event_route[dispatcher:dst-down], usable again event_route[dispatcher:dst-up], with the message
     * being handled (null: none). Returns false when there is no such set or destination.
     */
    boolean updateState(MsgContext msg, int group, String uri, int state, int mode, Event event) {
        DsSet set = lists.get().set(group);
        if (set == null) {
            LOG.error("destination set [{}] not found", group);
            return false;
        }
        int i = indexOf(set, uri);
        if (i < 0) {
            return false;
        }
        Destination d = set.dests[i];
        int oldState;
        int newState;
        synchronized (set) {
            oldState = d.flags;
            d.flags &= ~Destination.STATES_ALL;
            int initState = state;
            if ((state & Destination.TRYING) != 0 && (oldState & Destination.INACTIVE) != 0) {
                // an inactive destination goes to active first, then to trying
                state = (state & ~Destination.TRYING) | Destination.INACTIVE;
            }
            d.flags |= (state & Destination.DISABLED) != 0 ? Destination.DISABLED : state;
            if ((state & Destination.TRYING) != 0) {
                d.probingCount++;
                if (mode == 1 || d.probingCount >= settings.probingThreshold()) {
                    d.flags = (d.flags & ~Destination.TRYING) | Destination.INACTIVE;
                    d.probingCount = 0;
                }
            } else if ((initState & Destination.TRYING) == 0 && (oldState & Destination.INACTIVE) != 0) {
                d.probingCount++;
                if (mode == 0 && d.probingCount < settings.inactiveThreshold()) {
                    d.flags |= Destination.INACTIVE | (oldState & Destination.PROBING);
                } else {
                    d.probingCount = 0;
                }
            } else {
                d.probingCount = 0;
            }
            newState = d.flags;
        }
        boolean down = !Destination.skipped(oldState) && Destination.skipped(newState);
        boolean up = Destination.skipped(oldState) && !Destination.skipped(newState);
        if (down || up) {
            if (d.attrs.rweight() > 0) {
                set.initRelativeWeights();
            }
            runEvent(down ? dstDown : dstUp, msg != null ? msg : faked.apply(uri), event);
        }
        return true;
    }

    /** ds_get_state: the flags of the destination {@code uri} of set {@code group}; 0 when there is none. */
    int state(int group, String uri) {
        DsSet set = lists.get().set(group);
        int i = set == null ? -1 : indexOf(set, uri);
        return i < 0 ? 0 : set.flags(i);
    }

    /** ds_reinit_state (dispatcher.set_state): sets the state bits as given, no counting and no event route. */
    static void reinitState(DsSet set, Destination d, int state) {
        int old;
        synchronized (set) {
            old = d.flags;
            d.flags = (d.flags & ~Destination.STATES_ALL) | state;
        }
        if (d.attrs.rweight() > 0 && Destination.skipped(old) != Destination.skipped(state)) {
            set.initRelativeWeights();
        }
    }

    private void runEvent(CompiledScript.Entry route, MsgContext msg, Event event) {
        if (route == null || msg == null) {
            return;
        }
        // Kamailio runs it on the message being handled; here on a copy of its state, since running a
        // route resets the language state of the context, and the route that called ds_mark_dst goes on
        MsgContext ev = new MsgContext(msg.msg, msg.from);
        ev.inheritChanges(msg);
        ev.du = msg.du;
        ev.st = msg.st;
        ev.reply = msg.reply;
        ev.shareVarsWith(msg);
        Runnable run = () -> {
            Event before = EVENT.get();
            EVENT.set(event);
            try {
                route.run(ev);
            } finally {
                EVENT.set(before);
            }
        };
        if (route.mayWait() && Thread.currentThread() instanceof io.netty.util.concurrent.FastThreadLocalThread) {
            offLoop.execute(run); // Kamailio runs it before ds_mark_dst returns; here it must not hold up the loop
        } else {
            run.run();
        }
    }

    /** The event being routed on this thread, for $dsv; null outside event_route[dispatcher:*]. */
    static Event event() {
        return EVENT.get();
    }
}
