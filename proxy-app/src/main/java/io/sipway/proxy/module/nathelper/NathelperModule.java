package io.sipway.proxy.module.nathelper;

import static io.sipway.proxy.module.Routes.*;

import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.HostAddresses;
import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.sip.SipUri;
import io.sipway.transport.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * nathelper (KAMAILIO.md 1.8): telling a client behind NAT or behind its WebSocket connection
 * ({@code nat_uac_test}), and making it reachable: {@code fix_nated_register()} gives the registrar
 * the URI the REGISTER really came from, {@code add_contact_alias()} writes it into the Contact as
 * {@code ;alias=ip~port~proto} (proto as Kamailio's number: udp 1, tcp 2, tls 3, sctp 4, ws 5,
 * wss 6), and {@code handle_ruri_alias()} turns such an alias in the R-URI back into {@code $du}.
 * A URI built from a WebSocket source says {@code transport=ws} for WS and WSS alike: that is all a
 * SIP URI can say, and the connection table finds the WSS connection for it.
 */
public final class NathelperModule {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("nathelper");
    /** The end of an SDP line (CRLF, or LF alone), compiled once rather than for every message. */

    private NathelperModule() {
    }

    private static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    static void register(ModuleExports.Builder r, Core core) {
        r.fn("nat_uac_test", 1, 1, R | F | O | B, args -> {
            long flags = Format.num(args.get(0).constantString());
            if (flags <= 0 || flags > 511) {
                throw new FunctionSpec.BadArgument(args.get(0), "flags " + flags + " are not a sum of 1, 2, 4, ... 256");
            }
            return ctx -> NatUacTest.test(c(ctx), flags) ? 1 : -1;
        }).x();
        r.fn("fix_nated_register", 0, 0, R, args -> ctx -> {
            MsgContext m = c(ctx);
            String avp = receivedAvp(core);
            if (avp == null || !m.msg.isRequest() || !m.msg.methodName().equals("REGISTER")) {
                return -1;
            }
            m.avps().add(avp, sourceUri(m));
            return 1;
        });
        r.fn("add_contact_alias", 0, 3, R | F | O | B, args -> {
            if (args.isEmpty()) {
                return ctx -> addContactAlias(c(ctx), null, 0, null);
            }
            if (args.size() != 3) {
                throw new FunctionSpec.BadArgument(args.get(0), "add_contact_alias takes no parameters or three: ip, port, proto");
            }
            Format ipArg = Format.of(args.get(0));
            Format portArg = Format.of(args.get(1));
            Format protoArg = Format.of(args.get(2));
            return ctx -> {
                MsgContext m = c(ctx);
                String ip = ipArg.apply(ctx);
                String port = portArg.apply(ctx);
                String proto = protoArg.apply(ctx);
                Protocol p = protocolByName(proto);
                if (HostAddresses.literal(ip) == null || p == null || port.isEmpty() || !port.chars().allMatch(Character::isDigit)
                        || port.length() > 5 || Integer.parseInt(port) > 65535) {
                    LOG.error("add_contact_alias: bad ip '{}', port '{}' or proto '{}' (udp, tcp, tls, ws, wss)", ip, port, proto);
                    return -1;
                }
                String h = ip.indexOf(':') >= 0 && !ip.startsWith("[") ? "[" + ip + "]" : ip;
                return addContactAlias(m, h, Integer.parseInt(port), p);
            };
        }).arities(0,3).x();
        r.fn("set_contact_alias", 0, 1, R | O | B, args -> {
            if (args.size() > 1) {
                throw new FunctionSpec.BadArgument(args.get(1), "set_contact_alias takes at most one parameter: trim");
            }
            Format trim = args.isEmpty() ? null : Format.of(args.get(0));
            return ctx -> setContactAlias(c(ctx), trim != null && Format.num(trim.apply(ctx)) > 0);
        }).x();
        r.fn("fix_nated_contact", 0, 0, R | O | B, args -> ctx -> fixNatedContact(c(ctx)));
        r.fn("handle_ruri_alias", 0, 1, R | B, args -> ctx -> handleRuriAlias(c(ctx))).x();
    }

    /** The registrar's received_avp, which nathelper shares ({@code modparam("nathelper|registrar", ...)}). */
    private static String receivedAvp(Core core) {
        String v = core.modparam("nathelper", "received_avp", null);
        if (v == null) {
            for (io.sipway.cfg.Ast.ModParam p : core.script().modParams()) {
                if (p.param().equals("received_avp") && List.of(p.module().split("\\|")).contains("nathelper")) {
                    v = String.valueOf(p.value());
                }
            }
        }
        if (v == null || !v.startsWith("$avp(") || !v.endsWith(")")) {
            return null;
        }
        String name = v.substring(5, v.length() - 1);
        return name.startsWith("s:") ? name.substring(2) : name;
    }

