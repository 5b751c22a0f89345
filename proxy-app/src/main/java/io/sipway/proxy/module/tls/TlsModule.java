package io.sipway.proxy.module.tls;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * tls (https://kamailio.org/docs/modules/5.6.x/modules/tls.html): the server side of the tls:
 * listeners, from the parameters or Kamailio's tls.cfg (read by {@code ScriptTransportSettings.tls}).
 */
public final class TlsModule {
    private TlsModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("tls", "https://kamailio.org/docs/modules/5.6.x/modules/tls.html");
        String s = "the tls: listeners' server settings";
        b.param("config", ParamExport.Type.STRING, "", s + ": a tls.cfg whose [server:default] section gives the others");
        b.param("certificate", ParamExport.Type.STRING, "", s + ": the PEM certificate chain");
        b.param("private_key", ParamExport.Type.STRING, "", s + ": the PEM private key");
        b.param("ca_list", ParamExport.Type.STRING, "", s + ": the PEM CAs client certificates are verified against");
        b.param("verify_certificate", ParamExport.Type.ANY, "0", s + ": ask for a client certificate and verify it");
        b.param("require_certificate", ParamExport.Type.ANY, "0", s + ": refuse a client without a certificate");
        b.param("tls_method", ParamExport.Type.STRING, "TLSv1.2+", s + ": TLSv1.2+ (or SSLv23, TLSv1+: TLS 1.2 and 1.3), TLSv1.2 or"
                + " TLSv1.3 (older ones are refused); method in tls.cfg");
        b.param("cipher_list", ParamExport.Type.STRING, "", s + ": the TLS 1.2 suites offered, in the server's order of preference"
                + " (OpenSSL's format), among the profile's (ECDHE/DHE with AES-GCM or ChaCha20); empty: all of them");
        return b.build();
    }
}
