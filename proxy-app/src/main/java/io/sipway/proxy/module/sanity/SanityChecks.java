package io.sipway.proxy.module.sanity;

import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.Address;
import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipUri;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of sanity_check() (sanity.c), each giving the {@link Failure} Kamailio answers with,
 * or null when the message passes. The Authorization and digest checks (2048, 8192) are in
 * {@link CredentialChecks}. {@link SanityModule} binds the functions and sends the replies.
 */
final class SanityChecks {
    /** The bits of sanity_check()'s first argument (msg_checks); 8 and 16 always pass. */
    static final int RURI_SIP_VERSION = 1;
    static final int RURI_SCHEME = 1 << 1;
    static final int REQUIRED_HEADERS = 1 << 2;
    static final int CSEQ_METHOD = 1 << 5;
    static final int CSEQ_VALUE = 1 << 6;
    static final int CL = 1 << 7;
    static final int EXPIRES_VALUE = 1 << 8;
    static final int PROXY_REQUIRE = 1 << 9;
    static final int PARSE_URIS = 1 << 10;
    static final int CHECK_DIGEST = 1 << 11;
    static final int CHECK_DUPTAGS = 1 << 12;
    static final int CHECK_AUTHORIZATION = 1 << 13;
    static final int VIA1_HEADER = 1 << 14;
    static final int MAX_CHECKS = 1 << 15;

    /** The bits of its second argument (uri_checks), for check 1024. */
    static final int URI_RURI = 1;
    static final int URI_FROM = 1 << 1;
    static final int URI_TO = 1 << 2;
    static final int URI_CONTACT = 1 << 3;
    static final int URI_MAX_CHECKS = 1 << 4;

    /** What a failed check answers; code 0: nothing (Kamailio's FL_MSG_NOREPLY). */
    record Failure(int code, String reason, String extra) {
        static final Failure SILENT = new Failure(0, null, null);
    }

    /** The blanks between CSeq's number and method (parse_cseq), compiled once. */
    private static final Pattern CSEQ_BLANKS = Pattern.compile("[ \t\r\n]+");

    private SanityChecks() {
    }

    /** sanity_mod.c sanity_check: the first failure in Kamailio's order, or null when all pass. */
    static Failure check(MsgContext m, int checks, int uriChecks, Set<String> proxyRequire) {
        SipMessage msg = m.msg;
        Failure f = null;
        if ((checks & RURI_SIP_VERSION) != 0 && (f = ruriSipVersion(msg)) != null) {
            return f;
        }
        if ((checks & RURI_SCHEME) != 0 && (f = ruriScheme(m)) != null) {
            return f;
        }
        if ((checks & REQUIRED_HEADERS) != 0 && (f = requiredHeaders(msg)) != null) {
            return f;
        }
        if ((checks & VIA1_HEADER) != 0 && (f = via1(msg)) != null) {
            return f;
        }
        // 8 (Via SIP version) and 16 (Via protocol) are "useless checks" that pass in Kamailio
        if ((checks & CSEQ_METHOD) != 0 && (f = cseqMethod(msg)) != null) {
            return f;
        }
        if ((checks & CSEQ_VALUE) != 0 && (f = cseqValue(msg)) != null) {
            return f;
        }
        if ((checks & CL) != 0 && (f = contentLength(msg)) != null) {
            return f;
        }
        if ((checks & EXPIRES_VALUE) != 0 && (f = expires(msg)) != null) {
            return f;
        }
        if ((checks & PROXY_REQUIRE) != 0 && (f = proxyRequire(msg, proxyRequire)) != null) {
            return f;
        }
        if ((checks & PARSE_URIS) != 0 && (f = parseUris(m, uriChecks)) != null) {
            return f;
        }
        if ((checks & CHECK_DIGEST) != 0 && (f = CredentialChecks.digest(msg, false)) != null) {
            return f;
        }
        if ((checks & CHECK_AUTHORIZATION) != 0 && (f = CredentialChecks.digest(msg, true)) != null) {
            return f;
        }
        if ((checks & CHECK_DUPTAGS) != 0 && (f = duplicateTags(msg)) != null) {
            return f;
        }
        return null;
    }

    /**
     * Kamailio answers 505 "Version Not Supported (R-URI)" when the version after '/' is not 2.0;
     * Sipway's parser takes no request with another version, so a request passes.
     */
    private static Failure ruriSipVersion(SipMessage msg) {
        return msg.isRequest() ? null : Failure.SILENT;
    }

    private static Failure ruriScheme(MsgContext m) {
        if (!m.msg.isRequest()) {
            return Failure.SILENT;
        }
        return parsableRuri(m) ? null : new Failure(400, "Bad Request URI", null);
    }

