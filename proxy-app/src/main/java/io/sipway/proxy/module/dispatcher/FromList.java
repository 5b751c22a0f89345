package io.sipway.proxy.module.dispatcher;

import io.sipway.proxy.core.HostAddresses;
import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.SipUri;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ds_is_from_list (Kamailio's ds_is_addr_from_list): whether the request's source (or a URI's
 * address) is a destination of a set, or of any set. The address is compared with what the
 * destination's host resolved to when the list was loaded; the port unless mode 1 (or the
 * destination names none); the protocol unless mode 2 (the form without a mode passes 2); mode 4
 * only usable destinations; mode 8 the receiving socket of destinations that have one; mode 16
 * the best of several partial matches. On a match setid_pvname (when every set is searched) and
 * attrs_pvname are set.
 */
final class FromList {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.dispatcher");

    static final int MATCH_NOPORT = 1;
    static final int MATCH_NOPROTO = 2;
    static final int MATCH_ACTIVE = 4;
    static final int MATCH_SOCKET = 8;
    static final int MATCH_MIXSOCKPRPORT = 16;

    private static final int MATCHED_ADDR = 1;
    private static final int MATCHED_PORT = 2;
    private static final int MATCHED_PROTO = 4;
    private static final int MATCHED_SOCK = 8;

    private FromList() {
    }

    /** 1 on a match, -1 when none; {@code group} -1 searches every set; {@code uri} null: the source. */
    static long check(Dispatcher ds, MsgContext m, int group, String uri, int mode) {
        InetAddress ip;
        int tport;
        int tproto;
        if (uri == null || uri.isEmpty()) {
            ip = m.from.source().getAddress();
            tport = m.from.source().getPort();
            tproto = m.from.protocol().kamailioId();
        } else {
            SipUri u;
            try {
                u = SipUri.parse(uri);
            } catch (RuntimeException e) {
                LOG.error("bad uri [{}]", uri);
                return -1;
            }
            if (u.host() == null) {
                LOG.error("bad uri [{}]", uri);
                return -1;
            }
            ip = HostAddresses.literal(u.host());
            if (ip == null) {
                // Kamailio resolves the name here; a route may run on an event loop, which must not wait on DNS
                LOG.error("could not resolve {} (Sipway compares addresses written as IPs only)", u.host());
                return -1;
            }
            tport = Math.max(0, u.port());
            tproto = Destination.protoId(u.transport());
        }
        Best best = (mode & MATCH_MIXSOCKPRPORT) != 0 ? new Best() : null;
        DsLists lists = ds.lists();
        if (group == -1) {
            for (DsSet set : lists.sets()) {
                int j = match(set, m, ip, tport, tproto, mode, best);
                if (j >= 0) {
                    return vars(ds, m, set, j, true);
                }
            }
        } else {
            DsSet set = lists.set(group);
            if (set != null) {
                int j = match(set, m, ip, tport, tproto, mode, best);
                if (j >= 0) {
                    return vars(ds, m, set, j, false);
                }
            }
        }
        if (best != null && best.set != null) {
            return vars(ds, m, best.set, best.index, group == -1);
        }
        return -1;
    }

    /** Mode 16: the strictest partial match seen so far. */
    private static final class Best {
        int strictness;
        DsSet set;
        int index;
    }

    /** The index of the destination of {@code set} that matches, or -1 (with mode 16: a full match only; partial ones go to {@code best}). */
    private static int match(DsSet set, MsgContext m, InetAddress ip, int tport, int tproto, int mode, Best best) {
        boolean mix = (mode & MATCH_MIXSOCKPRPORT) != 0;
        for (int j = 0; j < set.dests.length; j++) {
            Destination d = set.dests[j];
            if (d.address == null || !d.address.equals(ip)) {
                continue; // no address (no-DNS flag): nothing to compare
            }
            boolean port = (mode & MATCH_NOPORT) != 0 || d.port == 0 || tport == d.port || mix;
            boolean proto = (mode & MATCH_NOPROTO) != 0 || tproto == d.proto || mix;
            boolean active = (mode & MATCH_ACTIVE) == 0 || !Destination.skipped(set.flags(j));
            boolean sock = (mode & MATCH_SOCKET) == 0 || d.socket == null || d.socket.equals(m.from.localSocket());
            if (!(port && proto && active && sock)) {
                continue;
            }
            if (!mix) {
                return j;
            }
            int strictness = MATCHED_ADDR;
            if (d.port != 0 && tport == d.port) {
                strictness |= MATCHED_PORT;
            }
            if (d.proto != 0 && tproto == d.proto) {
                strictness |= MATCHED_PROTO;
            }
            if (d.socket != null && d.socket.equals(m.from.localSocket())) {
                strictness |= MATCHED_SOCK;
            }
            if (strictness == (MATCHED_ADDR | MATCHED_PORT | MATCHED_PROTO | MATCHED_SOCK)) {
                return j;
            }
            if (best.strictness < strictness) {
                best.strictness = strictness;
                best.set = set;
                best.index = j;
            }
        }
        return -1;
    }

    /** ds_set_vars: the set's id into setid_pvname (when every set was searched), the attributes into attrs_pvname. */
    private static long vars(Dispatcher ds, MsgContext m, DsSet set, int j, boolean exportSet) {
        DsSettings s = ds.settings();
        if (exportSet && s.setidPv() != null) {
            s.setidPv().set(m, (long) set.id);
        }
        String attrs = set.dests[j].attrs.body();
        if (s.attrsPv() != null && attrs != null && !attrs.isEmpty()) {
            s.attrsPv().set(m, attrs);
        }
        return 1;
    }
}
