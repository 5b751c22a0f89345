package io.sipway.proxy;

/** The proxy could not start: the script is invalid (the message is the rendered diagnostics) or a listener could not bind. */
public final class ProxyStartException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProxyStartException(String message) {
        super(message);
    }

    public ProxyStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
