package io.sipway.proxy.module.uac;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.LocalRequest;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbResult;
import io.sipway.sip.Address;
import io.sipway.sip.SipMessage;
import io.sipway.transport.SendSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * uac's remote registrations (uac_reg.c): the rows of the {@code uacreg} table, each registered
 * with its registrar through tm and refreshed before it expires. Every {@code reg_timer_interval}
 * seconds a record whose registration ends within the next interval (and 3 s) gets a REGISTER
 * ({@code sip:r_domain}, From and To {@code sip:r_username@r_domain}, {@code Contact:
 * <sip:l_uuid@contact_addr>}, {@code Expires}, through {@code auth_proxy} when set). A 401/407 is
 * answered once with the row's credentials (the realm must match when the row has one); a 2xx
 * whose Contact carries {@code l_uuid} makes it online until the expiry the registrar grants;
 * a 423 raises the expiry (Min-Expires, else twice) for the next attempt; any other failure
 * disables it, or, with {@code reg_retry_interval}, tries again after that long.
 *
 * <p>The timer and the table run on a thread of their own ("TIMER UAC REG"), the replies on tm's
 * loops; a record is changed under its own lock, never held across a send.
 */
final class UacReg {
    private static final Logger LOG = LoggerFactory.getLogger("uac");
    static final int DISABLED = 1;
    static final int ONGOING = 2;
    static final int ONLINE = 4;
    static final int AUTHSENT = 8;
    static final int INIT = 16;
    static final List<String> COLUMNS = List.of("l_uuid", "l_username", "l_domain", "r_username", "r_domain", "realm",
            "auth_username", "auth_password", "auth_ha1", "auth_proxy", "expires", "flags", "reg_delay", "contact_addr", "socket");

    /** The module parameters of the registrations. */
    record Settings(String dbUrl, String table, String contactAddr, int timerInterval, int retryInterval, int randomDelay) {
    }

    /** One registration (reg_uac_t). */
    static final class Reg {
        final Map<String, String> row;
        int expires;
        int flags;
        long timerExpires;
        int regDelay;
        long regInit;

        Reg(Map<String, String> row) {
            this.row = row;
        }

        String get(String column) {
            String v = row.get(column);
            return v == null ? "" : v;
        }
    }

    private final Core core;
    private final LongSupplier seconds;
    private Settings settings;
    private Database db;
    private volatile Map<String, Reg> regs = Map.of();
    private ScheduledExecutorService thread;

    UacReg(Core core, LongSupplier seconds) {
        this.core = core;
        this.seconds = seconds;
    }

    boolean active() {
        return settings != null;
    }

