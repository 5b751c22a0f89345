package io.sipway.proxy.module.ipops;

import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.MsgContext;
import io.sipway.transport.NaptrRecord;
import io.sipway.transport.SrvRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What dns_query, srv_query and naptr_query stored for a message, by container (the pvid), read by
 * {@code $dns}, {@code $srvquery} and {@code $naptrquery}. Kamailio keeps the containers per worker
 * process, so a value lingers there until the process queries again; here they belong to the message
 * (the project keeps per-message state in the message context), and a container not queried yet for
 * this message is empty.
 */
final class DnsResults {
    /** Kamailio's PV_DNS_RECS, PV_SRV_MAXRECS, PV_NAPTR_MAXRECS: the records a container keeps. */
    static final int MAX_RECORDS = 32;
    /** PV_SRV_MAXSTR, PV_NAPTR_MAXSTR: longer target names and NAPTR fields are cut there. */
    static final int MAX_TEXT = 64;

    /** One dns_query: each address as inet_ntop writes it, with its type (4 or 6). */
    record Addresses(List<String> addresses, List<Integer> types) {
        static final Addresses NONE = new Addresses(List.of(), List.of());

        boolean any(int type) {
            return types.contains(type);
        }
    }

    final Map<String, Addresses> dns = new HashMap<>();
    final Map<String, List<SrvRecord>> srv = new HashMap<>();
    final Map<String, List<NaptrRecord>> naptr = new HashMap<>();

    /** The message's results, made on first use; null when the context is no message's. */
    static DnsResults of(ScriptContext ctx, boolean create) {
        if (!(ctx instanceof MsgContext m)) {
            return null;
        }
        if (m.ipopsDns == null && create) {
            m.ipopsDns = new DnsResults();
        }
        return (DnsResults) m.ipopsDns;
    }

    static String cut(String s) {
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s;
    }
}
