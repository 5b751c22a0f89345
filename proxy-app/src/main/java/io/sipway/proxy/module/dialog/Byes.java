package io.sipway.proxy.module.dialog;

import io.sipway.proxy.core.WithinRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BYEs the module sends to end a confirmed dialog (dlg_req_within.c dlg_bye_all / send_bye /
 * build_dlg_t): one to the caller and one to the callee, each inside its leg as that leg's peer
 * knows the dialog: the peer's contact as Request-URI, the leg's route set, To the peer's URI and
 * tag, From ours (the other side's) with the other side's tag, the CSeq the other side used last
 * plus one, {@code Max-Forwards}, {@code dlg_extra_hdrs}, then the headers given. The first final
 * reply deletes the dialog; after both it is freed (bye_reply_cb).
 */
final class Byes {
    private static final Logger LOG = LoggerFactory.getLogger("dialog");
    static final String MAX_FWD = "Max-Forwards: 70\r\n";

    private final Tracker tracker;

    Byes(Tracker tracker) {
        this.tracker = tracker;
    }

    /**
     * dlg_bye_all: 0 when both went, -1 when one could not. A dialog not confirmed yet is ended as
     * Kamailio ends it (t_reply to the caller, cancel_all_uacs to the callee): the caller gets
     * {@code bye_early_code}, and tm cancels the callee's branches as that final reply goes up.
     */
    int all(Dialog d, String hdrs) {
        int state;
        synchronized (d) {
            state = d.state;
        }
        if (state == Dialog.UNCONFIRMED || state == Dialog.EARLY) {
            return one(d, Dialog.CALLER, hdrs);
        }
        int a = one(d, Dialog.CALLER, hdrs);
        int b = one(d, Dialog.CALLEE, hdrs);
        return a < 0 || b < 0 ? -1 : 0;
    }

    /**
     * send_bye to one leg: 0 sent (or nothing to do for a dialog already deleted), -1 not. A dialog
     * not confirmed yet has no BYE: the caller is answered {@code bye_early_code} through the
     * INVITE's transaction. The callee alone (Kamailio's cancel_all_uacs without a reply upstream)
     * is not offered by tm to modules: that side fails with -1.
     */
    int one(Dialog d, int leg, String hdrs) {
        WithinRequest r;
        io.sipway.tm.ServerTransaction invite;
        int state;
        synchronized (d) {
            state = d.state;
            invite = d.invite;
            r = state == Dialog.CONFIRMED_NA || state == Dialog.CONFIRMED ? request(d, leg, hdrs) : null;
        }
        if (state == Dialog.DELETED) {
            LOG.warn("dlg [{}:{}] with callid {} already in deleted state, BYE not sent.", d.hEntry, d.hId, d.callId);
            return 0;
        }
        if (r == null && state != Dialog.CONFIRMED_NA && state != Dialog.CONFIRMED) {
            if (invite == null) {
                LOG.error("terminating non-confirmed dialog not possible, transaction not longer available.");
                return -1;
            }
            if (leg == Dialog.CALLER) {
                DialogSettings s = tracker.settings;
                tracker.core.tm().reply(invite, s.byeEarlyCode(), s.byeEarlyReason());
                return 0;
            }
            LOG.error("dlg [{}:{}]: canceling the callee's branches of a dialog not confirmed is not implemented", d.hEntry, d.hId);
            return -1;
        }
        if (r == null) {
            LOG.error("failed to create dlg_t: no contact available");
            return -1;
        }
        boolean sent = tracker.core.requestWithin(r, (request, code, reply) -> {
            if (code >= 200) {
                replied(d);
            }
        });
        if (!sent) {
            LOG.error("failed to send the BYE request");
            replied(d);
            return -1;
        }
        return 0;
    }

    /** build_dlg_t for {@code leg}; null without the peer's contact. Caller holds the dialog's monitor. */
    private WithinRequest request(Dialog d, int leg, String hdrs) {
        String target = d.contact[leg];
        if (target == null || target.isEmpty()) {
            return null;
        }
        int other = 1 - leg;
        List<String> routes = d.routeSet[leg];
        String headers = MAX_FWD + tracker.settings.extraHdrs() + (hdrs == null ? "" : hdrs);
        return new WithinRequest("BYE", target, routes, leg == Dialog.CALLER ? d.toUri : d.fromUri, d.tag[other],
                leg == Dialog.CALLER ? d.fromUri : d.toUri, d.tag[leg], d.callId, d.cseq[other], headers, null, d.socket[leg]);
    }

    /** bye_reply_cb: the first final reply deletes the dialog, the second frees it. */
    private void replied(Dialog d) {
        int[] states;
        int replies;
        synchronized (d) {
            if (d.freed) {
                return;
            }
            states = d.next(Dialog.Event.REQBYE);
            if (states[1] == Dialog.DELETED && states[0] != Dialog.DELETED) {
                d.endTs = tracker.now();
            }
            replies = ++d.byeReplies;
        }
        if (states[1] == Dialog.DELETED && states[0] != Dialog.DELETED) {
            tracker.disarm(d);
            tracker.count("active_dialogs", -1);
            tracker.later(d); // freed by the second reply, or after wt_timer when only one BYE went
        }
        if (replies >= 2) {
            tracker.free(d);
        }
    }

    /** The URI inside a name-addr ({@code <sip:p1;lr>}), or the text itself. */
    static String uriOf(String nameAddr) {
        int lt = nameAddr.indexOf('<');
        int gt = nameAddr.indexOf('>', lt + 1);
        return lt >= 0 && gt > lt ? nameAddr.substring(lt + 1, gt) : nameAddr.trim();
    }
}
