package io.sipway.proxy.module.exec;

import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipMethod;
import io.sipway.sip.SipUri;
import io.sipway.sip.Via;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The environment variables exec_dset, exec_msg and exec_avp give the command with {@code setvars=1}
 * (exec_hf.c's set_env), added to the proxy's own environment:
 * <ul>
 * <li>{@code SIP_HF_<NAME>} per header field: the name upper-cased, its symbols ({@code -_.!~*'()[]/?:+$%})
 * made {@code _}; the headers that have a compact form under their canonical name (VIA, CONTENT_TYPE,
 * FROM, CALLID, SUPPORTED, CONTENT_LENGTH, CONTACT, TO, EVENT), others under the name written first;
 * several fields of one header joined with commas; with {@code bash_safety=1} a value starting
 * {@code "() {"} loses its first two characters (the Shellshock guard);</li>
 * <li>{@code SIP_SRCIP} the source address, {@code SIP_RURI} the Request-URI as it is now and
 * {@code SIP_USER} its user, {@code SIP_ORUI} (sic: Kamailio's spelling) the Request-URI as received and
 * {@code SIP_OUSER} its user, {@code SIP_TID} the transaction's MD5 (char_msg_val: From tag, To tag but
 * for INVITE/ACK/CANCEL, Call-ID, Request-URI, CSeq number, top Via host, port and branch) and
 * {@code SIP_DID} the To tag (empty without one).</li>
 * </ul>
 */
final class ExecEnv {
    private ExecEnv() {
    }

    static Map<String, String> of(MsgContext m, boolean bashSafety) {
        SipMessage msg = m.msg;
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>(); // group key -> variable name
        for (int i = 0; i < msg.headerCount(); i++) {
            HeaderName type = msg.headerType(i);
            String written = msg.headerName(i);
            String key = type == HeaderName.OTHER ? "o:" + written.toLowerCase(Locale.ROOT) : "t:" + type.name();
            String var = names.computeIfAbsent(key, k -> "SIP_HF_" + varName(type, written));
            String value = msg.headerValue(i);
            if (bashSafety && value.startsWith("() {")) {
                value = value.substring(2);
            }
            env.merge(var, value, (a, b) -> a + "," + b);
        }
        env.put("SIP_SRCIP", m.from.source().getAddress().getHostAddress());
        String ruri = m.requestUri();
        env.put("SIP_RURI", ruri == null ? "" : ruri);
        String user = user(ruri);
        if (user != null) {
            env.put("SIP_USER", user);
        }
        String oruri = msg.isRequest() ? msg.requestUriString() : "";
        env.put("SIP_ORUI", oruri);
        String ouser = user(oruri);
        if (ouser != null) {
            env.put("SIP_OUSER", ouser);
        }
        env.put("SIP_TID", tid(msg));
        String toTag = msg.toTag();
        env.put("SIP_DID", toTag == null ? "" : toTag);
        return env;
    }

    private static String user(String uri) {
        try {
            String u = uri == null || uri.isEmpty() ? null : SipUri.parse(uri).user();
            return uri == null || uri.isEmpty() ? null : u == null ? "" : u;
        } catch (RuntimeException e) {
            return null; // "uri not parsed": no variable
        }
    }

    /** compacthdr_type2str, else canonize_headername over the name as written. */
    private static String varName(HeaderName type, String written) {
        switch (type) {
            case VIA: return "VIA";
            case CONTENT_TYPE: return "CONTENT_TYPE";
            case FROM: return "FROM";
            case CALL_ID: return "CALLID";
            case SUPPORTED: return "SUPPORTED";
            case CONTENT_LENGTH: return "CONTENT_LENGTH";
            case CONTACT: return "CONTACT";
            case TO: return "TO";
            case EVENT: return "EVENT";
            default: break;
        }
        StringBuilder b = new StringBuilder(written.length());
        for (char c : written.toCharArray()) {
            if (c >= 'a' && c <= 'z') {
                b.append((char) (c - ('a' - 'A')));
            } else if (c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
                b.append(c);
            } else {
                b.append('_');
            }
        }
        return b.toString();
    }

    /** char_msg_val: the MD5, in lower-case hex, of the transaction's key fields concatenated. */
    static String tid(SipMessage msg) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            update(md5, msg.fromTag());
            SipMethod method = msg.isRequest() ? msg.cseq().method() : null;
            boolean inviteLike = method == SipMethod.INVITE || method == SipMethod.ACK || method == SipMethod.CANCEL;
            update(md5, inviteLike ? "" : msg.toTag());
            update(md5, msg.callId());
            update(md5, msg.isRequest() ? msg.requestUriString() : "");
            update(md5, msg.cseq().numberText());
            Via via = msg.topVia();
            update(md5, via.host());
            update(md5, via.port() > 0 ? Integer.toString(via.port()) : "");
            if (via.branch() != null) {
                update(md5, via.branch());
            }
            StringBuilder hex = new StringBuilder(32);
            for (byte x : md5.digest()) {
                hex.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            return "";
        }
    }

    private static void update(MessageDigest md5, String s) {
        if (s != null) {
            md5.update(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
