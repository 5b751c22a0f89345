package io.sipway.proxy.module.registrar;

import static io.sipway.proxy.module.Routes.*;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.location.Binding;
import io.sipway.proxy.location.LocationStore;
import io.sipway.proxy.location.StoreUnavailableException;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.registrar.RegistrarReplies.Error;
import io.sipway.proxy.module.usrloc.UsrlocModule;
import io.sipway.sip.Address;
import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipUri;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * usrloc and registrar (KAMAILIO.md 4.8): {@code save("location")} takes a REGISTER's Contacts
 * into the location table and answers 200 OK listing the bindings, or an error with registrar's
 * P-Registrar-Error ({@link RegistrarReplies}); {@code lookup("location")}
 * points the request at the bindings of its R-URI's AoR; {@code registered()} and
 * {@code unregister()}. Tables are {@link LocationStore}s made on first use, one per name. An
 * AoR's bindings are kept in usrloc's order: by q, highest first (a contact without q last), a new
 * one after those of its q, an updated one where it was; lookup() and the 200 follow it.
 *
 * <p>The AoR is the To URI's user (the R-URI's for lookup), with {@code @domain} when usrloc's
 * {@code use_domain} is 1. The registrar's parameters are read once per running script.
 */
public final class RegistrarModule {
    private RegistrarModule() {
    }

    static LocationStore table(Core core, String name) {
        return core.locationTable(name);
    }

    /** The registrar and usrloc parameters, read once per running script. */
    record Settings(CompiledScript script, long defaultExpires, long minExpires, long maxExpires, int maxContacts,
                            String receivedAvp, boolean appendBranches, boolean useDomain, int outboundMode, int regidMode,
                            int flowTimer, boolean usePath, int pathMode, boolean pathUseReceived) {
        static Settings of(Core core) {
            CompiledScript script = core.script();
            String avp = param(core, "registrar", "received_avp", "");
            if (avp.startsWith("$avp(") && avp.endsWith(")")) {
                avp = avp.substring(5, avp.length() - 1);
                avp = avp.startsWith("s:") ? avp.substring(2) : avp;
            }
            return new Settings(script, num(core, "default_expires", 3600), num(core, "min_expires", 60), num(core, "max_expires", 0),
                    (int) num(core, "max_contacts", 0), avp.isEmpty() ? null : avp, num(core, "append_branches", 1) != 0,
                    Format.num(param(core, "usrloc", "use_domain", "0")) != 0, (int) num(core, "outbound_mode", 0),
                    (int) num(core, "regid_mode", 0), (int) num(core, "flow_timer", 0), num(core, "use_path", 0) != 0,
                    (int) num(core, "path_mode", 2), num(core, "path_use_received", 0) != 0);
        }

        private static long num(Core core, String p, long def) {
            return Format.num(param(core, "registrar", p, Long.toString(def)));
        }
    }

    /** A modparam, also when written for several modules at once ({@code "nathelper|registrar"}). */
    private static String param(Core core, String module, String name, String def) {
        CompiledScript script = core.script();
        if (script == null) {
            return def;
        }
        String v = def;
        for (Ast.ModParam p : script.modParams()) {
            if (p.param().equals(name) && List.of(p.module().split("\\|")).contains(module)) {
                v = String.valueOf(p.value());
            }
        }
        return v;
    }

    private static volatile Settings settings;

    static Settings settings(Core core) {
        Settings s = settings;
        if (s == null || s.script() != core.script()) {
            s = Settings.of(core);
            settings = s;
        }
        return s;
    }

