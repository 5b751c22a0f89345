package io.sipway.proxy.module.siputils;

import static io.sipway.proxy.module.Routes.*;

import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.HostAddresses;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.sip.Address;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipUri;
import io.sipway.sip.Via;
import io.sipway.transport.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * siputils (src/modules/siputils: checks.c, sipops.c, options.c): Request-URI parameters, E.164
 * checks, is_first_hop, options_reply, is_supported, is_user. has_totag, is_request and is_reply
 * are RuntimeHost's.
 */
public final class SiputilsModule {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.siputils");

    private SiputilsModule() {
    }

    static void register(ModuleExports.Builder r, Core core) {
        r.fn("is_user", 1, 1, R, args -> ctx -> {
            // checks.c is_user compares with the username of the credentials www_authorize or
            // proxy_authorize marked as authorized; Sipway has no auth module, so there never are any.
            LOG.error("is_user: no authorized credentials found (call {www,proxy}_authorize first)");
            return -1;
        }).x();
        r.fn("uri_param", 1, 2, R | F | B, args -> {
            Format name = Format.of(args.get(0));
            Format value = args.size() > 1 ? Format.of(args.get(1)) : null;
            return ctx -> {
                List<String[]> params = uriParams(c(ctx).requestUri());
                if (params == null) {
                    return -1; // ruri parsing failed
                }
                String n = name.apply(ctx);
                for (String[] p : params) {
                    if (p[0].equals(n)) {
                        if (value != null) {
                            return p[1].equals(value.apply(ctx)) ? 1 : -1;
                        }
                        return p[1].isEmpty() ? 1 : -1;
                    }
                }
                return -1;
            };
        }).x();
        r.fn("add_uri_param", 1, 1, R, args -> {
            Format param = Format.of(args.get(0));
            return ctx -> {
                MsgContext m = c(ctx);
                String p = param.apply(ctx);
                if (p.isEmpty()) {
                    return 1;
                }
                String uri = m.requestUri();
                if (uri == null || uriParams(uri) == null) {
                    return -1;
                }
                int q = uri.indexOf('?');
                m.ruri = q < 0 ? uri + ";" + p : uri.substring(0, q) + ";" + p + uri.substring(q);
                return 1;
            };
        }).x();
        r.fn("is_uri_user_e164", 1, 1, ANY, args -> {
            Format uri = Format.of(args.get(0));
            return ctx -> isUriUserE164(uri.apply(ctx));
        }).x();
        r.fn("is_e164", 1, 1, R | F, args -> {
            Format value = Format.of(args.get(0));
            return ctx -> e164(value.apply(ctx));
        }).x();
        r.fn("is_first_hop", 0, 1, ANY, args -> {
            Format mode = args.isEmpty() ? null : Format.of(args.get(0));
            return ctx -> isFirstHop(core, c(ctx), mode == null ? 0 : Format.num(mode.apply(ctx)));
        }).x();
        r.fn("is_supported", 1, 1, ANY, args -> {
            String option = args.get(0).constantString();
            return ctx -> {
                try {
                    for (String tag : c(ctx).msg.supported()) {
                        if (tag.equalsIgnoreCase(option)) {
                            return 1;
                        }
                    }
                } catch (RuntimeException e) {
                    return -1; // a Supported header that does not parse
                }
                return -1;
            };
        });
        r.fn("options_reply", 0, 0, R, args -> ctx -> optionsReply(core, c(ctx)));
    }

    private static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    /** checks.c e164_check: "+" and 2 to 15 digits. */
    static long e164(String s) {
        if (s == null || s.length() <= 2 || s.length() >= 17 || s.charAt(0) != '+') {
            return -1;
        }
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return 1;
    }

    /** checks.c is_uri_user_e164: the text between the first ':' and the next '@' is an E.164 number. */
    static long isUriUserE164(String uri) {
        if (uri == null || uri.isEmpty()) {
            return -1;
        }
        int colon = uri.indexOf(':');
        if (colon < 0) {
            return -1;
        }
        int at = uri.indexOf('@', colon + 1);
        if (at < 0) {
            return -1;
        }
        return e164(uri.substring(colon + 1, at));
    }

    /**
     * The parameters of a SIP URI as written, in order: name and value ("" when it has none), or
     * null when the URI does not parse. Names keep their case (Kamailio compares them as written).
     */
    static List<String[]> uriParams(String uri) {
        if (uri == null) {
            return null;
        }
        try {
            SipUri.parse(uri);
        } catch (RuntimeException e) {
            return null;
        }
        String params = paramsOf(uri);
        List<String[]> out = new ArrayList<>();
        if (params == null) {
            return out;
        }
        for (String p : params.split(";")) {
            String t = p.trim();
            if (t.isEmpty()) {
                continue;
            }
            int eq = t.indexOf('=');
            out.add(eq < 0 ? new String[] {t, ""} : new String[] {t.substring(0, eq).trim(), t.substring(eq + 1).trim()});
        }
        return out;
    }

    /** The parameter part of a URI after its first ';' (following the user part), before '?'; null when it has none. */
    public static String paramsOf(String uri) {
        int end = uri.indexOf('?');
        String u = end < 0 ? uri : uri.substring(0, end);
        int at = u.lastIndexOf('@');
        int from = at >= 0 ? at : u.indexOf(':');
        int semi = u.indexOf(';', Math.max(from, 0));
        return semi < 0 ? null : u.substring(semi + 1);
    }

