package io.sipway.proxy.module.auth_db;

import io.sipway.cfg.Pv;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Where;
import java.util.ArrayList;
import java.util.List;

/**
 * auth_db's view of the subscriber table (authorize.c get_ha1, fetch_credentials): the password
 * (or HA1) of a user, and the load_credentials columns put into pseudo-variables.
 *
 * @param credentials       the load_credentials columns and where each goes
 * @param forceGenerateAvps load them whenever the row exists, also when the password is wrong
 */
record Subscribers(Database db, String userColumn, String domainColumn, String passwordColumn, String passwordColumn2,
                   boolean calculateHa1, boolean useDomain, List<Credential> credentials, boolean forceGenerateAvps) {

    /** One load_credentials item: a column and the (writable) pseudo-variable it is loaded into. */
    record Credential(String column, Pv target) {
    }

    /** A subscriber row: its password column's value ("" for NULL) and the load_credentials columns. */
    record Row(String password, DbResult result) {
    }

    /**
     * get_ha1's query: the user, and with use_domain the domain ({@code domain} from the digest
     * username, else the realm); the password column is password_column_2 (ha1b) when the digest
     * username carries a domain and the HA1 is not calculated. Null when there is no such row.
     */
    Row passwordOf(String table, String user, String usernameDomain, String realm) throws DbException {
        boolean withDomain = usernameDomain != null && !usernameDomain.isEmpty();
        String column = withDomain && !calculateHa1 ? passwordColumn2 : passwordColumn;
        List<String> cols = new ArrayList<>();
        cols.add(column);
        credentials.forEach(c -> cols.add(c.column()));
        Where w = Where.eq(userColumn, user);
        if (useDomain) {
            w = w.andEq(domainColumn, withDomain ? usernameDomain : realm);
        }
        DbResult r = db.query(table, cols, w, null);
        if (r.size() == 0) {
            return null;
        }
        String v = r.text(0, column);
        return new Row(v == null ? "" : v, r);
    }

    /** fetch_credentials (is_subscriber): whether the user (at that domain, when given) has a row; loads the credentials unless {@code skip}. */
    boolean exists(MsgContext m, String table, String user, String domain, boolean skip) throws DbException {
        List<String> cols = new ArrayList<>();
        if (skip || credentials.isEmpty()) {
            cols.add(userColumn);
        } else {
            credentials.forEach(c -> cols.add(c.column()));
        }
        Where w = Where.eq(userColumn, user);
        if (domain != null && !domain.isEmpty()) {
            w = w.andEq(domainColumn, domain);
        }
        DbResult r = db.query(table, cols, w, null);
        if (r.size() == 0) {
            return false;
        }
        if (!skip) {
            load(m, r);
        }
        return true;
    }

    /** generate_avps: each load_credentials column of the first row into its pseudo-variable (NULL as $null). */
    void load(MsgContext m, DbResult r) {
        for (Credential c : credentials) {
            Object v = r.get(0, c.column());
            if (v instanceof Number n && !(v instanceof Double)) {
                v = n.longValue();
            } else if (v != null && !(v instanceof String)) {
                v = r.text(0, c.column());
            }
            c.target().set(m, v);
        }
    }
}
