package io.sipway.proxy.location;

/**
 * A location table kept only in a database (usrloc's db_mode 3) could not be read or written: the
 * database is down or did not answer in time. registrar answers it as usrloc's failures (save():
 * 500; lookup(): -3, an internal error), never as "no binding".
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
