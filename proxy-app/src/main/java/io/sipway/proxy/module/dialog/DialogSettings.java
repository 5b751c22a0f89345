package io.sipway.proxy.module.dialog;

import io.sipway.cfg.Pv;
import io.sipway.proxy.core.Core;
import java.util.function.Function;

/**
 * The dialog module's parameters as the proxy starts (dialog.c mod_params, mod_init's checks).
 *
 * @param lingerMs how long a dialog that ended stays findable (its BYE's or INVITE's transaction
 *                 dying off in Kamailio: tm's wt_timer)
 */
record DialogSettings(int hashSize, String rrParam, int dlgFlag, Pv timeoutAvp, long defaultTimeout, String extraHdrs,
                      int matchMode, boolean detectSpirals, boolean sendBye, boolean timeoutNoreset, boolean stats,
                      int byeEarlyCode, String byeEarlyReason, long lingerMs) {
    /** dlg_match_mode: the did parameter only, did then Call-ID and tags, Call-ID and tags only. */
    static final int MATCH_STRICT_ID = 0;
    static final int MATCH_FALLBACK = 1;
    static final int MATCH_NO_ID = 2;

    static final DialogSettings DEFAULTS = new DialogSettings(4096, "did", -1, null, 43200, "", MATCH_FALLBACK, true, false,
            false, true, 480, "Temporarily Unavailable", 5000);

    static DialogSettings of(Core core, Function<String, Pv> pvs) {
        String rr = core.modparam("dialog", "rr_param", "did");
        if (rr.isEmpty()) {
            throw new IllegalArgumentException("modparam(\"dialog\", \"rr_param\"): empty rr_param");
        }
        if (rr.length() > 8) { // MAX_DLG_RR_PARAM_NAME
            throw new IllegalArgumentException("modparam(\"dialog\", \"rr_param\"): rr_param too long (max=8)");
        }
        int flag = (int) number(core, "dlg_flag", -1);
        if (flag > 31) {
            throw new IllegalArgumentException("modparam(\"dialog\", \"dlg_flag\"): invalid dlg flag " + flag);
        }
        long timeout = number(core, "default_timeout", 43200);
        if (timeout <= 0) {
            throw new IllegalArgumentException("modparam(\"dialog\", \"default_timeout\"): 0 default_timeout not accepted!!");
        }
        Pv avp = null;
        String avpText = core.modparam("dialog", "timeout_avp", null);
        if (avpText != null && !avpText.isEmpty()) {
            if (!avpText.startsWith("$avp(")) {
                throw new IllegalArgumentException("modparam(\"dialog\", \"timeout_avp\"): malformed or non AVP timeout AVP definition in '"
                        + avpText + "'");
            }
            avp = pvs.apply(avpText);
        }
        int mode = (int) number(core, "dlg_match_mode", MATCH_FALLBACK);
        String hdrs = core.modparam("dialog", "dlg_extra_hdrs", "");
        if (!hdrs.isEmpty() && !hdrs.endsWith("\n")) {
            hdrs = hdrs + "\r\n";
        }
        long wt = core.tm() == null ? 5000 : core.tm().settings().wtTimer();
        return new DialogSettings((int) number(core, "hash_size", 4096), rr, flag, avp, timeout, hdrs, mode,
                number(core, "detect_spirals", 1) != 0, number(core, "send_bye", 0) != 0, number(core, "timeout_noreset", 0) != 0,
                number(core, "enable_stats", 1) != 0, (int) number(core, "bye_early_code", 480),
                core.modparam("dialog", "bye_early_reason", "Temporarily Unavailable"), wt);
    }

    private static long number(Core core, String param, long dflt) {
        String v = core.modparam("dialog", param, Long.toString(dflt)).trim();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("modparam(\"dialog\", \"" + param + "\") needs a number, not " + v, e);
        }
    }
}
