package io.sipway.proxy.db;

import java.util.List;
import java.util.Map;

/**
 * One database as Kamailio's modules use it (the db_func_t of a db_url): the calls block, so they
 * never run on an event loop (docs/ARCHITECTURE.md, functions that may wait). One instance per URL
 * is shared by every module that names it ({@link Databases}), over a pool of connections. A server
 * that is down makes every call throw {@link DbException} at once (no hang); the outage is logged once
 * and the database is used again when it answers.
 */
public interface Database extends AutoCloseable {
    DbUrl url();

    /**
     * The {@code columns} (all when null or empty) of the rows of {@code table} matching {@code where},
     * ordered by {@code orderBy} (a column, null for any order).
     */
    DbResult query(String table, List<String> columns, Where where, String orderBy) throws DbException;

    /** Inserts a row; returns the rows inserted. */
    int insert(String table, Map<String, ?> row) throws DbException;

    /** Inserts a row, or replaces the one with the same unique key (MySQL's REPLACE, Kamailio's db replace). */
    int replace(String table, Map<String, ?> row, List<String> uniqueKey) throws DbException;

    /** Sets {@code values} in the rows matching {@code where}; returns how many. */
    int update(String table, Where where, Map<String, ?> values) throws DbException;

    /** Deletes the rows matching {@code where}; returns how many. */
    int delete(String table, Where where) throws DbException;

    /**
     * A statement in the database's own language (sqlops' sql_query): rows for a query, an empty
     * result for a statement that returns none. A database without SQL (redis) throws DbException.
     */
    DbResult raw(String sql) throws DbException;

    /** The table's version in Kamailio's {@code version} table, -1 when it has none. */
    default int tableVersion(String table) throws DbException {
        DbResult r = query("version", List.of("table_version"), Where.eq("table_name", table), null);
        return r.size() == 0 ? -1 : (int) r.number(0, "table_version", -1);
    }

    /** Whether the last call reached the server (false during an outage). */
    boolean up();

    @Override
    void close();
}
