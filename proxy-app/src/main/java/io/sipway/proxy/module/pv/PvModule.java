package io.sipway.proxy.module.pv;

import static io.sipway.proxy.module.Routes.*;

import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;
import io.sipway.sip.Address;
import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipUri;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;

/**
 * Read-only pseudo-variables of the pv module (src/modules/pv/pv_core.c, pv_time.c) beyond
 * RuntimeHost's: {@code $fn $tn} display names, {@code $cT} Content-Type, {@code $cl}
 * Content-Length, {@code $ct} Contact, {@code $rb} body, {@code $rv} SIP version, {@code $rz}
 * R-URI scheme, {@code $dd $dp $dP} from {@code $du}, {@code $af(id|name)} address family of the
 * receiving socket, {@code $hdrc(name)} header count, {@code $Ts} and {@code $TV(s|u|sn|un|Sn)}.
 * Values follow Kamailio: null ($null) when absent, numbers as Long.
 */
public final class PvModule {
    /** Linux's AF_INET and AF_INET6: what $af(id) gives. */
    static final long AF_INET = 2;
    static final long AF_INET6 = 10;

    /** Microseconds of the last $TV(sn) in this thread (Kamailio keeps it per process): $TV(un). */
    private static final ThreadLocal<long[]> LAST_NOW = ThreadLocal.withInitial(() -> new long[2]);

    private PvModule() {
    }

    static void register(ModuleExports.Builder r, Core core) {
        pv(r, "fn", m -> display(m.msg, true));
        pv(r, "tn", m -> display(m.msg, false));
        pv(r, "cT", m -> m.msg.header(HeaderName.CONTENT_TYPE));
        pv(r, "cl", m -> m.msg.contentLength() < 0 ? null : (Object) (long) m.msg.contentLength());
        pv(r, "ct", m -> m.msg.header(HeaderName.CONTACT));
        pv(r, "rb", m -> new String(m.msg.body(), StandardCharsets.UTF_8));
        pv(r, "rv", m -> version(m.msg));
        pv(r, "rz", PvModule::ruriScheme);
        pv(r, "dd", m -> dst(m, SipUri::host));
        pv(r, "dp", m -> dst(m, u -> u.port() > 0 ? (long) u.port() : "tls".equals(u.transport()) ? 5061L : 5060L));
        pv(r, "dP", m -> dst(m, u -> u.param("transport") != null ? u.param("transport") : "udp"));
        pv(r, "Ts", m -> msgTime(m)[0]);
        pv(r, "TS", m -> now()[0]); // now, not the message's time
        pv(r, "Tf", m -> ctime(msgTime(m)[0]));
        pv(r, "TF", m -> ctime(now()[0]));
        r.pv("TV", PvExport.Inner.REQUIRED, false, n -> {
            String key = n.inner();
            Function<MsgContext, Object> get = switch (key) {
                case "s" -> m -> msgTime(m)[0];
                case "u" -> m -> msgTime(m)[1];
                case "sn" -> m -> {
                    long[] now = now();
                    LAST_NOW.get()[0] = now[0];
                    LAST_NOW.get()[1] = now[1];
                    return now[0];
                };
                case "un" -> m -> LAST_NOW.get()[1];
                case "Sn" -> m -> {
                    long[] now = now();
                    return now[0] + "." + String.format("%06d", now[1]);
                };
                default -> throw new IllegalArgumentException("unknown name '" + key + "' for $TV(...): one of s, u, sn, un, Sn");
            };
            return ctx -> get.apply(c(ctx));
        }, "s", "u", "sn", "un", "Sn");
        r.pv("stat", PvExport.Inner.REQUIRED, false, n -> { // a statistic by its name without the group
            String name = n.inner().trim();
            java.util.concurrent.atomic.LongAdder[] found = new java.util.concurrent.atomic.LongAdder[1]; // found once
            return ctx -> {
                java.util.concurrent.atomic.LongAdder a = found[0];
                if (a == null) { // not kept yet (counted at its first event): asked again next time
                    a = core.statisticNamed(name);
                    found[0] = a;
                }
                return a == null ? null : (Object) a.sum();
            };
        });
        r.pv("af", PvExport.Inner.REQUIRED, false, n -> {
            boolean name = "name".equals(n.inner());
            if (!name && !"id".equals(n.inner())) {
                throw new IllegalArgumentException("unknown name '" + n.inner() + "' for $af(...): one of id, name");
            }
            return ctx -> {
                boolean v6 = c(ctx).from.localSocket().local().getAddress() instanceof Inet6Address;
                return name ? (Object) (v6 ? "IPv6" : "IPv4") : (Object) (v6 ? AF_INET6 : AF_INET);
            };
        }, "id", "name");
        r.pv("hdrc", PvExport.Inner.REQUIRED, false, n -> {
            String name = n.inner();
            return ctx -> (long) count(c(ctx).msg, name);
        });
        AuthPvs.register(r);
    }