    /** mod_init and the timer process: loads the table, then registers at once and on every interval. */
    void start(Settings s, Database database) {
        this.settings = s;
        this.db = database;
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sipway-uac-reg");
            t.setDaemon(true);
            return t;
        });
        thread.execute(() -> {
            try {
                load();
            } catch (DbException | RuntimeException e) {
                LOG.error("uac: cannot load the {} table: {}", s.table(), e.getMessage());
            }
        });
        thread.scheduleWithFixedDelay(this::timer, 0, s.timerInterval(), TimeUnit.SECONDS);
        core.onClose(thread::shutdownNow);
    }

    /** uac_reg_load_db: the table's rows; one with an empty value where one is needed is left out. */
    int load() throws DbException {
        DbResult r = db.query(settings.table(), COLUMNS, io.sipway.proxy.db.Where.ALL, null);
        Map<String, Reg> loaded = new LinkedHashMap<>();
        long now = seconds.getAsLong();
        for (int i = 0; i < r.size(); i++) {
            Reg reg = record(r, i, now);
            if (reg != null) {
                loaded.put(reg.get("l_uuid"), reg);
            }
        }
        synchronized (this) {
            regs = loaded;
        }
        return loaded.size();
    }

    /** uac_reg_db_refresh: one row read again (added when new, its record started anew); false when the table has none. */
    boolean refresh(String uuid) throws DbException {
        DbResult r = db.query(settings.table(), COLUMNS, io.sipway.proxy.db.Where.eq("l_uuid", uuid), null);
        Reg reg = r.size() == 0 ? null : record(r, 0, seconds.getAsLong());
        if (reg == null) {
            return false;
        }
        synchronized (this) {
            Map<String, Reg> next = new LinkedHashMap<>(regs);
            next.put(uuid, reg);
            regs = next;
        }
        return true;
    }

    private Reg record(DbResult r, int i, long now) {
        Map<String, String> row = new LinkedHashMap<>();
        for (String c : COLUMNS) {
            Object v = r.get(i, c);
            row.put(c, v == null ? null : String.valueOf(v));
        }
        for (String c : List.of("l_uuid", "l_username", "r_username", "r_domain", "auth_username")) {
            if (row.get(c) == null || row.get(c).isEmpty()) {
                LOG.error("uac: empty value not allowed for column '{}' - ignoring record", c);
                return null;
            }
        }
        Reg reg = new Reg(row);
        reg.expires = (int) r.number(i, "expires", 0);
        reg.flags = (int) r.number(i, "flags", 0);
        int delay = (int) r.number(i, "reg_delay", 0);
        reg.regDelay = delay > 0 ? delay : settings.randomDelay() > 0 ? ThreadLocalRandom.current().nextInt(settings.randomDelay()) : 0;
        reg.regInit = now;
        return reg;
    }

    /** uac_reg_timer: every record looked at. */
    void timer() {
        long now = seconds.getAsLong();
        for (Reg r : regs.values()) {
            try {
                update(r, now);
            } catch (RuntimeException e) {
                LOG.error("uac: registration of {} failed: {}", r.get("l_uuid"), e.toString());
            }
        }
    }

    /** uac_reg_update: sends the REGISTER when it is due. */
    void update(Reg r, long now) {
        synchronized (r) {
            if (r.expires == 0) {
                return;
            }
            if ((r.flags & ONGOING) != 0) {
                if (r.timerExpires > now - settings.retryInterval()) {
                    return;
                }
                r.flags &= ~(ONLINE | AUTHSENT);
            }
            if ((r.flags & DISABLED) != 0) {
                return;
            }
            if ((r.flags & INIT) == 0) {
                if (r.regDelay > 0 && now < r.regInit + r.regDelay) {
                    return;
                }
                r.flags |= INIT;
            }
            if (r.timerExpires > now + settings.timerInterval() + 3) {
                return;
            }
            r.timerExpires = now;
            r.flags |= ONGOING;
            r.flags &= ~ONLINE;
        }
        if (!send(r, null, null)) {
            synchronized (r) {
                failed(r, seconds.getAsLong());
                r.flags &= ~ONGOING;
            }
        }
    }

    /**
     * A REGISTER of the record; with a challenge's {@code reply}, the one answering it within the
     * same registration (Kamailio's t_request_within: its Call-ID and From tag, the CSeq after its own).
     */
    private boolean send(Reg r, String authorization, SipMessage reply) {
        String ruri = "sip:" + r.get("r_domain");
        String aor = "sip:" + r.get("r_username") + "@" + r.get("r_domain");
        String contact = r.get("contact_addr").isEmpty() ? settings.contactAddr() : r.get("contact_addr");
        String headers = "Contact: <sip:" + r.get("l_uuid") + "@" + contact + ">\r\nExpires: " + r.expires + "\r\n"
                + (authorization == null ? "" : authorization);
        String proxy = r.get("auth_proxy").isEmpty() ? null : r.get("auth_proxy");
        SendSocket socket = r.get("socket").isEmpty() ? null : socketNamed(r.get("socket"));
        io.sipway.tm.LocalReplies replies = (request, code, answer) -> {
            if (code >= 200) {
                replied(r, code, answer);
            }
        };
        if (reply == null) {
            return core.request(new LocalRequest("REGISTER", ruri, aor, aor, headers, null, proxy, null, socket), replies);
        }
        LocalRequest again = new LocalRequest("REGISTER", ruri, reply.from().uriString(), reply.to().uriString(), headers, null,
                proxy, reply.callId(), socket);
        return core.requestWithin(again, reply.fromTag(), reply.cseq().number() + 1, replies);
    }

    /** uac_reg_tm_callback: the final reply of a REGISTER (tm's own 408 without a reply). */
    void replied(Reg r, int code, SipMessage reply) {
        long now = seconds.getAsLong();
        synchronized (r) {
            if (code >= 200 && code < 300 && reply != null) {
                online(r, reply);
                r.flags &= ~(ONGOING | AUTHSENT);
                return;
            }
            if ((code == 401 || code == 407) && reply != null) {
                if ((r.flags & AUTHSENT) != 0) {
                    LOG.error("uac: authentication failed for <{}>", r.get("l_uuid"));
                } else {
                    String header = authorization(r, code, reply);
                    if (header != null) {
                        r.flags |= AUTHSENT;
                        if (send(r, header, reply)) {
                            return;
                        }
                        LOG.error("uac: failed to send request with authentication for [{}]", r.get("l_uuid"));
                    }
                }
            } else if (code == 423 && reply != null) {
                String min = reply.header("Min-Expires");
                long m = min == null ? -1 : io.sipway.proxy.core.Format.num(min);
                r.expires = m > 0 ? (int) m : r.expires * 2;
                r.flags &= ~(ONGOING | AUTHSENT);
                return; // the next timer tries again
            } else {
                LOG.error("uac: got sip response {} while registering [{}]", code, r.get("l_uuid"));
            }
            failed(r, now);
            r.flags &= ~(ONGOING | AUTHSENT);
        }
    }

    /** A 2xx: online until the expiry granted to our Contact (its expires parameter, else the Expires header). */
    private void online(Reg r, SipMessage reply) {
        if (reply.isContactWildcard()) {
            return;
        }
        for (Address c : reply.contacts()) {
            String user;
            try {
                user = c.uri().user();
            } catch (RuntimeException e) {
                continue;
            }
            if (r.get("l_uuid").equals(user)) {
                String param = c.param("expires");
                long expires = param != null && !param.isEmpty() ? io.sipway.proxy.core.Format.num(param) : Math.max(0, reply.expires());
                r.timerExpires = r.timerExpires + expires;
                r.flags |= ONLINE;
                return;
            }
        }
        LOG.debug("uac: sip response {} while registering [{}] with no match", reply.statusCode(), r.get("l_uuid"));
    }

    /** The Authorization / Proxy-Authorization line answering the challenge, or null (logged) when it cannot be answered. */
    private static String authorization(Reg r, int code, SipMessage reply) {
        String challenge = reply.header(code == 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
        UacAuth.Challenge c = challenge == null ? null : UacAuth.parse(challenge);
        if (c == null) {
            LOG.error("uac: failed to extract authenticate hdr");
            return null;
        }
        if (!r.get("realm").isEmpty() && !r.get("realm").equals(c.realm())) {
            LOG.error("uac: realms do not match. requested realm: [{}]", c.realm());
            return null;
        }
        boolean ha1 = r.get("auth_password").isEmpty() && !r.get("auth_ha1").isEmpty();
        UacAuth.Credential crd = new UacAuth.Credential(r.get("auth_username"), c.realm(), ha1 ? r.get("auth_ha1") : r.get("auth_password"));
        String value = UacAuth.authorization(c, crd, "REGISTER", "sip:" + r.get("r_domain"), ha1);
        return (code == 401 ? "Authorization: " : "Proxy-Authorization: ") + value + "\r\n";
    }

    /** The error path: tried again after reg_retry_interval, or disabled. */
    private void failed(Reg r, long now) {
        if (settings.retryInterval() > 0) {
            r.timerExpires = now + settings.retryInterval();
        } else {
            r.flags |= DISABLED;
        }
    }

    private SendSocket socketNamed(String spec) {
        for (SendSocket s : core.transport().sockets()) {
            String text = s.protocol().text() + ":" + s.local().getAddress().getHostAddress();
            if ((text + ":" + s.local().getPort()).equalsIgnoreCase(spec) || text.equalsIgnoreCase(spec)) {
                return s;
            }
        }
        return null;
    }

    Reg byUuid(String uuid) {
        return regs.get(uuid);
    }

    /** uac_reg_status: 1 registered, -1 no such record, -2 a registration under way, -3 disabled, -99 otherwise. */
    long status(String uuid) {
        Reg r = regs.get(uuid);
        if (r == null) {
            return -1;
        }
        synchronized (r) {
            if ((r.flags & ONLINE) != 0 && r.timerExpires > seconds.getAsLong()) {
                return 1;
            }
            if ((r.flags & ONGOING) != 0) {
                return -2;
            }
            return (r.flags & DISABLED) != 0 ? -3 : -99;
        }
    }

    /** The record whose attribute (l_uuid, l_username, r_username, auth_username) has this value, or null. */
    Reg find(String attr, String value) {
        for (Reg r : regs.values()) {
            if (value.equals(r.get(attr))) {
                return r;
            }
        }
        return null;
    }

    /** uac.reg_dump / uac.reg_info: one record as Kamailio prints it. */
    Map<String, Object> describe(Reg r) {
        synchronized (r) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (String c : List.of("l_uuid", "l_username", "l_domain", "r_username", "r_domain", "realm", "auth_username",
                    "auth_password", "auth_ha1", "auth_proxy")) {
                m.put(c, c.equals("auth_proxy") && r.get(c).isEmpty() ? "none" : r.get(c));
            }
            long now = seconds.getAsLong();
            m.put("expires", (long) r.expires);
            m.put("flags", (long) r.flags);
            m.put("diff_expires", r.timerExpires - now);
            m.put("timer_expires", r.timerExpires);
            m.put("reg_init", r.regInit);
            m.put("reg_delay", (long) r.regDelay);
            m.put("contact_addr", r.get("contact_addr"));
            m.put("socket", r.get("socket"));
            return m;
        }
    }

    List<Map<String, Object>> dump() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Reg r : regs.values()) {
            out.add(describe(r));
        }
        return out;
    }

    /** uac.reg_enable / uac.reg_disable: the record's disabled flag. */
    void enable(Reg r, boolean on) {
        synchronized (r) {
            if (on) {
                r.flags &= ~DISABLED;
            } else {
                r.flags |= DISABLED;
            }
            r.timerExpires = seconds.getAsLong() + 1; // as Kamailio's rpc_uac_reg_update_flag
        }
    }

    /** uac.reg_remove: the record out of memory; false when there is none. */
    synchronized boolean remove(String uuid) {
        if (!regs.containsKey(uuid)) {
            return false;
        }
        Map<String, Reg> next = new LinkedHashMap<>(regs);
        next.remove(uuid);
        regs = next;
        return true;
    }

    /** uac.reg_reload: the table read again on the registrations' thread; the records start anew. */
    java.util.concurrent.Future<Object> reload() {
        return thread.submit(() -> {
            try {
                load();
                return (Object) null;
            } catch (DbException e) {
                throw new io.sipway.proxy.module.RpcExport.RpcException(500, "Failed to reload records");
            }
        });
    }
}
