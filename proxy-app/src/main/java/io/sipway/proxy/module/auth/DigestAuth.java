package io.sipway.proxy.module.auth;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.auth.DigestMath.Algorithm;
import io.sipway.sip.SipMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth module's API (Kamailio's auth/api.c, which auth_db binds to): finding the credentials
 * for a realm and checking their nonce ({@link #preAuth}), checking a response against an HA1
 * ({@link #checkResponse}), challenging ({@link #challenge}), consuming the credentials. One per
 * core, configured from the auth parameters when the proxy starts.
 */
public final class DigestAuth {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.auth");

    /** What pre_auth decides (api.h auth_result_t). */
    public enum Pre {
        /** ACK, CANCEL and PRACK are never challenged. */
        AUTHENTICATED,
        /** Credentials for the realm with a valid nonce: check the response. */
        DO_AUTHENTICATION,
        NO_CREDENTIALS, STALE_NONCE, NONCE_REUSED, ERROR, BAD_CREDENTIALS, NOT_AUTHENTICATED
    }

    // The codes the script sees (api.h auth_cfg_result)
    public static final int AUTH_OK = 1;
    public static final int AUTH_ERROR = -1;
    public static final int AUTH_INVALID_PASSWORD = -2;
    public static final int AUTH_USER_UNKNOWN = -3;
    public static final int AUTH_STALE_NONCE = -4;
    public static final int AUTH_NO_CREDENTIALS = -5;
    public static final int AUTH_NONCE_REUSED = -6;
    public static final int AUTH_USER_MISMATCH = -8;

    /** pre_auth's answer, with the credentials found (for DO_AUTHENTICATION). */
    public record Found(Pre result, Credentials credentials) {
    }

    /** The header marked as authorized: the {@code index}-th Authorization (or Proxy-Authorization) field. */
    record Marked(boolean proxy, int index) {
    }

    /** The auth parameters as the proxy started with them. */
    record Settings(Nonces nonces, Algorithm algorithm, boolean algorithmNamed, String realmPrefix, int checksRegister,
                    int checksNoDialog, int checksInDialog, boolean forceStateless, String wwwHeader, String proxyHeader,
                    String challengeAvp) {
        static Settings defaults() {
            java.security.SecureRandom r = new java.security.SecureRandom();
            return new Settings(new Nonces(AuthModule.randomSecret(r), AuthModule.randomSecret(r), 300, 3, 0, 0,
                    () -> System.currentTimeMillis() / 1000), Algorithm.MD5, false, "", 0, 0, 0, false, "WWW-Authenticate",
                    "Proxy-Authenticate", "digest_challenge");
        }
    }

    private static final Map<Core, DigestAuth> BY_CORE = new WeakHashMap<>();

    private volatile Settings settings;

    private DigestAuth() {
    }

    /**
     * The auth API of a core (auth_db's bind_auth_s). It holds nothing of the core (the map's
     * keys are weak), so a core no longer used goes with its entry.
     */
    public static DigestAuth of(Core core) {
        synchronized (BY_CORE) {
            return BY_CORE.computeIfAbsent(core, c -> new DigestAuth());
        }
    }

    void configure(Settings s) {
        settings = s;
    }

    private Settings settings() {
        Settings s = settings;
        if (s == null) {
            synchronized (this) {
                if (settings == null) {
                    settings = Settings.defaults();
                }
                s = settings;
            }
        }
        return s;
    }

    /** The hash algorithm of every challenge and check (auth's {@code algorithm}). */
    public Algorithm algorithm() {
        return settings().algorithm();
    }

    /** The AVP (name without $) pv_*_authenticate put a challenge in. */
    String challengeAvp() {
        return settings().challengeAvp();
    }

    /** The credentials of the header an authorize function marked, or null. */
    public Credentials authorizedCredentials(MsgContext m) {
        if (!(m.authorized instanceof Marked marked)) {
            return null;
        }
        List<String> values = m.msg.headers(marked.proxy() ? "Proxy-Authorization" : "Authorization");
        return marked.index() < values.size() ? Credentials.parse(values.get(marked.index())) : null;
    }

    /** challenge.c strip_realm: the realm without realm_prefix when it starts with it. */
    public String stripRealm(String realm) {
        String p = settings().realmPrefix();
        return !p.isEmpty() && realm.startsWith(p) ? realm.substring(p.length()) : realm;
    }

    private static boolean unchallenged(SipMessage msg) {
        String m = msg.methodName();
        return m.equals("ACK") || m.equals("CANCEL") || m.equals("PRACK");
    }

    /**
     * pre_auth: ACK, CANCEL and PRACK are authenticated as they are; else the first
     * {@code [Proxy-]Authorization} whose realm is {@code realm} (after realm_prefix, any case) is
     * marked for consume_credentials, checked for completeness and its nonce checked.
     */
    public Found preAuth(MsgContext m, String realm, boolean proxy) {
        if (unchallenged(m.msg)) {
            return new Found(Pre.AUTHENTICATED, null);
        }
        String wanted = stripRealm(realm);
        List<String> values = m.msg.headers(proxy ? "Proxy-Authorization" : "Authorization");
        for (int i = 0; i < values.size(); i++) {
            Credentials c = Credentials.parse(values.get(i));
            if (c == null) {
                LOG.error("auth: credentials in {} do not parse", proxy ? "Proxy-Authorization" : "Authorization");
                return new Found(Pre.ERROR, null);
            }
            if (c == Credentials.OTHER_SCHEME || c.realm() == null || !c.realm().equalsIgnoreCase(wanted)) {
                continue;
            }
            m.authorized = new Marked(proxy, i);
            if (!c.complete()) {
                LOG.error("auth: credentials are not filled properly");
                return new Found(Pre.BAD_CREDENTIALS, c);
            }
            byte[] extra = extraChecks(m, checksFor(m.msg));
            int r = settings().nonces().check(c.nonce(), extra, c.nc());
            return switch (r) {
                case 0 -> new Found(Pre.DO_AUTHENTICATION, c);
                case 3, 4 -> new Found(Pre.STALE_NONCE, c);
                case 6 -> new Found(Pre.NONCE_REUSED, c);
                default -> new Found(Pre.NOT_AUTHENTICATED, c);
            };
        }
        return new Found(Pre.NO_CREDENTIALS, null);
    }

    /** What digest_authenticate answers the script for a pre_auth that ends the check (authorize.c). */
    public static int cfgResult(Pre p) {
        return switch (p) {
            case AUTHENTICATED -> AUTH_OK;
            case NONCE_REUSED -> AUTH_NONCE_REUSED;
            case STALE_NONCE -> AUTH_STALE_NONCE;
            case NO_CREDENTIALS -> AUTH_NO_CREDENTIALS;
            default -> AUTH_ERROR;
        };
    }

    /**
     * auth_check_response: {@link #AUTH_OK} when the response matches the one computed from
     * {@code ha1}, {@link #AUTH_INVALID_PASSWORD} when not, {@link #AUTH_ERROR} when it is not as
     * long as the algorithm's hash (malformed credentials). The comparison is exact, as Kamailio's
     * memcmp (a response in upper-case hex does not match).
     */
    public int checkResponse(Credentials c, SipMessage msg, String method, String ha1) {
        Algorithm alg = algorithm();
        if (c.response().length() != alg.hexLength) {
            return AUTH_ERROR;
        }
        String expected = DigestMath.response(alg, ha1, c, method, msg.body());
        return java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                c.response().getBytes(StandardCharsets.US_ASCII)) ? AUTH_OK : AUTH_INVALID_PASSWORD;
    }

    /** H(A1) from a plain password (auth_db's calculate_ha1, pv_*_authenticate). */
    public String ha1(String username, String realm, String password) {
        return DigestMath.ha1(algorithm(), username, realm, password);
    }

    /** nonce.c get_auth_checks: REGISTER, a request with a To tag (in dialog) or without. */
    private int checksFor(SipMessage msg) {
        Settings s = settings();
        if (msg.methodName().equals("REGISTER")) {
            return s.checksRegister();
        }
        String tag;
        try {
            tag = msg.toTag();
        } catch (RuntimeException e) {
            tag = null;
        }
        return tag != null && !tag.isEmpty() ? s.checksInDialog() : s.checksNoDialog();
    }

    /** The parts of the request auth_checks_* binds a nonce to: 1 R-URI, 2 Call-ID, 4 From tag, 8 source IP; null for 0. */
    private static byte[] extraChecks(MsgContext m, int cfg) {
        if (cfg == 0) {
            return null;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if ((cfg & 1) != 0) {
            b.writeBytes(m.requestUri().getBytes(StandardCharsets.UTF_8));
        }
        if ((cfg & 2) != 0 && m.msg.callId() != null) {
            b.writeBytes(m.msg.callId().getBytes(StandardCharsets.UTF_8));
        }
        if ((cfg & 4) != 0) {
            try {
                String tag = m.msg.fromTag();
                if (tag != null) {
                    b.writeBytes(tag.getBytes(StandardCharsets.UTF_8));
                }
            } catch (RuntimeException e) {
                // a From that does not parse adds nothing, as in Kamailio
            }
        }
        if ((cfg & 8) != 0) {
            b.writeBytes(m.from.source().getAddress().getAddress());
        }
        return b.toByteArray();
    }

    /**
     * challenge.c get_challenge_hf: the WWW-Authenticate (or Proxy-Authenticate) line with a new
     * nonce: {@code Digest realm="r", nonce="n"[, qop="auth|auth-int"][, stale=true][, algorithm=A]},
     * algorithm only when the parameter names one.
     */
    String challengeHeader(MsgContext m, String realm, String qop, boolean stale, boolean proxy) {
        Settings s = settings();
        // without a message (auth_get_www_authenticate) the nonce is bound to nothing, as get_auth_checks(NULL) says
        String nonce = s.nonces().create(m == null ? null : extraChecks(m, checksFor(m.msg)));
        StringBuilder h = new StringBuilder(proxy ? s.proxyHeader() : s.wwwHeader())
                .append(": Digest realm=\"").append(stripRealm(realm)).append("\", nonce=\"").append(nonce).append('"');
        if (qop != null) {
            h.append(", qop=\"").append(qop).append('"');
        }
        if (stale) {
            h.append(", stale=true");
        }
        if (s.algorithmNamed()) {
            h.append(", algorithm=").append(s.algorithm().token);
        }
        return h.append("\r\n").toString();
    }

    /**
     * auth_challenge_helper: 401 with WWW-Authenticate, or 407 with Proxy-Authenticate; flags 1
     * qop=auth, 2 qop=auth-int, 16 stale=true (4: no 500 on an internal error). 1 sent, -3 not.
     */
    public long challenge(Core core, MsgContext m, String realm, long flags, boolean proxy) {
        if (!m.msg.isRequest() || m.msg.methodName().equals("ACK")) {
            return -3; // sl sends no reply to a reply or to an ACK: auth_send_reply fails
        }
        String qop = (flags & 2) != 0 ? "auth-int" : (flags & 1) != 0 ? "auth" : null;
        String hf = challengeHeader(m, realm, qop, (flags & 16) != 0, proxy);
        if (proxy) {
            reply(core, m, 407, "Proxy Authentication Required", hf);
        } else {
            reply(core, m, 401, "Unauthorized", hf);
        }
        return 1;
    }

    /** auth_send_reply: through the transaction when there is one (sl's freply), unless force_stateless_reply. */
    void reply(Core core, MsgContext m, int code, String reason, String headers) {
        if (m.st != null && !settings().forceStateless()) {
            if (m.forceRport) {
                m.st.forceRport(true); // as t_reply: force_rport() after t_newtran() still counts
            }
            core.tm().reply(m.st, code, reason, headers);
        } else {
            core.statelessReply(m, code, reason, headers);
        }
    }

    /** consume_credentials: removes the marked header from the request that goes on; -1 when none was marked. */
    long consume(MsgContext m) {
        if (unchallenged(m.msg)) {
            return -1;
        }
        if (!(m.authorized instanceof Marked marked)) {
            LOG.error("auth: consume_credentials: no authorized credentials found (error in scripts)");
            return -1;
        }
        String name = marked.proxy() ? "Proxy-Authorization" : "Authorization";
        if (m.textEdits == null) {
            m.textEdits = new Lumps.TextEdits(m.msg);
        }
        Lumps.TextEdits t = m.textEdits;
        int seen = 0;
        int p = t.headersStart;
        int end = t.headersEnd();
        while (p < end) {
            int next = t.fieldEnd(p);
            int colon = t.text.indexOf(':', p);
            if (colon > p && colon < next && t.text.substring(p, colon).trim().equalsIgnoreCase(name)) {
                if (seen++ == marked.index()) {
                    return t.add("consume_credentials", List.of(new Lumps.Edit(p, next, new byte[0])));
                }
            }
            p = next;
        }
        return -1;
    }

    /** has_credentials: Proxy-Authorization, then Authorization, with that realm (as written, any case). */
    boolean hasCredentials(MsgContext m, String realm) {
        for (String header : new String[] {"Proxy-Authorization", "Authorization"}) {
            for (String v : m.msg.headers(header)) {
                Credentials c = Credentials.parse(v);
                if (c == null) {
                    break; // find_credentials stops at a header that does not parse
                }
                if (c != Credentials.OTHER_SCHEME && c.realm() != null && c.realm().equalsIgnoreCase(realm)) {
                    return true;
                }
            }
        }
        return false;
    }
}