    private static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    private static void pv(ModuleExports.Builder r, String name, Function<MsgContext, Object> get) {
        r.pv(name, PvExport.Inner.NONE, false, n -> (Pv) ctx -> {
            try {
                return get.apply(c(ctx));
            } catch (RuntimeException e) {
                return null; // a header that does not parse reads as $null, as in Kamailio
            }
        });
    }

    private static Object display(SipMessage msg, boolean from) {
        Address a = from ? msg.from() : msg.to();
        return a == null ? null : a.displayName();
    }

    /** The SIP version of the start line as written ("SIP/2.0"). */
    private static Object version(SipMessage msg) {
        String s = msg.toString();
        int eol = s.indexOf('\n');
        String line = (eol < 0 ? s : s.substring(0, eol)).strip();
        return msg.isRequest() ? line.substring(line.lastIndexOf(' ') + 1) : line.substring(0, Math.max(line.indexOf(' '), 0));
    }

    /** pv_core.c $rz: sip, sips, tel, tels or urn; null for replies and other schemes. */
    private static Object ruriScheme(MsgContext m) {
        if (!m.msg.isRequest()) {
            return null;
        }
        SipUri u = SipUri.parse(m.requestUri());
        String scheme = u.schemeName();
        if (u.scheme() == SipUri.Scheme.OTHER && !scheme.equals("tels") && !scheme.equals("urn")) {
            return null;
        }
        return scheme;
    }

    private static Object dst(MsgContext m, Function<SipUri, Object> part) {
        if (m.du == null) {
            return null;
        }
        return part.apply(SipUri.parse(m.du));
    }

    /** How many header fields have this name (long or compact form, any case): pv_get_hdrc. */
    static int count(SipMessage msg, String name) {
        HeaderName type = HeaderName.of(name);
        if (type != HeaderName.OTHER) {
            return msg.count(type);
        }
        int n = 0;
        for (int i = 0; i < msg.headerCount(); i++) {
            if (msg.headerType(i) == HeaderName.OTHER && msg.headerName(i).equalsIgnoreCase(name.trim())) {
                n++;
            }
        }
        return n;
    }

    private static final java.time.format.DateTimeFormatter CTIME =
            java.time.format.DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", java.util.Locale.US);

    /** ctime(3) without its newline, in the local zone: {@code Tue Nov 24 16:18:00 2026}, as $Tf and $TF print. */
    public static String ctime(long epochSeconds) {
        return CTIME.format(java.time.Instant.ofEpochSecond(epochSeconds).atZone(java.time.ZoneId.systemDefault()));
    }

    /** The time of a message, taken on first use (Kamailio's msg_set_time) and kept in its context: seconds and microseconds. */
    private static long[] msgTime(MsgContext m) {
        if (m.msgTime == null) {
            m.msgTime = now();
        }
        return m.msgTime;
    }

    private static long[] now() {
        Instant t = Instant.now();
        return new long[] {t.getEpochSecond(), t.getNano() / 1000};
    }

    /** The pv module's table: pseudo-variables, the transformations other than s., and modparam shvset. */
    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("pv", "https://kamailio.org/docs/modules/5.6.x/modules/pv.html");
        register(b, core);
        MessagePvs.register(b, core);
        Transformations.names().forEach((name, counts) -> b.transformation(name, counts[0], counts[1],
                (n, params, pvs) -> Transformations.compile(n, params, pvs)));
        b.param("shvset", ParamExport.Type.STRING, "", "a $shv's value at start: name=i:number or name=s:text");
        return b.build();
    }
}
