package io.sipway.proxy.module.dialog;

import static io.sipway.proxy.module.Routes.ANY;
import static io.sipway.proxy.module.Routes.B;
import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.O;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;
import io.sipway.proxy.module.rr.RrCallbacks;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * dialog (https://kamailio.org/docs/modules/5.6.x/modules/dialog.html): dialog tracking
 * ({@link Tracker}: dlg_manage(), dlg_flag, states from the INVITE's replies and the requests inside,
 * matched by the {@code did} Record-Route parameter or Call-ID and tags), timeouts ending a call with
 * a BYE to each side ({@link Byes}), profiles ({@link Profiles}), {@code $dlg}, {@code $dlg_var},
 * {@code $dlg_ctx} ({@link DialogPvs}), the RPC commands ({@link DialogRpc}) and the event routes
 * dialog:start, dialog:end, dialog:failed ({@link DialogEvents}).
 *
 * <p>Not here, so refused at load (KamailioReference names them): the database (db_url, db_mode:
 * dialogs live in memory only), DMQ replication, keepalives, timeout routes, dlg_refer, dlg_bridge,
 * dlg_get, dlg_req_within, dlg_set_property, dlg_remote_profile and the other functions and
 * parameters the table does not declare.
 */
public final class DialogModule {
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;

    private final Core core;
    private final Tracker tracker;
    private final DialogPvs pvs;
    private final DialogRpc rpc;
    private final List<Profiles.Ref> refs = new CopyOnWriteArrayList<>();

    private DialogModule(Core core, Clock clock) {
        this.core = core;
        this.tracker = new Tracker(core, new DialogTable(4096), clock);
        this.pvs = new DialogPvs(tracker);
        this.rpc = new DialogRpc(tracker);
    }

    public static ModuleExports exports(Core core) {
        return new DialogModule(core, Clock.systemUTC()).table();
    }

    private ModuleExports table() {
        ModuleExports.Builder b = ModuleExports.module("dialog", "https://kamailio.org/docs/modules/5.6.x/modules/dialog.html");
        params(b);
        b.fn("dlg_manage", 0, 0, R, args -> ctx -> tracker.manage(m(ctx)))
                .summary("an initial INVITE makes a dialog (did in the Record-Route); a request with a To tag is matched to its dialog");
        b.fn("is_known_dlg", 0, 0, ANY, args -> ctx -> tracker.dialogOf(m(ctx)) != null ? 1 : -1)
                .summary("the message belongs to a dialog the module tracks");
        b.fn("set_dlg_profile", 1, 2, ANY, args -> profileFn(args, this::setProfile)).checkWithParams(DialogModule::profileDeclared)
                .summary("puts the dialog (or the one this INVITE will make) in the profile, with a value for a valued one");
        b.fn("unset_dlg_profile", 1, 2, R | F | O | B, args -> profileFn(args, this::unsetProfile))
                .checkWithParams(DialogModule::profileDeclared).summary("takes the dialog out of the profile");
        b.fn("is_in_profile", 1, 2, ANY, args -> profileFn(args, this::inProfile)).checkWithParams(DialogModule::profileDeclared)
                .summary("the dialog is in the profile (with that value)");
        b.fn("get_profile_size", 2, 3, ANY, this::profileSizeFn).checkWithParams(DialogModule::profileDeclared)
                .summary("writes into the last argument ($var or $avp) how many dialogs are in the profile (with that value)");
        b.fn("dlg_set_timeout", 1, 3, ANY, this::setTimeoutFn).arities(1, 3).x()
                .summary("the dialog's lifetime in seconds (restarted now when it runs), the current one or [h_entry, h_id]'s");
        b.fn("dlg_bye", 1, 1, ANY, args -> {
            String side = text(args.get(0), "the side");
            return ctx -> bye(m(ctx), side);
        }).check(a -> Fixups.oneOf(a.get(0), "the side", false, "all", "caller", "callee"))
                .summary("ends the dialog: BYE to the caller, the callee or both");
        b.fn("dlg_setflag", 1, 1, ANY, args -> flagFn(args.get(0), 0)).x().summary("sets a dialog flag (0..31)");
        b.fn("dlg_resetflag", 1, 1, ANY, args -> flagFn(args.get(0), 1)).x().summary("resets a dialog flag");
        b.fn("dlg_isflagset", 1, 1, ANY, args -> flagFn(args.get(0), 2)).x().summary("the dialog flag is set");
        b.pv("dlg", PvExport.Inner.REQUIRED, false, pvs.dlg(), DialogPvs.DLG_KEYS);
        b.pv("dlg_var", PvExport.Inner.REQUIRED, true, pvs::dlgVar);
        b.pv("dlg_ctx", PvExport.Inner.REQUIRED, true, pvs::dlgCtx, DialogPvs.CTX_KEYS);
        b.pv("DLG_count", PvExport.Inner.NONE, false, n -> ctx -> tracker.active());
        b.pv("DLG_status", PvExport.Inner.NONE, false, n -> ctx -> m(ctx).dialog instanceof DlgCtx c && c.routedState >= 0
                ? (Object) (long) c.routedState : null);
        b.pv("DLG_lifetime", PvExport.Inner.NONE, false, n -> ctx -> m(ctx).dialog instanceof DlgCtx c && c.routedState >= 0
                ? (Object) c.routedLifetime : null);
        b.rpc("dlg.list", "the dialogs in memory", rpc::list);
        b.rpc("dlg.terminate_dlg", "ends the dialog of a Call-ID, From tag and To tag with a BYE to each side", rpc::terminate);
        b.rpc("dlg.end_dlg", "ends the dialog of a hash entry and id with a BYE to each side", rpc::end);
        b.rpc("dlg.profile_get_size", "how many dialogs are in a profile (with a value)", rpc::profileSize);
        b.eventRoute("dialog:start");
        b.eventRoute("dialog:end");
        b.eventRoute("dialog:failed");
        b.onStart((script, host) -> {
            DialogSettings s = DialogSettings.of(core, host::pvFromText);
            Profiles p = Profiles.of(core.modparams("dialog", "profiles_no_value"), core.modparams("dialog", "profiles_with_value"));
            for (Profiles.Ref r : refs) {
                r.profile = p.get(r.name);
                if (r.profile == null) {
                    throw new IllegalArgumentException("dialog: profile <" + r.name + "> not defined");
                }
            }
            tracker.table.resize(s.hashSize());
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dialog-timer");
                t.setDaemon(true);
                return t;
            });
            tracker.start(s, p, script, timer);
            core.hooks().observeTransactions(tracker);
            RrCallbacks.register(core, tracker::routed);
            core.onClose(timer::shutdownNow);
        });
        return b.build();
    }

    private static void params(ModuleExports.Builder b) {
        b.param("dlg_flag", INT, "-1", "a message flag (0..31): an initial INVITE relayed with it set makes a dialog");
        b.param("default_timeout", INT, "43200", "seconds a confirmed dialog lives without an in-dialog request");
        b.param("timeout_avp", STR, "", "an $avp whose positive number is the new dialog's timeout");
        b.param("send_bye", INT, "0", "1: a dialog whose timeout fires is ended with a BYE to each side");
        b.param("timeout_noreset", INT, "0", "1: in-dialog requests do not restart the timeout");
        b.param("rr_param", STR, "did", "the Record-Route parameter naming the dialog");
        b.param("dlg_match_mode", INT, "1", "0: by the rr parameter only, 1: then Call-ID and tags, 2: Call-ID and tags only");
        b.param("detect_spirals", INT, "1", "an INVITE coming back through us with a live dialog's Call-ID and From tag makes none");
        b.param("hash_size", INT, "4096", "slots of the dialog table (h_entry), rounded down to a power of two");
        b.param("profiles_no_value", STR, "", "profiles \"a;b\" a dialog is in or not");
        b.param("profiles_with_value", STR, "", "profiles \"a;b\" a dialog is in with a value");
        b.param("dlg_extra_hdrs", STR, "", "header lines added to the BYEs the module sends");
        b.param("enable_stats", INT, "1", "dialog:active_dialogs, early_dialogs, processed_dialogs, expired_dialogs, failed_dialogs");
        b.param("bye_early_code", INT, "480", "dlg_bye on a dialog not confirmed answers the caller this code");
        b.param("bye_early_reason", STR, "Temporarily Unavailable", "and this reason");
    }

    private static MsgContext m(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    // ---- profiles ------------------------------------------------------------------------------

    @FunctionalInterface
    private interface ProfileOp {
        long run(MsgContext m, Profiles.Profile p, String value, boolean valueGiven);
    }

    private io.sipway.cfg.ScriptFunction profileFn(List<Arg> args, ProfileOp op) {
        Profiles.Ref ref = ref(args.get(0));
        Format value = args.size() > 1 ? Format.of(args.get(1)) : null;
        return ctx -> op.run(m(ctx), ref.profile, value == null ? null : value.apply(ctx), value != null);
    }

    /** A constant argument's text; what Kamailio's fixup takes as written cannot be computed per message. */
    private static String text(Arg a, String what) {
        if (!a.isConstant()) {
            throw new FunctionSpec.BadArgument(a, what + " must be written as text, not computed");
        }
        return a.constantString();
    }

    private Profiles.Ref ref(Arg a) {
        String name = text(a, "the profile name");
        if (name.isEmpty()) {
            throw new FunctionSpec.BadArgument(a, "param 1 is empty string!");
        }
        Profiles.Ref r = new Profiles.Ref(name);
        refs.add(r);
        return r;
    }

    /** fixup_profile: the profile must be declared by the script's profiles_* parameters. */
    private static void profileDeclared(List<Arg> args, List<Ast.ModParam> params) {
        String name = text(args.get(0), "the profile name");
        for (Ast.ModParam p : params) {
            boolean dialog = p.module().equals("dialog") || List.of(p.module().split("\\|")).contains("dialog");
            if (dialog && (p.param().equals("profiles_no_value") || p.param().equals("profiles_with_value"))
                    && Profiles.names(String.valueOf(p.value())).contains(name)) {
                return;
            }
        }
        throw new FunctionSpec.BadArgument(args.get(0), "profile <" + name + "> not defined");
    }

    /** w_set_dlg_profile: a valued profile needs a non-empty value; no dialog yet: kept for the one this request makes. */
    private long setProfile(MsgContext m, Profiles.Profile p, String value, boolean given) {
        if (p.hasValue && (value == null || value.isEmpty())) {
            return -1;
        }
        Dialog d = tracker.dialogOf(m);
        if (d == null) {
            if (!m.msg.isRequest() || m.reply != null) {
                return -1; // Kamailio: dialog not found in a non REQUEST route
            }
            DlgCtx.of(m).pendingProfiles.add(new Object[] {p, p.hasValue ? value : null});
            return 1;
        }
        Profiles.link(d, p, p.hasValue ? value : null);
        return 1;
    }

    private long unsetProfile(MsgContext m, Profiles.Profile p, String value, boolean given) {
        if (p.hasValue && (value == null || value.isEmpty())) {
            return -1;
        }
        Dialog d = tracker.dialogOf(m);
        return d != null && Profiles.unlink(d, p, p.hasValue ? value : null) ? 1 : -1;
    }

    private long inProfile(MsgContext m, Profiles.Profile p, String value, boolean given) {
        Dialog d = tracker.dialogOf(m);
        return d != null && Profiles.contains(d, p, given && p.hasValue ? value : null) ? 1 : -1;
    }

    private io.sipway.cfg.ScriptFunction profileSizeFn(List<Arg> args) {
        Profiles.Ref ref = ref(args.get(0));
        Format value = args.size() == 3 ? Format.of(args.get(1)) : null;
        Arg out = args.get(args.size() - 1);
        String text = text(out, "the result variable").trim();
        if (!text.startsWith("$var(") && !text.startsWith("$avp(") && !text.startsWith("$(avp(")) {
            throw new FunctionSpec.BadArgument(out, "return must be an AVP or SCRIPT VAR!");
        }
        Pv pv = out.assignablePseudoVariable(text);
        if (pv == null) {
            throw new FunctionSpec.BadArgument(out, "return must be an AVP or SCRIPT VAR!");
        }
        return ctx -> {
            Profiles.Profile p = ref.profile;
            String v = value == null ? null : value.apply(ctx);
            pv.set(ctx, Profiles.size(p, p.hasValue ? v : null));
            return 1;
        };
    }

    // ---- timeouts, bye, flags ------------------------------------------------------------------

    /** fixup_igp: a number, or a pseudo-variable (written bare or quoted) read when the function runs. */
    private static io.sipway.cfg.ValueSource intOrPv(Arg a) {
        if (a.isConstant() && a.constant() instanceof String s && s.trim().startsWith("$") && a.compilesPseudoVariables()) {
            io.sipway.cfg.ValueSource pv = a.pseudoVariable(s.trim());
            if (pv == null) {
                throw new FunctionSpec.BadArgument(a, "not a pseudo-variable: " + s);
            }
            return pv;
        }
        if (a.isConstant() && number(a.constant()) < 0) {
            throw new FunctionSpec.BadArgument(a, "not a number: " + a.constant());
        }
        return a;
    }

    private io.sipway.cfg.ScriptFunction setTimeoutFn(List<Arg> args) {
        io.sipway.cfg.ValueSource t = intOrPv(args.get(0));
        io.sipway.cfg.ValueSource he = args.size() == 3 ? intOrPv(args.get(1)) : null;
        io.sipway.cfg.ValueSource hi = args.size() == 3 ? intOrPv(args.get(2)) : null;
        return ctx -> {
            long timeout = number(t.get(ctx));
            Dialog d = he == null ? tracker.dialogOf(m(ctx)) : tracker.table.lookup(number(he.get(ctx)), number(hi.get(ctx)));
            if (d == null || timeout < 0) {
                return -1;
            }
            boolean running;
            synchronized (d) {
                d.lifetime = timeout;
                d.dflags |= Dialog.FLAG_CHANGED;
                running = d.timer != null;
            }
            if (running) {
                tracker.arm(d, timeout);
            }
            return 1;
        };
    }

    private static long number(Object o) {
        if (o instanceof Long n) {
            return n;
        }
        try {
            return Long.parseLong(String.valueOf(o).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private long bye(MsgContext m, String side) {
        Dialog d = tracker.dialogOf(m);
        if (d == null) {
            return -1;
        }
        int r = switch (side) {
            case "caller" -> tracker.byes.one(d, Dialog.CALLER, null);
            case "callee" -> tracker.byes.one(d, Dialog.CALLEE, null);
            default -> tracker.byes.all(d, null);
        };
        return r == 0 ? 1 : -1;
    }

    /** dlg_setflag (0), dlg_resetflag (1), dlg_isflagset (2): the dialog's sflags, or the context's before it exists. */
    private io.sipway.cfg.ScriptFunction flagFn(Arg arg, int op) {
        io.sipway.cfg.ValueSource a = intOrPv(arg);
        if (a == arg) {
            Fixups.range(arg, "the flag", 0, 31);
        }
        return ctx -> {
            long f = number(a.get(ctx));
            if (f < 0 || f > 31) {
                return -1;
            }
            long bit = 1L << f;
            MsgContext m = m(ctx);
            DlgCtx c = DlgCtx.of(m);
            Dialog d = DlgCtx.current(m);
            if (op == 2) {
                if (d != null) {
                    synchronized (d) {
                        return (d.sflags & bit) != 0 ? 1 : -1;
                    }
                }
                return (c.flags & bit) != 0 ? 1 : -1;
            }
            c.flags = op == 0 ? c.flags | bit : c.flags & ~bit;
            if (d != null) {
                synchronized (d) {
                    d.sflags = op == 0 ? d.sflags | bit : d.sflags & ~bit;
                    d.dflags |= Dialog.FLAG_CHANGED;
                }
            }
            return 1;
        };
    }
}
