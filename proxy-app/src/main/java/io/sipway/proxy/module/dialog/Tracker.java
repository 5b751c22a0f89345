package io.sipway.proxy.module.dialog;

import io.sipway.cfg.CompiledScript;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.TransactionObserver;
import io.sipway.sip.Address;
import io.sipway.sip.SipMessage;
import io.sipway.tm.ServerTransaction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dialog tracking (dlg_handlers.c): dialogs are created by dlg_manage() or by the {@code dlg_flag}
 * on an initial INVITE's transaction (dlg_new_dialog), driven by that transaction's replies
 * (dlg_onreply: 1xx early, 2xx confirmed, 3xx-6xx deleted) and by the requests inside them
 * ({@link Sequential}: matched when loose_route() routes through our Record-Route, its {@code did}
 * parameter, or when dlg_manage() sees a To tag, Call-ID and tags). A confirmed dialog whose timeout fires is
 * ended: with {@code send_bye} (or {@code $dlg_ctx(timeout_bye)}) by a BYE to each side
 * ({@link Byes}), else only removed (dlg_ontimeout). A dialog that ended is freed (its profiles
 * left) after tm's wt_timer, as Kamailio frees it when the last transaction holding it dies.
 */
final class Tracker implements TransactionObserver {
    private static final Logger LOG = LoggerFactory.getLogger("dialog");

    final Core core;
    final DialogTable table;
    final Clock clock;
    /** The dialog-timer thread, made when the module starts (check mode makes none). */
    volatile ScheduledExecutorService timer;
    volatile DialogSettings settings = DialogSettings.DEFAULTS;
    volatile Profiles profiles = Profiles.NONE;
    final Byes byes;
    final DialogEvents events;
    final Sequential sequential;

    Tracker(Core core, DialogTable table, Clock clock) {
        this.core = core;
        this.table = table;
        this.clock = clock;
        this.byes = new Byes(this);
        this.sequential = new Sequential(this);
        this.events = new DialogEvents(core);
    }

    void start(DialogSettings s, Profiles p, CompiledScript script, ScheduledExecutorService timer) {
        this.timer = timer;
        settings = s;
        profiles = p;
        events.attach(script);
        if (s.stats()) {
            java.util.Map<String, java.util.concurrent.atomic.LongAdder> m = new java.util.HashMap<>();
            for (String name : STATS) {
                m.put(name, core.statistic("dialog:" + name));
            }
            stats = m;
        }
    }

    long now() {
        return clock.millis() / 1000;
    }

    /** The module's statistics (enable_stats), resolved when it starts; null when off. */
    private volatile java.util.Map<String, java.util.concurrent.atomic.LongAdder> stats;
    static final String[] STATS = {"active_dialogs", "early_dialogs", "processed_dialogs", "expired_dialogs", "failed_dialogs"};

    void count(String stat, long by) {
        java.util.Map<String, java.util.concurrent.atomic.LongAdder> m = stats;
        if (m != null) {
            m.get(stat).add(by);
        }
    }

    /** $DLG_count: the dialogs confirmed and not ended (active_dialogs), 0 without statistics. */
    long active() {
        java.util.Map<String, java.util.concurrent.atomic.LongAdder> m = stats;
        return m == null ? 0 : m.get("active_dialogs").sum();
    }

    // ---- creation ------------------------------------------------------------------------------

    /** dlg_manage(): an initial INVITE makes a dialog; a request with a To tag is matched by Call-ID and tags. */
    long manage(MsgContext m) {
        String toTag = m.msg.toTag();
        if (toTag != null && !toTag.isEmpty()) {
            sequential.onRoute(m, null, DialogSettings.MATCH_NO_ID);
            return 1;
        }
        if (newDialog(m) != 0) {
            return -1;
        }
        DlgCtx c = DlgCtx.of(m);
        if (c.dlg == null) {
            return -1;
        }
        if (m.st != null) {
            attach(c.dlg, m.st); // the transaction exists already (t_newtran before dlg_manage)
        }
        return 1;
    }

