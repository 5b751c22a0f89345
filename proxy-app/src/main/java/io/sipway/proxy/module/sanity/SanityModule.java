package io.sipway.proxy.module.sanity;

import static io.sipway.proxy.module.Routes.*;
import static io.sipway.proxy.module.sanity.SanityChecks.MAX_CHECKS;
import static io.sipway.proxy.module.sanity.SanityChecks.URI_MAX_CHECKS;

import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.sanity.SanityChecks.Failure;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
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
 *
 * <p>This class binds the functions, reads the modparams and sends the replies; the checks are in
 * {@link SanityChecks} and {@link CredentialChecks}. With noreply=1 the failure waiting for
 * sanity_reply() is kept in the message's context ({@link MsgContext#sanityFailure}).
 */
public final class SanityModule {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.sanity");

    static final int DEFAULT_CHECKS = 3047;
    static final int DEFAULT_URI_CHECKS = 7;

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
            m.sanityFailure = null;
        }
        Failure f = SanityChecks.check(m, (int) msgChecks, (int) uriChecks, s.proxyRequire);
        if (f == null) {
            return 1;
        }
        LOG.debug("sanity_check failed: {} {}", f.code(), f.reason());
        if (m.msg.isRequest() && !m.msg.methodName().equals("ACK")) {
            if (s.noreply) {
                m.sanityFailure = f;
            } else if (f.code() != 0) {
                core.statelessReply(m, f.code(), f.reason(), f.extra());
            }
        }
        return s.autodrop ? 0 : -1;
    }

    /** sanity.c ki_sanity_reply: with noreply=1, the reply the last failed check would have sent (500 when none is known). */
    static long sanityReply(Core core, Settings s, MsgContext m) {
        if (!m.msg.isRequest() || m.msg.methodName().equals("ACK") || !s.noreply) {
            return 1;
        }
        Failure f = m.sanityFailure instanceof Failure pending ? pending : null;
        m.sanityFailure = null;
        if (f == null) {
            LOG.info("no sanity reply info set - sending 500");
            core.statelessReply(m, 500, "Server Sanity Failure", null);
        } else if (f.code() != 0) {
            core.statelessReply(m, f.code(), f.reason(), f.extra());
        }
        return 1;
    }

    private static final AtomicReference<Settings> API_SETTINGS = new AtomicReference<>();

    /**
     * sanity's API check_defaults for another module (topoh's sanity_checks): whether the request
     * passes the default_checks and uri_checks. Nothing is answered here: the request goes on to the
     * script, whose own sanity_check() answers it.
     */
    public static boolean passesDefaults(Core core, MsgContext m) {
        Settings s = Settings.of(core, API_SETTINGS);
        return SanityChecks.check(m, (int) s.defaultChecks, (int) s.uriChecks, s.proxyRequire) == null;
    }

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
        r.declared("sanity_check").summary("checks the message (flags: 1 R-URI version ... 16384 top Via) and answers a failure");
        r.declared("sanity_reply").summary("sends the reply a failed sanity_check kept (with noreply=1)");
        return r.build();
    }
}
