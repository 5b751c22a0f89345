package io.sipway.proxy.module.dispatcher;

import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.Xavps;
import io.sipway.sip.DigestParams;
import io.sipway.sip.SipUri;
import io.sipway.transport.SendSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picking destinations (Kamailio's ds_manage_routes, ds_push_dst, ds_update_dst): an algorithm
 * gives a starting index, an unusable destination there moves the pick to the next usable one, the
 * pick becomes $du (or the R-URI's host part, or nothing in XAVP mode), and with the fail-over flag
 * the pick and then the other usable destinations (those after it, then those before it) are kept,
 * one XAVP item each, for ds_next_dst() in failure_route.
 */
final class Selection {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.dispatcher");

    /** Where a pick goes: $du, the R-URI's host part, or only the XAVPs. */
    static final int DSTURI = 0;
    static final int RURI = 1;
    static final int XAVP = 2;

    static final int ALG_CALLLOAD = 10;
    static final int ALG_PARALLEL = 12;
    static final int ALG_LATENCY = 13;
    static final int ALG_OVERLOAD = 64;

    private final Dispatcher ds;

    /** Why Sipway does not run an algorithm Kamailio has, or null for one it runs. */
    static String why(int alg) {
        return switch (alg) {
            case ALG_LATENCY -> "algorithm 13 (latency) needs the latency statistics of probing, which Sipway does not do yet";
            case ALG_OVERLOAD -> "algorithm 64 (overload control) needs ds_oc_set_attrs(), which Sipway does not implement";
            default -> null;
        };
    }

    Selection(Dispatcher ds) {
        this.ds = ds;
    }

    /** One ds_select call (or one rule of ds_select_routes): what it asks and what it did. */
    static final class State {
        final int setid;
        final int alg;
        final int mode;
        final long limit;
        int cnt;
        /** Whether $du or the R-URI was set. */
        boolean pushed;
        /** The XAVP items made, the pick first. */
        final List<Xavps> records = new ArrayList<>();

        State(int setid, int alg, int mode, long limit) {
            this.setid = setid;
            this.alg = alg;
            this.mode = mode;
            this.limit = limit;
        }
    }

    /** ds_select_dst_limit: 1 when a destination was picked, -1 when none; limit 0 is no limit. */
    long select(MsgContext m, int set, int alg, long limit, int mode) {
        State st = new State(set, alg, mode, limit <= 0 ? Long.MAX_VALUE : limit);
        long ret = manageRoutes(m, st);
        if (ret < 0) {
            return ret;
        }
        keep(m, st.records);
        count(m, st.cnt);
        return ret;
    }

    /**
     * ds_select_routes("1=4;2=8", mode[, limit]): each rule set=alg in turn; the first pick sets $du
     * or the R-URI as {@code umode} says, later ones only add XAVP items. 1 when any rule picked one.
     */
    long selectRoutes(MsgContext m, String rules, String umode, long limit) {
        long lim = limit <= 0 ? Long.MAX_VALUE : limit;
        int i = 0;
        int n = rules.length();
        long vret = -1;
        long gret = -1;
        boolean pushed = false;
        int cnt = 0;
        List<Xavps> records = new ArrayList<>();
        while (i < n) {
            int setid = 0;
            for (; i < n; i++) {
                char c = rules.charAt(i);
                if (c < '0' || c > '9') {
                    if (c == '=') {
                        i++;
                        break;
                    }
                    LOG.error("invalid character in [{}] at [{}]", rules, i);
                    return -1;
                }
                setid = setid * 10 + (c - '0');
            }
            int alg = 0;
            for (; i < n; i++) {
                char c = rules.charAt(i);
                if (c < '0' || c > '9') {
                    if (c == ';') {
                        i++;
                        break;
                    }
                    LOG.error("invalid character in [{}] at [{}]", rules, i);
                    return -1;
                }
                alg = alg * 10 + (c - '0');
            }
            int mode = XAVP;
            if (!pushed) {
                switch (umode.isEmpty() ? ' ' : umode.charAt(0)) {
                    case '0', 'd', 'D' -> mode = DSTURI;
                    case '1', 'r', 'R' -> mode = RURI;
                    case '2', 'x', 'X' -> mode = XAVP;
                    default -> {
                        LOG.error("invalid routing mode parameter: {}", umode);
                        return -1;
                    }
                }
            }
            State st = new State(setid, alg, mode, lim);
            st.cnt = cnt;
            vret = manageRoutes(m, st);
            if (vret > 0) {
                gret = vret;
            }
            if (vret >= 0) {
                pushed |= st.pushed;
                cnt = st.cnt;
                records.addAll(st.records);
            }
        }
        if (gret < 0) {
            return vret;
        }
        keep(m, records);
        count(m, cnt);
        return gret;
    }

    /** The items go on top of any earlier ones, in order: the pick is item 0. */
    private void keep(MsgContext m, List<Xavps> records) {
        Xavps x = m.xavps();
        for (int i = records.size() - 1; i >= 0; i--) {
            x.add(ds.settings().xavpDst(), records.get(i));
        }
    }

    /** $xavp(_dsctx_=>cnt): how many destinations the XAVPs hold for this selection. */
    private void count(MsgContext m, int cnt) {
        DsSettings s = ds.settings();
        if ((s.xavpCtxMode() & DsSettings.XAVP_CTX_SKIP_CNT) == 0) {
            Xavps fields = new Xavps();
            fields.add("cnt", (long) cnt);
            m.xavps().add(s.xavpCtx(), fields);
        }
    }

    private long manageRoutes(MsgContext m, State st) {
        DsSettings s = ds.settings();
        DsLists lists = ds.lists();
        if (lists.count() <= 0) {
            LOG.error("no destination sets");
            return -1;
        }
        if (st.mode == DSTURI && !s.forceDst() && m.du != null) {
            LOG.error("destination already set [{}]", m.du);
            return -1;
        }
        DsSet idx = lists.set(st.setid);
        if (idx == null) {
            LOG.error("destination set [{}] not found", st.setid);
            return -1;
        }
        int nr = idx.size();
        int[] seen = new int[1];
        boolean roundRobin = false;
        boolean callLoad = false;
        int hash = 0;
        switch (st.alg) {
            case 0 -> {
                String cid = m.msg.callId();
                if (cid == null) {
                    LOG.error("can't get callid hash");
                    return -1;
                }
                hash = DsHash.callId(cid);
            }
            case 1, 2, 3 -> {
                Integer h = uriHash(m, st.alg, s.flags());
                if (h == null) {
                    LOG.error("can't get {} hash", st.alg == 1 ? "From uri" : st.alg == 2 ? "To uri" : "ruri");
                    return -1;
                }
                hash = h;
            }
            case 4 -> {
                hash = idx.nextRoundRobin(seen);
                roundRobin = true;
            }
            case 5 -> {
                String user = authUsername(m);
                if (user == null) {
                    hash = idx.nextRoundRobin(seen); // no credentials: round robin
                    roundRobin = true;
                } else {
                    hash = DsHash.of(user, null);
                }
            }
            case 6 -> hash = ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE); // kam_rand(): 0..RAND_MAX
            case 7 -> {
                if (s.hashPvar() == null) {
                    LOG.error("can't get PV hash: no hash_pvar");
                    return -1;
                }
                String v = s.hashPvar().apply(m).trim();
                if (v.isEmpty()) {
                    LOG.error("can't get PV hash: the string is empty");
                    return -1;
                }
                hash = DsHash.of(v, null);
            }
            case 8, ALG_PARALLEL -> hash = 0;
            case 9 -> hash = idx.nextWeighted();
            case 11 -> hash = idx.nextRelativeWeighted();
            case ALG_CALLLOAD -> {
                if (!m.msg.isRequest() || !m.msg.methodName().equals("INVITE")) {
                    hash = 0; // only an INVITE starts a call: the first entry
                    break;
                }
                CallLoad load = ds.callLoad();
                if (load == null) {
                    LOG.error("no call load table: ds_hash_size is 0 (algorithm 10)");
                    return -1;
                }
                int k = load.leastLoaded(idx);
                if (k < 0) {
                    return -1; // every destination is unusable or at its maxload
                }
                if (!load.add(m.msg.callId().trim(), idx.id, idx.dests[k].attrs.duid())) {
                    LOG.error("unable to update destination load set [{}] - paranoid check (no duid)", idx.id);
                    return -1;
                }
                hash = k;
                callLoad = true;
            }
            case ALG_LATENCY, ALG_OVERLOAD -> {
                LOG.error("algorithm {} is not implemented by Sipway ({})", st.alg, why(st.alg));
                return -1;
            }
            default -> {
                LOG.warn("algo {} not implemented - using first entry...", st.alg);
                hash = 0;
            }
        }
        int span = s.useDefault() && nr != 1 ? nr - 1 : nr;
        int start = Integer.remainderUnsigned(hash, span);
        int i = start;
        while (Destination.skipped(idx.flags(i))) {
            i = (i + 1) % span;
            if (i == start) {
                // every destination is unusable: the default one (the last), when it is usable
                if (s.useDefault()) {
                    i = nr - 1;
                    if (Destination.skipped(idx.flags(i))) {
                        return -1;
                    }
                    break;
                }
                return -1;
            }
        }
        Destination picked = idx.dests[i];
        if (st.mode != XAVP) {
            if (!push(m, picked.uri, picked.socket, st.mode)) {
                return -1;
            }
            st.pushed = true;
        }
        if (roundRobin) {
            idx.roundRobinPicked(seen[0], i);
        }
        if (st.alg == ALG_PARALLEL) {
            for (int j = i + 1; j < nr; j++) {
                branch(m, idx.dests[j], st.mode);
            }
            return 1;
        }
        if (!s.failover() || s.xavpDst().isEmpty()) {
            return 1;
        }
        record(idx, i, st, callLoad);
        for (int j = i + 1; j < nr && st.cnt < st.limit; j++) {
            if (!Destination.skipped(idx.flags(j)) && !(s.useDefault() && j == nr - 1)) {
                record(idx, j, st, callLoad);
            }
        }
        for (int j = 0; j < i && st.cnt < st.limit; j++) {
            if (!Destination.skipped(idx.flags(j)) && !(s.useDefault() && j == nr - 1)) {
                record(idx, j, st, callLoad);
            }
        }
        if (s.useDefault() && i != nr - 1 && st.cnt < st.limit) {
            record(idx, nr - 1, st, callLoad);
        }
        return 1;
    }

    private static Integer uriHash(MsgContext m, int alg, int flags) {
        String uri;
        try {
            uri = switch (alg) {
                case 1 -> m.msg.from().uriString();
                case 2 -> m.msg.to().uriString();
                default -> m.requestUri();
            };
        } catch (RuntimeException e) {
            return null;
        }
        return uri == null ? null : DsHash.uri(uri, flags);
    }

    /** The user of the digest username (Proxy-Authorization first, then Authorization), or null. */
    private static String authUsername(MsgContext m) {
        for (String h : new String[] {"Proxy-Authorization", "Authorization"}) {
            String v = m.msg.header(h);
            if (v == null || !DigestParams.isDigest(v)) {
                continue;
            }
            Map<String, String> p = DigestParams.parse(v);
            String user = p == null ? null : p.get("username");
            if (user != null && !user.isEmpty()) {
                int at = user.indexOf('@');
                String u = (at < 0 ? user : user.substring(0, at)).trim();
                return u.isEmpty() ? null : u;
            }
        }
        return null;
    }

    /** ds_add_xavp_record: uri, grp, attrs, sock (and socket with xavp_dst_mode 2), newest field first as Kamailio adds them. */
    private void record(DsSet idx, int pos, State st, boolean callLoad) {
        DsSettings s = ds.settings();
        Destination d = idx.dests[pos];
        Xavps f = new Xavps();
        f.add("uri", d.uri);
        f.add("grp", (long) st.setid);
        if (callLoad && d.attrs.duid() != null && !d.attrs.duid().isEmpty()) {
            f.add("dstid", d.attrs.duid()); // ds_next_dst moves the call load to it
        }
        if ((s.xavpDstMode() & DsSettings.XAVP_DST_SKIP_ATTRS) == 0 && d.attrs.body() != null && !d.attrs.body().isEmpty()) {
            f.add("attrs", d.attrs.body());
        }
        if (d.socket != null) {
            f.add("sock", d.socket);
            if ((s.xavpDstMode() & DsSettings.XAVP_DST_ADD_SOCKSTR) != 0 && d.attrs.socket() != null) {
                f.add("socket", d.attrs.socket());
            }
        }
        st.records.add(f);
        st.cnt++;
    }

    /** Algorithm 12: the other destinations as branches (append_branch), after the picked one. */
    private static void branch(MsgContext m, Destination d, int mode) {
        if (mode == RURI) {
            String ruri = m.requestUri();
            String user = null;
            try {
                user = SipUri.parse(ruri).user();
            } catch (RuntimeException e) {
                return;
            }
            if (user == null || user.isEmpty()) {
                m.branches.add(new String[] {d.uri, null});
            } else if (d.uri.startsWith("sips:")) {
                m.branches.add(new String[] {"sips:" + user + "@" + d.uri.substring(5), null});
            } else if (d.uri.startsWith("sip:")) {
                m.branches.add(new String[] {"sip:" + user + "@" + d.uri.substring(4), null});
            } else {
                LOG.warn("unsupported protocol schema - ignoring");
            }
        } else if (mode == DSTURI) {
            m.branches.add(new String[] {m.requestUri(), d.uri});
        }
    }

    /**
     * ds_push_dst: $du becomes the destination (dispatcher's DSTURI mode), or the R-URI keeps its
     * scheme and user and takes the destination as the rest (the core's SET_HOSTALL_T); a socket of
     * the destination is forced.
     */
    static boolean push(MsgContext m, String uri, SendSocket sock, int mode) {
        if (mode == RURI) {
            String rest = uri;
            if (uri.regionMatches(true, 0, "sip:", 0, 4) && uri.length() > 4) {
                rest = uri.substring(4);
            } else if (uri.regionMatches(true, 0, "sips:", 0, 5) && uri.length() > 5) {
                rest = uri.substring(5);
            }
            SipUri r;
            try {
                r = SipUri.parse(m.requestUri());
            } catch (RuntimeException e) {
                LOG.error("error while setting r-uri domain with: {}", uri);
                return false;
            }
            StringBuilder b = new StringBuilder(r.schemeName()).append(':');
            if (r.user() != null) {
                b.append(r.user());
                if (r.password() != null) {
                    b.append(':').append(r.password());
                }
                b.append('@');
            }
            m.ruri = b.append(rest).toString();
        } else if (mode == DSTURI) {
            m.du = uri;
        } else {
            return true;
        }
        if (sock != null) {
            m.forcedSocket = sock;
        }
        return true;
    }

    /**
     * ds_update_dst: ds_next_dst/ds_next_domain ({@code next}) drop the current item and use the one
     * after it; ds_set_dst/ds_set_domain use the current one. -1 when there is none, or (next) when
     * fail-over is off.
     */
    long update(MsgContext m, boolean next, int mode) {
        DsSettings s = ds.settings();
        if (next && (!s.failover() || s.xavpDst().isEmpty())) {
            LOG.warn("failover support disabled");
            return -1;
        }
        Xavps x = m.xavps();
        if (!(x.get(s.xavpDst(), 0) instanceof Xavps)) {
            return -1;
        }
        if (next) {
            x.remove(s.xavpDst(), 0, false);
        }
        if (!(x.get(s.xavpDst(), 0) instanceof Xavps item)) {
            return -1;
        }
        SendSocket sock = item.get("sock", 0) instanceof SendSocket ss ? ss : null;
        if (!(item.get("uri", 0) instanceof String uri)) {
            LOG.warn("no xavp uri field in next destination record");
            return -1;
        }
        CallLoad load = ds.callLoad();
        if (load != null && item.get("dstid", 0) instanceof String duid && m.msg.callId() != null
                && !load.replace(m.msg.callId().trim(), duid)) {
            LOG.error("cannot update load distribution: no load for {}", m.msg.callId());
            return -1;
        }
        return push(m, uri, sock, mode) ? 1 : -1;
    }

    /** The group and URI of the current XAVP item ({grp, uri}), or null (ds_mark_dst's target). */
    Object[] current(MsgContext m) {
        DsSettings s = ds.settings();
        if (!(m.xavps().get(s.xavpDst(), 0) instanceof Xavps item)) {
            return null;
        }
        Object grp = item.get("grp", 0);
        Object uri = item.get("uri", 0);
        if (!(grp instanceof Number) || !(uri instanceof String)) {
            return null;
        }
        return new Object[] {((Number) grp).intValue(), uri};
    }
}