    /** dlg_new_dialog: 0 made (or a spiral of one), -1 not (no INVITE, a To tag, a dialog already). */
    int newDialog(MsgContext m) {
        DlgCtx c = DlgCtx.of(m);
        if (c.dlg != null || !m.msg.isRequest() || !m.msg.methodName().equals("INVITE")) {
            return -1;
        }
        String toTag = m.msg.toTag();
        String fromTag = m.msg.fromTag();
        if (toTag != null && !toTag.isEmpty() || fromTag == null || fromTag.isEmpty()) {
            return -1;
        }
        String callId = m.msg.callId().trim();
        DialogSettings s = settings;
        int[] dir = new int[1];
        Dialog old = table.find(callId, fromTag, null, dir);
        if (old != null && s.detectSpirals()) {
            synchronized (old) {
                if (old.state != Dialog.DELETED) {
                    c.dlg = old; // a spiral: the request comes back through us, same dialog
                    return 0;
                }
            }
        }
        Address from = m.msg.from();
        Address to = m.msg.to();
        Dialog d = table.create(callId, from.uriString(), to.uriString(), m.requestUri());
        synchronized (d) {
            d.tag[Dialog.CALLER] = fromTag;
            d.cseq[Dialog.CALLER] = m.msg.cseq().number();
            d.cseq[Dialog.CALLEE] = 0; // the callee has sent nothing yet: a BYE of ours to the caller gets CSeq 1, as Kamailio's
            List<Address> contacts = m.msg.contacts();
            d.contact[Dialog.CALLER] = contacts.isEmpty() ? null : contacts.get(0).uriString();
            List<String> rs = new ArrayList<>();
            for (Address a : m.msg.recordRoutes()) {
                rs.add(a.toString());
            }
            d.routeSet[Dialog.CALLER] = List.copyOf(rs);
            d.fromRrNb = rs.size();
            d.socket[Dialog.CALLER] = m.from.localSocket();
            d.initTs = now();
            d.lifetime = timeoutFor(m, c);
            d.sflags |= c.flags;
            d.toRoute = c.timeoutRoute;
            if (s.sendBye() || c.timeoutBye != 0) {
                d.iflags |= Dialog.IFLAG_TIMEOUTBYE;
            }
            d.vars.putAll(c.localVars);
        }
        c.localVars.clear();
        c.dlg = d;
        c.created = true;
        for (Object[] p : c.pendingProfiles) {
            Profiles.link(d, (Profiles.Profile) p[0], (String) p[1]);
        }
        c.pendingProfiles.clear();
        if (s.matchMode() != DialogSettings.MATCH_NO_ID) {
            m.recordRouteParams = m.recordRouteParams + ";" + s.rrParam() + "=" + d.did();
        }
        count("processed_dialogs", 1);
        // Kamailio drops a dialog whose request got no transaction when the script ends (dlg_cfg_cb)
        timer.schedule(() -> {
            boolean orphan;
            synchronized (d) {
                orphan = d.state == Dialog.UNCONFIRMED && (d.dflags & Dialog.FLAG_TM) == 0;
            }
            if (orphan) {
                free(d);
            }
        }, s.lingerMs(), TimeUnit.MILLISECONDS);
        return 0;
    }

    /** get_dlg_timeout: timeout_avp's positive number, else $dlg_ctx(timeout) when set, else default_timeout. */
    long timeoutFor(MsgContext m, DlgCtx c) {
        DialogSettings s = settings;
        if (s.timeoutAvp() != null) {
            Object v = s.timeoutAvp().get(m);
            if (v instanceof Long n && n > 0) {
                return n;
            }
        }
        return c.timeout > 0 ? c.timeout : s.defaultTimeout();
    }

    private static void attach(Dialog d, ServerTransaction st) {
        synchronized (d) {
            d.invite = st;
            d.dflags |= Dialog.FLAG_TM;
        }
    }

    // ---- the INVITE's transaction --------------------------------------------------------------

