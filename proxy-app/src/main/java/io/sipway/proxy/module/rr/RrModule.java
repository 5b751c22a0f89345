package io.sipway.proxy.module.rr;

import static io.sipway.proxy.module.Routes.*;

import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.siputils.SiputilsModule;
import io.sipway.proxy.module.textops.TextopsModule;
import io.sipway.sip.Address;
import io.sipway.sip.SipUri;
import java.util.regex.Pattern;

/**
 * rr (src/modules/rr: rr_mod.c, loose.c, record.c) beyond RuntimeHost's record_route and
 * loose_route: {@code is_direction}, {@code add_rr_param}, {@code check_route_param},
 * {@code record_route_preset}, {@code remove_record_route}.
 *
 * <p>The "routed parameters" are those of the top Route URI when it names this proxy (loose.c
 * redo_route_params): after loose_route() the Route headers are still in the message Sipway keeps,
 * so the top one is the local route whether or not loose_route() ran.
 *
 * <p>The Record-Route values themselves are written by Core.branchRequest when the branch goes
 * out (the outbound socket of a double Record-Route is only known then).
 */
public final class RrModule {
    private RrModule() {
    }

    static void register(ModuleExports.Builder r, Core core) {
        r.fn("is_direction", 1, 1, R, args -> {
            boolean upstream = args.get(0).constantString().equalsIgnoreCase("upstream");
            return ctx -> isUpstream(core, c(ctx)) == upstream ? 1 : -1;
        });
        r.fn("add_rr_param", 1, 1, R | F | B, args -> {
            Format param = Format.of(args.get(0));
            return ctx -> {
                MsgContext m = c(ctx);
                m.recordRouteParams = m.recordRouteParams + param.apply(ctx);
                return 1;
            };
        }).x();
        r.fn("check_route_param", 1, 1, R, args -> {
            TextopsModule.RegexArg re = TextopsModule.regexArg(args.get(0), TextopsModule.SEARCH_FLAGS);
            return ctx -> {
                String params = routedParams(core, c(ctx));
                if (params == null || params.isEmpty()) {
                    return -1;
                }
                Pattern p = re.get(ctx);
                return p != null && p.matcher(";" + params).find() ? 1 : -1; // the first ';' included, as loose.c does
            };
        }).x();
        r.fn("record_route_preset", 1, 2, R | F | B, args -> {
            Format first = Format.of(args.get(0));
            Format second = args.size() > 1 ? Format.of(args.get(1)) : null;
            return ctx -> {
                MsgContext m = c(ctx);
                if (m.recordRoute) {
                    return -1; // rr: only one Record-Route per request
                }
                String one = first.apply(ctx);
                if (one.isEmpty()) {
                    return -1;
                }
                m.recordRoute = true;
                m.recordRouteUser = flowToken(core, m);
                m.recordRoutePreset = second == null ? new String[] {one} : new String[] {one, second.apply(ctx)};
                return 1;
            };
        }).x();
        r.fn("remove_record_route", 0, 0, R | F, args -> ctx -> {
            MsgContext m = c(ctx);
            m.recordRoute = false;
            m.recordRoutePreset = null;
            return 1;
        });
    }

    /**
     * The user part of our Record-Route with the outbound module loaded (record.c): a token naming the
     * flow an "outgoing" request came on, the top Route's token for an "incoming" one; else none.
     */
    static String flowToken(Core core, MsgContext m) {
        io.sipway.proxy.core.Outbound ob = core.hooks().outbound();
        if (ob == null) {
            return null;
        }
        return switch (ob.use(m)) {
            case 1 -> ob.encode(m.from);
            case 2 -> m.msg.topRoute().uri().user();
            default -> null;
        };
    }

    private static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    /**
     * The URI parameters of the top Route when it is this proxy (as written, without the leading
     * ';'), or null: for replies, without Route, or when the top Route is someone else's.
     */
    public static String routedParams(Core core, MsgContext m) {
        if (!m.msg.isRequest()) {
            return null;
        }
        Address top;
        SipUri u;
        try {
            top = m.msg.topRoute();
            if (top == null) {
                return null;
            }
            u = top.uri();
        } catch (RuntimeException e) {
            return null;
        }
        // loose.c is_myself: the port defaults to 5060, any protocol
        if (u.host() == null || u.host().isEmpty() || !core.isMyself(u.host(), u.port() > 0 ? u.port() : 5060, null)) {
            return null;
        }
        return SiputilsModule.paramsOf(top.uriString());
    }

    /**
     * loose.c is_direction: upstream when the local Route's ftag parameter has a value that differs
     * from the From tag; downstream otherwise (no local Route, no or empty ftag, no From tag).
     */
    public static boolean isUpstream(Core core, MsgContext m) {
        String params = routedParams(core, m);
        if (params == null) {
            return false;
        }
        String ftag = null;
        for (String p : params.split(";")) {
            String t = p.trim();
            int eq = t.indexOf('=');
            String name = (eq < 0 ? t : t.substring(0, eq)).trim();
            if (name.equals("ftag")) {
                ftag = eq < 0 ? "" : unquote(t.substring(eq + 1).trim());
                break;
            }
        }
        if (ftag == null || ftag.isEmpty()) {
            return false;
        }
        String tag;
        try {
            tag = m.msg.fromTag();
        } catch (RuntimeException e) {
            return false;
        }
        return tag != null && !tag.isEmpty() && !tag.equals(ftag);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
            int end = v.indexOf(v.charAt(0), 1);
            return end < 0 ? v.substring(1) : v.substring(1, end);
        }
        return v;
    }

    /** The rr table. */
    public static ModuleExports exports(Core core) {
        ModuleExports.Builder r = ModuleExports.module("rr", "https://kamailio.org/docs/modules/5.6.x/modules/rr.html");
        r.fn("record_route", 0, 1, R | F | B, args -> {
            String params = args.isEmpty() ? "" : args.get(0).constantString();
            return ctx -> {
                MsgContext m = c(ctx);
                m.recordRoute = true;
                m.recordRouteUser = flowToken(core, m);
                m.recordRouteParams = m.recordRouteParams + params; // add_rr_param() may have come first
                return 1;
            };
        }).x().summary("adds Record-Route (two when the request changes socket), written when the branch leaves");
        r.fn("loose_route", 0, 0, R, args -> ctx -> LooseRoute.run(core, c(ctx)))
                .summary("routes by the Route headers: ours are taken off, the next one becomes $du");
        register(r, core);
        String rr = "the Record-Route values Core.recordRouteFor writes";
        r.param("append_fromtag", ParamExport.Type.INT, "1", rr + ": ;ftag= with the From tag");
        r.param("enable_double_rr", ParamExport.Type.INT, "1", rr + ": 1 two when the socket changes, 2 always, 0 never");
        r.param("enable_full_lr", ParamExport.Type.INT, "0", rr + ": ;lr=on instead of ;lr");
        r.declared("is_direction").check(a -> Fixups.oneOf(a.get(0), "the direction", true, "downstream", "upstream"));
        r.declared("is_direction").summary("the in-dialog request goes downstream or upstream (ftag against the From tag)");
        r.declared("add_rr_param").summary("adds a parameter to the Record-Route this request gets");
        r.declared("check_route_param").summary("the local Route's parameters match the regex");
        r.declared("record_route_preset").summary("adds Record-Route with the given URI(s) instead of the socket's");
        r.declared("remove_record_route").summary("takes back the Record-Route this request was to get");
        return r.build();
    }
}