    /** Kamailio's parse_uri knows sip, sips, tel, tels and urn; any other scheme does not parse. */
    private static boolean parsableRuri(MsgContext m) {
        try {
            SipUri u = SipUri.parse(m.requestUri());
            if (u.scheme() == SipUri.Scheme.OTHER) {
                String scheme = u.schemeName();
                return scheme.equals("tels") || scheme.equals("urn");
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Failure requiredHeaders(SipMessage msg) {
        HeaderName[] quadruple = {HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ};
        for (HeaderName h : quadruple) {
            if (msg.count(h) == 0) {
                return Failure.SILENT;
            }
        }
        for (HeaderName h : quadruple) {
            if (msg.count(h) > 1) {
                return Failure.SILENT; // "duplicated ... header"
            }
        }
        return null;
    }

    private static Failure via1(SipMessage msg) {
        try {
            if (msg.topVia() == null || msg.topVia().host() == null) {
                return Failure.SILENT;
            }
        } catch (RuntimeException e) {
            return Failure.SILENT;
        }
        return null;
    }

    /** The CSeq value split into number and method as written; null when it does not parse. */
    private static String[] cseq(SipMessage msg) {
        String v = msg.header(HeaderName.CSEQ);
        if (v == null) {
            return null;
        }
        String[] parts = CSEQ_BLANKS.split(v.trim(), 2);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return null; // parse_cseq: no number or no method
        }
        return parts;
    }

    private static Failure cseqMethod(SipMessage msg) {
        String[] cs = cseq(msg);
        if (cs == null) {
            return Failure.SILENT;
        }
        if (!msg.isRequest()) {
            return Failure.SILENT; // compared with the status line's version in Kamailio
        }
        if (!cs[1].equals(msg.methodName())) { // the request line's method as written
            return new Failure(400, "CSeq method does not match request method", null);
        }
        return null;
    }

    private static Failure cseqValue(SipMessage msg) {
        String[] cs = cseq(msg);
        if (cs == null) {
            return Failure.SILENT;
        }
        return validUint(cs[0]) ? null : new Failure(400, "CSeq number is illegal", null);
    }

    /** sanity.c str2valid_uint: 1 to 10 digits, not above 4294967296 (sic). */
    static boolean validUint(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return s.length() < 10 || s.compareTo("4294967296") <= 0;
    }

    /**
     * check_cl: without the empty line that ends the headers the body cannot be found ("Content-Length
     * Body Failure"); else what followed the headers in the datagram (not the body as RFC 3261 cuts it)
     * must be Content-Length bytes.
     */
    private static Failure contentLength(SipMessage msg) {
        if (msg.contentLength() < 0) {
            return null;
        }
        if (!msg.hasEndOfHeaders()) {
            return new Failure(400, "Content-Length Body Failure", null);
        }
        return msg.bytesAfterHeaders() == msg.contentLength() ? null : new Failure(400, "Content-Length mis-match", null);
    }

    private static Failure expires(SipMessage msg) {
        String v = msg.header(HeaderName.EXPIRES);
        if (v == null) {
            return null;
        }
        String t = v.trim();
        if (t.isEmpty()) {
            return new Failure(400, "Missing number in Expires header", null);
        }
        return validUint(t) ? null : new Failure(400, "Expires value is illegal", null);
    }

    private static Failure proxyRequire(SipMessage msg, Set<String> supported) {
        String v = msg.header(HeaderName.PROXY_REQUIRE);
        if (v == null) {
            return null;
        }
        if (v.trim().isEmpty()) {
            return new Failure(400, "Bad Proxy Require Header", null);
        }
        for (String tag : v.split(",")) {
            String t = tag.trim();
            if (!supported.contains(t)) {
                return new Failure(420, "Bad Proxy Require Extension", "Unsupported: " + t + "\r\n");
            }
        }
        return null;
    }

    private static Failure parseUris(MsgContext m, int uriChecks) {
        SipMessage msg = m.msg;
        if ((uriChecks & URI_RURI) != 0) {
            if (!msg.isRequest()) {
                return Failure.SILENT;
            }
            if (!parsableRuri(m)) {
                return new Failure(400, "Bad Request URI", null);
            }
        }
        if ((uriChecks & URI_FROM) != 0) {
            if (!msg.hasHeader("From")) {
                return Failure.SILENT;
            }
            if (!addressParses(msg, true)) {
                return new Failure(400, "Invalid From Header", null);
            }
        }
        if ((uriChecks & URI_TO) != 0) {
            if (!msg.hasHeader("To")) {
                return Failure.SILENT;
            }
            if (!addressParses(msg, false)) {
                return new Failure(400, "Ivalid To Header", null); // Kamailio's reason, as it sends it
            }
        }
        if ((uriChecks & URI_CONTACT) != 0) {
            List<Address> contacts;
            try {
                contacts = msg.contacts();
            } catch (RuntimeException e) {
                return new Failure(400, "Bad Contact Header", null);
            }
            if (!contacts.isEmpty() && !contacts.get(0).isWildcard()) {
                try {
                    contacts.get(0).uri();
                } catch (RuntimeException e) {
                    return new Failure(400, "Bad Contact URI", null);
                }
            }
        }
        return null;
    }

    private static boolean addressParses(SipMessage msg, boolean from) {
        try {
            Address a = from ? msg.from() : msg.to();
            return a != null && a.uri() != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Failure duplicateTags(SipMessage msg) {
        Address from;
        Address to;
        try {
            from = msg.from();
            to = msg.to();
        } catch (RuntimeException e) {
            return Failure.SILENT;
        }
        if (from == null || to == null) {
            return Failure.SILENT;
        }
        if (tags(from) > 1) {
            return new Failure(400, "Many From Tag Params", null);
        }
        if (tags(to) > 1) {
            return new Failure(400, "Many To Tag Params", null);
        }
        return null;
    }

    private static int tags(Address a) {
        int n = 0;
        for (String p : a.paramNames()) {
            if (p.equalsIgnoreCase("tag")) {
                n++;
            }
        }
        return n;
    }
}
