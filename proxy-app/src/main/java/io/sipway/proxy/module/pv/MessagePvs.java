package io.sipway.proxy.module.pv;

import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.Xavps;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.PvExport;
import io.sipway.sip.SipUri;
import io.sipway.transport.SendSocket;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The pv module's pseudo-variables of the message and its routing (src/modules/pv/pv_core.c): the
 * request line, From/To, Call-ID, CSeq, source and receiving socket, headers, {@code $du},
 * {@code $ru}, {@code $fs} (writable), {@code $avp} and {@code $xavp}.
 */
final class MessagePvs {
    private MessagePvs() {
    }

    static void register(ModuleExports.Builder b, Core core) {
        ro(b, "rm", m -> m.msg.isRequest() ? m.msg.methodName() : m.msg.cseq().methodName());
        b.pv("rU", PvExport.Inner.NONE, true, n -> writable(m -> uriPart(m.requestUri(), SipUri::user),
                (m, v) -> m.ruri = RequestUriParts.withUser(m.requestUri(), v)));
        b.pv("rd", PvExport.Inner.NONE, true, n -> writable(m -> uriPart(m.requestUri(), SipUri::host),
                (m, v) -> m.ruri = v == null || v.isEmpty() ? m.ruri : RequestUriParts.withHostPort(m.requestUri(), v, null)));
        b.pv("rp", PvExport.Inner.NONE, true, n -> writable(m -> uriPart(m.requestUri(), u -> u.port() > 0 ? (Object) (long) u.port() : (Object) 5060L),
                (m, v) -> m.ruri = RequestUriParts.withHostPort(m.requestUri(), null, v == null ? "" : v)));
        ro(b, "ci", m -> m.msg.callId());
        ro(b, "mt", m -> m.msg.isRequest() ? 1L : 2L); // the message type (Kamailio's default log_prefix shows it)
        ro(b, "mf", m -> m.flags); // the message flags as a number (acc's records in tests show them)
        ro(b, "cs", m -> (long) m.msg.cseq().number());
        ro(b, "fu", m -> m.msg.from().uriString());
        ro(b, "fU", m -> m.msg.from().uri().user());
        ro(b, "fd", m -> m.msg.from().uri().host());
        ro(b, "ft", m -> m.msg.fromTag());
        ro(b, "tu", m -> m.msg.to().uriString());
        ro(b, "tU", m -> m.msg.to().uri().user());
        ro(b, "td", m -> m.msg.to().uri().host());
        ro(b, "tt", m -> m.msg.toTag());
        ro(b, "si", m -> m.from.source().getAddress().getHostAddress());
        ro(b, "sp", m -> (long) m.from.source().getPort());
        ro(b, "Ri", m -> m.from.localSocket().local().getAddress().getHostAddress());
        ro(b, "Rp", m -> (long) m.from.localSocket().local().getPort());
        ro(b, "pr", m -> m.from.protocol().text());
        ro(b, "proto", m -> m.from.protocol().text());
        ro(b, "ua", m -> m.msg.header("User-Agent"));
        ro(b, "rs", m -> m.msg.isResponse() ? (Object) (long) m.msg.statusCode() : null);
        ro(b, "rr", m -> m.msg.isResponse() ? m.msg.reasonPhrase() : null);
        ro(b, "ml", m -> (long) m.msg.length());
        ro(b, "mb", m -> new String(m.msg.toBytes(), StandardCharsets.UTF_8));
        b.pv("hdr", PvExport.Inner.REQUIRED, false, n -> (Pv) ctx -> ((MsgContext) ctx).msg.header(n.inner()));
        b.pv("ru", PvExport.Inner.NONE, true, n -> writable(m -> m.requestUri(), (m, v) -> m.ruri = v));
        b.pv("du", PvExport.Inner.NONE, true, n -> writable(m -> m.du, (m, v) -> m.du = v == null || v.isEmpty() ? null : v));
        b.pv("fs", PvExport.Inner.NONE, true, n -> writable(m -> m.forcedSocket == null ? null : m.forcedSocket.toString(),
                (m, v) -> m.forcedSocket = v == null ? null : socketNamed(core, v)));
        b.pv("avp", PvExport.Inner.REQUIRED, true, MessagePvs::avp);
        b.pv("xavp", PvExport.Inner.REQUIRED, true, n -> Xavps.pv(n.inner(), ctx -> ((MsgContext) ctx).xavps()));
    }

    private static void ro(ModuleExports.Builder b, String name, Function<MsgContext, Object> get) {
        b.pv(name, PvExport.Inner.NONE, false, n -> (Pv) ctx -> get.apply((MsgContext) ctx));
    }

    private static Pv writable(Function<MsgContext, Object> get, java.util.function.BiConsumer<MsgContext, String> set) {
        return new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                return get.apply((MsgContext) ctx);
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                set.accept((MsgContext) ctx, value == null ? null : value.toString());
            }
        };
    }

    /** $avp(name), $avp(s:name), $avp(i:12): a stack of values per name, newest first. */
    private static Pv avp(PvName n) {
        String name = n.inner().startsWith("s:") ? n.inner().substring(2) : n.inner();
        boolean all = "*".equals(n.index());
        Integer index = n.index() == null || all ? null : Integer.valueOf((int) Format.num(n.index()));
        return new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                return ((MsgContext) ctx).avps().get(name, index == null ? 0 : index);
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                Xavps avps = ((MsgContext) ctx).avps();
                if (value == null) {
                    avps.remove(name, index == null ? 0 : index, index == null); // $avp(x) = $null deletes them all
                } else if (index == null) {
                    avps.add(name, value);
                } else {
                    avps.set(name, index, value);
                }
            }
        };
    }

    private static SendSocket socketNamed(Core core, String spec) {
        for (SendSocket s : core.transport().sockets()) {
            String ip = s.local().getAddress().getHostAddress();
            String text = s.protocol().text() + ":" + ip + ":" + s.local().getPort();
            if (text.equalsIgnoreCase(spec) || (s.protocol().text() + ":" + ip).equalsIgnoreCase(spec)) {
                return s;
            }
        }
        return null;
    }

    private static Object uriPart(String uri, Function<SipUri, Object> part) {
        try {
            return uri == null ? null : part.apply(SipUri.parse(uri));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
