package io.sipway.proxy.module.core;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.ScriptFunction;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.textops.TextopsModule;
import io.sipway.sip.SipUri;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's rewrites of the Request-URI's user part (Kamailio's STRIP_T, STRIP_TAIL_T and PREFIX_T
 * actions): {@code strip(n)} drops its first n characters, {@code strip_tail(n)} its last n,
 * {@code prefix(s)} puts s in front (a URI without a user gets one). The rest of the URI stays as
 * written; a user stripped to nothing takes its "@" with it. Kamailio's grammar takes only a number
 * for strip and strip_tail and only a quoted string for prefix, nothing computed.
 */
final class UriRewrites {
    private static final Logger LOG = LoggerFactory.getLogger("core");

    private UriRewrites() {
    }

    static void declare(ModuleExports.Builder b) {
        b.fn("strip", 1, 1, ANY, args -> {
            int n = count(args.get(0));
            return rewrite(user -> {
                tooLong("strip", n, user);
                return n >= user.length() ? "" : user.substring(n);
            });
        }).summary("removes the first n characters of the R-URI's user part");
        b.fn("strip_tail", 1, 1, ANY, args -> {
            int n = count(args.get(0));
            return rewrite(user -> {
                tooLong("strip_tail", n, user);
                return n >= user.length() ? "" : user.substring(0, user.length() - n);
            });
        }).summary("removes the last n characters of the R-URI's user part");
        b.fn("prefix", 1, 1, ANY, args -> {
            Arg a = args.get(0);
            if (!(a.isConstant() && a.constant() instanceof String)) {
                throw new FunctionSpec.BadArgument(a, "bad argument, string expected");
            }
            String prefix = (String) a.constant();
            return rewrite(user -> prefix + user);
        }).summary("puts a string in front of the R-URI's user part");
    }

    /** strip's argument: a number written in the script (Kamailio's grammar takes nothing else). */
    private static int count(Arg a) {
        if (!(a.isConstant() && a.constant() instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
            throw new FunctionSpec.BadArgument(a, "bad argument, number expected");
        }
        return n.intValue();
    }

    private static void tooLong(String function, int n, String user) {
        if (n > user.length()) {
            LOG.warn("too long {} asked; deleting username: {} of <{}>", function, n, user);
        }
    }

    /** Applies the change to the user part of the R-URI as it is now ($ru): -1 for a reply or a URI that does not parse. */
    private static ScriptFunction rewrite(UnaryOperator<String> change) {
        return ctx -> {
            MsgContext m = (MsgContext) ctx;
            String uri = m.msg.isRequest() ? m.requestUri() : null;
            if (uri == null) {
                return -1;
            }
            SipUri u;
            try {
                u = SipUri.parse(uri);
            } catch (RuntimeException e) {
                LOG.error("bad uri <{}>, dropping packet", uri);
                return -1;
            }
            String changed = TextopsModule.withUser(uri, u, change.apply(u.user() == null ? "" : u.user()));
            if (changed == null) {
                return -1;
            }
            m.ruri = changed;
            return 1;
        };
    }
}
