package io.sipway.proxy.module.maxfwd;

import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.CompiledScript;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.sip.HeaderName;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * maxfwd (https://kamailio.org/docs/modules/5.6.x/modules/maxfwd.html): the Max-Forwards header, as
 * maxfwd.c and mf_funcs.c handle it. The value is read as Kamailio's str2s reads it (up to five
 * digits, taken modulo 2**16; anything else, "-1" or "abc", is an error the default script answers
 * 483), not as RFC 3261's 0..255: a request with 256 or 300 is routed. A value above modparam
 * {@code max_limit} (70) goes on as {@code max_limit}. The new value is written by core's
 * BranchRequests where the old one was, padded to its width as Kamailio writes it in place; a
 * missing header is added on top with the function's limit.
 */
public final class MaxfwdModule {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.maxfwd");
    /** Kamailio's default max_limit. */
    static final int DEFAULT_MAX_LIMIT = 70;

    private MaxfwdModule() {
    }

    /** max_limit as the running script sets it, read once per script. */
    private record MaxLimit(CompiledScript script, int value) {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("maxfwd", "https://kamailio.org/docs/modules/5.6.x/modules/maxfwd.html");
        AtomicReference<MaxLimit> maxLimit = new AtomicReference<>();
        b.fn("mf_process_maxfwd_header", 1, 1, R, args -> {
            int limit = (int) Format.num(args.get(0).constantString());
            return ctx -> process((MsgContext) ctx, limit, maxLimit(core, maxLimit));
        }).x().check(a -> Fixups.range(a.get(0), "the Max-Forwards value", 0, 255))
                .summary("adds Max-Forwards when missing (2), else decrements it, capped at max_limit (1); "
                        + "-1 when it reached 0, -2 when it is no number");
        b.param("max_limit", ParamExport.Type.INT, Integer.toString(DEFAULT_MAX_LIMIT),
                "mf_process_maxfwd_header(): a larger Max-Forwards goes on as max_limit");
        return b.build();
    }

    private static int maxLimit(Core core, AtomicReference<MaxLimit> cache) {
        CompiledScript script = core.script();
        MaxLimit m = cache.get();
        if (m == null || m.script() != script) {
            m = new MaxLimit(script, (int) Format.num(core.modparam("maxfwd", "max_limit", Integer.toString(DEFAULT_MAX_LIMIT))));
            cache.set(m);
        }
        return m.value();
    }

    /** process_maxfwd_header: 2 header added, 1 decremented, -1 it was 0, -2 it is no number. */
    static long process(MsgContext m, int limit, int maxLimit) {
        String value = m.msg.header(HeaderName.MAX_FORWARDS);
        if (value == null) {
            m.maxForwards = limit;
            return 2;
        }
        int v = m.maxForwards >= 0 ? m.maxForwards : str2s(value); // a second call goes on from the first's value
        if (v < 0) {
            LOG.error("is_maxfwd_present(): unable to parse the max forwards number [{}]", value);
            return -2;
        }
        if (v == 0) {
            return -1;
        }
        if (v > maxLimit) {
            LOG.debug("value {} decreased to {}", v, maxLimit);
            v = maxLimit + 1;
        }
        m.maxForwards = v - 1;
        return 1;
    }

    /** Kamailio's str2s: 0..5 decimal digits into an unsigned short (so modulo 2**16), -1 for anything else. */
    static int str2s(String s) {
        if (s.length() > 5) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v & 0xFFFF;
    }
}
