package io.sipway.proxy.module.avpops;

import io.sipway.cfg.ScriptFunction;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.Xavps;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Where;
import io.sipway.sip.SipUri;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * avpops' database functions (avpops_impl.c, avpops_db.c) over the {@code avp_table} (Kamailio's
 * usr_preferences: uuid, username, domain, attribute, type, value). Every call is a query, so they
 * wait: their routes run on the workers.
 *
 * <p><b>Who the AVPs belong to</b> (the first argument): a constant, or a pseudo-variable other than
 * {@code $ru $fu $tu $ou}, is a uuid; one of those URIs names the user (username and, with
 * {@code use_domain=1}, domain); {@code /username}, {@code /domain}, {@code /uri}, {@code /uuid} say
 * which. A URI without user or host fails the call (-1).
 *
 * <p><b>Which AVPs</b> (the second): {@code $avp(name)} (its attribute only), or all of a name type
 * ({@code a}, {@code s}, {@code i}); {@code /table} another table, {@code /$scheme} a db_scheme (load only).
 * The type column says how to read a row: bit 0 an integer value, bit 1 an integer name. Rows of the
 * other name type than the one asked for are skipped.
 *
 * <p>Return codes: load 1 when it loaded one, else -1; store 1 when it stored one (AVPs loaded from or
 * already stored to the table are skipped), else -1; delete 1, -1 on a database error; avp_db_query 1,
 * -2 no rows, -1 an error.
 */
final class AvpDb {
    private static final Logger LOG = LoggerFactory.getLogger("avpops");
    /** avpops_db.h: AVPOPS_DB_VAL_INT, AVPOPS_DB_NAME_INT. */
    static final int VAL_INT = 1;
    static final int NAME_INT = 2;

    /** The columns and table, from the modparams when the proxy starts. */
    record Settings(Database db, String table, boolean useDomain, String uuid, String username, String domain,
                    String attribute, String value, String type) {
    }

    /** A db_scheme: another table whose one value column loads into one named AVP. */
    record Scheme(String name, String table, String uuidCol, String usernameCol, String domainCol, String valueCol,
                  boolean intValue) {
    }

    /** How the first argument names the owner: uuid, or the URI's user and/or domain. */
    enum Owner { UUID, URI, USERNAME, DOMAIN }

    /** The first argument read at load: a constant or a pseudo-variable, and what it stands for. */
    record Source(String constant, ValueSource pv, Owner owner) {
    }

    /** The second argument read at load: a named AVP, or a name type; a table or a scheme name. */
    record Target(AvpName avp, AvpFunctions.NameType type, String table, String scheme) {
    }

    private final Supplier<Settings> settings;
    private final Map<String, Scheme> schemes;

    AvpDb(Supplier<Settings> settings, Map<String, Scheme> schemes) {
        this.settings = settings;
        this.schemes = schemes;
    }

    /** The owner's keys (column to value): null when the source has no value or its URI is incomplete. */
    private static Map<String, String> keys(MsgContext m, Source src, Settings s, String uuidCol, String userCol,
                                            String domainCol) {
        String id;
        if (src.pv() != null) {
            Object v = src.pv().get(m);
            if (v == null || String.valueOf(v).isEmpty()) {
                LOG.error("no value for first param");
                return null;
            }
            id = String.valueOf(v);
        } else {
            id = src.constant();
        }
        Map<String, String> k = new LinkedHashMap<>();
        if (src.owner() == Owner.UUID) {
            k.put(uuidCol, id);
            return k;
        }
        SipUri uri;
        try {
            uri = SipUri.parse(id);
        } catch (RuntimeException e) {
            LOG.error("failed to parse uri");
            return null;
        }
        if (uri.user() == null || uri.user().isEmpty() || uri.host() == null || uri.host().isEmpty()) {
            LOG.error("incomplete uri <{}>", id);
            return null;
        }
        if (src.owner() == Owner.URI || src.owner() == Owner.USERNAME) {
            k.put(userCol, uri.user());
        }
        if ((src.owner() == Owner.URI && s.useDomain()) || src.owner() == Owner.DOMAIN) {
            k.put(domainCol, uri.host());
        }
        return k;
    }

