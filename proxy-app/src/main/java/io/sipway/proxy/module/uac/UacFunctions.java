package io.sipway.proxy.module.uac;

import static io.sipway.proxy.module.Routes.B;
import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.Pv;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.TransactionObserver;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ModuleHost;
import io.sipway.proxy.module.ParamExport;
import io.sipway.sip.SipMessage;
import io.sipway.tm.ServerTransaction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * uac's functions and parameters beyond uac_req_send: the From/To replacement ({@link UacReplace})
 * and uac_auth ({@link UacAuth}), and what the module does at start as Kamailio's mod_init: the
 * restore mode needs rr, auto mode rr's {@code append_fromtag}, and the replies and requests
 * within a dialog are then followed (tm's TMCB_RESPONSE_IN, rr's callback).
 */
final class UacFunctions {
    private static final ParamExport.Type STR = ParamExport.Type.STRING;

    private UacFunctions() {
    }

    static void register(ModuleExports.Builder b, UacReplace replace, UacAuth auth) {
        for (boolean to : new boolean[] {false, true}) {
            String which = to ? "to" : "from";
            b.fn("uac_replace_" + which, 1, 2, R | B, args -> {
                Format display = args.size() == 2 ? Format.of(args.get(0)) : null;
                Format uri = Format.of(args.get(args.size() - 1));
                return ctx -> replace.replace((MsgContext) ctx, display == null ? null : display.apply(ctx), uri.apply(ctx), to);
            }).x().summary("rewrites the " + (to ? "To" : "From") + " URI (and display name: \"\" removes it) in the relayed"
                    + " request; restore_mode manual/auto keep the original in the Record-Route parameter ;"
                    + (to ? "vst" : "vsf") + "= for the replies and the requests within the dialog");
            b.fn("uac_restore_" + which, 0, 0, R, args -> ctx -> replace.restore((MsgContext) ctx, to))
                    .summary("in a request within the dialog: puts back the " + (to ? "To" : "From")
                            + " URI the Record-Route parameter keeps (restore_mode manual)");
        }
        b.fn("uac_auth", 0, 1, F, args -> {
            Format mode = args.isEmpty() ? null : Format.of(args.get(0));
            return ctx -> auth.auth((MsgContext) ctx, mode == null ? 0 : Format.num(mode.apply(ctx)));
        }).x().summary("answers the failed branch's 401/407 with the credentials of its realm: Authorization or"
                + " Proxy-Authorization for the next t_relay(); mode 1: the password is HA1");
        b.fn("uac_auth_mode", 1, 1, F, args -> {
            Format mode = Format.of(args.get(0));
            return ctx -> auth.auth((MsgContext) ctx, Format.num(mode.apply(ctx)));
        }).x().summary("uac_auth with a mode (1: the password is HA1)");
        String restore = "uac_replace_from/_to's restore";
        b.param("rr_from_store_param", STR, "vsf", restore + ": the Record-Route parameter keeping the From URIs");
        b.param("rr_to_store_param", STR, "vst", restore + ": the Record-Route parameter keeping the To URIs");
        b.paramChecked("restore_mode", STR, "auto", restore + ": none, manual (uac_restore_*) or auto", v ->
                mode(v) == null ? "unsupported value '" + v + "' for restore_mode (none, manual, auto)" : null);
        b.paramOnly("restore_dlg", ParamExport.Type.INT, "0", restore + " through the dialog module, which Sipway's uac does"
                + " not use: the Record-Route parameter carries the URIs", "0");
        b.param("restore_passwd", STR, "", restore + ": the key the Record-Route parameter is XORed with");
        b.param("restore_from_avp", STR, "", restore + ": an $avp keeping the original From's display name and URI for the replies");
        b.param("restore_to_avp", STR, "", restore + ": an $avp keeping the original To's display name and URI for the replies");
        b.paramChecked("credential", STR, "", "uac_auth: user:realm:password (may be set several times)",
                v -> UacAuth.parseCredential(v) == null ? "parse error in <" + v + "> (user:realm:password)" : null);
        b.param("auth_username_avp", STR, "", "uac_auth: the pseudo-variable holding the user");
        b.param("auth_realm_avp", STR, "", "uac_auth: the pseudo-variable holding the realm (empty: any)");
        b.param("auth_password_avp", STR, "", "uac_auth: the pseudo-variable holding the password");
    }

