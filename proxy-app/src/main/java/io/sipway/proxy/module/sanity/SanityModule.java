package io.sipway.proxy.module.sanity;

import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.PvExport;
import static io.sipway.proxy.module.Routes.*;
import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.ScriptContext;
import io.sipway.sip.Address;
import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipUri;
import io.sipway.tm.Replies;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sanity (src/modules/sanity: sanity_mod.c, sanity.c): {@code sanity_check([msg_checks[, uri_checks]])}
 * and {@code sanity_reply()}.
 *
 * <p>Checks (bit flags): 1 R-URI SIP version, 2 R-URI scheme, 4 required headers (From, To,
 * Call-ID, CSeq present, none twice), 8 and 16 (Via version and protocol: always pass, as in
 * Kamailio), 32 CSeq method, 64 CSeq number, 128 Content-Length, 256 Expires, 512 Proxy-Require
 * against modparam proxy_require, 1024 parse the URIs named by uri_checks (1 R-URI, 2 From, 4 To,
 * 8 Contact), 2048 digest credentials, 4096 duplicate From/To tags, 8192 Authorization, 16384 top
 * Via. Defaults: modparam default_checks 3047 and uri_checks 7. A failed check answers the request
 * statelessly with its code and reason (400, 420, 505...; some failures send nothing, as
 * Kamailio's) unless modparam noreply=1 (then sanity_reply() sends it); the function returns 0,
 * which ends the script, with the default autodrop=1, or -1 with autodrop=0. 1 when all pass;
 * -1 for check flags out of range. Replies and ACKs are never answered.
 *
 * <p>Applied to a reply, the request-line checks (1, 2, 32 and the R-URI of 1024) fail as they do
 * in Kamailio, whose request fields then read the status line; Kamailio's own configuration
 * checks replies with 17604 and uri checks 6.
 */
public final class SanityModule {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.sanity");

    static final int RURI_SIP_VERSION = 1;
    static final int RURI_SCHEME = 1 << 1;
    static final int REQUIRED_HEADERS = 1 << 2;
    static final int CSEQ_METHOD = 1 << 5;
    static final int CSEQ_VALUE = 1 << 6;
    static final int CL = 1 << 7;
    static final int EXPIRES_VALUE = 1 << 8;
    static final int PROXY_REQUIRE = 1 << 9;
    static final int PARSE_URIS = 1 << 10;
    static final int CHECK_DIGEST = 1 << 11;
    static final int CHECK_DUPTAGS = 1 << 12;
    static final int CHECK_AUTHORIZATION = 1 << 13;
    static final int VIA1_HEADER = 1 << 14;
    static final int MAX_CHECKS = 1 << 15;
    static final int DEFAULT_CHECKS = 3047;

    static final int URI_RURI = 1;
    static final int URI_FROM = 1 << 1;
    static final int URI_TO = 1 << 2;
    static final int URI_CONTACT = 1 << 3;
    static final int URI_MAX_CHECKS = 1 << 4;
    static final int DEFAULT_URI_CHECKS = 7;

    /** What a failed check answers; code 0: nothing (Kamailio's FL_MSG_NOREPLY). */
    record Failure(int code, String reason, String extra) {
        static final Failure SILENT = new Failure(0, null, null);
    }

    /** With noreply=1: the failure of the last sanity_check per message, for sanity_reply(). */
    private static final Map<MsgContext, Failure> PENDING = Collections.synchronizedMap(new WeakHashMap<>());

    private SanityModule() {
    }

    static void register(ModuleExports.Builder r, Core core) {
        AtomicReference<Settings> settings = new AtomicReference<>();
        r.fn("sanity_check", 0, 2, R | O, args -> {
            Format msgChecks = args.isEmpty() ? null : Format.of(args.get(0));
            Format uriChecks = args.size() < 2 ? null : Format.of(args.get(1));
            return ctx -> {
                Settings s = Settings.of(core, settings);
                long mc = msgChecks == null ? s.defaultChecks : Format.num(msgChecks.apply(ctx));
                long uc = uriChecks == null ? s.uriChecks : Format.num(uriChecks.apply(ctx));
                return sanityCheck(core, s, c(ctx), mc, uc);
            };
        }).x();
        r.fn("sanity_reply", 0, 0, R | O, args -> ctx -> sanityReply(core, Settings.of(core, settings), c(ctx)));
    }

    private static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    /** sanity_mod.c w_sanity_check. */
    static long sanityCheck(Core core, Settings s, MsgContext m, long msgChecks, long uriChecks) {
        if (msgChecks < 1 || msgChecks >= MAX_CHECKS) {
            LOG.error("sanity_check: input parameter ({}) outside of valid range <1-{})", msgChecks, MAX_CHECKS);
            return -1;
        }
        if (uriChecks < 1 || uriChecks >= URI_MAX_CHECKS) {
            LOG.error("sanity_check: second input parameter ({}) outside of valid range <1-{})", uriChecks, URI_MAX_CHECKS);
            return -1;
        }
        if (s.noreply) {
            PENDING.remove(m);
        }
        Failure f = check(m, (int) msgChecks, (int) uriChecks, s.proxyRequire);
        if (f == null) {
            return 1;
        }
        LOG.debug("sanity_check failed: {} {}", f.code(), f.reason());
        if (m.msg.isRequest() && !m.msg.methodName().equals("ACK")) {
            if (s.noreply) {
                PENDING.put(m, f);
            } else if (f.code() != 0) {
                statelessReply(core, m, f.code(), f.reason(), f.extra());
            }
        }
        return s.autodrop ? 0 : -1;
    }

    /** sanity.c ki_sanity_reply: with noreply=1, the reply the last failed check would have sent (500 when none is known). */
    static long sanityReply(Core core, Settings s, MsgContext m) {
        if (!m.msg.isRequest() || m.msg.methodName().equals("ACK") || !s.noreply) {
            return 1;
        }
        Failure f = PENDING.remove(m);
        if (f == null) {
            LOG.info("no sanity reply info set - sending 500");
            statelessReply(core, m, 500, "Server Sanity Failure", null);
        } else if (f.code() != 0) {
            statelessReply(core, m, f.code(), f.reason(), f.extra());
        }
        return 1;
    }

    /** A stateless reply (sl) with extra header lines ("Name: value\r\n" each, or null). */
    public static void statelessReply(Core core, MsgContext m, int code, String reason, String extra) {
        if (extra == null) {
            core.statelessReply(m, code, reason);
            return;
        }
        byte[] bytes = Replies.build(m.msg, code, reason, null, core.server, extra);
        core.transport().sender().send(m.replyTo, bytes);
        m.replied = true;
        core.count("sl:" + code / 100 + "xx_replies");
    }

    // ---- the checks ---------------------------------------------------------------------------

    /** sanity_mod.c sanity_check: the first failure in Kamailio's order, or null when all pass. */
    static Failure check(MsgContext m, int checks, int uriChecks, Set<String> proxyRequire) {
        SipMessage msg = m.msg;
        Failure f = null;
        if ((checks & RURI_SIP_VERSION) != 0 && (f = ruriSipVersion(msg)) != null) {
            return f;
        }
        if ((checks & RURI_SCHEME) != 0 && (f = ruriScheme(m)) != null) {
            return f;
        }
        if ((checks & REQUIRED_HEADERS) != 0 && (f = requiredHeaders(msg)) != null) {
            return f;
        }
        if ((checks & VIA1_HEADER) != 0 && (f = via1(msg)) != null) {
            return f;
        }
        // 8 (Via SIP version) and 16 (Via protocol) are "useless checks" that pass in Kamailio
        if ((checks & CSEQ_METHOD) != 0 && (f = cseqMethod(msg)) != null) {
            return f;
        }
        if ((checks & CSEQ_VALUE) != 0 && (f = cseqValue(msg)) != null) {
            return f;
        }
        if ((checks & CL) != 0 && msg.contentLength() >= 0 && msg.bodyLength() != msg.contentLength()) {
            return new Failure(400, "Content-Length mis-match", null);
        }
        if ((checks & EXPIRES_VALUE) != 0 && (f = expires(msg)) != null) {
            return f;
        }
        if ((checks & PROXY_REQUIRE) != 0 && (f = proxyRequire(msg, proxyRequire)) != null) {
            return f;
        }
        if ((checks & PARSE_URIS) != 0 && (f = parseUris(m, uriChecks)) != null) {
            return f;
        }
        if ((checks & CHECK_DIGEST) != 0 && (f = digest(msg, false)) != null) {
            return f;
        }
        if ((checks & CHECK_AUTHORIZATION) != 0 && (f = digest(msg, true)) != null) {
            return f;
        }
        if ((checks & CHECK_DUPTAGS) != 0 && (f = duplicateTags(msg)) != null) {
            return f;
        }
        return null;
    }

    /**
     * Kamailio answers 505 "Version Not Supported (R-URI)" when the version after '/' is not 2.0;
     * Sipway's parser takes no request with another version, so a request passes.
     */
    private static Failure ruriSipVersion(SipMessage msg) {
        return msg.isRequest() ? null : Failure.SILENT;
    }

    private static Failure ruriScheme(MsgContext m) {
        if (!m.msg.isRequest()) {
            return Failure.SILENT;
        }
        return parsableRuri(m) ? null : new Failure(400, "Bad Request URI", null);
    }

    /** Kamailio's parse_uri knows sip, sips, tel, tels and urn; any other scheme does not parse. */
    private static boolean parsableRuri(MsgContext m) {
        try {
            SipUri u = SipUri.parse(m.requestUri());
            if (u.scheme() == SipUri.Scheme.OTHER) {
                String scheme = u.schemeName();
                return scheme.equals("tels") || scheme.equals("urn");
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Failure requiredHeaders(SipMessage msg) {
        HeaderName[] quadruple = {HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ};
        for (HeaderName h : quadruple) {
            if (msg.count(h) == 0) {
                return Failure.SILENT;
            }
        }
        for (HeaderName h : quadruple) {
            if (msg.count(h) > 1) {
                return Failure.SILENT; // "duplicated ... header"
            }
        }
        return null;
    }

    private static Failure via1(SipMessage msg) {
        try {
            if (msg.topVia() == null || msg.topVia().host() == null) {
                return Failure.SILENT;
            }
        } catch (RuntimeException e) {
            return Failure.SILENT;
        }
        return null;
    }

    /** The CSeq value split into number and method as written; null when it does not parse. */
    private static String[] cseq(SipMessage msg) {
        String v = msg.header(HeaderName.CSEQ);
        if (v == null) {
            return null;
        }
        String[] parts = v.trim().split("[ \t\r\n]+", 2);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return null; // parse_cseq: no number or no method
        }
        return parts;
    }

    private static Failure cseqMethod(SipMessage msg) {
        String[] cs = cseq(msg);
        if (cs == null) {
            return Failure.SILENT;
        }
        if (!msg.isRequest()) {
            return Failure.SILENT; // compared with the status line's version in Kamailio
        }
        if (!cs[1].equals(msg.methodName())) { // the request line's method as written
            return new Failure(400, "CSeq method does not match request method", null);
        }
        return null;
    }

    private static Failure cseqValue(SipMessage msg) {
        String[] cs = cseq(msg);
        if (cs == null) {
            return Failure.SILENT;
        }
        return validUint(cs[0]) ? null : new Failure(400, "CSeq number is illegal", null);
    }

    /** sanity.c str2valid_uint: 1 to 10 digits, not above 4294967296 (sic). */
    static boolean validUint(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return s.length() < 10 || s.compareTo("4294967296") <= 0;
    }

    private static Failure expires(SipMessage msg) {
        String v = msg.header(HeaderName.EXPIRES);
        if (v == null) {
            return null;
        }
        String t = v.trim();
        if (t.isEmpty()) {
            return new Failure(400, "Missing number in Expires header", null);
        }
        return validUint(t) ? null : new Failure(400, "Expires value is illegal", null);
    }

    private static Failure proxyRequire(SipMessage msg, Set<String> supported) {
        String v = msg.header(HeaderName.PROXY_REQUIRE);
        if (v == null) {
            return null;
        }
        if (v.trim().isEmpty()) {
            return new Failure(400, "Bad Proxy Require Header", null);
        }
        for (String tag : v.split(",")) {
            String t = tag.trim();
            if (!supported.contains(t)) {
                return new Failure(420, "Bad Proxy Require Extension", "Unsupported: " + t + "\r\n");
            }
        }
        return null;
    }

    private static Failure parseUris(MsgContext m, int uriChecks) {
        SipMessage msg = m.msg;
        if ((uriChecks & URI_RURI) != 0) {
            if (!msg.isRequest()) {
                return Failure.SILENT;
            }
            if (!parsableRuri(m)) {
                return new Failure(400, "Bad Request URI", null);
            }
        }
        if ((uriChecks & URI_FROM) != 0) {
            if (!msg.hasHeader("From")) {
                return Failure.SILENT;
            }
            if (!addressParses(msg, true)) {
                return new Failure(400, "Invalid From Header", null);
            }
        }
        if ((uriChecks & URI_TO) != 0) {
            if (!msg.hasHeader("To")) {
                return Failure.SILENT;
            }
            if (!addressParses(msg, false)) {
                return new Failure(400, "Ivalid To Header", null); // Kamailio's reason, as it sends it
            }
        }
        if ((uriChecks & URI_CONTACT) != 0) {
            List<Address> contacts;
            try {
                contacts = msg.contacts();
            } catch (RuntimeException e) {
                return new Failure(400, "Bad Contact Header", null);
            }
            if (!contacts.isEmpty() && !contacts.get(0).isWildcard()) {
                try {
                    contacts.get(0).uri();
                } catch (RuntimeException e) {
                    return new Failure(400, "Bad Contact URI", null);
                }
            }
        }
        return null;
    }

    private static boolean addressParses(SipMessage msg, boolean from) {
        try {
            Address a = from ? msg.from() : msg.to();
            return a != null && a.uri() != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * sanity.c check_digest_only over every Authorization, then every Proxy-Authorization. A scheme
     * other than Digest passes the Authorization check (8192) and fails the digest check (2048),
     * without a reply.
     */
    private static Failure digest(SipMessage msg, boolean otherSchemesPass) {
        for (String header : new String[] {"Authorization", "Proxy-Authorization"}) {
            for (String value : msg.headers(header)) {
                Map<String, String> cred = credentials(value);
                if (cred == null) {
                    return new Failure(400, "Bad Auth Header", null);
                }
                if (cred.isEmpty()) {
                    return otherSchemesPass ? null : Failure.SILENT; // not Digest
                }
                if (!digestComplete(cred)) {
                    return new Failure(400, "Bad Auth Credentials", null);
                }
                if (cred.get("username").isEmpty()) {
                    return new Failure(400, "Auth Empty User", null);
                }
                if (cred.get("nonce").isEmpty()) {
                    return new Failure(400, "Auth Empty Nonce", null);
                }
                if (cred.get("response").isEmpty()) {
                    return new Failure(400, "Auth Empty Response", null);
                }
            }
        }
        return null;
    }

    /** digest.c check_dig_cred: username, realm, nonce, uri, response; cnonce and nc with qop auth or auth-int. */
    private static boolean digestComplete(Map<String, String> c) {
        for (String p : new String[] {"username", "realm", "nonce", "uri", "response"}) {
            if (!c.containsKey(p)) {
                return false;
            }
        }
        String qop = c.get("qop");
        if (qop != null && (qop.equalsIgnoreCase("auth") || qop.equalsIgnoreCase("auth-int"))) {
            return c.containsKey("cnonce") && c.containsKey("nc");
        }
        return true;
    }

    /**
     * The parameters of Digest credentials (names lower-cased, quotes removed); an empty map for
     * another scheme; null when they do not parse.
     */
    static Map<String, String> credentials(String value) {
        String v = value.trim();
        int sp = 0;
        while (sp < v.length() && !Character.isWhitespace(v.charAt(sp))) {
            sp++;
        }
        if (!v.substring(0, sp).equalsIgnoreCase("Digest")) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        int i = sp;
        int n = v.length();
        while (true) {
            while (i < n && (Character.isWhitespace(v.charAt(i)) || v.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int ns = i;
            while (i < n && (Character.isLetterOrDigit(v.charAt(i)) || v.charAt(i) == '-' || v.charAt(i) == '_')) {
                i++;
            }
            if (i == ns) {
                return null;
            }
            String name = v.substring(ns, i).toLowerCase(Locale.ROOT);
            while (i < n && Character.isWhitespace(v.charAt(i))) {
                i++;
            }
            if (i >= n || v.charAt(i) != '=') {
                return null;
            }
            i++;
            while (i < n && Character.isWhitespace(v.charAt(i))) {
                i++;
            }
            StringBuilder val = new StringBuilder();
            if (i < n && v.charAt(i) == '"') {
                i++;
                boolean closed = false;
                for (; i < n; i++) {
                    char ch = v.charAt(i);
                    if (ch == '\\' && i + 1 < n) {
                        val.append(v.charAt(++i));
                    } else if (ch == '"') {
                        closed = true;
                        i++;
                        break;
                    } else {
                        val.append(ch);
                    }
                }
                if (!closed) {
                    return null;
                }
            } else {
                while (i < n && v.charAt(i) != ',' && !Character.isWhitespace(v.charAt(i))) {
                    val.append(v.charAt(i++));
                }
            }
            out.put(name, val.toString());
            while (i < n && Character.isWhitespace(v.charAt(i))) {
                i++;
            }
            if (i < n && v.charAt(i) != ',') {
                return null;
            }
        }
        return out;
    }

    private static Failure duplicateTags(SipMessage msg) {
        Address from;
        Address to;
        try {
            from = msg.from();
            to = msg.to();
        } catch (RuntimeException e) {
            return Failure.SILENT;
        }
        if (from == null || to == null) {
            return Failure.SILENT;
        }
        if (tags(from) > 1) {
            return new Failure(400, "Many From Tag Params", null);
        }
        if (tags(to) > 1) {
            return new Failure(400, "Many To Tag Params", null);
        }
        return null;
    }

    private static int tags(Address a) {
        int n = 0;
        for (String p : a.paramNames()) {
            if (p.equalsIgnoreCase("tag")) {
                n++;
            }
        }
        return n;
    }

    // ---- module parameters ----------------------------------------------------------------------

    /** The last value of {@code modparam(module, param, ...)} in the running script as text, or {@code def}. */
    /** sanity's modparams, read once per running script. */
    static final class Settings {
        final CompiledScript script;
        final long defaultChecks;
        final long uriChecks;
        final boolean autodrop;
        final boolean noreply;
        final Set<String> proxyRequire;

        Settings(CompiledScript script, long defaultChecks, long uriChecks, boolean autodrop, boolean noreply, Set<String> proxyRequire) {
            this.script = script;
            this.defaultChecks = defaultChecks;
            this.uriChecks = uriChecks;
            this.autodrop = autodrop;
            this.noreply = noreply;
            this.proxyRequire = proxyRequire;
        }

        static Settings of(Core core, AtomicReference<Settings> cache) {
            CompiledScript script = core.script();
            Settings s = cache.get();
            if (s != null && s.script == script) {
                return s;
            }
            Set<String> pr = new LinkedHashSet<>();
            for (String t : core.modparam("sanity", "proxy_require", "").split(",")) {
                if (!t.trim().isEmpty()) {
                    pr.add(t.trim());
                }
            }
            s = new Settings(script,
                    Format.num(core.modparam("sanity", "default_checks", Integer.toString(DEFAULT_CHECKS))),
                    Format.num(core.modparam("sanity", "uri_checks", Integer.toString(DEFAULT_URI_CHECKS))),
                    Format.num(core.modparam("sanity", "autodrop", "1")) != 0,
                    Format.num(core.modparam("sanity", "noreply", "0")) != 0,
                    Collections.unmodifiableSet(pr));
            cache.set(s);
            return s;
        }
    }

    /** The sanity table. */
    public static ModuleExports exports(Core core) {
        ModuleExports.Builder r = ModuleExports.module("sanity", "https://kamailio.org/docs/modules/5.6.x/modules/sanity.html");
        register(r, core);
        String checks = "sanity_check()";
        r.param("default_checks", ParamExport.Type.INT, "3047", checks + ": the message checks without arguments");
        r.param("uri_checks", ParamExport.Type.INT, "7", checks + ": the URI checks without arguments");
        r.param("autodrop", ParamExport.Type.INT, "1", checks + ": 1 ends the script on a failed check, 0 returns -1");
        r.param("noreply", ParamExport.Type.INT, "0", checks + ": 1 sends no reply (sanity_reply() does)");
        r.param("proxy_require", ParamExport.Type.STRING, "", checks + ": the extensions check 512 accepts in Proxy-Require");
        r.declared("sanity_check").check(a -> a.forEach(x -> Fixups.range(x, "the checks", 0, Integer.MAX_VALUE)));
        return r.build();
    }
}
