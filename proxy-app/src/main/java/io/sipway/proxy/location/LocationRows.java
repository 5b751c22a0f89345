package io.sipway.proxy.location;

import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Where;
import io.sipway.transport.Protocol;
import io.sipway.transport.SendSocket;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link Binding} as a row of Kamailio 5.6's {@code location} table (usrloc's ucontact_t as
 * udomain.c's db_insert_ucontact writes it and db_load_urecord reads it), so Kamailio and Sipway
 * read each other's rows:
 * <ul>
 *   <li>{@code username} and {@code domain}: the AoR split at its first '@' under use_domain=1; the
 *       AoR in {@code username} and no domain (NULL) otherwise;</li>
 *   <li>{@code expires} and {@code last_modified}: DATETIME in the machine's local time, whole seconds;
 *       0 ({@code 1970-01-01} local) is a permanent contact;</li>
 *   <li>{@code q}: a float, -0.001 when the Contact gave none (q2double of Q_UNSPECIFIED);</li>
 *   <li>{@code socket}: the listener as text ({@code udp:127.0.0.1:5060}), matched back to one of the
 *       proxy's sockets when read (none when the proxy does not listen there, as grep_sock_info);</li>
 *   <li>{@code cflags}: the branch flags; {@code connection_id}: the TCP connection, -1 for none;
 *       {@code methods} NULL (all methods); {@code server_id} the core parameter of the instance that
 *       wrote it; {@code flags}, {@code keepalive}, {@code partition} 0.</li>
 * </ul>
 * SQLite has no DATETIME type: Kamailio's db_sqlite writes the text {@code YYYY-MM-DD HH:MM:SS},
 * so does this for a SQLite database ({@code textTimes}); a value read may be a timestamp, that
 * text, or a number of seconds (usrloc's expires_type=1).
 */
public final class LocationRows {
    /** An expiry so far ahead it never comes: a permanent contact (expires 0 in the table). */
    public static final long PERMANENT = Long.MAX_VALUE / 4;

    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** Datetimes before this are Kamailio's "0" (a permanent contact), whatever the time zone. */
    private static final long ZERO_BELOW = 2 * 86_400_000L;

    private LocationRows() {
    }

    /** The row of {@code b}, a binding of {@code aor}, as server 0 writes it. */
    public static Map<String, Object> row(String aor, Binding b, boolean useDomain, boolean textTimes) {
        return row(aor, b, useDomain, textTimes, 0);
    }

    /** The row of {@code b}, a binding of {@code aor}, as the instance with core parameter {@code server_id} writes it. */
    public static Map<String, Object> row(String aor, Binding b, boolean useDomain, boolean textTimes, int serverId) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ruid", b.ruid());
        int at = aor.indexOf('@');
        r.put("username", useDomain && at >= 0 ? aor.substring(0, at) : aor);
        r.put("domain", useDomain && at >= 0 ? aor.substring(at + 1) : null);
        r.put("contact", b.contact());
        r.put("received", b.received());
        r.put("path", b.path());
        r.put("expires", time(b.expiresAt() >= PERMANENT ? 0 : b.expiresAt(), textTimes));
        r.put("q", b.q() < 0 ? -0.001 : (double) b.q());
        r.put("callid", b.callId());
        r.put("cseq", b.cseq());
        r.put("last_modified", time(b.lastModified(), textTimes));
        r.put("flags", 0);
        r.put("cflags", b.branchFlags());
        r.put("user_agent", b.userAgent() == null ? "" : b.userAgent());
        r.put("socket", b.socket() == null ? null : b.socket().toString());
        r.put("methods", null);
        r.put("instance", b.instance());
        r.put("reg_id", b.regId());
        r.put("server_id", serverId);
        r.put("connection_id", b.connectionId() > 0 ? b.connectionId() : -1);
        r.put("keepalive", 0);
        r.put("partition", 0);
        return r;
    }

    /** The AoR of row {@code i}: {@code username}, with {@code @domain} under use_domain when it has one. */
    public static String aor(DbResult r, int i, boolean useDomain) {
        String user = orEmpty(r.text(i, "username"));
        String domain = r.text(i, "domain");
        return useDomain && domain != null && !domain.isEmpty() ? user + "@" + domain : user;
    }

    /** The rows of {@code aor}. */
    public static Where whereAor(String aor, boolean useDomain) {
        int at = aor.indexOf('@');
        if (useDomain && at >= 0) {
            return Where.eq("username", aor.substring(0, at)).andEq("domain", aor.substring(at + 1));
        }
        return Where.eq("username", aor);
    }

    /** Rows that expired before {@code now} and are not permanent (usrloc's timer cleanup). */
    public static Where expiredBefore(long now, boolean textTimes) {
        return Where.ALL.and("expires", "<", time(now, textTimes)).and("expires", ">", time(ZERO_BELOW, textTimes));
    }

    /** Row {@code i} as a binding; {@code sockets} finds the proxy's socket of a text, or null. */
    public static Binding binding(DbResult r, int i, Function<String, SendSocket> sockets) {
        long expires = millis(r.get(i, "expires"));
        String socketText = r.text(i, "socket");
        SendSocket socket = socketText == null || socketText.isEmpty() ? null : sockets.apply(socketText);
        String received = emptyToNull(r.text(i, "received"));
        Object q = r.get(i, "q");
        double qv = q instanceof Number n ? n.doubleValue() : q == null ? -1 : parseDouble(q.toString());
        long conn = r.number(i, "connection_id", -1);
        return new Binding(orEmpty(r.text(i, "contact")), received, emptyToNull(r.text(i, "path")),
                expires < ZERO_BELOW ? PERMANENT : expires, qv < 0 ? -1f : (float) (Math.round(qv * 1000) / 1000.0),
                orEmpty(r.text(i, "callid")), r.number(i, "cseq", 1), r.number(i, "cflags", 0),
                emptyToNull(r.text(i, "user_agent")), socket, protocol(socket, received), conn > 0 ? (int) conn : 0,
                orEmpty(r.text(i, "ruid")), millis(r.get(i, "last_modified")), emptyToNull(r.text(i, "instance")),
                (int) r.number(i, "reg_id", 0), 0);
    }

    /** WebSocket bindings are told apart from their tcp/tls listener by the received URI's transport, as nathelper writes it. */
    private static Protocol protocol(SendSocket socket, String received) {
        if (received != null) {
            String lower = received.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains(";transport=wss")) {
                return Protocol.WSS;
            }
            if (lower.contains(";transport=ws")) {
                return Protocol.WS;
            }
        }
        return socket == null ? Protocol.UDP : socket.protocol();
    }

    /** A DATETIME value: an Instant, or local-time text for SQLite (whole seconds either way). */
    static Object time(long millis, boolean text) {
        Instant at = Instant.ofEpochSecond(Math.floorDiv(millis, 1000));
        return text ? LocalDateTime.ofInstant(at, ZoneId.systemDefault()).format(TEXT) : at;
    }

    /** A DATETIME read back: a timestamp, local-time text, or epoch seconds (expires_type=1) or milliseconds. */
    static long millis(Object v) {
        if (v instanceof Instant i) {
            return i.toEpochMilli();
        }
        if (v instanceof Number n) {
            long x = n.longValue();
            return Math.abs(x) < 100_000_000_000L ? x * 1000 : x;
        }
        if (v == null) {
            return 0;
        }
        String s = v.toString().trim().replace('T', ' ');
        if (s.matches("-?[0-9]+")) {
            return millis(Long.parseLong(s));
        }
        int dot = s.indexOf('.');
        try {
            return LocalDateTime.parse(dot > 0 ? s.substring(0, dot) : s, TEXT).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return 0;
        }
    }

    private static double parseDouble(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
