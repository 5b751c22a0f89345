package io.sipway.proxy.module.enum_;

import static io.sipway.proxy.module.Routes.R;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.sip.SipUri;
import io.sipway.transport.NaptrRecord;
import io.sipway.transport.SipTarget;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * enum (https://kamailio.org/docs/modules/5.6.x/modules/enum.html): ENUM (RFC 3761) lookups of an E.164
 * number ({@code +} and digits) in NAPTR records, through the proxy's resolver (the transport's DNS
 * client and cache). Kamailio resolves synchronously in its worker processes; here every function waits
 * for the answer on a worker (its routes never run on an event loop).
 *
 * <p>{@code enum_query([suffix[, service]])} looks the R-URI user up under {@code domain_suffix}
 * ({@code enum_pv_query(number, ...)} a number of the script's, {@code i_enum_query} the infrastructure
 * tree under {@code i_enum_suffix}, its {@code branchlabel} after the country code). Of the NAPTR records
 * with flag "u" and the service asked for (default {@code E2U+sip}; {@code "voice"}: {@code E2U+voice:sip};
 * {@code "+sip+voice:sip"}: any of those, compound records included), sorted by order and preference, the
 * first whose {@code !pattern!replacement!} applies to the number becomes the R-URI and the others
 * branches, each with {@code tel_uri_params} appended. 1 when the R-URI was replaced, else -1.
 * {@code is_from_user_enum([suffix[, service]])}: 1 when a URI the From user's records make resolves to
 * the request's source address; -3 without records, -8 when none does, -1 for a From user that is no
 * E.164 number.
 *
 * <p>Not here: {@code bl_algorithm} "ebl" (EBL records, a draft's type 65300), refused at load; branches
 * carry no q value (Kamailio lowers it per NAPTR priority; it only orders serial forking).
 */
public final class EnumModule {
    private static final Logger LOG = LoggerFactory.getLogger("enum");
    private static final String M = "enum";
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    /** How long a lookup may wait for the resolver (which has its own query timeout and retries). */
    private static final long WAIT_SECONDS = 10;

    private final Core core;

    private EnumModule(Core core) {
        this.core = core;
    }

    public static ModuleExports exports(Core core) {
        return new EnumModule(core).table();
    }

    private ModuleExports table() {
        ModuleExports.Builder b = ModuleExports.module(M, "https://kamailio.org/docs/modules/5.6.x/modules/enum.html");
        b.param("domain_suffix", STR, "e164.arpa.", "the ENUM tree of enum_query, enum_pv_query and is_from_user_enum");
        b.param("tel_uri_params", STR, "", "appended to every URI the lookups make (\";npdi\")");
        b.param("i_enum_suffix", STR, "e164.arpa.", "the tree of i_enum_query()");
        b.param("branchlabel", STR, "i", "the label i_enum_query inserts to branch off to the infrastructure tree");
        b.paramOnly("bl_algorithm", STR, "cc", "cc: the label goes after the country code; txt: after as many digits as the TXT record of "
                + "branchlabel.<country code>.suffix says (EBL records are not read)", "cc", "txt");

        b.fn("enum_query", 0, 2, R, args -> {
            Format suffix = args.size() > 0 ? Format.of(args.get(0)) : null;
            Format service = args.size() > 1 ? Format.of(args.get(1)) : null;
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                String user = ruriUser(m);
                if (user == null) {
                    return -1;
                }
                String svc = service == null ? "" : service.apply(ctx);
                if (service != null && svc.isEmpty()) {
                    LOG.error("unable to get service parameter");
                    return -1;
                }
                return query(m, user, EnumLookup.domain(user, suffix == null ? param("domain_suffix", "e164.arpa.") : suffix.apply(ctx)), svc);
            };
        }).x().mayWait().summary("replaces the R-URI (and adds branches) by the ENUM NAPTR records of its E.164 user: 1, or -1");
        b.fn("enum_pv_query", 1, 3, R, args -> {
            Format number = Format.of(args.get(0));
            Format suffix = args.size() > 1 ? Format.of(args.get(1)) : null;
            Format service = args.size() > 2 ? Format.of(args.get(2)) : null;
            return ctx -> {
                String n = number.apply(ctx);
                if (!EnumLookup.isE164(n)) {
                    LOG.error("pseudo variable does not contain an E164 number");
                    return -1;
                }
                return query((MsgContext) ctx, n, EnumLookup.domain(n, suffix == null ? param("domain_suffix", "e164.arpa.")
                        : suffix.apply(ctx)), service == null ? "" : service.apply(ctx));
            };
        }).x().mayWait().summary("enum_query on the E.164 number of the first argument instead of the R-URI user");
        b.fn("i_enum_query", 0, 2, R, args -> {
            Format suffix = args.size() > 0 ? Format.of(args.get(0)) : null;
            Format service = args.size() > 1 ? Format.of(args.get(1)) : null;
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                String user = ruriUser(m);
                if (user == null) {
                    return -1;
                }
                String svc = service == null ? "" : service.apply(ctx);
                if (service != null && svc.isEmpty()) {
                    LOG.error("unable to get service parameter");
                    return -1;
                }
                String sfx = suffix == null ? param("i_enum_suffix", "e164.arpa.") : suffix.apply(ctx);
                String label = param("branchlabel", "i");
                if (label.length() > 2 * EnumLookup.MAX_NUM_LEN || sfx.length() > 2 * EnumLookup.MAX_NUM_LEN) {
                    LOG.error("i_branchlabel or suffix too long");
                    return -1;
                }
                int position = EnumLookup.countryCodeLength(user.substring(1));
                if (param("bl_algorithm", "cc").equalsIgnoreCase("txt")) {
                    List<List<String>> txt = txt(EnumLookup.positionDomain(user, sfx, label));
                    if (txt != null && !txt.isEmpty() && !txt.get(0).isEmpty()) {
                        position = EnumLookup.position(txt.get(0).get(0), position);
                    }
                }
                return query(m, user, EnumLookup.infrastructureDomain(user, sfx, label, position), svc);
            };
        }).x().mayWait().summary("enum_query in the infrastructure ENUM tree (branchlabel after the country code)");
        b.fn("is_from_user_enum", 0, 2, R, args -> {
            Format suffix = args.size() > 0 ? Format.of(args.get(0)) : null;
            Format service = args.size() > 1 ? Format.of(args.get(1)) : null;
            return ctx -> fromUserEnum((MsgContext) ctx, suffix == null ? param("domain_suffix", "e164.arpa.") : suffix.apply(ctx),
                    service == null ? "" : service.apply(ctx));
        }).x().mayWait().summary("whether a URI of the From user's ENUM records resolves to the source address: 1, or negative");
        return b.build();
    }

    private String param(String name, String def) {
        return core.modparam(M, name, def);
    }

    private static String ruriUser(MsgContext m) {
        String user;
        try {
            user = SipUri.parse(m.requestUri()).user();
        } catch (RuntimeException e) {
            LOG.error("Parsing of R-URI failed");
            return null;
        }
        if (!EnumLookup.isE164(user)) {
            LOG.error("R-URI user '<{}>' is not an E164 number", user);
            return null;
        }
        return user;
    }

    /** The NAPTR records of a name; null when there are none or the DNS did not answer (get_record's 0). */
    private List<NaptrRecord> naptr(String name) {
        Future<List<NaptrRecord>> f = core.sipResolver().naptr(name, GlobalEventExecutor.INSTANCE);
        try {
            List<NaptrRecord> r = f.get(WAIT_SECONDS, TimeUnit.SECONDS);
            return r.isEmpty() ? null : r;
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("No NAPTR record found for {}: {}", name, e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The TXT records of a name, or null (none, or no answer). */
    private List<List<String>> txt(String name) {
        try {
            List<List<String>> r = core.sipResolver().txt(name, GlobalEventExecutor.INSTANCE).get(WAIT_SECONDS, TimeUnit.SECONDS);
            return r.isEmpty() ? null : r;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** do_query: the first usable record's URI becomes the R-URI, the others branches. */
    private long query(MsgContext m, String number, String name, String service) {
        List<NaptrRecord> records = naptr(name);
        if (records == null) {
            LOG.debug("No NAPTR record found for {}", name);
            return -1;
        }
        String params = param("tel_uri_params", "");
        boolean first = true;
        for (NaptrRecord n : EnumLookup.sorted(records)) {
            if (!EnumLookup.sipMatch(n, service)) {
                continue;
            }
            String uri = EnumLookup.apply(n.regexp(), number);
            if (uri == null) {
                LOG.error("Regexp replace failed");
                continue;
            }
            if (!params.isEmpty()) {
                if (uri.length() + params.length() > EnumLookup.MAX_URI - 1 || !parses(uri)) {
                    LOG.error("Parsing of URI <{}> failed", uri);
                    continue;
                }
                uri = EnumLookup.withParams(uri, params);
            }
            if (first) {
                m.ruri = uri;
                first = false;
            } else {
                m.branches.add(new String[] {uri, null});
            }
        }
        return first ? -1 : 1;
    }

    private static boolean parses(String uri) {
        try {
            SipUri.parse(uri);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** is_from_user_enum_helper. */
    private long fromUserEnum(MsgContext m, String suffix, String service) {
        String user;
        try {
            user = m.msg.from().uri().user();
        } catch (RuntimeException e) {
            LOG.error("Failed to parse From URI");
            return -1;
        }
        if (!EnumLookup.isE164(user)) {
            LOG.error("From URI user is not an E164 number");
            return -1;
        }
        List<NaptrRecord> records = naptr(EnumLookup.domain(user, suffix));
        if (records == null) {
            return -3;
        }
        InetAddress source = m.from.source().getAddress();
        for (NaptrRecord n : records) {
            if (!EnumLookup.sipMatch(n, service)) {
                continue;
            }
            if (!n.regexp().startsWith("!") || n.regexp().indexOf('!', n.regexp().indexOf('!', 1) + 1) < 0) {
                LOG.error("Parsing of NAPTR regexp failed");
                return -5;
            }
            String uri = EnumLookup.apply(n.regexp(), user);
            if (uri == null) {
                LOG.error("Regexp replace failed");
                return -6;
            }
            SipUri parsed;
            try {
                parsed = SipUri.parse(uri);
            } catch (RuntimeException e) {
                LOG.error("Parsing of URI <{}> failed", uri);
                return -7;
            }
            InetAddress addr = firstAddress(parsed);
            if (addr != null && addr.equals(source)) {
                return 1;
            }
        }
        return -8;
    }

    /** sip_resolvehost: the first address the URI's host resolves to, or null. */
    private InetAddress firstAddress(SipUri uri) {
        try {
            List<SipTarget> targets = core.sipResolver().resolve(uri.host(), 0, null, false, GlobalEventExecutor.INSTANCE)
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
            return targets.isEmpty() ? null : targets.get(0).address().getAddress();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