    ScriptFunction load(Source src, Target t) {
        return ctx -> {
            MsgContext m = (MsgContext) ctx;
            Settings s = settings.get();
            Scheme sc = t.scheme() == null ? null : schemes.get(t.scheme());
            Map<String, String> keys = sc == null ? keys(m, src, s, s.uuid(), s.username(), s.domain())
                    : keys(m, src, s, or(sc.uuidCol(), s.uuid()), or(sc.usernameCol(), s.username()), or(sc.domainCol(), s.domain()));
            if (keys == null) {
                return -1;
            }
            Where w = where(keys);
            if (t.avp() != null && sc == null) {
                w = w.andEq(s.attribute(), t.avp().dbName());
            }
            String table = sc != null && sc.table() != null ? sc.table() : t.table() != null ? t.table() : s.table();
            DbResult r;
            try {
                if (sc != null) {
                    r = s.db().query(table, List.of(or(sc.valueCol(), s.value())), w, null);
                } else {
                    r = s.db().query(table, List.of(s.value(), s.attribute(), s.type()), w, null);
                }
            } catch (DbException e) {
                LOG.error("db_load failed: {}", e.getMessage());
                return -1;
            }
            Xavps avps = m.avps();
            int n = 0;
            for (Object[] row : r.rows()) {
                if (sc != null ? schemeRow(avps, row, t.avp(), sc) : row(avps, row, t)) {
                    n++;
                }
            }
            return n > 0 ? 1 : -1;
        };
    }

    private static String or(String a, String b) {
        return a != null ? a : b;
    }

    private static Where where(Map<String, String> keys) {
        Where w = null;
        for (Map.Entry<String, String> e : keys.entrySet()) {
            w = w == null ? Where.eq(e.getKey(), e.getValue()) : w.andEq(e.getKey(), e.getValue());
        }
        return w == null ? Where.ALL : w;
    }

    /** dbrow2avp over (value, attribute, type): false for a row skipped (NULL fields, other name type, bad value). */
    private static boolean row(Xavps avps, Object[] row, Target t) {
        if (row[0] == null || row[1] == null || row[2] == null) {
            LOG.error("dbrow contains NULL fields");
            return false;
        }
        if (!(row[2] instanceof Number)) {
            LOG.error("wrong field types in dbrow");
            return false;
        }
        int type = ((Number) row[2]).intValue();
        boolean intName = (type & NAME_INT) != 0;
        if (t.avp() != null ? t.avp().intName() != intName : !typeMatches(t.type(), intName)) {
            return false;
        }
        String name;
        if (t.avp() != null) {
            name = t.avp().name();
        } else if (intName) {
            Long id = AvpList.str2int(String.valueOf(row[1]));
            if (id == null) {
                LOG.error("name is not ID as flags say <{}>", row[1]);
                return false;
            }
            name = "i:" + id;
        } else {
            name = String.valueOf(row[1]);
        }
        Object value = value(row[0], (type & VAL_INT) != 0);
        if (value == null) {
            return false;
        }
        avps.addInDb(name, value);
        return true;
    }

    private static boolean typeMatches(AvpFunctions.NameType type, boolean intName) {
        return type == AvpFunctions.NameType.ANY || (type == AvpFunctions.NameType.INT) == intName;
    }

    private static boolean schemeRow(Xavps avps, Object[] row, AvpName avp, Scheme sc) {
        if (row[0] == null) {
            LOG.error("empty or wrong type for 'value' using scheme");
            return false;
        }
        Object value = value(row[0], sc.intValue());
        if (value == null) {
            return false;
        }
        avps.addInDb(avp.name(), value);
        return true;
    }

    /** A column's value as the AVP's: text, or an integer (a text column must hold digits). */
    private static Object value(Object col, boolean asInt) {
        if (!asInt) {
            return col instanceof Number n ? String.valueOf(n.longValue()) : String.valueOf(col);
        }
        if (col instanceof Number n) {
            return n.longValue();
        }
        Long v = AvpList.str2int(String.valueOf(col));
        if (v == null) {
            LOG.error("value is not int as flags say <{}>", col);
        }
        return v;
    }

    ScriptFunction store(Source src, Target t) {
        return ctx -> {
            MsgContext m = (MsgContext) ctx;
            Settings s = settings.get();
            Map<String, String> keys = keys(m, src, s, s.uuid(), s.username(), s.domain());
            if (keys == null) {
                return -1;
            }
            String table = t.table() != null ? t.table() : s.table();
            Xavps avps = m.avps();
            int n = 0;
            for (Xavps.Item i : avps.items()) {
                if (i.inDb() || (t.avp() != null ? !i.name().equals(t.avp().name()) : !t.type().matches(i.name()))) {
                    continue;
                }
                boolean intName = i.name().startsWith("i:");
                boolean intValue = AvpList.isInt(i.value());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put(s.uuid(), keys.getOrDefault(s.uuid(), ""));
                row.put(s.attribute(), intName ? i.name().substring(2) : i.name());
                row.put(s.value(), AvpList.text(i.value()));
                row.put(s.type(), (long) ((intName ? NAME_INT : 0) | (intValue ? VAL_INT : 0)));
                row.put(s.username(), keys.getOrDefault(s.username(), ""));
                row.put(s.domain(), keys.getOrDefault(s.domain(), ""));
                try {
                    s.db().insert(table, row);
                    avps.markInDb(i);
                    n++;
                } catch (DbException e) {
                    LOG.error("insert failed: {}", e.getMessage());
                }
            }
            return n == 0 ? -1 : 1;
        };
    }