    static UacReplace.Mode mode(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> UacReplace.Mode.NONE;
            case "manual" -> UacReplace.Mode.MANUAL;
            case "auto", "" -> UacReplace.Mode.AUTO;
            default -> null;
        };
    }

    /** restore_from_avp / restore_to_avp (read unless restore_mode is none): an $avp, else the start fails as Kamailio's. */
    private static Pv restoreAvp(Core core, ModuleHost host, UacReplace.Mode mode, String param) {
        String spec = core.modparam("uac", param, "").trim();
        if (spec.isEmpty() || mode == UacReplace.Mode.NONE) {
            return null;
        }
        Pv pv = spec.startsWith("$avp(") ? host.pvFromText(spec) : null;
        if (pv == null || !pv.writable()) {
            throw new IllegalArgumentException("uac: malformed or non AVP " + spec + " AVP definition (" + param + ")");
        }
        return pv;
    }

    /** mod_init: what Kamailio refuses at start is refused here (IllegalArgumentException stops the start). */
    static void start(Core core, CompiledScript script, ModuleHost host, UacReplace replace, UacAuth auth) {
        UacReplace.Mode mode = mode(core.modparam("uac", "restore_mode", "auto"));
        String fromParam = core.modparam("uac", "rr_from_store_param", "vsf");
        String toParam = core.modparam("uac", "rr_to_store_param", "vst");
        if ((fromParam.isEmpty() || toParam.isEmpty()) && mode != UacReplace.Mode.NONE) {
            throw new IllegalArgumentException("uac: rr_store_param cannot be empty if FROM is restoreable");
        }
        String[] avps = {core.modparam("uac", "auth_username_avp", ""), core.modparam("uac", "auth_realm_avp", ""),
            core.modparam("uac", "auth_password_avp", "")};
        UacAuth.Avps specs = null;
        if (!avps[0].isEmpty() || !avps[1].isEmpty() || !avps[2].isEmpty()) {
            if (avps[0].isEmpty() || avps[1].isEmpty() || avps[2].isEmpty()) {
                throw new IllegalArgumentException("uac: partial definition of auth AVP");
            }
            Pv[] pvs = new Pv[3];
            for (int i = 0; i < 3; i++) {
                pvs[i] = host.pvFromText(avps[i].trim());
                if (pvs[i] == null) {
                    throw new IllegalArgumentException("uac: malformed or non AVP " + avps[i] + " AVP definition");
                }
            }
            specs = new UacAuth.Avps(pvs[0], pvs[1], pvs[2]);
        }
        auth.configure(UacAuth.credentials(core.modparams("uac", "credential")), specs);
        replace.configure(new UacReplace.Settings(mode, core.modparam("uac", "restore_passwd", "")
                .getBytes(StandardCharsets.UTF_8), fromParam, toParam, restoreAvp(core, host, mode, "restore_from_avp"),
                restoreAvp(core, host, mode, "restore_to_avp")));
        if (mode == UacReplace.Mode.NONE) {
            return;
        }
        if (!script.modules().contains("rr")) {
            throw new IllegalArgumentException("uac: can't load RR API: restore_mode " + mode.name().toLowerCase(Locale.ROOT)
                    + " needs the rr module (loadmodule \"rr.so\"), or set restore_mode to none");
        }
        if (mode == UacReplace.Mode.AUTO && core.modparam("rr", "append_fromtag", "1").trim().equals("0")) {
            throw new IllegalArgumentException("uac: 'append_fromtag' RR param is not enabled! - required by AUTO restore mode");
        }
        core.hooks().observeTransactions(new TransactionObserver() {
            @Override
            public void created(MsgContext ctx) {
            }

            @Override
            public void replied(ServerTransaction st, int code, SipMessage reply, String branchUri) {
            }

            @Override
            public void legFailed(ServerTransaction st, int code, SipMessage reply, String branchUri) {
            }

            @Override
            public SipMessage responseIn(ServerTransaction st, SipMessage reply) {
                return replace.responseIn(st, reply);
            }
        });
        if (mode == UacReplace.Mode.AUTO) {
            io.sipway.proxy.module.rr.RrCallbacks.register(core, replace::looseRouted);
        }
    }
}