    private static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    static void register(ModuleExports.Builder r, Core core) {
        r.fn("save", 1, 3, R | F | O, args -> {
            String tableName = args.get(0).constantString();
            table(core, tableName); // usrloc's register_udomain: the table exists (and is loaded) from the start
            long flags = args.size() > 1 ? Format.num(args.get(1).constantString()) : 0;
            Format aorUri = args.size() > 2 ? Format.of(args.get(2)) : null;
            if ((flags & ~0x0F) != 0) {
                throw new FunctionSpec.BadArgument(args.get(1), "flags " + flags + ": Sipway knows 0x01 (memory only), 0x02 (no reply),"
                        + " 0x04 (one contact) and 0x08");
            }
            return ctx -> save(core, c(ctx), table(core, tableName), flags, aorUri == null ? null : aorUri.apply(ctx));
        });
        r.fn("lookup", 1, 2, R | F, args -> {
            String tableName = args.get(0).constantString();
            table(core, tableName);
            Format uri = args.size() > 1 ? Format.of(args.get(1)) : null;
            return ctx -> Lookup.lookup(core, c(ctx), table(core, tableName), uri == null ? null : uri.apply(ctx));
        });
        r.fn("registered", 1, 4, ANY, args -> {
            String tableName = args.get(0).constantString();
            Format uri = args.size() > 1 ? Format.of(args.get(1)) : null;
            return ctx -> {
                MsgContext m = c(ctx);
                String aor = aor(settings(core), uri != null ? uri.apply(ctx) : m.requestUri());
                try {
                    return aor != null && !table(core, tableName).bindings(aor, System.currentTimeMillis()).isEmpty() ? 1 : -1;
                } catch (StoreUnavailableException e) {
                    return -1;
                }
            };
        });
        r.fn("unregister", 2, 3, ANY, args -> {
            String tableName = args.get(0).constantString();
            Format uri = Format.of(args.get(1));
            return ctx -> {
                String aor = aor(settings(core), uri.apply(ctx));
                LocationStore t = table(core, tableName);
                if (aor == null) {
                    return -1;
                }
                try {
                    synchronized (lockOf(aor)) {
                        if (t.bindings(aor, System.currentTimeMillis()).isEmpty()) {
                            return -1;
                        }
                        t.put(aor, List.of());
                        return 1;
                    }
                } catch (StoreUnavailableException e) {
                    return -2; // unregister()'s failure
                }
            };
        });
    }

    /** The AoR of a URI: its user, with @domain under use_domain; null when it does not parse. */
    static String aor(Settings s, String uri) {
        if (uri == null) {
            return null;
        }
        try {
            SipUri u = SipUri.parse(uri.startsWith("<") ? uri.substring(1, uri.indexOf('>')) : uri);
            String user = u.user() == null ? "" : u.user();
            return s.useDomain() ? user + "@" + u.host().toLowerCase(Locale.ROOT) : user;
        } catch (RuntimeException e) {
            return null;
        }
    }

    // ---- save -------------------------------------------------------------------------------------

    private static long save(Core core, MsgContext m, LocationStore table, long flags, String aorUri) {
        Settings s = settings(core);
        SipMessage msg = m.msg;
        boolean reply = (flags & 0x02) == 0;
        String aor = aor(s, aorUri != null ? aorUri : msg.to().uriString());
        if (aor == null) {
            return fail(core, m, reply, Error.AOR_PARSE);
        }
        // usrloc's lock_udomain: the AoR's bindings are read and written by one save() at a time, so a
        // retransmitted REGISTER handled by another worker meanwhile sees the first one's binding
        // (in db_mode 3 it would otherwise find none and insert a second row)
        synchronized (lockOf(aor)) {
            return save(core, m, table, flags, s, reply, aor);
        }
    }

    private static Object lockOf(String aor) {
        return AOR_LOCKS[(aor.hashCode() & 0x7fffffff) % AOR_LOCKS.length];
    }

    /** Kamailio's slot locks: the AoRs of a slot share one (a hash of them picks it). */
    private static final Object[] AOR_LOCKS = new Object[1024];

    static {
        for (int i = 0; i < AOR_LOCKS.length; i++) {
            AOR_LOCKS[i] = new Object();
        }
    }