    /** sipops.c is_first_hop_mode. */
    static long isFirstHop(Core core, MsgContext m, long mode) {
        SipMessage msg = m.msg;
        if (msg.isRequest()) {
            List<Via> vias;
            try {
                vias = msg.vias();
            } catch (RuntimeException e) {
                return 1; // "no second via or error"
            }
            return vias.size() < 2 ? 1 : -1;
        }
        List<Address> rr;
        SipUri u;
        try {
            rr = msg.recordRoutes();
            if (rr.isEmpty()) {
                return 1;
            }
            u = rr.get(0).uri();
        } catch (RuntimeException e) {
            return -1;
        }
        InetAddress ip = null;
        if (mode == 0) {
            ip = HostAddresses.literal(u.host());
            if (ip == null) {
                return -1; // "uri host is not an ip address"
            }
        }
        Protocol proto = u.transport() == null ? null : Core.protocolOf(u.transport());
        if (!core.isMyself(u.host(), u.port() > 0 ? u.port() : 0, proto)) {
            return -1;
        }
        if (mode == 0) {
            int srcPort = m.from.source().getPort();
            boolean samePort = u.port() > 0 ? srcPort == u.port() : srcPort == 5060;
            boolean sameProto = proto == null ? m.from.protocol() == Protocol.UDP : proto == m.from.protocol();
            if (ip.equals(m.from.source().getAddress()) && samePort && sameProto) {
                return -1; // the source is the top Record-Route: a loop
            }
        }
        return 1;
    }

    /**
     * options.c opt_reply: for an OPTIONS whose Request-URI has no user, a 200 with Accept,
     * Accept-Encoding, Accept-Language and Supported (modparams options_accept "*&#47;*",
     * options_accept_encoding "", options_accept_language "en", options_support ""); returns 0,
     * which ends the script. -1 for another method or a URI with a user.
     */
    static long optionsReply(Core core, MsgContext m) {
        if (!m.msg.isRequest() || !m.msg.methodName().equals("OPTIONS")) {
            LOG.error("options_reply: called for a non-OPTIONS request");
            return -1;
        }
        SipUri u;
        try {
            u = SipUri.parse(m.requestUri());
        } catch (RuntimeException e) {
            LOG.error("options_reply: cannot parse the R-URI");
            return -1;
        }
        if (u.user() != null && !u.user().isEmpty()) {
            LOG.error("options_reply: the R-URI has a user");
            return -1;
        }
        String extra = "Accept: " + core.modparam("siputils", "options_accept", "*/*") + "\r\n"
                + "Accept-Encoding: " + core.modparam("siputils", "options_accept_encoding", "") + "\r\n"
                + "Accept-Language: " + core.modparam("siputils", "options_accept_language", "en") + "\r\n"
                + "Supported: " + core.modparam("siputils", "options_support", "") + "\r\n";
        if (m.st != null) {
            core.tm().reply(m.st, 200, "OK"); // sl's freply is stateful when there is a transaction
        } else {
            core.statelessReply(m, 200, "OK", extra);
        }
        return 0;
    }

    /** The siputils table. */
    public static ModuleExports exports(Core core) {
        ModuleExports.Builder r = ModuleExports.module("siputils", "https://kamailio.org/docs/modules/5.6.x/modules/siputils.html");
        register(r, core);
        r.fn("has_totag", 0, 0, ANY, args -> ctx -> c(ctx).msg.toTag() != null ? 1 : -1).summary("the To header has a tag");
        r.fn("is_request", 0, 0, ANY, args -> ctx -> c(ctx).msg.isRequest() ? 1 : -1).summary("the message is a request");
        r.fn("is_reply", 0, 0, ANY, args -> ctx -> c(ctx).msg.isResponse() ? 1 : -1).summary("the message is a reply");
        String options = "the headers of options_reply()'s 200";
        r.param("options_accept", ParamExport.Type.STRING, "*/*", options + ": Accept");
        r.param("options_accept_encoding", ParamExport.Type.STRING, "", options + ": Accept-Encoding");
        r.param("options_accept_language", ParamExport.Type.STRING, "en", options + ": Accept-Language");
        r.param("options_support", ParamExport.Type.STRING, "", options + ": Support");
        r.declared("is_supported").check(a -> Fixups.oneOf(a.get(0), "the option", true, "path", "gruu", "timer", "100rel",
                "outbound", "eventlist"));
        r.declared("is_first_hop").check(a -> a.forEach(x -> Fixups.number(x, "the mode")));
        r.declared("is_user").summary("the user of the credentials (or From) is this one");
        r.declared("uri_param").summary("the R-URI has this parameter (with this value)");
        r.declared("add_uri_param").summary("adds a parameter to the R-URI");
        r.declared("is_uri_user_e164").summary("the URI's user is an E.164 number");
        r.declared("is_e164").summary("the value is an E.164 number (+ and 2 to 15 digits)");
        r.declared("is_first_hop").summary("the request has one Via (mode 1: the request came from us)");
        r.declared("is_supported").summary("the Supported header lists the extension");
        r.declared("options_reply").summary("answers an OPTIONS for the proxy itself with 200 and its Accept headers");
        return r.build();
    }
}
