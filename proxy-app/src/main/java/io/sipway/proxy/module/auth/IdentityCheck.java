package io.sipway.proxy.module.auth;

import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipUri;

/**
 * The identity checks of auth_check and pv_auth_check with flag 1 (auth_db/authorize.c auth_check,
 * auth_mod.c pv_auth_check): the authenticated user must be the From user (the To user for
 * REGISTER and PUBLISH, whose From and To must then name the same user, and the same host with
 * use_domain; a PUBLISH's R-URI too). Users are compared exactly, hosts too.
 */
public final class IdentityCheck {
    private IdentityCheck() {
    }

    /**
     * {@link DigestAuth#AUTH_OK}, {@link DigestAuth#AUTH_USER_MISMATCH}, or {@link DigestAuth#AUTH_ERROR}
     * when a URI does not parse. {@code skipForwarded} (auth_check's flag 2) leaves out the user check
     * for INVITE, BYE, PRACK, UPDATE and MESSAGE.
     */
    public static long check(MsgContext m, String authUser, boolean skipForwarded, boolean useDomain) {
        SipMessage msg = m.msg;
        String method = msg.methodName();
        SipUri from;
        SipUri to = null;
        try {
            from = msg.from().uri();
            if (method.equals("REGISTER") || method.equals("PUBLISH")) {
                to = msg.to().uri();
            }
        } catch (RuntimeException e) {
            return DigestAuth.AUTH_ERROR;
        }
        SipUri identity = to != null ? to : from;
        boolean forwarded = switch (method) {
            case "INVITE", "BYE", "PRACK", "UPDATE", "MESSAGE" -> true;
            default -> false;
        };
        if (!(skipForwarded && forwarded) && !authUser.equals(user(identity))) {
            return DigestAuth.AUTH_USER_MISMATCH;
        }
        if (to != null) {
            if (!user(from).equals(user(to)) || (useDomain && !from.host().equals(to.host()))) {
                return DigestAuth.AUTH_USER_MISMATCH;
            }
            if (method.equals("PUBLISH")) {
                SipUri r;
                try {
                    r = SipUri.parse(m.requestUri());
                } catch (RuntimeException e) {
                    return DigestAuth.AUTH_ERROR;
                }
                if (!user(from).equals(user(r)) || (useDomain && !from.host().equals(r.host()))) {
                    return DigestAuth.AUTH_USER_MISMATCH;
                }
            }
        }
        return DigestAuth.AUTH_OK;
    }

    private static String user(SipUri u) {
        return u.user() == null ? "" : u.user();
    }
}
