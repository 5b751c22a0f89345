package io.sipway.proxy.module.http_client;

import java.util.Locale;

/**
 * One {@code httpcon} connection (curlcon.c's curl_parse_param):
 * {@code name=>scheme://[user:password@]host[/path][;param=value]...}. The URL without its
 * credentials is the base that http_connect() appends to; the parameters override the module's
 * for this connection: timeout, maxdatasize, httpredirect, useragent, failover (another
 * connection tried once when this one fails to connect or answers 500 or above), verify_peer and
 * verify_host (verification on only). The TLS client settings are not implemented: refused.
 *
 * @param timeout     -1: the module's connection_timeout
 * @param maxdatasize -1: the module's maxdatasize
 * @param redirect    -1: the module's httpredirect
 */
record HttpCon(String name, String schema, String url, String username, String password, long timeout, long maxdatasize,
               int redirect, String useragent, String failover) {

    /** The connection a modparam value defines; IllegalArgumentException saying what is wrong. */
    static HttpCon parse(String spec) {
        int arrow = spec.indexOf("=>");
        if (arrow <= 0) {
            throw new IllegalArgumentException("a connection is name=>url, not " + spec);
        }
        String name = spec.substring(0, arrow).trim();
        String[] parts = spec.substring(arrow + 2).trim().split(";");
        String full = parts[0].trim();
        int scheme = full.indexOf("://");
        if (scheme <= 0) {
            throw new IllegalArgumentException("connection " + name + ": the URL needs a scheme (http:// or https://): " + full);
        }
        String schema = full.substring(0, scheme).toLowerCase(Locale.ROOT);
        if (!schema.equals("http") && !schema.equals("https")) {
            throw new IllegalArgumentException("connection " + name + ": only http and https URLs: " + full);
        }
        String rest = full.substring(scheme + 3);
        String user = null;
        String password = null;
        int at = rest.indexOf('@');
        int slash = rest.indexOf('/');
        if (at >= 0 && (slash < 0 || at < slash)) {
            String cred = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = cred.indexOf(':');
            user = colon < 0 ? cred : cred.substring(0, colon);
            password = colon < 0 ? null : cred.substring(colon + 1);
        }
        long timeout = -1;
        long maxdatasize = -1;
        int redirect = -1;
        String useragent = null;
        String failover = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : p.substring(eq + 1).trim();
            switch (key) {
                case "timeout" -> timeout = number(name, key, value);
                case "maxdatasize" -> maxdatasize = number(name, key, value);
                case "httpredirect" -> redirect = (int) number(name, key, value) == 0 ? 0 : 1;
                case "useragent" -> useragent = value;
                case "failover" -> failover = value;
                case "verify_peer", "verify_host" -> {
                    if (number(name, key, value) == 0) {
                        throw new IllegalArgumentException("connection " + name + ": " + key
                                + "=0 is not implemented (servers' certificates are always verified)");
                    }
                }
                case "client_cert", "client_key", "cipher_suites", "tlsversion" -> throw new IllegalArgumentException(
                        "connection " + name + ": " + key + " is not implemented (no TLS client settings)");
                default -> throw new IllegalArgumentException("connection " + name + ": unknown parameter " + key);
            }
        }
        return new HttpCon(name, schema, rest, user, password, timeout, maxdatasize, redirect, useragent, failover);
    }

    private static long number(String name, String key, String value) {
        if (!value.matches("\\d+")) {
            throw new IllegalArgumentException("connection " + name + ": " + key + " needs a number, not " + value);
        }
        return Long.parseLong(value);
    }

    /** curl_con_query_url's URL: the base, then the given part after a '/' unless it starts with one. */
    String urlWith(String part) {
        String base = schema + "://" + url;
        if (part == null || part.isEmpty()) {
            return base;
        }
        return base + (part.charAt(0) == '/' ? "" : "/") + part;
    }
}
