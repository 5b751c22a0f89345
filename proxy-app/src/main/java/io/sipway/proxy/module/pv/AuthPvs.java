package io.sipway.proxy.module.pv;

import io.sipway.cfg.Pv;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.PvExport;
import io.sipway.proxy.module.auth.Credentials;
import java.util.List;
import java.util.function.Function;

/**
 * The credentials pseudo-variables of pv_core.c pv_get_authattr: {@code $au} (user), {@code $ad}
 * (domain of the username), {@code $aU} (whole username), {@code $ar} (realm), {@code $adu}
 * (digest URI), {@code $aa} (algorithm), read from the first Proxy-Authorization header, else the
 * first Authorization; $null for ACK and CANCEL, without credentials or when they do not parse,
 * "" for a parameter the credentials lack.
 */
final class AuthPvs {
    private AuthPvs() {
    }

    static void register(ModuleExports.Builder r) {
        pv(r, "au", Credentials::user);
        pv(r, "ad", Credentials::domain);
        pv(r, "aU", Credentials::username);
        pv(r, "ar", Credentials::realm);
        pv(r, "adu", Credentials::uri);
        pv(r, "aa", Credentials::algorithm);
    }

    private static void pv(ModuleExports.Builder r, String name, Function<Credentials, String> part) {
        r.pv(name, PvExport.Inner.NONE, false, n -> (Pv) ctx -> {
            Credentials c = credentials((MsgContext) ctx);
            if (c == null) {
                return null;
            }
            String v = part.apply(c);
            return v == null ? "" : v;
        });
    }

    private static Credentials credentials(MsgContext m) {
        if (!m.msg.isRequest() || m.msg.methodName().equals("ACK") || m.msg.methodName().equals("CANCEL")) {
            return null;
        }
        List<String> h = m.msg.headers("Proxy-Authorization");
        if (h.isEmpty()) {
            h = m.msg.headers("Authorization");
        }
        if (h.isEmpty()) {
            return null;
        }
        Credentials c = Credentials.parse(h.get(0));
        return c == Credentials.OTHER_SCHEME ? null : c;
    }
}
