package io.sipway.proxy.module.pv;

import io.sipway.proxy.module.textops.TextopsModule;
import io.sipway.sip.SipUri;

/**
 * Assigning a part of the Request-URI ({@code $rU}, {@code $rd}, {@code $rp}): the rest of the URI
 * is kept as written, as Kamailio's rewrite of the new URI does. A value that does not fit leaves
 * the URI as it was.
 */
final class RequestUriParts {
    private RequestUriParts() {
    }

    static String withUser(String uri, String user) {
        SipUri u = parse(uri);
        if (u == null) {
            return uri;
        }
        String out = TextopsModule.withUser(uri, u, user == null ? "" : user);
        return out == null ? uri : out;
    }

    /** The URI with host[:port] replaced: {@code host} null keeps the host, {@code port} "" removes the port. */
    static String withHostPort(String uri, String host, String port) {
        SipUri u = parse(uri);
        if (u == null) {
            return uri;
        }
        int colon = uri.indexOf(':');
        int start = uri.indexOf('@', colon) >= 0 && u.user() != null ? uri.indexOf('@', colon) + 1 : colon + 1;
        int end = start;
        if (end < uri.length() && uri.charAt(end) == '[') {
            end = uri.indexOf(']', end) + 1;
        }
        while (end < uri.length() && ":;?>".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        int after = end;
        if (after < uri.length() && uri.charAt(after) == ':') {
            after++;
            while (after < uri.length() && Character.isDigit(uri.charAt(after))) {
                after++;
            }
        }
        String oldPort = after > end ? uri.substring(end + 1, after) : "";
        String h = host != null ? host : uri.substring(start, end);
        String p = port != null ? port : oldPort;
        return uri.substring(0, start) + h + (p.isEmpty() ? "" : ":" + p) + uri.substring(after);
    }

    private static SipUri parse(String uri) {
        try {
            return uri == null ? null : SipUri.parse(uri);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
