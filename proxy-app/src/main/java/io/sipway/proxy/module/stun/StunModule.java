package io.sipway.proxy.module.stun;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Signature;
import io.sipway.proxy.module.ModuleExports;

/**
 * stun (https://kamailio.org/docs/modules/5.6.x/modules/stun.html): a STUN server (RFC 5389, and
 * the RFC 3489 clients that came before it) on the SIP listeners themselves, so that a UA behind a
 * NAT learns the address the proxy sees it from on the very port its SIP goes to. Kamailio's
 * module registers for the core's STUN event and has no parameters, functions or RPC commands:
 * loading it is switching it on. Binding requests on the UDP, TCP and TLS listeners are answered
 * ({@link StunAnswers}); nothing reaches the script.
 *
 * <p>(OpenSIPS' stun module has {@code primary_ip}, {@code alternate_port} and friends for RFC 3489's
 * CHANGE-REQUEST tests; Kamailio 5.6 has none of them and refuses them, as Sipway does.)
 */
public final class StunModule {
    private StunModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("stun", "https://kamailio.org/docs/modules/5.6.x/modules/stun.html");
        // Kamailio's SOFTWARE attribute is its Server header line (SERVER_HDR), whatever server_signature says
        StunAnswers answers = new StunAnswers(Signature.serverHeader());
        b.loaded("STUN Binding requests (RFC 5389, and RFC 3489's) on the SIP UDP ports are answered with the address and port they came from; nothing reaches the script.");
        b.onStart((script, host) -> core.transport().stunResponder(answers::answer));
        return b.build();
    }
}