    /** dlg_onreq: a transaction for an INVITE: the dialog dlg_manage() made follows it, or dlg_flag makes one. */
    @Override
    public void created(MsgContext ctx) {
        if (!ctx.msg.methodName().equals("INVITE")) {
            return;
        }
        DlgCtx c = ctx.dialog instanceof DlgCtx x ? x : null;
        if (c == null || c.dlg == null) {
            int flag = settings.dlgFlag();
            if (flag < 0 || (ctx.flags & 1L << flag) == 0) {
                return;
            }
            if (newDialog(ctx) != 0) {
                return;
            }
            c = DlgCtx.of(ctx);
        }
        if (c.created && c.dlg != null) {
            attach(c.dlg, ctx.st);
        }
    }

    /** dlg_onreply for the replies the INVITE's transaction sends upstream. */
    @Override
    public void replied(ServerTransaction st, int code, SipMessage reply, String branchUri) {
        if (!(st.scriptState instanceof MsgContext req) || !(req.dialog instanceof DlgCtx c) || !c.created || c.dlg == null) {
            return;
        }
        Dialog d = c.dlg;
        Dialog.Event e = code < 200 ? Dialog.Event.RPL1XX : code < 300 ? Dialog.Event.RPL2XX : Dialog.Event.RPL3XX;
        int[] states;
        synchronized (d) {
            if (d.freed) {
                return;
            }
            states = d.next(e);
            if (states[1] == Dialog.CONFIRMED_NA && states[0] != Dialog.CONFIRMED_NA && states[0] != Dialog.CONFIRMED) {
                if (reply != null) {
                    calleeLeg(d, reply);
                }
                d.startTs = now();
                d.dflags |= Dialog.FLAG_NEW;
                d.invite = null;
            }
            if (states[1] == Dialog.DELETED && states[0] != Dialog.DELETED) {
                d.endTs = now();
                d.invite = null;
            }
        }
        if (states[0] == states[1]) {
            return;
        }
        if (states[1] == Dialog.EARLY) {
            count("early_dialogs", 1);
        } else if (states[1] == Dialog.CONFIRMED_NA) {
            if (states[0] == Dialog.EARLY) {
                count("early_dialogs", -1);
            }
            count("active_dialogs", 1);
            long lifetime;
            synchronized (d) {
                lifetime = d.lifetime;
            }
            arm(d, lifetime);
        } else if (states[1] == Dialog.DELETED) {
            if (states[0] == Dialog.EARLY) {
                count("early_dialogs", -1);
            }
            count("failed_dialogs", 1);
            later(d);
        }
        events.stateChanged(d, reply, st.from(), states[0], states[1]);
    }

    /** populate_leg_info for the callee: its tag, contact, route set (reversed, ours and the caller's side skipped); its CSeq stays 0. */
    private void calleeLeg(Dialog d, SipMessage reply) {
        d.tag[Dialog.CALLEE] = reply.toTag();
        List<Address> contacts = reply.contacts();
        d.contact[Dialog.CALLEE] = contacts.isEmpty() ? null : contacts.get(0).uriString();
        List<String> rr = new ArrayList<>();
        for (Address a : reply.recordRoutes()) {
            rr.add(a.toString());
        }
        Collections.reverse(rr);
        int skip = Math.min(d.fromRrNb, rr.size());
        List<String> rest = new ArrayList<>(rr.subList(skip, rr.size()));
        // our own Record-Route (one, or two when the transport changed) comes next
        while (!rest.isEmpty() && isOurs(rest.get(0))) {
            rest.remove(0);
        }
        d.routeSet[Dialog.CALLEE] = List.copyOf(rest);
    }

