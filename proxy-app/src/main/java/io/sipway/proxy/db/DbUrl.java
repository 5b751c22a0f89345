package io.sipway.proxy.db;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A {@code db_url} as Kamailio writes it: {@code mysql://user:pass@host[:port]/db},
 * {@code postgres://user:pass@host[:port]/db}, {@code sqlite:///path/file.db}, {@code text:///dir},
 * {@code redis://[user:pass@]host[:port]/N}. The scheme names the db_* module that serves it.
 *
 * @param scheme   "mysql", "postgres", "sqlite", "text" or "redis"
 * @param user     the user name, or null
 * @param password the password, or null
 * @param host     the host (null for sqlite and text)
 * @param port     the port, or 0 for the scheme's default
 * @param database the database name, the file (sqlite), the directory (text) or the number (redis)
 */
public record DbUrl(String scheme, String user, String password, String host, int port, String database) {

    /** Parses a db_url, refusing what Kamailio's db modules would not connect to, with why. */
    public static DbUrl parse(String url) {
        int sep = url.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("db_url '" + url + "' is not scheme://...: expected mysql://, postgres://, sqlite://, text:// or redis://");
        }
        String scheme = url.substring(0, sep).toLowerCase(Locale.ROOT);
        String rest = url.substring(sep + 3);
        switch (scheme) {
            case "mysql", "postgres", "postgresql", "pgsql", "redis" -> {
                return network(scheme.startsWith("postgres") || scheme.equals("pgsql") ? "postgres" : scheme, rest, url);
            }
            case "sqlite", "text" -> {
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException("db_url '" + url + "' names no " + (scheme.equals("text") ? "directory" : "file"));
                }
                return new DbUrl(scheme, null, null, null, 0, rest);
            }
            default -> throw new IllegalArgumentException("db_url '" + url + "': no database module for '" + scheme
                    + "' (Sipway has mysql, postgres, sqlite, text and redis)");
        }
    }

    private static DbUrl network(String scheme, String rest, String url) {
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String cred = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = cred.indexOf(':');
            user = decode(colon < 0 ? cred : cred.substring(0, colon));
            password = colon < 0 ? null : decode(cred.substring(colon + 1));
        }
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        String db = slash < 0 ? "" : rest.substring(slash + 1);
        String host = hostPort;
        int port = 0;
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0 && hostPort.indexOf(']') < colon) {
            host = hostPort.substring(0, colon);
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("db_url '" + url + "': bad port '" + hostPort.substring(colon + 1) + "'");
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("db_url '" + url + "' names no host");
        }
        if (db.isEmpty() && !scheme.equals("redis")) {
            throw new IllegalArgumentException("db_url '" + url + "' names no database");
        }
        return new DbUrl(scheme, user, password, host, port, db);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The db_* module Kamailio loads for this URL ("db_mysql"). */
    public String module() {
        return "db_" + scheme;
    }

    /** The URL without its password, for logs. */
    @Override
    public String toString() {
        String cred = user == null ? "" : user + (password == null ? "" : ":***") + "@";
        return switch (scheme) {
            case "sqlite", "text" -> scheme + "://" + database;
            default -> scheme + "://" + cred + (host.contains(":") ? "[" + host + "]" : host) + (port == 0 ? "" : ":" + port) + "/" + database;
        };
    }
}