    private static long save(Core core, MsgContext m, LocationStore table, long flags, Settings s, boolean reply, String aor) {
        SipMessage msg = m.msg;
        long headerExpires;
        try {
            headerExpires = msg.expires();
        } catch (RuntimeException e) {
            return fail(core, m, reply, Error.PARSE_EXPIRES);
        }
        Error star = ContactRules.starProblem(msg, headerExpires < 0 ? s.defaultExpires() : headerExpires);
        if (star != null) {
            return fail(core, m, reply, star);
        }
        List<Address> contacts;
        try {
            contacts = msg.contacts();
        } catch (RuntimeException e) {
            return fail(core, m, reply, Error.PARSE_CONTACT);
        }
        boolean useRegid = true;
        List<String> supported = optionTags(msg, true);
        boolean obSupported = hasTag(supported, "outbound");
        if (!supported.isEmpty() && !obSupported && s.outboundMode() == OUTBOUND_REQUIRE) {
            return fail(core, m, reply, Error.OB_UNSUP); // save.c: only a REGISTER with a Supported header is refused
        }
        if (hasTag(optionTags(msg, false), "outbound") && s.outboundMode() == OUTBOUND_NONE) {
            return fail(core, m, reply, Error.OB_REQD);
        }
        if (s.outboundMode() != OUTBOUND_NONE && !contacts.isEmpty() && msg.vias().size() > 1) {
            // through an edge proxy: outbound only when its Path (the top one) says ;ob
            boolean useOb = !msg.paths().isEmpty() && msg.paths().get(0).uri().param("ob") != null;
            if (!useOb && s.regidMode() == 0) { // REG_REGID_OUTBOUND, the default
                if (obSupported && contacts.get(0).param("reg-id") != null) {
                    return fail(core, m, reply, Error.OB_UNSUP_EDGE);
                }
                useRegid = false; // the reg-id is ignored
            }
        }
        long now = System.currentTimeMillis();
        List<Binding> current;
        try {
            current = new ArrayList<>(table.bindings(aor, now));
        } catch (StoreUnavailableException e) {
            current = new ArrayList<>(); // usrloc's get_urecord in db_mode 3: a failed query finds nothing, the insert fails below
        }
        // usrloc's update_contacts (an AoR with bindings) answers an error with the bindings as they
        // are then; insert_contacts (a new AoR) with none, and keeps nothing of the request
        boolean known = !current.isEmpty();
        boolean wildcard = contacts.size() == 1 && contacts.get(0).isWildcard();
        if (!known && contacts.stream().anyMatch(ContactRules::invalidQ)) {
            return fail(core, m, reply, Error.INVALID_Q, "");
        }
        boolean oneContact = (flags & 0x04) != 0; // save()'s mode 1 skips test_max_contacts
        if (known && !wildcard && !oneContact && s.maxContacts() > 0 && ContactRules.tooMany(current, contacts, headerExpires, s)) {
            return fail(core, m, reply, Error.TOO_MANY, RegistrarReplies.contacts(current, now));
        }
        if (wildcard) {
            if (!stored(table, aor, List.of())) {
                return fail(core, m, reply, Error.UL_DELETE);
            }
            current.clear();
        } else {
            String received = s.receivedAvp() == null ? null : str(m.avps().get(s.receivedAvp(), 0));
            String path = pathVector(s, msg);
            if (path != null && s.pathUseReceived()) {
                String viaPath = io.sipway.proxy.module.path.PathModule.receivedOf(Lookup.firstPathUri(path));
                received = viaPath != null ? viaPath : received;
            }
            String ua = msg.header("User-Agent");
            for (int i = 0; i < contacts.size(); i++) {
                Address a = contacts.get(i);
                if (ContactRules.invalidQ(a)) { // the contacts before it stay changed, as in update_contacts
                    stored(table, aor, current);
                    return fail(core, m, reply, Error.INVALID_Q, RegistrarReplies.contacts(current, now));
                }
                // the first Contact as fix_nated_contact or set_contact_alias rewrote it, if they did
                String uri = i == 0 && m.contactOverride != null ? m.contactOverride : a.uriString();
                long expires = ContactRules.requested(a, headerExpires, s);
                if (expires > 0 && expires < s.minExpires()) {
                    expires = s.minExpires();
                }
                if (s.maxExpires() > 0 && expires > s.maxExpires()) {
                    expires = s.maxExpires();
                }
                // RFC 5626 flows: a Contact with +sip.instance and reg-id is the same binding as the one with
                // both equal, whatever its URI (usrloc's get_ucontact_by_instance): a UA that comes back over
                // a new flow replaces its binding instead of adding one
                String instance = ContactRules.instance(a);
                int regId = ContactRules.regId(a);
                int at = useRegid && instance != null && regId > 0 ? ContactRules.flowIndex(current, instance, regId) : ContactRules.indexOf(current, uri);
                Binding old = at < 0 ? null : current.get(at);
                if (old != null && old.callId().equals(msg.callId()) && old.cseq() >= msg.cseq().number()) {
                    continue; // an older or repeated REGISTER of the same registration changes nothing
                }
                if (expires == 0) {
                    if (old != null) {
                        current.remove(at);
                    }
                    continue;
                }
                Binding b = new Binding(uri, received, path, now + expires * 1000, a.q(), msg.callId(), msg.cseq().number(),
                        m.bflags, ua, m.from.localSocket(), m.from.protocol(), m.from.connectionId(),
                        old != null ? old.ruid() : UUID.randomUUID().toString(), now, instance, regId,
                        (flags & 0x01) != 0 ? Binding.MEMORY_ONLY : 0);
                if (old != null) {
                    current.set(at, b); // an update keeps its place, as usrloc's
                } else {
                    ContactRules.insertByQ(current, b);
                }
            }
            if (oneContact && current.size() > 1) {
                current = new ArrayList<>(current.subList(current.size() - 1, current.size())); // "one contact": the last one stays
            }
            if (s.maxContacts() > 0 && current.size() > s.maxContacts()) {
                return fail(core, m, reply, Error.TOO_MANY, "");
            }
            if (!stored(table, aor, current)) {
                return fail(core, m, reply, known ? Error.UL_UPDATE : Error.UL_INSERT);
            }
        }
        if (reply) {
            String contactsHeader = RegistrarReplies.contacts(current, now);
            String path = wildcard ? null : pathVector(s, msg);
            if (path != null && s.pathMode() != PATH_OFF) {
                // reg_send_reply: the Path goes back when the UA supports it; strict mode answers 420 when it does not
                boolean supportsPath = hasTag(optionTags(msg, true), "path");
                if (!supportsPath && s.pathMode() == PATH_STRICT) {
                    core.statelessReply(m, 420, "Bad Extension", contactsHeader + "Unsupported: path\r\nPath: " + path + "\r\n"
                            + Error.PATH_UNSUP.header());
                    return 1;
                }
                if (supportsPath) {
                    contactsHeader += "Path: " + path + "\r\n";
                }
            }
            core.statelessReply(m, 200, "OK", contactsHeader + outboundHeaders(s, msg, obSupported));
        }
        return 1;
    }

