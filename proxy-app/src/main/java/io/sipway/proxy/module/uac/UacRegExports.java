package io.sipway.proxy.module.uac;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.Pv;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.RpcExport;
import java.util.List;
import java.util.Set;

/**
 * The remote registrations' part of uac's table ({@link UacReg}): the {@code reg_*} parameters,
 * {@code uac_reg_lookup}, {@code uac_reg_status}, {@code uac_reg_enable}, {@code uac_reg_disable},
 * {@code uac_reg_refresh}, {@code uac_reg_request_to} and the RPCs {@code uac.reg_dump}, {@code uac.reg_info},
 * {@code uac.reg_enable}, {@code uac.reg_disable}, {@code uac.reg_reload}, {@code uac.reg_refresh},
 * {@code uac.reg_remove} (not {@code uac.reg_add}).
 * They run when {@code reg_db_url} is set (which then needs {@code reg_contact_addr}), as in
 * Kamailio; {@code reg_keep_callid=1}, {@code reg_active=0} and uac_reg_lookup_uri are not
 * implemented and refused at load.
 */
final class UacRegExports {
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final Set<String> INFO_ATTRS = Set.of("l_uuid", "l_username", "r_username", "auth_username");

    private UacRegExports() {
    }

    static void register(ModuleExports.Builder b, UacReg reg, UacAuth auth) {
        String regs = "remote registrations from the uacreg table";
        b.param("reg_db_url", STR, "", regs + ": the database (none: no registrations)");
        b.param("reg_db_table", STR, "uacreg", regs + ": the table");
        b.param("reg_contact_addr", STR, "", regs + ": host[:port] of the Contact registered (a row's contact_addr first)");
        b.param("reg_timer_interval", INT, "90", regs + ": seconds between the checks for registrations to refresh");
        b.param("reg_retry_interval", INT, "0", regs + ": seconds before a failed registration is tried again (0: disabled)");
        b.param("reg_random_delay", INT, "0", regs + ": a random delay up to this many seconds before a row's first REGISTER");
        b.paramOnly("reg_keep_callid", INT, "0", regs + ": a new Call-ID for each registration", "0");
        b.paramOnly("reg_active", INT, "1", regs + ": they are sent", "1");
        b.paramWithoutEffect("reg_hash_size", INT, "4", "Sipway keeps the registrations in one map");
        b.paramWithoutEffect("reg_gc_interval", INT, "150", "a reload replaces the records at once");
        b.fn("uac_reg_lookup", 2, 2, ANY, args -> {
            Format uuid = Format.of(args.get(0));
            Pv dst = destination(args.get(1));
            return ctx -> {
                UacReg.Reg r = reg.active() ? reg.byUuid(uuid.apply(ctx)) : null;
                if (r == null) {
                    return -1;
                }
                dst.set(ctx, "sip:" + r.get("l_username") + "@" + r.get("l_domain"));
                return 1;
            };
        }).x().summary("sets the pseudo-variable to sip:l_username@l_domain of the registration with this l_uuid; -1 when none");
        b.fn("uac_reg_status", 1, 1, ANY, args -> {
            Format uuid = Format.of(args.get(0));
            return ctx -> reg.active() ? reg.status(uuid.apply(ctx)) : -1;
        }).x().summary("1 registered, -1 no such l_uuid, -2 a REGISTER under way, -3 disabled, -99 not registered");
        for (boolean on : new boolean[] {true, false}) {
            b.fn(on ? "uac_reg_enable" : "uac_reg_disable", 2, 2, ANY, args -> {
                Format attr = Format.of(args.get(0));
                Format value = Format.of(args.get(1));
                return ctx -> {
                    String a = attr.apply(ctx);
                    UacReg.Reg r = reg.active() && INFO_ATTRS.contains(a) ? reg.find(a, value.apply(ctx)) : null;
                    if (r == null) {
                        return -1;
                    }
                    reg.enable(r, on);
                    return 1;
                };
            }).x().summary((on ? "enables" : "disables") + " the registration whose attribute (l_uuid, l_username, r_username,"
                    + " auth_username) has the value; -1 when none");
        }
        b.fn("uac_reg_request_to", 2, 2, io.sipway.proxy.module.Routes.R | io.sipway.proxy.module.Routes.F
                | io.sipway.proxy.module.Routes.B, args -> {
            Format user = Format.of(args.get(0));
            Format mode = Format.of(args.get(1));
            return ctx -> requestTo((io.sipway.proxy.core.MsgContext) ctx, reg, auth, user.apply(ctx), Format.num(mode.apply(ctx)));
        }).x().summary("sets $ru to sip:r_username@r_domain, $du to auth_proxy and the auth_*_avp values to the row's realm,"
                + " auth_username and auth_password, of the registration by l_uuid (mode 0) or l_username (mode 1)");
        b.fn("uac_reg_refresh", 1, 1, ANY, args -> {
            Format uuid = Format.of(args.get(0));
            return ctx -> {
                if (!reg.active()) {
                    return -1;
                }
                try {
                    return reg.refresh(uuid.apply(ctx)) ? 1 : -1;
                } catch (io.sipway.proxy.db.DbException e) {
                    return -1;
                }
            };
        }).x().mayWait().summary("reads the registration with this l_uuid from the table again (added when new); -1 when it has none");
        b.rpc("uac.reg_refresh", "reads one registration (l_uuid) from the table again", params -> {
            running(reg);
            if (params.isEmpty()) {
                throw new RpcExport.RpcException(400, "Invalid Parameters");
            }
            try {
                if (!reg.refresh(String.valueOf(params.get(0)))) {
                    throw new RpcExport.RpcException(404, "Record not found");
                }
            } catch (io.sipway.proxy.db.DbException e) {
                throw new RpcExport.RpcException(500, "Failed to refresh record - check log messages");
            }
            return null;
        });
        b.rpc("uac.reg_dump", "every remote registration and its state", params -> {
            running(reg);
            return reg.dump();
        });
        b.rpc("uac.reg_info", "one remote registration, by attribute (l_uuid, l_username, r_username, auth_username) and value",
                params -> reg.describe(record(reg, params)));
        b.rpc("uac.reg_enable", "enables a remote registration, by attribute and value", params -> {
            reg.enable(record(reg, params), true);
            return null;
        });
        b.rpc("uac.reg_disable", "disables a remote registration, by attribute and value", params -> {
            reg.enable(record(reg, params), false);
            return null;
        });
        b.rpc("uac.reg_remove", "takes a remote registration (l_uuid) out of memory", params -> {
            running(reg);
            if (params.isEmpty()) {
                throw new RpcExport.RpcException(400, "Invalid Parameters");
            }
            if (!reg.remove(String.valueOf(params.get(0)))) {
                throw new RpcExport.RpcException(404, "Record not found");
            }
            return null;
        });
        b.rpc("uac.reg_reload", "reads the uacreg table again", params -> {
            running(reg);
            return RpcExport.awaitUnlessOnLoop(reg.reload(), "Failed to reload records");
        });
    }