    /** A protocol by its name in add_contact_alias (udp, tcp, tls, ws, wss; any case), or null. */
    private static Protocol protocolByName(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "udp" -> Protocol.UDP;
            case "tcp" -> Protocol.TCP;
            case "tls" -> Protocol.TLS;
            case "ws" -> Protocol.WS;
            case "wss" -> Protocol.WSS;
            default -> null;
        };
    }

    /** Kamailio's protocol numbers, as the alias writes them. */
    static int protoNumber(Protocol p) {
        return switch (p) {
            case UDP -> 1;
            case TCP -> 2;
            case TLS -> 3;
            case WS -> 5;
            case WSS -> 6;
        };
    }

    /** The transport parameter a URI to that source says: none for UDP, ws for WS and WSS. */
    static String transportParam(Protocol p) {
        return switch (p) {
            case UDP -> "";
            case WS, WSS -> ";transport=ws";
            default -> ";transport=" + p.text();
        };
    }

    private static String host(InetAddress a) {
        String h = a.getHostAddress();
        return a instanceof java.net.Inet6Address ? "[" + h + "]" : h;
    }

    /** {@code sip:ip:port[;transport=x]}: where the message came from. */
    static String sourceUri(MsgContext m) {
        InetSocketAddress src = m.from.source();
        return "sip:" + host(src.getAddress()) + ":" + src.getPort() + transportParam(m.from.protocol());
    }

    // ---- Contact rewrites: alias, fix_nated_contact -------------------------------------------------

    /**
     * Where the first Contact's URI is in the message text: {@code [start, end)}, and whether it is
     * inside {@code <>}. Null when there is no Contact, or it is {@code *}.
     */
    private record ContactSpan(int start, int end, boolean bracketed) {
    }

    private static ContactSpan contactSpan(Lumps.TextEdits t) {
        int line = t.headerLine("Contact");
        if (line < 0) {
            return null;
        }
        int lineEnd = t.fieldEnd(line);
        String text = t.text;
        int p = text.indexOf(':', line) + 1;
        if (p <= 0 || p >= lineEnd) {
            return null;
        }
        int open = text.indexOf('<', p);
        if (open >= 0 && open < lineEnd) {
            int close = text.indexOf('>', open);
            return close < 0 || close > lineEnd ? null : new ContactSpan(open + 1, close, true);
        }
        while (p < lineEnd && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
            p++;
        }
        int e = p;
        // an addr-spec: the URI ends where the header's own parameters (or the next contact) begin
        while (e < lineEnd && ";, \t\r\n".indexOf(text.charAt(e)) < 0) {
            e++;
        }
        return e == p || text.startsWith("*", p) ? null : new ContactSpan(p, e, false);
    }

    private static Lumps.TextEdits edits(MsgContext m) {
        if (m.textEdits == null) {
            m.textEdits = new Lumps.TextEdits(m.msg);
        }
        return m.textEdits;
    }

    /** Kamailio refuses a second rewrite of a Contact that fix_nated_contact or set_contact_alias already replaced. */
    private static boolean alreadyReplaced(MsgContext m, String function) {
        if (m.contactOverride != null) {
            LOG.error("{}: the Contact was already rewritten by fix_nated_contact() or set_contact_alias() in this message", function);
            return true;
        }
        return false;
    }

    /** Replaces the first Contact's URI (adding {@code <>} to an addr-spec) and makes the new URI what later functions see. */
    private static long replaceContactUri(MsgContext m, ContactSpan span, String uri, String function) {
        String text = span.bracketed() ? uri : "<" + uri + ">";
        long rc = edits(m).add(function, List.of(new Lumps.Edit(span.start(), span.end(), text.getBytes(StandardCharsets.UTF_8))));
        if (rc > 0) {
            m.contactOverride = uri;
        }
        return rc;
    }

    private static String alias(String ip, int port, int proto) {
        return ";alias=" + ip + "~" + port + "~" + proto;
    }

    /** Whether the Contact already reaches the source: same IP, port (none: 5060/5061) and protocol (ws for WSS). */
    private static boolean contactReachesSource(SipUri u, MsgContext m) {
        InetSocketAddress src = m.from.source();
        Protocol proto = m.from.protocol();
        int port = u.port() > 0 ? u.port() : proto.isSecure() ? 5061 : 5060;
        String t = u.transport() == null ? "udp" : u.transport().toLowerCase(java.util.Locale.ROOT);
        boolean sameProto = t.equals(proto == Protocol.WSS ? "ws" : proto.text());
        return NatUacTest.sameAddress(u.host(), src.getAddress()) && port == src.getPort() && sameProto;
    }

    /**
     * add_contact_alias() and add_contact_alias(ip, port, proto): {@code ;alias=ip~port~proto} at
     * the end of the first Contact URI ({@code <>} added around an addr-spec). Without arguments
     * the alias is the message's source, and nothing is added when the Contact already names it.
     * Like Kamailio's lump, the change is not seen by later functions in the same run.
     * 1 added, 2 not needed, -1 no Contact, or it was already rewritten.
     */
    private static long addContactAlias(MsgContext m, String ip, int port, Protocol proto) {
        if (alreadyReplaced(m, "add_contact_alias")) {
            return -1;
        }
        SipUri u;
        try {
            u = NatUacTest.contactUri(m);
        } catch (RuntimeException e) {
            return -1;
        }
        if (u == null) {
            return -1;
        }
        if (ip == null) {
            if (contactReachesSource(u, m)) {
                return 2;
            }
            ip = host(m.from.source().getAddress());
            port = m.from.source().getPort();
            proto = m.from.protocol();
        }
        ContactSpan span = contactSpan(edits(m));
        if (span == null) {
            return -1;
        }
        String alias = alias(ip, port, protoNumber(proto));
        if (span.bracketed()) {
            return edits(m).add("add_contact_alias", List.of(new Lumps.Edit(span.end(), span.end(), alias.getBytes(StandardCharsets.US_ASCII))));
        }
        long rc = edits(m).add("add_contact_alias", List.of(new Lumps.Edit(span.start(), span.end(),
                ("<" + edits(m).text.substring(span.start(), span.end()) + alias + ">").getBytes(StandardCharsets.ISO_8859_1))));
        return rc;
    }

    /**
     * set_contact_alias([trim]): the same alias of the source, written by replacing the whole
     * Contact URI, so that later functions (save, $ct) see it; with trim, aliases already in the
     * URI go first. 1 done, 2 not needed, -1 no Contact, or it was already rewritten.
     */
    private static long setContactAlias(MsgContext m, boolean trim) {
        if (alreadyReplaced(m, "set_contact_alias")) {
            return -1;
        }
        ContactSpan span = contactSpan(edits(m));
        if (span == null) {
            return -1;
        }
        String uri = edits(m).text.substring(span.start(), span.end());
        boolean trimmed = false;
        if (trim) {
            String t = withoutAlias(uri);
            trimmed = !t.equals(uri);
            uri = t;
        }
        SipUri u;
        try {
            u = SipUri.parse(uri);
        } catch (RuntimeException e) {
            return -1;
        }
        if (contactReachesSource(u, m)) {
            return trimmed ? replaceContactUri(m, span, uri, "set_contact_alias") : 2;
        }
        InetSocketAddress src = m.from.source();
        String aliased = insertBeforeHeaders(uri, alias(host(src.getAddress()), src.getPort(), protoNumber(m.from.protocol())));
        return replaceContactUri(m, span, aliased, "set_contact_alias");
    }

    /**
     * fix_nated_contact(): the first Contact URI's host:port becomes the source's ip:port (IPv6 in
     * brackets); its other parameters stay, {@code maddr} goes. Later functions see the new URI.
     * 1 done, -1 no Contact, or it was already rewritten.
     */
    private static long fixNatedContact(MsgContext m) {
        if (alreadyReplaced(m, "fix_nated_contact")) {
            return -1;
        }
        ContactSpan span = contactSpan(edits(m));
        if (span == null) {
            return -1;
        }
        String uri = edits(m).text.substring(span.start(), span.end());
        int colon = uri.indexOf(':');
        if (colon < 0) {
            return -1;
        }
        int hostStart = uri.lastIndexOf('@', firstOf(uri, colon + 1, ";?")) + 1;
        if (hostStart <= colon) {
            hostStart = colon + 1;
        }
        int hostEnd = uri.startsWith("[", hostStart) ? uri.indexOf(']', hostStart) + 1 : hostStart;
        if (hostEnd <= 0) {
            return -1;
        }
        hostEnd = firstOf(uri, hostEnd, ";?");
        InetSocketAddress src = m.from.source();
        String fixed = uri.substring(0, hostStart) + host(src.getAddress()) + ":" + src.getPort() + withoutParam(uri.substring(hostEnd), "maddr");
        return replaceContactUri(m, span, fixed, "fix_nated_contact");
    }

    /** The first of {@code chars} at or after {@code from}, or the end. */
    private static int firstOf(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    /** A URI tail ({@code ;params?headers}) without the parameter {@code name}. */
    private static String withoutParam(String tail, String name) {
        int q = tail.indexOf('?');
        String params = q < 0 ? tail : tail.substring(0, q);
        String headers = q < 0 ? "" : tail.substring(q);
        StringBuilder out = new StringBuilder();
        for (String p : params.split(";", -1)) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String pname = (eq < 0 ? p : p.substring(0, eq)).trim();
            if (!pname.equalsIgnoreCase(name)) {
                out.append(';').append(p);
            }
        }
        return out + headers;
    }

    private static String withoutAlias(String uri) {
        int at = firstOf(uri, uri.indexOf(':') + 1, ";?");
        return uri.substring(0, at) + withoutParam(uri.substring(at), "alias");
    }

    /** Appends a URI parameter before the URI's {@code ?headers}, if any. */
    private static String insertBeforeHeaders(String uri, String param) {
        int q = uri.indexOf('?');
        return q < 0 ? uri + param : uri.substring(0, q) + param + uri.substring(q);
    }

    /**
     * handle_ruri_alias(): an {@code alias=ip~port~proto} parameter of the R-URI is taken off and
     * becomes {@code $du} ({@code sip:ip:port;transport=x}). 1 done, 2 no alias, -1 a bad alias.
     */
    private static long handleRuriAlias(MsgContext m) {
        String ruri = m.requestUri();
        if (ruri == null) {
            return -1;
        }
        int at = ruri.indexOf(";alias=");
        if (at < 0) {
            return 2;
        }
        int end = ruri.indexOf(';', at + 1);
        int q = ruri.indexOf('?', at + 1);
        if (end < 0 || (q >= 0 && q < end)) {
            end = q >= 0 ? q : ruri.length();
        }
        String[] parts = ruri.substring(at + 7, end).split("~");
        if (parts.length != 3) {
            return -1;
        }
        Protocol proto = switch (parts[2]) {
            case "1" -> Protocol.UDP;
            case "2" -> Protocol.TCP;
            case "3" -> Protocol.TLS;
            case "5" -> Protocol.WS;
            case "6" -> Protocol.WSS;
            default -> null;
        };
        if (proto == null || !parts[1].chars().allMatch(Character::isDigit)) {
            return -1;
        }
        m.du = "sip:" + parts[0] + ":" + parts[1] + transportParam(proto);
        m.ruri = ruri.substring(0, at) + ruri.substring(end);
        return 1;
    }

    /** The nathelper table. */
    public static ModuleExports exports(Core core) {
        ModuleExports.Builder r = ModuleExports.module("nathelper", "https://kamailio.org/docs/modules/5.6.x/modules/nathelper.html");
        register(r, core);
        r.param("received_avp", ParamExport.Type.STRING, "", "fix_nated_register(): the AVP the source URI is written to");
        String pings = "Sipway sends no NAT keepalive pings yet";
        r.paramWithoutEffect("natping_interval", ParamExport.Type.INT, "0", pings);
        r.paramWithoutEffect("ping_nated_only", ParamExport.Type.INT, "0", pings);
        r.paramWithoutEffect("sipping_bflag", ParamExport.Type.INT, "-1", pings);
        r.paramWithoutEffect("sipping_from", ParamExport.Type.STRING, "", pings);
        // Kamailio's fixups of the constant arguments
        r.declared("nat_uac_test").check(a -> Fixups.number(a.get(0), "the flags"));
        r.declared("handle_ruri_alias").check(a -> a.forEach(x -> Fixups.number(x, "the mode")));
        r.declared("set_contact_alias").check(a -> a.forEach(x -> Fixups.number(x, "the trim flag")));
        r.declared("nat_uac_test").summary("tests whether the sender is behind NAT (the flags choose the tests, 1..256)");
        r.declared("fix_nated_register").summary("writes the source URI into the registrar's received AVP");
        r.declared("add_contact_alias").summary("adds ;alias=ip~port~proto of the source (or the given one) to the Contact URI");
        r.declared("set_contact_alias").summary("rewrites the Contact URI with the source alias; later functions see it");
        r.declared("fix_nated_contact").summary("rewrites the Contact's host:port with the source address");
        r.declared("handle_ruri_alias").summary("takes ;alias= off the R-URI and sets $du to the address it names");
        return r.build();
    }
}
