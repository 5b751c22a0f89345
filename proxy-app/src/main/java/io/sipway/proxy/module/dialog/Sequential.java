package io.sipway.proxy.module.dialog;

import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.Address;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests inside a dialog (dlg_handlers.c dlg_onroute): matched by the {@code did} parameter of our
 * Route (loose_route's callback) or by Call-ID and tags (dlg_manage() with a To tag, and the
 * fallback of {@code dlg_match_mode} 1); ACK confirms the dialog, BYE deletes it, the others keep it,
 * and each refreshes the timeout and the contact and CSeq of the side that sent it.
 */
final class Sequential {
    private static final Logger LOG = LoggerFactory.getLogger("dialog");

    private final Tracker t;

    Sequential(Tracker tracker) {
        this.t = tracker;
    }

    /**
     * dlg_onroute: the request inside a dialog, found by the did parameter of our Route (matchMode
     * 0 and 1) or by Call-ID and tags (1 as fallback, 2); the state machine runs, the timeout is
     * refreshed, the contact and CSeq of the side that sent it are kept.
     */
    void onRoute(MsgContext m, String routeParams, int matchMode) {
        DlgCtx c = DlgCtx.of(m);
        if (c.dlg != null || c.routed || !m.msg.isRequest()) {
            return;
        }
        String toTag = m.msg.toTag();
        if (toTag == null || toTag.isEmpty()) {
            return; // an initial request with a preloaded Route
        }
        String fromTag = m.msg.fromTag();
        String callId = m.msg.callId().trim();
        Dialog d = null;
        int dir = DlgCtx.DIR_NONE;
        if (matchMode != DialogSettings.MATCH_NO_ID) {
            String did = routeParams == null ? null : param(routeParams, t.settings.rrParam());
            if (did == null) {
                if (matchMode == DialogSettings.MATCH_STRICT_ID) {
                    return;
                }
            } else {
                int dot = did.indexOf('.');
                long entry = dot < 0 ? -1 : Dialog.fromReverseHex(did.substring(0, dot));
                long id = dot < 0 ? -1 : Dialog.fromReverseHex(did.substring(dot + 1));
                if (entry < 0 || id < 0) {
                    LOG.error("malformed rr param '{}'", did);
                    return;
                }
                d = t.table.lookup(entry, id);
                if (d == null) {
                    LOG.warn("unable to find dialog for {} with route param '{}' [{}:{}]", m.msg.methodName(), did, entry, id);
                    if (matchMode == DialogSettings.MATCH_STRICT_ID) {
                        return;
                    }
                } else if (fromTag == null || !d.callId.equals(callId)
                        || (dir = DialogTable.match(d, fromTag, toTag)) == DlgCtx.DIR_NONE) {
                    LOG.warn("tight matching failed for {} with callid='{}', ftag='{}', ttag='{}'", m.msg.methodName(), callId,
                            fromTag, toTag);
                    d = null;
                    if (matchMode == DialogSettings.MATCH_STRICT_ID) {
                        return;
                    }
                }
            }
        }
        if (d == null) {
            if (fromTag == null || fromTag.isEmpty()) {
                return;
            }
            int[] found = new int[1];
            d = t.table.find(callId, fromTag, toTag, found);
            if (d == null) {
                return;
            }
            dir = found[0];
        }
        c.dlg = d;
        c.dir = dir;
        c.routed = true;
        sequential(m, c, d, dir);
        synchronized (d) {
            c.routedState = d.state; // $DLG_status, $DLG_lifetime: this request's
            c.routedLifetime = t.now() - d.startTs;
        }
    }

    private void sequential(MsgContext m, DlgCtx c, Dialog d, int dir) {
        String method = m.msg.methodName();
        Dialog.Event e = switch (method) {
            case "ACK" -> Dialog.Event.REQACK;
            case "BYE" -> Dialog.Event.REQBYE;
            case "PRACK" -> Dialog.Event.REQPRACK;
            default -> Dialog.Event.REQ;
        };
        int[] states;
        long lifetime = 0;
        boolean rearm = false;
        synchronized (d) {
            if (d.freed) {
                return;
            }
            states = d.next(e);
            if (states[1] == Dialog.DELETED && states[0] != Dialog.DELETED) {
                d.endTs = t.now();
            }
            if ((e == Dialog.Event.REQ || e == Dialog.Event.REQACK)
                    && (states[1] == Dialog.CONFIRMED || states[1] == Dialog.CONFIRMED_NA || states[1] == Dialog.EARLY)) {
                long timeout = t.timeoutFor(m, c);
                if (timeout != t.settings.defaultTimeout()) {
                    d.lifetime = timeout;
                }
                boolean reset = !t.settings.timeoutNoreset();
                rearm = states[1] != Dialog.EARLY && (states[0] != Dialog.CONFIRMED || reset);
                lifetime = d.lifetime;
                if (e == Dialog.Event.REQ) {
                    int leg = dir == DlgCtx.DIR_UPSTREAM ? Dialog.CALLEE : Dialog.CALLER;
                    if (method.equals("INVITE")) {
                        List<Address> contacts = m.msg.contacts();
                        if (contacts.size() == 1) {
                            d.contact[leg] = contacts.get(0).uriString();
                        }
                    }
                    d.cseq[leg] = m.msg.cseq().number();
                    d.dflags |= Dialog.FLAG_CHANGED;
                }
            }
        }
        if (rearm) {
            t.arm(d, lifetime);
        }
        if (e == Dialog.Event.REQ && states[1] != Dialog.DELETED && t.settings.matchMode() != DialogSettings.MATCH_NO_ID) {
            m.recordRouteParams = m.recordRouteParams + ";" + t.settings.rrParam() + "=" + d.did();
        }
        if (states[0] != states[1]) {
            t.events.stateChanged(d, m.msg, m.from, states[0], states[1]);
        }
        if (e == Dialog.Event.REQBYE && states[1] == Dialog.DELETED && states[0] != Dialog.DELETED) {
            t.disarm(d);
            t.count("active_dialogs", -1);
            t.later(d); // kept while the BYE's transaction dies off
        }
    }

    /** The value of a Route parameter ({@code did=...}), or null. */
    static String param(String params, String name) {
        for (String p : params.split(";")) {
            String w = p.trim();
            int eq = w.indexOf('=');
            String n = (eq < 0 ? w : w.substring(0, eq)).trim();
            if (n.equals(name)) {
                return eq < 0 ? "" : w.substring(eq + 1).trim();
            }
        }
        return null;
    }
}
