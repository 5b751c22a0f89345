package io.sipway.proxy.module.tsilo;

import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.TransactionObserver;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.RpcExport;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipUri;
import io.sipway.tm.ServerTransaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * tsilo (https://kamailio.org/docs/modules/5.6.x/modules/tsilo.html): transactions kept by R-URI so
 * that a REGISTER arriving while an INVITE waits gives it a branch to the new contact (a phone woken
 * by a push registers, and the call reaches it). {@code ts_store([uri])} keeps the current
 * transaction under the R-URI's user (its whole URI with {@code use_domain}); {@code ts_append(table,
 * ruri)} looks up the AoR's contacts in a registrar table for every transaction stored for it and
 * adds a branch per contact no branch has yet ({@link Appender}); {@code ts_append_by_contact(table,
 * ruri[, contact])} only the REGISTER's (or the given) contact; {@code ts_append_to(tindex, tlabel,
 * table[, uri])} one transaction by the index and label ts.dump shows. Return codes are Kamailio's: 1;
 * -1 an error (no transaction, a URI that does not parse); -2 no record for the R-URI.
 */
public final class TsiloModule {
    private static final String DOC = "https://kamailio.org/docs/modules/5.6.x/modules/tsilo.html";

    private TsiloModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("tsilo", DOC);
        AtomicReference<Silo> silo = new AtomicReference<>();
        Appender appender = new Appender(core);
        b.fn("ts_store", 0, 1, R | F, args -> {
            Format uri = args.isEmpty() ? null : Format.of(args.get(0));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                if (m.st == null) {
                    return -1; // "no transaction defined": t_newtran() or t_relay() first
                }
                String ruri = uri != null ? uri.apply(ctx) : m.requestUri();
                String key = key(core, ruri);
                if (key == null) {
                    return -1;
                }
                silo.get().store(key, m.st, ruri);
                return 1;
            };
        }).x().summary("keeps the current transaction under the R-URI (or the given URI) for ts_append");
        b.fn("ts_append", 2, 2, R | F, args -> {
            String table = args.get(0).constantString();
            Format ruri = Format.of(args.get(1));
            return ctx -> append(core, silo.get(), appender, table, ruri.apply(ctx), null);
        }).x().summary("adds branches to the contacts of table not yet tried, in every transaction stored for ruri");
        b.fn("ts_append_by_contact", 2, 3, R | F, args -> {
            String table = args.get(0).constantString();
            Format ruri = Format.of(args.get(1));
            Format contact = args.size() > 2 ? Format.of(args.get(2)) : null;
            return ctx -> {
                String c = contact != null ? contact.apply(ctx) : registeredContact(((MsgContext) ctx).msg);
                if (c == null || c.isEmpty()) {
                    return -1;
                }
                return append(core, silo.get(), appender, table, ruri.apply(ctx), c);
            };
        }).x().summary("ts_append for one contact: the REGISTER's first, or the one given");
        b.fn("ts_append_to", 3, 4, R | F, args -> {
            Format tindex = Format.of(args.get(0));
            Format tlabel = Format.of(args.get(1));
            String table = args.get(2).constantString();
            Format uri = args.size() > 3 ? Format.of(args.get(3)) : null;
            return ctx -> {
                Silo.Stored s = silo.get().find((int) num(tindex.apply(ctx)), (int) num(tlabel.apply(ctx)));
                if (s == null) {
                    return -1; // "transaction not found"
                }
                if (s.st().canceled()) {
                    return -2;
                }
                if (s.st().lastCode() >= 200) {
                    return -3;
                }
                String lookup = uri != null ? uri.apply(ctx) : s.st().request().requestUriString();
                appender.append(s.st(), table, lookup, null, silo.get().addedBranches);
                return 1;
            };
        }).x().summary("adds branches to one stored transaction, by the index and label ts.dump shows");
        for (String f : new String[] {"ts_append", "ts_append_by_contact", "ts_append_to"}) {
            // registrar's lookup: a database query with usrloc db_mode 3
            b.declared(f).mayWaitWhen(params -> io.sipway.proxy.module.usrloc.UsrlocModule.dbMode(params) == 3);
        }
        b.paramChecked("hash_size", ParamExport.Type.INT, "2048", "the table's slots (a power of two; the index ts.dump shows)",
                v -> v.trim().matches("-?\\d+") ? null : "needs a number");
        b.param("use_domain", ParamExport.Type.INT, "0", "the key is the whole R-URI, not only its user");
        b.rpc("ts.dump", "the stored R-URIs and their transactions (\"brief\": only the counts)", params -> dump(silo.get(), params));
        b.rpc("ts.lookup", "the transactions stored for an R-URI key", params -> lookup(silo.get(), params));
        b.onStart((script, host) -> {
            Silo s = new Silo(Silo.slots(Integer.parseInt(core.modparam("tsilo", "hash_size", "2048").trim())),
                    core.statistic("tsilo:stored_ruris"), core.statistic("tsilo:stored_transactions"),
                    core.statistic("tsilo:total_ruris"), core.statistic("tsilo:total_transactions"),
                    core.statistic("tsilo:added_branches"));
            silo.set(s);
            core.hooks().observeTransactions(new TransactionObserver() { // Kamailio: TMCB_DESTROY takes the transaction out
                @Override
                public void created(MsgContext ctx) {
                }

                @Override
                public void replied(ServerTransaction st, int code, SipMessage reply, String branchUri) {
                    if (code >= 200) {
                        s.remove(st);
                    }
                }

                @Override
                public void legFailed(ServerTransaction st, int code, SipMessage reply, String branchUri) {
                }
            });
        });
        return b.build();
    }

    /** The silo key of a URI: its user, or the URI as given under use_domain; null when it does not parse. */
    static String key(Core core, String ruri) {
        if (ruri == null) {
            return null;
        }
        if (num(core.modparam("tsilo", "use_domain", "0")) != 0) {
            return ruri;
        }
        try {
            String u = SipUri.parse(ruri).user();
            return u == null ? "" : u;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long append(Core core, Silo silo, Appender appender, String table, String ruri, String contact) {
        String key = key(core, ruri);
        if (key == null) {
            return -1;
        }
        if (contact != null) {
            try {
                SipUri.parse(contact);
            } catch (RuntimeException e) {
                return -1;
            }
        }
        List<Silo.Stored> stored = silo.get(key);
        if (stored == null) {
            return -2;
        }
        for (Silo.Stored s : stored) {
            appender.append(s.st(), table, ruri, contact, silo.addedBranches);
        }
        return 1;
    }

    /** The first Contact URI of the REGISTER being handled, or null. */
    private static String registeredContact(SipMessage m) {
        try {
            return m.contacts().isEmpty() || m.contacts().get(0).isWildcard() ? null : m.contacts().get(0).uriString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long num(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Object dump(Silo silo, List<Object> params) {
        boolean brief = !params.isEmpty() && "brief".equals(String.valueOf(params.get(0)));
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("Size", silo.size);
        List<Object> records = new ArrayList<>();
        int transactions = 0;
        int[] perSlot = new int[silo.size];
        Map<String, List<Silo.Stored>> snapshot = silo.snapshot();
        for (Map.Entry<String, List<Silo.Stored>> e : snapshot.entrySet()) {
            perSlot[silo.slot(e.getKey())]++;
            transactions += e.getValue().size();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("R-URI", e.getKey());
            r.put("Hash", silo.slot(e.getKey()));
            r.put("Transactions", transactions(e.getValue()));
            records.add(r);
        }
        if (!brief) {
            top.put("R-URIs", records);
        }
        int max = 0;
        for (int n : perSlot) {
            max = Math.max(max, n);
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("RURIs", snapshot.size());
        stats.put("Max-Slots", max);
        stats.put("Transactions", transactions);
        top.put("Stats", stats);
        return top;
    }

    private static Object lookup(Silo silo, List<Object> params) throws RpcExport.RpcException {
        if (params.isEmpty()) {
            throw new RpcExport.RpcException(500, "No RURI to lookup specified");
        }
        List<Silo.Stored> stored = silo.get(String.valueOf(params.get(0)));
        if (stored == null) {
            throw new RpcExport.RpcException(404, "RURI not found in tsilo table");
        }
        return transactions(stored);
    }

    private static List<Object> transactions(List<Silo.Stored> stored) {
        List<Object> out = new ArrayList<>();
        for (Silo.Stored s : stored) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("Tindex", s.tindex());
            t.put("Tlabel", s.tlabel());
            out.add(Map.of("Transaction", t));
        }
        return out;
    }
}