    private static final int PATH_OFF = 0;
    private static final int PATH_STRICT = 2;

    /**
     * The REGISTER's Path header fields joined by ',' (build_path_vector), each as written (a field
     * with two values keeps the text between them, as Kamailio 5.6.3 saves and returns it), when
     * use_path is set; else null.
     */
    private static String pathVector(Settings s, SipMessage msg) {
        if (!s.usePath()) {
            return null;
        }
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < msg.headerCount(); i++) {
            if (msg.headerType(i) == HeaderName.PATH) {
                v.append(v.length() == 0 ? "" : ",").append(msg.headerValue(i));
            }
        }
        return v.length() == 0 ? null : v.toString();
    }

    /** Writes an AoR's bindings; false when its database could not (db_mode 3), which save() answers 500. */
    private static boolean stored(LocationStore table, String aor, List<Binding> bindings) {
        try {
            table.put(aor, bindings);
            return true;
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    private static final int OUTBOUND_NONE = 0;
    private static final int OUTBOUND_SUPPORTED = 1;
    private static final int OUTBOUND_REQUIRE = 2;

    /**
     * reg_send_reply's outbound lines in a 200: outbound_mode 2 (required) always Require and Supported,
     * mode 1 (supported) Supported, and Require when the UA listed outbound; Flow-Timer with Require
     * when flow_timer is set.
     */
    private static String outboundHeaders(Settings s, SipMessage msg, boolean obSupported) {
        String timer = s.flowTimer() > 0 ? "Flow-Timer: " + s.flowTimer() + "\r\n" : "";
        return switch (s.outboundMode()) {
            case OUTBOUND_REQUIRE -> "Require: outbound\r\nSupported: outbound\r\n" + timer;
            case OUTBOUND_SUPPORTED -> "Supported: outbound\r\n" + (hasTag(optionTags(msg, false), "outbound") || obSupported ? "Require: outbound\r\n" + timer : "");
            default -> "";
        };
    }

    /** The Supported (or Require) option tags; none when they do not parse, as parse_supported's failure skips the check. */
    private static List<String> optionTags(SipMessage msg, boolean supported) {
        try {
            return supported ? msg.supported() : msg.require();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static boolean hasTag(List<String> tags, String tag) {
        for (String t : tags) {
            if (t.equalsIgnoreCase(tag)) {
                return true;
            }
        }
        return false;
    }

    private static long fail(Core core, MsgContext m, boolean reply, Error e) {
        return fail(core, m, reply, e, "");
    }

    /** Answers {@code e}, its P-Registrar-Error after the {@code contacts} header (or ""), as reg_send_reply orders them. */
    private static long fail(Core core, MsgContext m, boolean reply, Error e, String contacts) {
        if (reply) {
            core.statelessReply(m, e.code, e.reason(), contacts + e.header());
        }
        return -1;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /**
     * registrar's lookup_to_dset for another module (tsilo): the current bindings of {@code uri}'s AoR
     * in table {@code tableName}, best first as lookup() orders them; empty when none or the URI does not parse.
     */
    public static List<Binding> bindings(Core core, String tableName, String uri) {
        return Lookup.bindings(core, tableName, uri);
    }

    /** Where a request to a binding goes: its first Path URI, else its received address; null: its Contact. */
    public static String nextHop(Binding b) {
        return Lookup.nextHop(b);
    }

    /** The registrar table. */
    public static ModuleExports exports(Core core) {
        ModuleExports.Builder r = ModuleExports.module("registrar", "https://kamailio.org/docs/modules/5.6.x/modules/registrar.html");
        register(r, core);
        String save = "save()";
        r.param("default_expires", ParamExport.Type.INT, "3600", save + ": seconds when the REGISTER gives none");
        r.param("min_expires", ParamExport.Type.INT, "60", save + ": shorter expiries are raised to it");
        r.param("max_expires", ParamExport.Type.INT, "0", save + ": longer expiries are cut to it (0: no limit)");
        r.param("max_contacts", ParamExport.Type.INT, "0", save + ": more bindings per AoR are answered 503 (0: no limit)");
        r.param("received_avp", ParamExport.Type.STRING, "", save + ": the AVP whose value becomes the binding's received");
        r.param("append_branches", ParamExport.Type.INT, "1", "lookup(): the other bindings become branches (0: only the best)");
        r.param("use_path", ParamExport.Type.INT, "0", "1: save() keeps the Path of a REGISTER and lookup() sends through it"
                + " (the Path as Route, $du its first URI)");
        r.paramChecked("path_mode", ParamExport.Type.INT, "2", save + " with use_path: 0 the Path is not returned; 1 returned in the 200"
                + " when the REGISTER has Supported: path; 2 (strict) also, and without it 420 with Unsupported: path",
                v -> v.trim().matches("[012]") ? null : "must be 0, 1 or 2");
        r.param("path_use_received", ParamExport.Type.INT, "0", save + " with use_path: the received parameter of the first Path URI"
                + " (add_path_received's) becomes the binding's received address");
        r.paramChecked("outbound_mode", ParamExport.Type.INT, "0", save + ": RFC 5626 outbound: 0 none (Require: outbound refused 420),"
                + " 1 supported (Require: outbound in the 200 when the UA lists it), 2 required (421 without it)",
                v -> v.trim().matches("[012]") ? null : "must be 0, 1 or 2");
        r.paramChecked("regid_mode", ParamExport.Type.INT, "0", save + ": 0: through an edge proxy a reg-id counts only when its Path"
                + " has ;ob (else 439 for an outbound UA), 1: always", v -> v.trim().matches("[01]") ? null : "must be 0 or 1");
        r.paramChecked("flow_timer", ParamExport.Type.INT, "0", save + ": the Flow-Timer of a 200 with Require: outbound (0: none)",
                v -> v.trim().matches("\\d{1,3}") ? null : "must be 0..999");
        r.paramOnly("gruu_enabled", ParamExport.Type.INT, "1", "GRUUs (RFC 5627) are not implemented", "0");
        r.paramWithoutEffect("method_filtering", ParamExport.Type.INT, "0",
                "Sipway keeps no Allow per binding, so lookup() never filters bindings by method");
        // usrloc db_mode 3: each one is a query; db_mode 1: save() and unregister() write the table before they return
        r.declared("save").mayWaitWhen(params -> UsrlocModule.dbMode(params) == 1 || UsrlocModule.dbMode(params) == 3);
        r.declared("unregister").mayWaitWhen(params -> UsrlocModule.dbMode(params) == 1 || UsrlocModule.dbMode(params) == 3);
        r.declared("lookup").mayWaitWhen(params -> UsrlocModule.dbMode(params) == 3);
        r.declared("registered").mayWaitWhen(params -> UsrlocModule.dbMode(params) == 3);
        r.declared("save").summary("stores the REGISTER's Contacts for its AoR and answers 200 with the current bindings");
        r.declared("lookup").summary("the R-URI becomes the AoR's best binding, the others become branches; -1 none");
        r.declared("registered").summary("the AoR has a current binding");
        r.declared("unregister").summary("removes the AoR's bindings (or the one with that ruid)");
        return r.build();
    }
}
