package io.sipway.proxy.db;

import java.util.ArrayList;
import java.util.List;

/**
 * The conditions of a query, update or delete, all of which must hold (Kamailio's keys, ops and
 * values: {@code db_key_t}, {@code db_op_t}, {@code db_val_t}). A null value matches NULL.
 */
public final class Where {
    /** One condition: {@code column op value}; op is one of =, !=, <, >, <=, >=. */
    public record Cond(String column, String op, Object value) {
        public Cond {
            if (!List.of("=", "!=", "<", ">", "<=", ">=").contains(op)) {
                throw new IllegalArgumentException("bad operator " + op);
            }
        }
    }

    public static final Where ALL = new Where(List.of());

    private final List<Cond> conds;

    private Where(List<Cond> conds) {
        this.conds = List.copyOf(conds);
    }

    /** {@code column = value}. */
    public static Where eq(String column, Object value) {
        return ALL.and(column, "=", value);
    }

    /** These conditions and {@code column op value}. */
    public Where and(String column, String op, Object value) {
        List<Cond> c = new ArrayList<>(conds);
        c.add(new Cond(column, op, value));
        return new Where(c);
    }

    /** These conditions and {@code column = value}. */
    public Where andEq(String column, Object value) {
        return and(column, "=", value);
    }

    public List<Cond> conds() {
        return conds;
    }

    @Override
    public String toString() {
        return conds.toString();
    }
}