    /** uac_reg_request_to: 1, or -1 (no such record, an unknown mode, no auth_*_avp to set). */
    private static long requestTo(io.sipway.proxy.core.MsgContext m, UacReg reg, UacAuth auth, String user, long mode) {
        if (mode != 0 && mode != 1) {
            return -1; // "unknown mode"
        }
        UacReg.Reg r = !reg.active() ? null : mode == 0 ? reg.byUuid(user) : reg.find("l_username", user);
        if (r == null) {
            return -1;
        }
        m.ruri = "sip:" + r.get("r_username") + "@" + r.get("r_domain");
        m.du = r.get("auth_proxy").isEmpty() ? null : r.get("auth_proxy");
        UacAuth.Avps avps = auth.avps();
        if (avps == null) {
            return -1; // Kamailio cannot set an auth_*_avp it has no spec for
        }
        avps.realm().set(m, r.get("realm"));
        avps.user().set(m, r.get("auth_username"));
        avps.passwd().set(m, r.get("auth_password"));
        return 1;
    }

    private static void running(UacReg reg) throws RpcExport.RpcException {
        if (!reg.active()) {
            throw new RpcExport.RpcException(500, "Method Not Found"); // Kamailio registers them with reg_db_url only
        }
    }

    private static UacReg.Reg record(UacReg reg, List<Object> params) throws RpcExport.RpcException {
        running(reg);
        if (params.size() < 2) {
            throw new RpcExport.RpcException(400, "Invalid Parameters");
        }
        String attr = String.valueOf(params.get(0));
        if (attr.isEmpty() || String.valueOf(params.get(1)).isEmpty()) {
            throw new RpcExport.RpcException(400, "Invalid Parameter Values");
        }
        if (!INFO_ATTRS.contains(attr)) {
            throw new RpcExport.RpcException(400, "Unsupported filter attribute");
        }
        UacReg.Reg r = reg.find(attr, String.valueOf(params.get(1)));
        if (r == null) {
            throw new RpcExport.RpcException(404, "Record not found");
        }
        return r;
    }

    private static Pv destination(Arg a) {
        if (!a.isConstant() || !a.compilesPseudoVariables()) {
            throw new IllegalArgumentException("the destination must be a pseudo-variable that can be written, such as \"$ru\"");
        }
        Pv pv = a.assignablePseudoVariable(a.constantString().trim());
        if (pv == null) {
            throw new IllegalArgumentException("the destination " + a + " cannot be written");
        }
        return pv;
    }

    /** mod_init and the timer process, when reg_db_url is set. */
    static void start(Core core, CompiledScript script, UacReg reg) {
        String url = core.modparam("uac", "reg_db_url", "");
        if (url.isEmpty()) {
            return;
        }
        String contact = core.modparam("uac", "reg_contact_addr", "");
        if (contact.isEmpty()) {
            throw new IllegalArgumentException("uac: contact address parameter not set (reg_contact_addr)");
        }
        UacReg.Settings s = new UacReg.Settings(url, core.modparam("uac", "reg_db_table", "uacreg"), contact,
                (int) Math.max(1, Format.num(core.modparam("uac", "reg_timer_interval", "90"))),
                (int) Format.num(core.modparam("uac", "reg_retry_interval", "0")),
                (int) Format.num(core.modparam("uac", "reg_random_delay", "0")));
        reg.start(s, core.databases().get(url));
    }
}
