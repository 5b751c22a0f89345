package io.sipway.proxy.module.siptrace;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.HostAddresses;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.RpcExport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * siptrace (https://kamailio.org/docs/modules/5.6.x/modules/siptrace.html): copies of SIP traffic
 * to a capture server, as HEP (versions 1, 2 and 3, {@code hep_mode_on=1}) or as the plain message,
 * over UDP ({@link Tracer}, {@link Hep3}). {@code sip_trace([uri[, correlation_id[, mode]]])} traces
 * the current message ("m") or the transaction ("t"); {@code sip_trace_mode("m"|"t")} the same
 * without a destination; {@code trace_mode=1} traces everything received and sent. With
 * {@code trace_to_database} (Kamailio's default, 1) traced messages are also rows of the
 * {@code sip_trace} table ({@link TraceDb}). Dialog tracing ("d") is not implemented: refused.
 */
public final class SiptraceModule {
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.siptrace");
    /** Kamailio's DEFAULT_DB_URL. */
    static final String DEFAULT_DB_URL = "mysql://kamailio:kamailiorw@localhost/kamailio";

    private SiptraceModule() {
    }

    /** The tracing modes of sip_trace()'s third argument (parse_siptrace_flag). */
    enum Mode { MESSAGE, TRANSACTION, DIALOG }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("siptrace", "https://kamailio.org/docs/modules/5.6.x/modules/siptrace.html");
        Tracer tracer = new Tracer(core, Clock.systemUTC());
        b.paramChecked("duplicate_uri", STR, "", "sip:host[:port] of the capture server the copies go to, over UDP",
                v -> v.isBlank() ? null : uriProblem(v));
        b.param("hep_mode_on", INT, "0", "1: the copies are HEP packets (else the SIP message itself)");
        b.paramOnly("hep_version", INT, "1", "the HEP version of the packets: 1, 2 or 3", "1", "2", "3");
        b.param("hep_capture_id", INT, "1", "the capture agent id in each HEP packet");
        b.param("auth_key", STR, "", "HEP3: an authentication key chunk in each packet");
        b.param("trace_on", INT, "0", "1: tracing is on (sip_trace() of the current message; RPC siptrace.status changes it)");
        b.paramChecked("trace_flag", INT, "-1", "a message flag: sip_trace() on a request carrying it traces the transaction, "
                + "and a traced transaction's messages need it", v -> v.trim().matches("-1|[0-9]|[12][0-9]|3[01]") ? null : "must be -1 or 0..31");
        b.param("trace_to_database", INT, "1", "1: while trace_on is set each traced message is a row of the table (db_url)");
        b.paramOnly("trace_mode", INT, "0", "1: every message received and sent is traced as HEP, without script calls", "0", "1");
        b.param("db_url", STR, DEFAULT_DB_URL, "the database of trace_to_database");
        b.param("table", STR, "sip_trace", "the table of trace_to_database (version 4, Kamailio's columns)");
        b.fn("sip_trace", 0, 3, ANY, args -> bind(tracer, args))
                .check(SiptraceModule::checkArgs)
                .x().summary("traces the message (or with \"t\" or trace_flag the transaction) to the capture server: "
                        + "uri, correlation id, mode m/t; -1 while trace_on is 0");
        b.fn("sip_trace_mode", 1, 1, ANY, args -> {
            Format mode = Format.of(args.get(0));
            return ctx -> {
                String m = mode.apply(ctx);
                char c = m.isEmpty() ? 'm' : Character.toLowerCase(m.charAt(0));
                if (c == 'd') {
                    LOG.error("siptrace: dialog tracing is not implemented (sip_trace_mode(\"{}\"))", m);
                    return -1;
                }
                return trace((MsgContext) ctx, tracer, null, null, c == 't' ? Mode.TRANSACTION : Mode.MESSAGE);
            };
        }).check(a -> {
            if (a.get(0).isConstant() && a.get(0).constantString().trim().toLowerCase(Locale.ROOT).startsWith("d")) {
                throw new FunctionSpec.BadArgument(a.get(0), "dialog tracing (\"d\") is not implemented");
            }
        }).x().summary("traces the message (\"m\") or the transaction (\"t\") to duplicate_uri");
        b.rpc("siptrace.status", "turns tracing on or off, or tells whether it is: on, off or check", params -> {
            if (params.isEmpty()) {
                throw new RpcExport.RpcException(500, "Not enough parameters (on, off or check)");
            }
            String s = String.valueOf(params.get(0)).toLowerCase(Locale.ROOT);
            if (s.startsWith("on")) {
                tracer.on.set(true);
                return "Enabled";
            }
            if (s.startsWith("off")) {
                tracer.on.set(false);
                return "Disabled";
            }
            if (s.startsWith("check")) {
                return tracer.on.get() ? "Enabled" : "Disabled";
            }
            throw new RpcExport.RpcException(500, "Bad parameter (on, off or check)");
        });
        b.onStart((script, host) -> {
            if (num(core, "trace_to_database", 1) != 0) {
                String url = core.modparam("siptrace", "db_url", DEFAULT_DB_URL).trim();
                TraceDb db;
                try {
                    db = new TraceDb(core, core.databases().get(url), core.modparam("siptrace", "table", "sip_trace").trim());
                } catch (io.sipway.proxy.db.DbException e) {
                    throw new IllegalArgumentException("siptrace: unable to connect to database " + url + ": " + e.getMessage(), e);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("modparam(\"siptrace\", \"db_url\"): " + e.getMessage(), e);
                }
                core.onClose(db::close);
                tracer.db(db);
            } else {
                tracer.db(null);
            }
            String dup = core.modparam("siptrace", "duplicate_uri", "").trim();
            long flag = num(core, "trace_flag", -1);
            tracer.settings(new Tracer.Settings(num(core, "hep_mode_on", 0) != 0, (int) num(core, "hep_version", 1),
                    (int) num(core, "hep_capture_id", 1), core.modparam("siptrace", "auth_key", ""),
                    dup.isEmpty() ? null : resolve(dup), flag < 0 ? 0 : 1L << flag), num(core, "trace_on", 0) != 0);
            core.hooks().tapStatelessReplies(tracer::statelessReply);
            if (num(core, "trace_mode", 0) == 1) {
                core.tapReceived(tracer::received);
                core.transport().sender().tap(tracer::sent);
            }
        });
        return b.build();
    }

    private static long num(Core core, String name, long def) {
        return Long.parseLong(core.modparam("siptrace", name, Long.toString(def)).trim());
    }

    private static void checkArgs(List<Arg> a) {
        if (a.size() == 3) {
            Arg mode = a.get(2);
            if (!mode.isConstant()) {
                throw new FunctionSpec.BadArgument(mode, "the tracing mode must be a constant (m, t or d)");
            }
            Mode m = mode(mode.constantString());
            if (m == null) {
                throw new FunctionSpec.BadArgument(mode, "Failed to parse trace type! (one of m, t, d)");
            }
            if (m == Mode.DIALOG) {
                throw new FunctionSpec.BadArgument(mode, "dialog tracing (\"d\") is not implemented");
            }
        }
        if (!a.isEmpty() && a.get(0).isConstant() && !a.get(0).constantString().contains("$")) {
            String problem = uriProblem(a.get(0).constantString());
            if (problem != null) {
                throw new FunctionSpec.BadArgument(a.get(0), problem);
            }
        }
    }

    /** parse_siptrace_flag: exactly one of m, t, d (any case), blanks ignored; null otherwise. */
    static Mode mode(String s) {
        Mode m = null;
        for (char c : s.toCharArray()) {
            if (c == ' ' || c == '\t') {
                continue;
            }
            Mode next = switch (Character.toLowerCase(c)) {
                case 'm' -> Mode.MESSAGE;
                case 't' -> Mode.TRANSACTION;
                case 'd' -> Mode.DIALOG;
                default -> null;
            };
            if (next == null || m != null) {
                return null;
            }
            m = next;
        }
        return m;
    }

    private static io.sipway.cfg.ScriptFunction bind(Tracer tracer, List<Arg> args) {
        Format uri = args.isEmpty() ? null : Format.of(args.get(0));
        InetSocketAddress fixed = !args.isEmpty() && args.get(0).isConstant() && !args.get(0).constantString().contains("$")
                ? resolve(args.get(0).constantString()) : null;
        Format cid = args.size() < 2 ? null : Format.of(args.get(1));
        Mode mode = args.size() < 3 ? null : mode(args.get(2).constantString());
        return ctx -> {
            MsgContext m = (MsgContext) ctx;
            InetSocketAddress dst = null;
            if (fixed != null) {
                dst = fixed;
            } else if (uri != null) {
                String u = uri.apply(ctx);
                if (!u.isEmpty() && !u.equals("<null>")) {
                    dst = literal(u);
                    if (dst == null) {
                        LOG.error("siptrace: failed to parse uri! ({}: the host must be an IP address here)", u);
                        return -1;
                    }
                }
            }
            // with a destination argument, or without a database, a capture address is needed (w_sip_trace3)
            if ((uri != null || !tracer.toDatabase()) && dst == null) {
                dst = tracer.settings().duplicate();
                if (dst == null) {
                    LOG.error("siptrace: no duplicate_uri modparam nor duplicate uri sip_trace() argument provided!");
                    return -1;
                }
            }
            // without a mode: the transaction when the request carries trace_flag, else the message
            long mask = tracer.settings().traceFlagMask();
            Mode md = mode != null ? mode : mask != 0 && (m.flags & mask) != 0 ? Mode.TRANSACTION : Mode.MESSAGE;
            return trace(m, tracer, dst, cid == null ? null : cid.apply(ctx), md);
        };
    }

    /** siptrace's sip_trace_helper: set up the transaction's tracing, then trace the current message. */
    static int trace(MsgContext m, Tracer tracer, InetSocketAddress dst, String correlationId, Mode mode) {
        if (mode == Mode.TRANSACTION) {
            if (!m.msg.isRequest()) {
                LOG.warn("siptrace: When tracing a transaction sip_trace() has to be initiated on the request message");
                return -1;
            }
            Tracer.TransactionTrace t = tracer.new TransactionTrace(dst);
            m.tmTap = t;
            if (m.st != null) {
                m.st.tap = t;
            }
            long mask = tracer.settings().traceFlagMask();
            if (mask != 0 && (m.flags & mask) == 0) {
                return 1; // trace_is_off: the transaction is followed, this message is not traced
            }
        }
        return tracer.traceCurrent(m, dst, correlationId);
    }

    /** What is wrong with a capture address "sip:host[:port]" (null: nothing). */
    static String uriProblem(String uri) {
        String[] hp = hostPort(uri);
        if (hp == null) {
            return "bad dup uri " + uri + " (sip:host[:port])";
        }
        String t = uri.toLowerCase(Locale.ROOT);
        if (t.contains("transport=") && !t.contains("transport=udp")) {
            return "Sipway sends traces over UDP only: " + uri;
        }
        return null;
    }

    /** host and port (5060 when none) of "sip:host[:port][;params]", or null. */
    static String[] hostPort(String uri) {
        String s = uri.trim();
        int colon = s.indexOf(':');
        if (colon < 0 || !s.substring(0, colon).matches("(?i)sips?")) {
            return null;
        }
        s = s.substring(colon + 1);
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(at + 1);
        }
        int end = s.length();
        for (char c : new char[] {';', '?', '>'}) {
            int i = s.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        s = s.substring(0, end);
        String host;
        String port = "5060";
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = s.substring(1, close);
            if (s.length() > close + 1) {
                if (s.charAt(close + 1) != ':') {
                    return null;
                }
                port = s.substring(close + 2);
            }
        } else {
            int c = s.lastIndexOf(':');
            host = c < 0 ? s : s.substring(0, c);
            if (c >= 0) {
                port = s.substring(c + 1);
            }
        }
        if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            return null;
        }
        return new String[] {host, port};
    }

    /** The address of a capture URI whose host is an IP address; null otherwise. */
    static InetSocketAddress literal(String uri) {
        String[] hp = hostPort(uri);
        if (hp == null) {
            return null;
        }
        InetAddress a = HostAddresses.literal(hp[0]);
        return a == null ? null : new InetSocketAddress(a, Integer.parseInt(hp[1]));
    }

    /**
     * The address of a capture URI written in the script, resolved once, when the script is
     * loaded (Kamailio resolves it for each copy; never on an event loop here).
     */
    static InetSocketAddress resolve(String uri) {
        InetSocketAddress lit = literal(uri);
        if (lit != null) {
            return lit;
        }
        String[] hp = hostPort(uri);
        if (hp == null) {
            throw new IllegalArgumentException("siptrace: bad duplicate uri " + uri);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(hp[0]), Integer.parseInt(hp[1]));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("siptrace: bad host name in uri " + uri, e);
        }
    }
}
