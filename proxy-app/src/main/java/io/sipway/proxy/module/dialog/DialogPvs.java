package io.sipway.proxy.module.dialog;

import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.MsgContext;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The module's pseudo-variables (dlg_var.c): {@code $dlg(key)} reads the current dialog (the one
 * this message created or matched, else the one its Call-ID and tags name), {@code $dlg_var(name)}
 * its variables (before a dialog exists, the message's own list, given to the dialog it creates),
 * {@code $dlg_ctx(key)} the message's dialog context.
 */
final class DialogPvs {
    private static final Logger LOG = LoggerFactory.getLogger("dialog");
    /** $dlg's names in Kamailio 5.6 (pv_parse_dlg_name). */
    static final String[] DLG_KEYS = {"ref", "h_id", "state", "to_rs", "dflags", "sflags", "callid", "to_uri", "to_tag", "toroute",
        "to_cseq", "from_rs", "h_entry", "from_uri", "from_tag", "lifetime", "start_ts", "from_cseq", "to_contact", "to_bindaddr",
        "from_contact", "from_bindaddr"};
    /** $dlg_ctx's names Sipway runs (timeout_route is refused at load: no route runs on timeout). */
    static final String[] CTX_KEYS = {"on", "set", "dir", "flags", "timeout", "timeout_bye"};

    private final Tracker tracker;

    DialogPvs(Tracker tracker) {
        this.tracker = tracker;
    }

    Function<PvName, Pv> dlg() {
        return n -> {
            String key = n.inner();
            return ctx -> {
                Dialog d = tracker.dialogOf((MsgContext) ctx);
                if (d == null) {
                    return null;
                }
                synchronized (d) {
                    return value(d, key);
                }
            };
        };
    }

    /** pv_get_dlg: numbers as numbers, texts as texts, $null for what the dialog does not have. */
    private static Object value(Dialog d, String key) {
        return switch (key) {
            case "h_id" -> (long) d.hId;
            case "h_entry" -> (long) d.hEntry;
            // Kamailio 5.6 maps "from_bindaddr" to the state (a strncmp of 20 characters on a 13-character name)
            case "state", "from_bindaddr" -> (long) d.state;
            case "to_rs" -> text(Dialog.routeText(d.routeSet[Dialog.CALLEE]));
            case "from_rs" -> text(Dialog.routeText(d.routeSet[Dialog.CALLER]));
            case "dflags" -> (long) d.dflags;
            case "sflags" -> d.sflags;
            case "callid" -> text(d.callId);
            case "to_uri" -> text(d.toUri);
            case "from_uri" -> text(d.fromUri);
            case "to_tag" -> text(d.tag[Dialog.CALLEE]);
            case "from_tag" -> text(d.tag[Dialog.CALLER]);
            case "toroute" -> 0L;
            case "to_cseq" -> Long.toString(d.cseq[Dialog.CALLEE]);
            case "from_cseq" -> Long.toString(d.cseq[Dialog.CALLER]);
            case "lifetime" -> d.lifetime;
            case "start_ts" -> d.startTs;
            case "to_contact" -> text(d.contact[Dialog.CALLEE]);
            case "from_contact" -> text(d.contact[Dialog.CALLER]);
            case "to_bindaddr" -> d.socket[Dialog.CALLEE] == null ? null : DialogRpc.socketText(d.socket[Dialog.CALLEE]);
            default -> 1L; // ref: the table holds it
        };
    }

    private static String text(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    Pv dlgVar(PvName n) {
        String name = n.inner();
        return new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                MsgContext m = (MsgContext) ctx;
                Dialog d = tracker.dialogOf(m);
                if (d == null) {
                    return m.dialog instanceof DlgCtx c ? c.localVars.get(name) : null;
                }
                synchronized (d) {
                    return d.vars.get(name);
                }
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                MsgContext m = (MsgContext) ctx;
                if (value != null && !(value instanceof String)) {
                    LOG.error("non-string values are not supported");
                    return;
                }
                String v = (String) value;
                Dialog d = tracker.dialogOf(m);
                if (d == null) {
                    DlgCtx c = DlgCtx.of(m);
                    if (v == null || v.isEmpty()) {
                        c.localVars.remove(name);
                    } else {
                        c.localVars.put(name, v);
                    }
                    return;
                }
                synchronized (d) {
                    if (v == null || v.isEmpty()) {
                        d.vars.remove(name);
                    } else {
                        d.vars.put(name, v);
                    }
                    d.dflags |= Dialog.FLAG_CHANGED;
                }
            }
        };
    }

    Pv dlgCtx(PvName n) {
        String key = n.inner();
        return new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                MsgContext m = (MsgContext) ctx;
                DlgCtx c = m.dialog instanceof DlgCtx x ? x : null;
                return switch (key) {
                    case "flags" -> c == null ? 0L : c.flags;
                    case "timeout" -> c == null ? 0L : c.timeout;
                    case "timeout_bye" -> c == null ? 0L : c.timeoutBye;
                    case "set" -> DlgCtx.current(m) == null ? 0L : 1L;
                    case "dir" -> c == null ? 0L : (long) c.dir;
                    default -> c == null ? 0L : c.on;
                };
            }

            @Override
            public boolean writable() {
                return !key.equals("set") && !key.equals("dir");
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                MsgContext m = (MsgContext) ctx;
                long v = value instanceof Long l ? l : 0;
                DlgCtx c = DlgCtx.of(m);
                switch (key) {
                    case "flags" -> c.flags = v;
                    case "timeout" -> {
                        c.timeout = v;
                        Dialog d = DlgCtx.current(m);
                        if (d != null && v > 0) {
                            synchronized (d) {
                                d.lifetime = v;
                                d.dflags |= Dialog.FLAG_CHANGED;
                            }
                        }
                    }
                    case "timeout_bye" -> {
                        c.timeoutBye = v;
                        Dialog d = DlgCtx.current(m);
                        if (d != null && v != 0) {
                            synchronized (d) {
                                d.iflags |= Dialog.IFLAG_TIMEOUTBYE;
                            }
                        }
                    }
                    case "on" -> c.on = v;
                    default -> { }
                }
            }
        };
    }

    static List<String> ctxKeys() {
        return List.of(CTX_KEYS);
    }
}
