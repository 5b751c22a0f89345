package io.sipway.proxy.db;

/**
 * A database call that failed: the server is down or refused the statement. The functions of the
 * modules turn it into their error return (as Kamailio's do when a db_func_t call fails).
 */
public class DbException extends Exception {
    private static final long serialVersionUID = 1L;

    public DbException(String message) {
        super(message);
    }

    public DbException(String message, Throwable cause) {
        super(message, cause);
    }
}