    ScriptFunction delete(Source src, Target t) {
        return ctx -> {
            Settings s = settings.get();
            Map<String, String> keys = keys((MsgContext) ctx, src, s, s.uuid(), s.username(), s.domain());
            if (keys == null) {
                return -1;
            }
            Where w = where(keys);
            if (t.avp() != null) {
                w = w.andEq(s.attribute(), t.avp().dbName());
            }
            try {
                s.db().delete(t.table() != null ? t.table() : s.table(), w);
            } catch (DbException e) {
                // Kamailio's db_delete_avp answers 0 (success) when the delete itself fails
                LOG.error("db_delete failed: {}", e.getMessage());
            }
            return 1;
        };
    }

    /** avp_db_query: Kamailio prints the query into a 1 KiB buffer (1023 characters at most). */
    static final int QUERY_MAX = 1023;

    /**
     * avp_db_query(query[, "$avp(a);$avp(b)"]): each row's columns into the AVPs named (i:1, i:2... when
     * none are), the first row ending on top; NULL and empty text columns are skipped.
     */
    ScriptFunction query(Format query, List<AvpName> dest) {
        return ctx -> {
            MsgContext m = (MsgContext) ctx;
            String sql = query.apply(ctx);
            if (sql.isEmpty() || sql.length() > QUERY_MAX) {
                LOG.error("cannot print the query");
                return -1;
            }
            DbResult r;
            try {
                r = settings.get().db().raw(sql);
            } catch (DbException e) {
                LOG.error("cannot do the query: {}", e.getMessage());
                return -1;
            }
            if (r.size() == 0 || r.columns().isEmpty()) {
                return -2;
            }
            Xavps avps = m.avps();
            for (int i = r.size() - 1; i >= 0; i--) {
                Object[] row = r.rows().get(i);
                int cols = dest == null ? row.length : Math.min(row.length, dest.size());
                for (int j = 0; j < cols; j++) {
                    Object v = row[j];
                    if (v == null) {
                        continue;
                    }
                    Object value;
                    if (v instanceof Double || v instanceof Float || v instanceof java.math.BigDecimal) {
                        continue; // only integer and string values: db_query_avp skips the other types
                    } else if (v instanceof Number n) {
                        value = n.longValue();
                    } else if (v instanceof byte[] bytes) {
                        value = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
                    } else if (v instanceof java.time.Instant t) {
                        value = t.getEpochSecond();
                    } else {
                        value = String.valueOf(v);
                    }
                    if (value instanceof String str && str.isEmpty()) {
                        continue;
                    }
                    avps.add(dest == null ? "i:" + (j + 1) : dest.get(j).name(), value);
                }
            }
            return 1;
        };
    }

    /** parse_avp_db_scheme: {@code name:table=t;uuid_col=c;username_col=c;domain_col=c;value_col=c;value_type=integer|string}. */
    static Scheme scheme(String spec) {
        int colon = spec.indexOf(':');
        String name = colon < 0 ? "" : spec.substring(0, colon).trim();
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace) || spec.substring(colon + 1).isBlank()) {
            throw new IllegalArgumentException("bad db_scheme \"" + spec + "\": expected name:attribute=value;...");
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        boolean intValue = false;
        for (String part : spec.substring(colon + 1).split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = eq < 0 ? "" : part.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT);
            String v = eq < 0 ? "" : part.substring(eq + 1).trim();
            if (k.isEmpty() || v.isEmpty()) {
                throw new IllegalArgumentException("bad db_scheme \"" + spec + "\" around \"" + part + "\"");
            }
            switch (k) {
                case "uuid_col", "username_col", "domain_col", "value_col", "table" -> {
                    if (attrs.put(k, v) != null) {
                        throw new IllegalArgumentException("bad db_scheme \"" + spec + "\": " + k + " given twice");
                    }
                }
                case "value_type" -> {
                    if (v.equalsIgnoreCase("integer")) {
                        intValue = true;
                    } else if (v.equalsIgnoreCase("string")) {
                        intValue = false;
                    } else {
                        throw new IllegalArgumentException("bad db_scheme \"" + spec + "\": unknown value type <" + v + ">");
                    }
                }
                default -> throw new IllegalArgumentException("bad db_scheme \"" + spec + "\": unknown attribute <" + k + ">");
            }
        }
        return new Scheme(name, attrs.get("table"), attrs.get("uuid_col"), attrs.get("username_col"), attrs.get("domain_col"),
                attrs.get("value_col"), intValue);
    }

    static List<AvpName> destList(String text) {
        List<AvpName> out = new ArrayList<>();
        for (String p : text.split(";")) {
            if (!p.isBlank()) {
                out.add(AvpName.parse(p.trim()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("bad format [" + text + "]: $avp(name1);$avp(name2);... expected");
        }
        return out;
    }
}
