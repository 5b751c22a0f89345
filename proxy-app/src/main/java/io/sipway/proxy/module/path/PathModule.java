package io.sipway.proxy.module.path;

import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Arg;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.transport.Protocol;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * path (https://kamailio.org/docs/modules/5.6.x/modules/path.html): an edge proxy inserts a Path
 * header (RFC 3327) in the REGISTERs it relays, so that the registrar sends the calls for that
 * contact back through it. The header is the first Path value and names the socket the request
 * leaves from, filled in per branch as Record-Route is: {@code Path: <sip:[user@]ip[:port];lr>},
 * add_path_received() adds {@code ;received=sip:SOURCE} (the source of the REGISTER, the transport
 * escaped into it when not UDP), a second argument appends its parameters (Kamailio 5.6.3 writes
 * {@code <sip:edge2@127.0.0.1:5099;lr;received=sip:127.0.0.1:36627;ob>}). The registrar's side is
 * registrar's {@code use_path}; with {@code use_received=1} a request routed back by that Path (a Route of
 * ours with {@code received=}) goes to the received address, as path.c's rr callback sends it. With the outbound module loaded, add_path() and add_path_received()
 * without arguments put outbound's flow token in the user part, and {@code ;ob} when the REGISTER has
 * one Via (RFC 5626 5.1).
 */
public final class PathModule {
    private PathModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("path", "https://kamailio.org/docs/modules/5.6.x/modules/path.html");
        b.fn("add_path", 0, 2, R, args -> adder(core, args, false))
                .summary("inserts a Path header naming this proxy ([user], [parameters])");
        b.fn("add_path_received", 0, 2, R, args -> adder(core, args, true))
                .summary("add_path() with the request's source as a received parameter");
        b.param("use_received", ParamExport.Type.INT, "0",
                "1: a request routed by a Route of ours with a received parameter goes to that address ($du)");
        b.onStart((script, host) -> {
            if (!"0".equals(core.modparam("path", "use_received", "0").trim())) {
                // path.c mod_init registers path_rr_callback with rr when use_received is set
                io.sipway.proxy.module.rr.RrCallbacks.register(core, PathModule::followReceived);
            }
        });
        b.paramOnly("enable_r2", ParamExport.Type.INT, "0", "one Path header per request", "0");
        b.paramOnly("received_format", ParamExport.Type.INT, "0", "received=sip:ip:port, as written by default", "0");
        b.paramOnly("sockname_mode", ParamExport.Type.INT, "0", "no socket name in the Path (Sipway's listeners have none)", "0");
        return b.build();
    }

    /**
     * path.c path_rr_callback: our Route (the Path a registrar put back as a Route) carries
     * {@code received=} (add_path_received's, escaped): the request goes there, its Request-URI kept.
     */
    static void followReceived(MsgContext m, String routeParams) {
        String received = receivedParam(routeParams);
        if (received != null && !received.isEmpty()) {
            m.du = unescape(received);
        }
    }

    /** The received address a Path URI carries (add_path_received's, unescaped), or null: registrar's path_use_received. */
    public static String receivedOf(String uri) {
        int semi = uri.indexOf(';');
        String v = semi < 0 ? null : receivedParam(uri.substring(semi + 1));
        return v == null || v.isEmpty() ? null : unescape(v);
    }

    /** The value of the {@code received} parameter of {@code a;b=c;received=x} (names without case), or null. */
    static String receivedParam(String params) {
        for (String p : params.split(";")) {
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("received")) {
                String v = p.substring(eq + 1).trim();
                return v.length() > 1 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    /** Kamailio's unescape_user: %XX (hex, either case) becomes that byte; anything else stays. */
    static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()
                    && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static io.sipway.cfg.ScriptFunction adder(Core core, List<Arg> args, boolean received) {
        boolean plain = args.isEmpty(); // only add_path() and add_path_received() ask outbound (path.c handleOutbound)
        Format user = args.isEmpty() ? null : Format.of(args.get(0));
        Format params = args.size() < 2 ? null : Format.of(args.get(1));
        return ctx -> {
            MsgContext m = (MsgContext) ctx;
            String u = user == null ? null : user.apply(ctx);
            StringBuilder tail = new StringBuilder(";lr");
            if (received) {
                InetSocketAddress src = m.from.source();
                String host = src.getAddress() instanceof java.net.Inet6Address ? "[" + src.getAddress().getHostAddress() + "]"
                        : src.getAddress().getHostAddress();
                tail.append(";received=sip:").append(host).append(':').append(src.getPort());
                if (m.from.protocol() != Protocol.UDP) { // escaped: it is one parameter's value
                    tail.append("%3Btransport%3D").append(m.from.protocol().text());
                }
            }
            io.sipway.proxy.core.Outbound ob = plain ? core.hooks().outbound() : null;
            if (ob != null && ob.use(m) != 0) {
                u = ob.encode(m.from); // the flow token names the connection the REGISTER came on
                if (m.msg.vias().size() < 2) {
                    tail.append(";ob"); // first hop: the UA itself is behind this flow
                }
            }
            String p = params == null ? null : params.apply(ctx);
            if (p != null && !p.isEmpty()) {
                tail.append(';').append(p);
            }
            m.pathUser = u == null || u.isEmpty() ? null : u;
            m.pathTail = tail.append('>').toString();
            return 1;
        };
    }
}
