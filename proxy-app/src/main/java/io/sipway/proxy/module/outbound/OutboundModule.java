package io.sipway.proxy.module.outbound;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.Outbound;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.sip.Address;
import io.sipway.sip.SipUri;
import io.sipway.transport.ReceiveInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;

/**
 * outbound (https://kamailio.org/docs/modules/5.6.x/modules/outbound.html): RFC 5626 section 5 for
 * an edge proxy. Kamailio's module exports no script function: it gives rr and path an API
 * ({@link Outbound}, installed in the core at start) with which
 * <ul>
 * <li>{@code record_route()} (and {@code record_route_preset()}) puts a flow token naming the
 *     connection the request came on in the user part of our Record-Route when the request is
 *     "outgoing" (from the UA whose flow it is), and copies the token of the top Route when it is
 *     "incoming" through us again;</li>
 * <li>{@code loose_route()}, given a Route of ours whose user part is a valid token, sends a request
 *     that did not come from that flow back over it: the socket the flow arrived on is forced and
 *     {@code $du} becomes {@code sip:peer:port;transport=proto}, so a TCP/TLS/WS request goes over
 *     the very connection; it returns 2 then, and -2 for a token that fails validation;</li>
 * <li>{@code add_path()} / {@code add_path_received()} put the token in the Path user part, with
 *     {@code ;ob} when the REGISTER has a single Via (the UA is the previous hop).</li>
 * </ul>
 * When outbound applies (use_outbound, outbound_mod.c): a message flag {@code force_outbound_flag}
 * forces it, {@code force_no_outbound_flag} rules it out; otherwise a REGISTER with one Via whose
 * first Contact has {@code reg-id}; any other request whose top Route is ours with {@code ;ob}
 * (not a GRUU), or, unless a Supported header leaves out {@code outbound}, with one Via and a first
 * Contact URI with {@code ;ob}.
 */
public final class OutboundModule {
    private OutboundModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("outbound", "https://kamailio.org/docs/modules/5.6.x/modules/outbound.html");
        b.paramChecked("force_outbound_flag", ParamExport.Type.INT, "-1",
                "a request with this message flag set uses outbound without further checks", OutboundModule::flagProblem);
        b.paramChecked("force_no_outbound_flag", ParamExport.Type.INT, "-1",
                "a request with this message flag set does not use outbound", OutboundModule::flagProblem);
        b.param("flow_token_secret", ParamExport.Type.STRING, "",
                "the flow tokens' HMAC key is its SHA-1 (tokens survive a restart); unset: 20 random bytes per start");
        b.loaded("rr's record_route() and loose_route() and path's add_path() use RFC 5626 flow tokens: requests back to an outbound UA go over its flow.");
        b.onStart((script, host) -> {
            int force = Integer.parseInt(core.modparam("outbound", "force_outbound_flag", "-1").trim());
            int forceNo = Integer.parseInt(core.modparam("outbound", "force_no_outbound_flag", "-1").trim());
            String secret = core.modparam("outbound", "flow_token_secret", "");
            core.hooks().outbound(new Api(core, new FlowTokens(key(secret)), force, forceNo));
        });
        return b.build();
    }

    private static String flagProblem(String v) {
        try {
            int n = Integer.parseInt(v.trim());
            return n == -1 || (n >= 0 && n <= 31) ? null : "bad flag value (" + n + "): a message flag is 0..31";
        } catch (NumberFormatException e) {
            return "needs a number";
        }
    }

    private static byte[] key(String secret) {
        if (secret == null || secret.isEmpty()) {
            byte[] k = new byte[20];
            new SecureRandom().nextBytes(k);
            return k;
        }
        try {
            return MessageDigest.getInstance("SHA-1").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this Java runtime", e);
        }
    }

    /** What rr and path call: outbound_mod.c's use_outbound, encode_flow_token, decode_flow_token. */
    static final class Api implements Outbound {
        private final Core core;
        private final FlowTokens tokens;
        private final int force;
        private final int forceNo;

        Api(Core core, FlowTokens tokens, int force, int forceNo) {
            this.core = core;
            this.tokens = tokens;
            this.force = force;
            this.forceNo = forceNo;
        }

        @Override
        public String encode(ReceiveInfo flow) {
            return tokens.encode(flow);
        }

        @Override
        public Flow decode(String token) throws BrokenToken {
            return tokens.decode(token);
        }

        @Override
        public int use(MsgContext m) {
            if (!m.msg.isRequest()) {
                return 0;
            }
            if (force >= 0 && (m.flags & (1L << force)) != 0) {
                return 1;
            }
            if (forceNo >= 0 && (m.flags & (1L << forceNo)) != 0) {
                return 0;
            }
            try {
                return m.msg.methodName().equals("REGISTER") ? register(m) : other(m);
            } catch (RuntimeException e) { // a header that does not parse: outbound not used, as Kamailio logs and says 0
                return 0;
            }
        }

        private static int register(MsgContext m) {
            if (m.msg.vias().size() > 1) {
                return 0;
            }
            List<Address> contacts = m.msg.contacts();
            return !contacts.isEmpty() && contacts.get(0).param("reg-id") != null ? 1 : 0;
        }

        private int other(MsgContext m) {
            Address top = m.msg.topRoute();
            if (top != null) {
                SipUri u = top.uri();
                if (core.isMyself(u.host(), u.port() > 0 ? u.port() : 5060, null) && u.param("gr") == null && u.param("ob") != null) {
                    try {
                        Flow f = tokens.decode(u.user());
                        if (f != null && !f.remote().equals(m.from.source())) {
                            return 2; // "incoming": it goes towards the flow's UA
                        }
                    } catch (BrokenToken e) {
                        // a broken token here makes it "outgoing", as decode_flow_token's -1 does in use_outbound_non_reg
                    }
                    return 1;
                }
            }
            List<String> supported = m.msg.headers("Supported");
            if (!supported.isEmpty() && !lists(supported, "outbound")) {
                return 0;
            }
            if (m.msg.vias().size() > 1) {
                return 0;
            }
            List<Address> contacts = m.msg.contacts();
            return !contacts.isEmpty() && !contacts.get(0).isWildcard() && contacts.get(0).uri().param("ob") != null ? 1 : 0;
        }

        private static boolean lists(List<String> values, String tag) {
            for (String v : values) {
                for (String t : v.split(",")) {
                    if (t.trim().toLowerCase(Locale.ROOT).equals(tag)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
