package io.sipway.proxy.core;

import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.ScriptContext;
import io.sipway.sip.Address;
import io.sipway.sip.SipUri;
import io.sipway.sip.Via;
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
final class NathelperModule {
    private NathelperModule() {
    }

    private static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    static void register(RuntimeHost.Registry r) {
        Core core = r.core();
        r.function("nat_uac_test", args -> {
            long flags = RuntimeHost.num(args.get(0).constantString());
            if (flags <= 0 || flags > 511) {
                throw new FunctionSpec.BadArgument(args.get(0), "flags " + flags + " are not a sum of 1, 2, 4, ... 256");
            }
            return ctx -> natUacTest(c(ctx), flags) ? 1 : -1;
        });
        r.function("fix_nated_register", args -> ctx -> {
            MsgContext m = c(ctx);
            String avp = receivedAvp(core);
            if (avp == null || !m.msg.isRequest() || !m.msg.methodName().equals("REGISTER")) {
                return -1;
            }
            m.avps().add(avp, sourceUri(m));
            return 1;
        });
        r.function("add_contact_alias", args -> {
            if (!args.isEmpty()) {
                throw new FunctionSpec.BadArgument(args.get(0), "Sipway takes add_contact_alias() without parameters:"
                        + " the alias is the source of the message");
            }
            return ctx -> addContactAlias(c(ctx));
        });
        r.function("handle_ruri_alias", args -> ctx -> handleRuriAlias(c(ctx)));
    }

    /** The registrar's received_avp, which nathelper shares ({@code modparam("nathelper|registrar", ...)}). */
    private static String receivedAvp(Core core) {
        String v = SanityModule.modparam(core, "nathelper", "received_avp", null);
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

    // ---- nat_uac_test -----------------------------------------------------------------------------

    private static boolean natUacTest(MsgContext m, long flags) {
        InetSocketAddress src = m.from.source();
        try {
            if ((flags & 1) != 0 && contactHostPrivate(m)) {
                return true;
            }
            Via v = m.msg.topVia();
            if ((flags & 2) != 0 && v != null && !sameAddress(v.host(), src.getAddress())) {
                return true;
            }
            if ((flags & 4) != 0 && v != null && isPrivate(v.host())) {
                return true;
            }
            if ((flags & 8) != 0 && sdpConnection(m) != null && isPrivate(sdpConnection(m))) {
                return true;
            }
            if ((flags & 16) != 0 && v != null && (v.port() > 0 ? v.port() : 5060) != src.getPort()) {
                return true;
            }
            if ((flags & 32) != 0 && isPrivate(src.getAddress().getHostAddress())) {
                return true;
            }
            if ((flags & 64) != 0 && (m.from.protocol() == Protocol.WS || m.from.protocol() == Protocol.WSS)) {
                return true;
            }
            if ((flags & 128) != 0) {
                SipUri u = contactUri(m);
                if (u != null && (u.port() > 0 ? u.port() : 5060) != src.getPort()) {
                    return true;
                }
            }
            if ((flags & 256) != 0) {
                String c = sdpConnection(m);
                if (c != null && !sameAddress(c, src.getAddress())) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            return false; // a header that does not parse answers no test
        }
        return false;
    }

    private static SipUri contactUri(MsgContext m) {
        List<Address> contacts = m.msg.contacts();
        return contacts.isEmpty() || contacts.get(0).isWildcard() ? null : contacts.get(0).uri();
    }

    private static boolean contactHostPrivate(MsgContext m) {
        SipUri u = contactUri(m);
        return u != null && isPrivate(u.host());
    }

    /** The address of the SDP's first {@code c=IN IP4/IP6} line, or null. */
    private static String sdpConnection(MsgContext m) {
        String body = new String(m.msg.body(), StandardCharsets.ISO_8859_1);
        for (String line : body.split("\r?\n")) {
            if (line.startsWith("c=IN IP4 ") || line.startsWith("c=IN IP6 ")) {
                String a = line.substring(9).trim();
                int slash = a.indexOf('/');
                return slash < 0 ? a : a.substring(0, slash);
            }
        }
        return null;
    }

    private static boolean sameAddress(String host, InetAddress a) {
        InetAddress h = HostAddresses.literal(host);
        return h != null && h.equals(a);
    }

    /** RFC 1918 and RFC 6598 (100.64/10) IPv4 addresses; a name is not private. */
    static boolean isPrivate(String host) {
        String[] p = host.split("\\.");
        if (p.length != 4) {
            return false;
        }
        int[] o = new int[4];
        try {
            for (int i = 0; i < 4; i++) {
                o[i] = Integer.parseInt(p[i]);
            }
        } catch (NumberFormatException e) {
            return false;
        }
        return o[0] == 10 || (o[0] == 172 && o[1] >= 16 && o[1] <= 31) || (o[0] == 192 && o[1] == 168)
                || (o[0] == 100 && o[1] >= 64 && o[1] <= 127);
    }

    // ---- alias ------------------------------------------------------------------------------------

    /**
     * add_contact_alias(): {@code ;alias=ip~port~proto} of the source goes at the end of the Contact
     * URI (inside its {@code <>}), unless the Contact already names that source. 1 added, 2 not
     * needed, -1 no Contact to add it to.
     */
    private static long addContactAlias(MsgContext m) {
        SipUri u;
        try {
            u = contactUri(m);
        } catch (RuntimeException e) {
            return -1;
        }
        if (u == null) {
            return -1;
        }
        InetSocketAddress src = m.from.source();
        Protocol proto = m.from.protocol();
        boolean sameHost = sameAddress(u.host(), src.getAddress());
        int port = u.port() > 0 ? u.port() : proto.isSecure() ? 5061 : 5060;
        String t = u.transport() == null ? "udp" : u.transport().toLowerCase(java.util.Locale.ROOT);
        boolean sameProto = t.equals(proto == Protocol.WSS ? "ws" : proto.text());
        if (sameHost && port == src.getPort() && sameProto) {
            return 2;
        }
        if (m.textEdits == null) {
            m.textEdits = new TextopsModule.TextEdits(m.msg);
        }
        TextopsModule.TextEdits t2 = m.textEdits;
        int line = t2.headerLine("Contact");
        if (line < 0) {
            return -1;
        }
        int lineEnd = t2.fieldEnd(line);
        String text = t2.text;
        int open = text.indexOf('<', line);
        int close = open < 0 || open > lineEnd ? -1 : text.indexOf('>', open);
        if (close < 0 || close > lineEnd) {
            return -1; // an addr-spec Contact: Sipway writes the alias into <...> Contacts only
        }
        String alias = ";alias=" + host(src.getAddress()) + "~" + src.getPort() + "~" + protoNumber(proto);
        return t2.add("add_contact_alias", List.of(new TextopsModule.Edit(close, close, alias.getBytes(StandardCharsets.US_ASCII))));
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
}