    private boolean isOurs(String rr) {
        try {
            io.sipway.sip.SipUri u = io.sipway.sip.SipUri.parse(io.sipway.proxy.module.dialog.Byes.uriOf(rr));
            return core.isMyself(u.host(), u.port() > 0 ? u.port() : 5060, null);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void legFailed(ServerTransaction st, int code, SipMessage reply, String branchUri) {
        // TMCB_ON_FAILURE only sets the dialog context in Kamailio: the failure route finds it through its transaction
    }

    // ---- requests inside a dialog (Sequential) ----------------------------------------------------

    /** rr's callback: loose_route() routed the request through a Route of ours with these parameters. */
    void routed(MsgContext m, String routeParams) {
        sequential.onRoute(m, routeParams, settings.matchMode());
    }

    /** dlg_lookup_msg_dialog: the current dialog, else the one the message's Call-ID and tags name. */
    Dialog dialogOf(MsgContext m) {
        Dialog d = DlgCtx.current(m);
        if (d != null) {
            return d;
        }
        String ftag = m.msg.fromTag();
        if (ftag == null || ftag.isEmpty()) {
            return null;
        }
        int[] dir = new int[1];
        return table.find(m.msg.callId().trim(), ftag, m.msg.toTag(), dir);
    }

    // ---- timeouts --------------------------------------------------------------------------------

    /** insert/update_dlg_timer: the timeout fires {@code seconds} from now. */
    void arm(Dialog d, long seconds) {
        synchronized (d) {
            if (d.freed) {
                return;
            }
            if (d.timer != null) {
                d.timer.cancel(false);
            }
            d.timeoutAt = now() + seconds;
            d.timer = timer.schedule(() -> timedOut(d), Math.max(0, seconds) * 1000, TimeUnit.MILLISECONDS);
        }
    }

    void disarm(Dialog d) {
        synchronized (d) {
            if (d.timer != null) {
                d.timer.cancel(false);
                d.timer = null;
            }
            d.timeoutAt = 0;
        }
    }

    /** dlg_ontimeout, on the timer thread. */
    void timedOut(Dialog d) {
        boolean confirmed;
        boolean bye;
        synchronized (d) {
            if (d.freed) {
                return;
            }
            d.timer = null;
            d.dflags |= Dialog.FLAG_EXPIRED;
            confirmed = d.state == Dialog.CONFIRMED_NA || d.state == Dialog.CONFIRMED;
            bye = (d.iflags & Dialog.IFLAG_TIMEOUTBYE) != 0;
        }
        if (confirmed && bye) {
            byes.all(d, null);
            int now;
            synchronized (d) {
                now = d.state;
            }
            // Kamailio runs dialog:end as the BYEs leave, the dialog still confirmed until their replies
            events.stateChanged(d, null, null, now, Dialog.DELETED);
            count("expired_dialogs", 1);
            return;
        }
        int[] states;
        synchronized (d) {
            states = d.next(Dialog.Event.REQBYE);
            if (states[1] == Dialog.DELETED && states[0] != Dialog.DELETED) {
                d.endTs = now();
            }
        }
        events.stateChanged(d, null, null, states[0], states[1]);
        if (states[1] == Dialog.DELETED && states[0] != Dialog.DELETED) {
            LOG.warn("timeout for dlg with CallID '{}' and tags '{}' '{}'", d.callId, d.tag[Dialog.CALLER], d.tag[Dialog.CALLEE]);
            count("expired_dialogs", 1);
            count("active_dialogs", -1);
            free(d);
        }
    }

    // ---- the end ---------------------------------------------------------------------------------

    /** Freed after tm's wt_timer, as the last transaction holding it dies in Kamailio. */
    void later(Dialog d) {
        timer.schedule(() -> free(d), settings.lingerMs(), TimeUnit.MILLISECONDS);
    }

    /** The dialog leaves memory: its profiles are left, its timer canceled. */
    void free(Dialog d) {
        synchronized (d) {
            if (d.freed) {
                return;
            }
            d.freed = true; // from now on no profile link is added (Profiles.link checks it under the monitor)
            if (d.timer != null) {
                d.timer.cancel(false);
                d.timer = null;
            }
        }
        Profiles.unlinkAll(d);
        table.remove(d);
    }
}
