package io.sipway.proxy.module.dialog;

import io.sipway.proxy.core.MsgContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dialog context of one message (Kamailio's _dlg_ctx, reset before each message): the current
 * dialog once one is created or matched, {@code $dlg_ctx(...)}'s values, and what the script set
 * before a dialog exists (profiles, {@code $dlg_var}s), given to the dialog when it is created.
 * Kept in {@link MsgContext#dialog}.
 */
final class DlgCtx {
    /** Directions ($dlg_ctx(dir)): DLG_DIR_NONE, DLG_DIR_DOWNSTREAM, DLG_DIR_UPSTREAM. */
    static final int DIR_NONE = 0;
    static final int DIR_DOWNSTREAM = 1;
    static final int DIR_UPSTREAM = 2;

    Dialog dlg;
    /** The dialog was created by this request: its transaction's replies drive the state. */
    boolean created;
    /** The in-dialog request was processed already (loose_route's callback, dlg_manage): not twice. */
    boolean routed;
    long on;
    long flags;
    long timeout;
    long timeoutBye;
    String timeoutRoute = "";
    int dir = DIR_NONE;
    /** The state and the seconds since the start when this request was matched to its dialog (-1: it was not). */
    int routedState = -1;
    long routedLifetime;
    /** set_dlg_profile before the dialog exists: {profile, value}. */
    final List<Object[]> pendingProfiles = new ArrayList<>(0);
    /** $dlg_var set before the dialog exists. */
    final Map<String, String> localVars = new LinkedHashMap<>(0);

    /** The context of {@code m}, made on first use. */
    static DlgCtx of(MsgContext m) {
        if (m.dialog instanceof DlgCtx c) {
            return c;
        }
        DlgCtx c = new DlgCtx();
        m.dialog = c;
        return c;
    }

    /**
     * The dialog of {@code m} without a lookup: its own context's, or, in a failure, branch or reply
     * route, that of the request its transaction was created for.
     */
    static Dialog current(MsgContext m) {
        if (m.dialog instanceof DlgCtx c && c.dlg != null) {
            return c.dlg;
        }
        if (m.st != null && m.st.scriptState instanceof MsgContext req && req != m && req.dialog instanceof DlgCtx c) {
            return c.dlg;
        }
        return null;
    }
}
