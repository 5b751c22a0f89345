package io.sipway.proxy.module.auth;

import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.O;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Arg;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.auth.DigestAuth.Found;
import io.sipway.proxy.module.auth.DigestAuth.Pre;
import io.sipway.proxy.module.auth.DigestMath.Algorithm;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auth (https://kamailio.org/docs/modules/5.6.x/modules/auth.html): digest challenges with
 * Kamailio's nonces ({@link Nonces}), consume_credentials, has_credentials and the pv_*
 * functions that check credentials against a password from the script. The checks against the
 * subscriber table are auth_db's, over this module's API ({@link DigestAuth}).
 */
public final class AuthModule {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.auth");
    private static final int RAND_SECRET_LEN = 32;

    private AuthModule() {
    }

    /** generate_random_secret: 32 printable characters (32..126), a new one at each start. */
    static byte[] randomSecret(SecureRandom r) {
        byte[] s = new byte[RAND_SECRET_LEN];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (32 + r.nextInt(95));
        }
        return s;
    }

    private static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("auth", "https://kamailio.org/docs/modules/5.6.x/modules/auth.html");
        DigestAuth api = DigestAuth.of(core);
        challenge(b, core, api, "www_challenge", Boolean.FALSE, "answers 401 with a WWW-Authenticate challenge (flags 1 qop=auth, 2 qop=auth-int, 16 stale=true)");
        challenge(b, core, api, "proxy_challenge", Boolean.TRUE, "answers 407 with a Proxy-Authenticate challenge (flags as www_challenge)");
        challenge(b, core, api, "auth_challenge", null, "www_challenge for a REGISTER, proxy_challenge for anything else; ACK and CANCEL pass");
        b.fn("consume_credentials", 0, 0, R, args -> ctx -> api.consume(c(ctx)))
                .summary("removes the credentials header an authorize function checked from the request that goes on");
        b.fn("has_credentials", 1, 1, R, args -> {
            Format realm = Format.of(args.get(0));
            return ctx -> api.hasCredentials(c(ctx), realm.apply(ctx)) ? 1 : -1;
        }).x().summary("the request has Proxy-Authorization or Authorization credentials for that realm");
        pvAuthenticate(b, api, "pv_www_authorize", false, 3);
        pvAuthenticate(b, api, "pv_www_authenticate", false, 4);
        pvAuthenticate(b, api, "pv_proxy_authorize", true, 3);
        pvAuthenticate(b, api, "pv_proxy_authenticate", true, 3);
        b.fn("pv_auth_check", 4, 4, R, args -> {
            Format realm = Format.of(args.get(0));
            Format passwd = Format.of(args.get(1));
            Format flags = Format.of(args.get(2));
            Format checks = Format.of(args.get(3));
            return ctx -> {
                MsgContext m = c(ctx);
                if (isAckOrCancel(m)) {
                    return DigestAuth.AUTH_OK;
                }
                String r = realm.apply(ctx);
                String p = passwd.apply(ctx);
                if (r.isEmpty() || p.isEmpty()) {
                    return DigestAuth.AUTH_ERROR;
                }
                boolean proxy = !m.msg.methodName().equals("REGISTER");
                long ret = pvAuthenticate(api, m, r, p, Format.num(flags.apply(ctx)), proxy, m.msg.methodName());
                if (ret != DigestAuth.AUTH_OK || (Format.num(checks.apply(ctx)) & 1) == 0) {
                    return ret;
                }
                Credentials cred = api.authorizedCredentials(m);
                if (cred == null) {
                    return m.msg.methodName().equals("PRACK") ? DigestAuth.AUTH_OK : DigestAuth.AUTH_ERROR;
                }
                return IdentityCheck.check(m, cred.user(), false, useDomain(core));
            };
        }).x().summary("pv_www_authenticate for a REGISTER, pv_proxy_authenticate otherwise; checks 1: the auth user is the From (To) user");
        b.declared("pv_www_authorize").summary("checks Authorization credentials against a password (flags 1: it is an HA1)");
        b.declared("pv_www_authenticate").summary("pv_www_authorize, optionally for another method");
        b.declared("pv_proxy_authorize").summary("checks Proxy-Authorization credentials against a password (flags 1: it is an HA1)");
        b.declared("pv_proxy_authenticate").summary("the same as pv_proxy_authorize");
        params(b);
        b.onStart((script, host) -> api.configure(settings(core)));
        return b.build();
    }

    static boolean useDomain(Core core) {
        return Format.num(core.modparam("auth", "use_domain", "0")) != 0;
    }

    private static boolean isAckOrCancel(MsgContext m) {
        String method = m.msg.methodName();
        return method.equals("ACK") || method.equals("CANCEL");
    }

    /** www_challenge, proxy_challenge, auth_challenge ({@code proxy} null: by the method). */
    private static void challenge(ModuleExports.Builder b, Core core, DigestAuth api, String name, Boolean proxy, String summary) {
        b.fn(name, 2, 2, R | F | O, args -> {
            Format realm = Format.of(args.get(0));
            Format flags = Format.of(args.get(1));
            return ctx -> {
                MsgContext m = c(ctx);
                if (proxy == null && m.msg.isRequest() && isAckOrCancel(m)) {
                    return 1;
                }
                String r = realm.apply(ctx);
                if (r.isEmpty()) {
                    // the realm is read before the flags: its error path has no flags, so 500 always
                    LOG.error("auth: {}: invalid realm value - empty content", name);
                    if (m.msg.isRequest() && !m.msg.methodName().equals("ACK")) {
                        api.reply(core, m, 500, "Internal Server Error", null);
                    }
                    return -1;
                }
                boolean asProxy = proxy != null ? proxy : !m.msg.isRequest() || !m.msg.methodName().equals("REGISTER");
                return api.challenge(core, m, r, Format.num(flags.apply(ctx)), asProxy);
            };
        }).x().check(a -> checkFlags(a.get(1))).summary(summary);
    }

    private static void checkFlags(Arg a) {
        io.sipway.proxy.module.Fixups.number(a, "flags");
    }

    private static void pvAuthenticate(ModuleExports.Builder b, DigestAuth api, String name, boolean proxy, int maxArgs) {
        b.fn(name, 3, maxArgs, R, args -> {
            Format realm = Format.of(args.get(0));
            Format passwd = Format.of(args.get(1));
            Format flags = Format.of(args.get(2));
            Format method = args.size() > 3 ? Format.of(args.get(3)) : null;
            return ctx -> {
                MsgContext m = c(ctx);
                String r = realm.apply(ctx);
                String p = passwd.apply(ctx);
                if (r.isEmpty() || p.isEmpty()) {
                    return DigestAuth.AUTH_ERROR;
                }
                String mth = method == null ? m.msg.methodName() : method.apply(ctx);
                if (mth.isEmpty()) {
                    return DigestAuth.AUTH_ERROR;
                }
                return pvAuthenticate(api, m, r, p, Format.num(flags.apply(ctx)), proxy, mth);
            };
        }).x();
    }

    /**
     * auth_mod.c pv_authenticate: the credentials for the realm checked against the password (flags
     * 1: an HA1); on failure, flags 2, 4 or 8 put a challenge (no qop, qop=auth, qop=auth-int) in
     * the challenge_attr AVP.
     */
    static long pvAuthenticate(DigestAuth api, MsgContext m, String realm, String passwd, long flags, boolean proxy,
                               String method) {
        Found f = api.preAuth(m, realm, proxy);
        long ret;
        if (f.result() != Pre.DO_AUTHENTICATION) {
            ret = DigestAuth.cfgResult(f.result());
        } else {
            String stripped = api.stripRealm(realm);
            String ha1 = (flags & 1) == 0 ? api.ha1(f.credentials().username(), stripped, passwd) : passwd;
            ret = api.checkResponse(f.credentials(), m.msg, method, ha1);
        }
        if (ret < 0 && (flags & 14) != 0) {
            String qop = (flags & 8) != 0 ? "auth-int" : (flags & 4) != 0 ? "auth" : null;
            String hf = api.challengeHeader(m, realm, qop, false, proxy);
            m.avps().add(api.challengeAvp(), hf);
        }
        return ret;
    }

    /** The parameters as the proxy starts, checked as mod_init checks them. */
    static DigestAuth.Settings settings(Core core) {
        String alg = core.modparam("auth", "algorithm", "");
        Algorithm algorithm = alg.equals("SHA-256") ? Algorithm.SHA256 : Algorithm.MD5;
        int reg = num(core, "auth_checks_register", 0);
        int noDlg = num(core, "auth_checks_no_dlg", 0);
        int inDlg = num(core, "auth_checks_in_dlg", 0);
        SecureRandom random = new SecureRandom();
        byte[] secret1;
        byte[] secret2;
        String secret = core.modparam("auth", "secret", null);
        if (secret == null) {
            secret1 = randomSecret(random);
            secret2 = randomSecret(random);
        } else {
            byte[] s = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            secret1 = s;
            secret2 = new byte[0];
            if (reg != 0 || noDlg != 0 || inDlg != 0) { // half for each MD5
                int half = s.length / 2;
                secret1 = java.util.Arrays.copyOfRange(s, 0, s.length - half);
                secret2 = java.util.Arrays.copyOfRange(s, s.length - half, s.length);
                if (half < 16) {
                    LOG.warn("auth: consider a longer secret when extra auth checks are enabled (the secret is divided in 2)");
                }
            }
        }
        String qop = core.modparam("auth", "qop", "auth");
        boolean nc = num(core, "nonce_count", 0) != 0;
        if (nc && !qop.equals("auth") && !qop.equals("auth-int")) {
            LOG.warn("auth: nonce-count support enabled, but qop not set");
            nc = false;
        }
        boolean otn = num(core, "one_time_nonce", 0) != 0;
        int ncSize = nc ? ringSize(num(core, "nc_array_size", 0), num(core, "nc_array_order", 0)) : 0;
        int otnSize = otn ? ringSize(num(core, "otn_in_flight_no", 0), num(core, "otn_in_flight_order", 0)) : 0;
        String attr = core.modparam("auth", "challenge_attr", "$digest_challenge");
        if (!attr.startsWith("$") || attr.length() < 2) {
            throw new IllegalArgumentException("auth: invalid value of challenge_attr '" + attr + "': an AVP name such as $digest_challenge");
        }
        String avp = attr.startsWith("$avp(") && attr.endsWith(")") ? attr.substring(5, attr.length() - 1) : attr.substring(1);
        Nonces nonces = new Nonces(secret1, secret2, num(core, "nonce_expire", 300), num(core, "nonce_auth_max_drift", 3),
                ncSize, otnSize, () -> System.currentTimeMillis() / 1000);
        return new DigestAuth.Settings(nonces, algorithm, !alg.isEmpty(), core.modparam("auth", "realm_prefix", ""), reg, noDlg,
                inDlg, num(core, "force_stateless_reply", 0) != 0, core.modparam("auth", "www_challenge_header", "WWW-Authenticate"),
                core.modparam("auth", "proxy_challenge_header", "Proxy-Authenticate"), avp);
    }

    /** nc_array_size / otn_in_flight_no rounded down to 2^k, or 2^order when the order is given; 1M by default. */
    private static int ringSize(int size, int order) {
        if (order > 0) {
            return 1 << Math.min(order, 26);
        }
        if (size <= 0) {
            return 1 << 20;
        }
        return Integer.highestOneBit(Math.min(size, 1 << 26));
    }

    private static int num(Core core, String name, int def) {
        return (int) Format.num(core.modparam("auth", name, Integer.toString(def)));
    }

    private static void params(ModuleExports.Builder b) {
        b.param("secret", ParamExport.Type.STRING, "(random at each start)",
                "signs the nonces (split in halves when auth_checks_* are set); unset, a random one per start");
        b.param("nonce_expire", ParamExport.Type.INT, "300", "seconds a nonce is valid; an older one is stale (-4)");
        b.param("nonce_auth_max_drift", ParamExport.Type.INT, "3", "a nonce made more seconds than this in the future is stale");
        b.paramWithoutEffect("protect_contacts", ParamExport.Type.INT, "0", "Kamailio 5.6 declares it and never reads it");
        b.param("challenge_attr", ParamExport.Type.STRING, "$digest_challenge",
                "the AVP pv_*_authenticate put a challenge in with flags 2, 4 or 8");
        b.param("proxy_challenge_header", ParamExport.Type.STRING, "Proxy-Authenticate", "the name of the 407's challenge header");
        b.param("www_challenge_header", ParamExport.Type.STRING, "WWW-Authenticate", "the name of the 401's challenge header");
        b.paramOnly("qop", ParamExport.Type.STRING, "auth",
                "whether nonce_count works (it needs auth or auth-int; Kamailio's code starts with auth, its documentation"
                        + " says unset); a challenge's qop comes from the function's flags", "auth", "auth-int", "");
        b.param("auth_checks_register", ParamExport.Type.INT, "0",
                "what a REGISTER's nonce is bound to: 1 R-URI, 2 Call-ID, 4 From tag, 8 source IP");
        b.param("auth_checks_no_dlg", ParamExport.Type.INT, "0", "the same for requests without a To tag");
        b.param("auth_checks_in_dlg", ParamExport.Type.INT, "0", "the same for requests with a To tag");
        b.param("nonce_count", ParamExport.Type.INT, "0", "the nc of a nonce must grow (with qop): a replay is stale (-4)");
        b.param("nc_array_size", ParamExport.Type.INT, "1048576", "nonces nonce_count remembers (rounded down to 2^k)");
        b.param("nc_array_order", ParamExport.Type.INT, "20", "the same as a power of 2");
        b.param("one_time_nonce", ParamExport.Type.INT, "0", "a nonce is accepted once: a reuse is -6");
        b.param("otn_in_flight_no", ParamExport.Type.INT, "1048576", "nonces one_time_nonce remembers (rounded down to 2^k)");
        b.param("otn_in_flight_order", ParamExport.Type.INT, "20", "the same as a power of 2");
        b.paramWithoutEffect("nid_pool_no", ParamExport.Type.INT, "1",
                "Sipway keeps one table of nonce ids for all its workers (Kamailio splits it per process)", "1");
        b.param("force_stateless_reply", ParamExport.Type.INT, "0", "challenges are sent statelessly even when a transaction exists");
        b.param("realm_prefix", ParamExport.Type.STRING, "", "stripped from the realm of challenges and checks");
        b.param("use_domain", ParamExport.Type.INT, "0", "pv_auth_check also compares the From/To hosts");
        b.paramOnly("algorithm", ParamExport.Type.STRING, "", "the hash of every challenge and check; named in the challenge when set",
                "", "MD5", "SHA-256");
        b.paramOnly("add_authinfo_hdr", ParamExport.Type.INT, "0",
                "no Authentication-Info on the 200: Sipway cannot add a header to a reply another module sends", "0");
    }
}
