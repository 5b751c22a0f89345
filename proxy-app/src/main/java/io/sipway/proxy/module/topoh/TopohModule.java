package io.sipway.proxy.module.topoh;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.sanity.SanityModule;
import io.sipway.sip.SipParser;
import io.sipway.transport.ReceiveInfo;
import java.util.function.BiPredicate;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * topoh (https://kamailio.org/docs/modules/5.6.x/modules/topoh.html): topology hiding by masking
 * the addresses of each side in the messages the other side gets, statelessly ({@link Topoh}); the
 * masked values carry everything needed to undo it, so in-dialog requests and replies find their way
 * back. Loaded, it rewrites every message in and out through the transport's net data hook; the
 * script sees them unmasked. No functions.
 *
 * <p>Not run: {@code event_route[topoh:msg-outgoing]} and {@code [topoh:msg-sending]} (refused at
 * load) and {@code event_callback} (KEMI).
 */
public final class TopohModule {
    private static final String DOC = "https://kamailio.org/docs/modules/5.6.x/modules/topoh.html";

    private TopohModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("topoh", DOC);
        ParamExport.Type str = ParamExport.Type.STRING;
        ParamExport.Type num = ParamExport.Type.INT;
        b.param("mask_key", str, "aL9.n8~Hm]Z", "the key that shuffles the masking alphabet (Kamailio's: masked values are shared)");
        b.paramChecked("mask_ip", str, "127.0.0.8", "the address masked Vias, Contacts and Record-Routes show",
                v -> v.isBlank() ? "mask IP parameter is invalid: it may not be empty" : null);
        b.param("mask_callid", num, "0", "1: the Call-ID is masked towards the callee too");
        b.param("uparam_name", str, "line", "the URI parameter holding a masked URI");
        b.param("uparam_prefix", str, "sr-", "what a masked URI's parameter value starts with");
        b.param("vparam_name", str, "branch", "the Via parameter holding a masked Via");
        b.param("vparam_prefix", str, "z9hG4bKsr-", "what a masked Via's parameter value starts with");
        b.param("callid_prefix", str, "!!:", "what a masked Call-ID starts with");
        b.param("uri_prefix_checks", num, "0", "1: only values that start with the mask prefixes are unmasked");
        b.param("sanity_checks", num, "0", "1: a received request failing sanity's default checks is left masked (needs the sanity module)");
        b.paramOnly("event_callback", str, "", "KEMI callbacks are not run", "");
        b.paramWithoutEffect("event_mode", num, "3",
                "Sipway runs neither event_route[topoh:msg-outgoing] nor [topoh:msg-sending] (refused at load)");
        b.loaded("every message in and out is masked and unmasked as Kamailio's topoh does (Via, Contact, Record-Route, Route, Call-ID), so each side of a call sees only mask_ip of the other.");
        b.onStart((script, host) -> {
            Topoh.Settings s = new Topoh.Settings(
                    core.modparam("topoh", "mask_key", "aL9.n8~Hm]Z"),
                    core.modparam("topoh", "mask_ip", "127.0.0.8").trim(),
                    number(core, "mask_callid", 0) != 0,
                    core.modparam("topoh", "uparam_name", "line"),
                    core.modparam("topoh", "uparam_prefix", "sr-"),
                    core.modparam("topoh", "vparam_name", "branch"),
                    core.modparam("topoh", "vparam_prefix", "z9hG4bKsr-"),
                    core.modparam("topoh", "callid_prefix", "!!:"),
                    number(core, "uri_prefix_checks", 0) != 0);
            BiPredicate<byte[], ReceiveInfo> sane = null;
            if (number(core, "sanity_checks", 0) != 0) {
                if (!script.modules().contains("sanity")) {
                    throw new IllegalArgumentException("topoh: sanity_checks needs the sanity module: cannot bind to sanity module");
                }
                sane = (bytes, from) -> {
                    try {
                        return SanityModule.passesDefaults(core, new MsgContext(SipParser.parse(bytes), from));
                    } catch (RuntimeException e) {
                        return false;
                    }
                };
            }
            core.transport().netData(new Topoh(s, (h, port) -> h != null && core.isMyself(h, port, null), sane));
        });
        return b.build();
    }

    private static long number(Core core, String name, long def) {
        return Long.parseLong(core.modparam("topoh", name, Long.toString(def)).trim());
    }
}
