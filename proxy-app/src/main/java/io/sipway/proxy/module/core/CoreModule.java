package io.sipway.proxy.module.core;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.CoreLanguage;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.transport.Protocol;
import java.util.Map;
import java.util.function.Function;

/**
 * Kamailio's core as a table (https://www.kamailio.org/wikidocs/cookbooks/5.6.x/core/): the
 * functions every script has without a loadmodule, the global parameters ({@link CoreParameters}),
 * and what the language asks of the core ({@link CoreLanguage}: match keywords, {@code myself},
 * {@code $shv}).
 */
public final class CoreModule implements CoreLanguage {
    private final Core core;

    public CoreModule(Core core) {
        this.core = core;
    }

    public ModuleExports exports() {
        ModuleExports.Builder b = ModuleExports.module(ModuleExports.CORE, "https://www.kamailio.org/wikidocs/cookbooks/5.6.x/core/");
        for (String[] f : new String[][] {{"setflag", "set"}, {"resetflag", "reset"}, {"isflagset", "is"}}) {
            b.fn(f[0], 1, 1, ANY, args -> flag(f[1], args.get(0))).check(a -> Fixups.messageFlag(a.get(0)))
                    .summary(f[1] + " a message flag (0..31)");
        }
        b.fn("force_rport", 0, 0, ANY, args -> ctx -> {
            ((MsgContext) ctx).forceRport = true;
            return 1;
        }).summary("replies go to the source port, as if the Via had rport (RFC 3581)");
        b.fn("add_rport", 0, 0, ANY, args -> ctx -> {
            ((MsgContext) ctx).forceRport = true;
            return 1;
        }).summary("the same as force_rport()");
        b.fn("set_forward_no_connect", 0, 0, ANY, args -> ctx -> {
            ((MsgContext) ctx).forwardNoConnect = true;
            return 1;
        }).summary("the request may leave only on an existing connection");
        b.fn("set_reply_no_connect", 0, 0, ANY, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            m.replyTo = m.replyTo == null ? null : m.replyTo.withNoConnect();
            return 1;
        }).summary("the reply may leave only on an existing connection");
        b.fn("set_reply_close", 0, 0, ANY, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            m.replyTo = m.replyTo == null ? null : m.replyTo.withCloseAfterSend();
            return 1;
        }).summary("the connection closes after the reply is sent");
        // forward(): stateless, to $du / the R-URI, or to host[, port]; forward_udp/tcp/tls force the transport
        for (String[] f : new String[][] {{"forward", null}, {"forward_udp", "udp"}, {"forward_tcp", "tcp"}, {"forward_tls", "tls"}}) {
            Protocol proto = f[1] == null ? null : Protocol.of(f[1]);
            b.fn(f[0], 0, 2, ANY, args -> {
                Format host = args.isEmpty() ? null : Format.of(args.get(0));
                Arg port = args.size() > 1 ? args.get(1) : null;
                return ctx -> {
                    MsgContext m = (MsgContext) ctx;
                    if (!m.msg.isRequest()) {
                        return -1; // replies go back by their Via, not by forward()
                    }
                    return core.forward(m, host == null ? null : host.apply(ctx), port == null ? 0 : (int) Format.num(Format.str(port, ctx)), proto);
                };
            }).summary("forwards statelessly" + (proto == null ? "" : " over " + f[1]) + " to $du, the R-URI, or host[:port]");
        }
        UriRewrites.declare(b);
        b.rpc("core.version", "the version line", params -> CoreRpc.version());
        b.rpc("core.uptime", "now, up_since and uptime in seconds", params -> CoreRpc.uptime(core));
        b.rpc("core.tcp_list", "every TCP/TLS/WS/WSS connection with its addresses and idle time", params -> CoreRpc.tcpList(core));
        CoreParameters.declare(b);
        return b.build();
    }

    private static io.sipway.cfg.ScriptFunction flag(String op, Arg a) {
        long bit = 1L << Format.num(a.constantString());
        return switch (op) {
            case "set" -> ctx -> {
                ((MsgContext) ctx).flags |= bit;
                return 1;
            };
            case "reset" -> ctx -> {
                ((MsgContext) ctx).flags &= ~bit;
                return 1;
            };
            default -> ctx -> (((MsgContext) ctx).flags & bit) != 0 ? 1 : -1;
        };
    }

    // ---- the language's questions to the core ----------------------------------------------------

    /** The old-style match keywords: what each reads of the message (Kamailio's core, no module needed). */
    private static final Map<String, Function<MsgContext, Object>> KEYWORDS = Map.ofEntries(
            Map.entry("method", m -> m.msg.isRequest() ? m.msg.methodName() : m.msg.cseq().methodName()),
            Map.entry("uri", MsgContext::requestUri),
            Map.entry("from_uri", m -> m.msg.from().uriString()),
            Map.entry("to_uri", m -> m.msg.to().uriString()),
            Map.entry("src_ip", m -> m.from.source().getAddress().getHostAddress()),
            Map.entry("src_port", m -> (long) m.from.source().getPort()),
            Map.entry("dst_ip", m -> m.from.localSocket().local().getAddress().getHostAddress()),
            Map.entry("dst_port", m -> (long) m.from.localSocket().local().getPort()),
            Map.entry("proto", m -> m.from.protocol().text()),
            Map.entry("status", m -> m.msg.isResponse() ? (Object) (long) m.msg.statusCode() : null),
            Map.entry("msg:len", m -> (long) m.msg.length()));

    @Override
    public ValueSource matchKeyword(String keyword) {
        Function<MsgContext, Object> read = KEYWORDS.get(keyword);
        return read == null ? null : ctx -> read.apply((MsgContext) ctx);
    }

    @Override
    public boolean isMyself(ScriptContext ctx, String keyword, Object value) {
        return value != null && core.isMyselfText(value.toString());
    }

    @Override
    public Pv select(String path) {
        return Selects.resolve(path);
    }

    @Override
    public Pv sharedVariable(String name) {
        return core.sharedVariables().get(name);
    }

}
