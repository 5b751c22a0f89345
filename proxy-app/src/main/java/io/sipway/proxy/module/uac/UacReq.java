package io.sipway.proxy.module.uac;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code $uac_req(...)} holds (uac_send.c's uac_send_info_t): the request {@code uac_req_send()}
 * sends, and, in {@code event_route[uac:reply]}, the request that was sent with the reply's
 * {@code evcode} and {@code evtype}. Kamailio keeps one per process, kept from message to message
 * until changed; Sipway keeps one per thread ({@link UacModule}). Kamailio's size limits apply: a value
 * too long is refused with an error and the field keeps its value.
 */
final class UacReq {
    private static final Logger LOG = LoggerFactory.getLogger("uac");
    /** Kamailio's MAX_URI_SIZE, MAX_UACH_SIZE, MAX_UACB_SIZE, MAX_UACD_SIZE, and the method's buffer. */
    static final int MAX_URI = 1024;
    static final int MAX_HDRS = 2048;
    static final int MAX_BODY = 4086;
    static final int MAX_EVPARAM = 128;
    static final int MAX_METHOD = 32;

    /** The names $uac_req takes in Kamailio 5.6 (pv_parse_uac_req_name; UacModule refuses some at load). */
    static final String[] NAMES = {"all", "ruri", "turi", "furi", "hdrs", "body", "ouri", "sock", "auser", "apasswd",
        "method", "callid", "evroute", "evcode", "evtype", "evparam", "flags"};

    long flags;
    String ruri;
    String turi;
    String furi;
    String hdrs;
    String body;
    String ouri;
    String method;
    String callid;
    String evparam;
    /** The credentials a 401/407 to the request is answered with (both needed). */
    String auser;
    String apasswd;
    /** The listener to send from ("udp:1.2.3.4:5060"); $uac_req(all) = $null leaves it, as Kamailio's reset does. */
    String sock;
    long evroute;
    long evcode;
    long evtype;

    UacReq copy() {
        UacReq c = new UacReq();
        c.flags = flags;
        c.ruri = ruri;
        c.turi = turi;
        c.furi = furi;
        c.hdrs = hdrs;
        c.body = body;
        c.ouri = ouri;
        c.method = method;
        c.callid = callid;
        c.evparam = evparam;
        c.auser = auser;
        c.apasswd = apasswd;
        c.sock = sock;
        c.evroute = evroute;
        c.evcode = evcode;
        c.evtype = evtype;
        return c;
    }

    /** pv_get_uac_req: an empty string field reads as $null, the numbers as numbers. */
    Object get(String name) {
        return switch (name) {
            case "ruri" -> ruri;
            case "turi" -> turi;
            case "furi" -> furi;
            case "hdrs" -> hdrs;
            case "body" -> body;
            case "ouri" -> ouri;
            case "method" -> method;
            case "callid" -> callid;
            case "evparam" -> evparam;
            case "auser" -> auser;
            case "apasswd" -> apasswd;
            case "sock" -> sock;
            case "evroute" -> evroute;
            case "evcode" -> evcode;
            case "evtype" -> evtype;
            default -> flags; // "all"
        };
    }

    /**
     * pv_set_uac_req: {@code $null} clears a field ({@code $uac_req(all) = $null} every one); a
     * string field takes a string, the ev* numbers a number. What Kamailio refuses (a value too
     * long, the wrong type) is logged and leaves the field as it was.
     */
    void set(String name, Object value) {
        if (value == null) {
            clear(name);
            return;
        }
        switch (name) {
            case "all" -> { } // only $null does something
            case "ruri" -> ruri = text(name, value, MAX_URI, ruri);
            case "turi" -> turi = text(name, value, MAX_URI, turi);
            case "furi" -> furi = text(name, value, MAX_URI, furi);
            case "hdrs" -> hdrs = text(name, value, MAX_HDRS, hdrs);
            case "body" -> body = text(name, value, MAX_BODY, body);
            case "ouri" -> ouri = text(name, value, MAX_URI, ouri);
            case "method" -> method = text(name, value, MAX_METHOD, method);
            case "callid" -> callid = text(name, value, Integer.MAX_VALUE, callid);
            case "evparam" -> evparam = text(name, value, MAX_EVPARAM, evparam);
            case "auser" -> auser = text(name, value, MAX_EVPARAM, auser);
            case "apasswd" -> apasswd = text(name, value, MAX_EVPARAM, apasswd);
            case "sock" -> sock = text(name, value, MAX_URI, sock);
            case "evroute" -> evroute = number(name, value, evroute);
            case "evcode" -> evcode = number(name, value, evcode);
            case "evtype" -> evtype = number(name, value, evtype);
            default -> throw new IllegalStateException("$uac_req(" + name + ") is refused at load");
        }
    }

    private void clear(String name) {
        switch (name) {
            case "all" -> {
                flags = 0;
                ruri = turi = furi = ouri = hdrs = body = method = callid = evparam = auser = apasswd = null;
                evroute = evtype = evcode = 0;
            }
            case "ruri" -> ruri = null;
            case "turi" -> turi = null;
            case "furi" -> furi = null;
            case "hdrs" -> hdrs = null;
            case "body" -> body = null;
            case "ouri" -> ouri = null;
            case "method" -> method = null;
            case "callid" -> callid = null;
            case "evparam" -> evparam = null;
            case "auser" -> auser = null;
            case "apasswd" -> apasswd = null;
            case "sock" -> sock = null;
            case "evroute" -> evroute = 0;
            case "evcode" -> evcode = 0;
            case "evtype" -> evtype = 0;
            default -> { }
        }
    }

    private static String text(String name, Object value, int max, String old) {
        if (!(value instanceof String s)) {
            LOG.error("$uac_req({}): invalid value type", name);
            return old;
        }
        if (s.length() >= max) {
            LOG.error("$uac_req({}): value size too big", name);
            return old;
        }
        return s.isEmpty() ? null : s;
    }

    private static long number(String name, Object value, long old) {
        if (!(value instanceof Long n)) {
            LOG.error("$uac_req({}): invalid value type", name);
            return old;
        }
        return n;
    }
}
