package io.sipway.proxy.module.uac;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.LocalRequest;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ModuleHost;
import io.sipway.proxy.module.PvExport;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * uac (https://kamailio.org/docs/modules/5.6.x/modules/uac.html). Its request sending part is here:
 * {@code $uac_req(...)} and {@code uac_req_send()} (uac_send.c). The script fills {@code $uac_req}
 * (method, ruri, furi, turi, ouri, hdrs, body, callid, sock, evroute, evparam) and {@code uac_req_send()}
 * sends the request through tm as Kamailio's t_request does ({@link Core#request}): To and From
 * default to the Request-URI, ouri is the next hop (an outbound proxy). It returns -1 without a
 * Request-URI or method, or when the request cannot leave, else 1.
 *
 * <p>With {@code $uac_req(evroute)} set, the final reply (tm's own 408 on timeout included) runs
 * {@code event_route[uac:reply]} on the reply (evtype 1) or, for tm's own, Kamailio's faked message
 * (evtype 2), where {@code $uac_req(...)} reads the request that was sent and {@code evcode} the code.
 *
 * <p>{@code $uac_req} is kept per thread (Kamailio: per process, from message to message until
 * changed). With {@code $uac_req(auser)} and {@code $uac_req(apasswd)} a 401/407 is answered once
 * ({@link #authenticate}). The From/To replacement and uac_auth are {@link UacFunctions}', the
 * remote registrations {@link UacRegExports}'. Not implemented, so refused at load:
 * {@code $uac_req(flags)}, {@code restore_dlg=1}, and what the tables do not declare
 * (KamailioReference names them).
 */
public final class UacModule {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("uac");
    private static final Set<String> REFUSED = Set.of("flags");

    private final Core core;
    private final ThreadLocal<UacReq> current = ThreadLocal.withInitial(UacReq::new);
    private volatile CompiledScript.Entry replyRoute;
    private final UacReplace replace;
    private final UacAuth auth = new UacAuth();
    private final UacReg reg;

    private UacModule(Core core) {
        this.core = core;
        this.replace = new UacReplace(core);
        this.reg = new UacReg(core, () -> System.currentTimeMillis() / 1000);
    }

    public static ModuleExports exports(Core core) {
        return new UacModule(core).table();
    }

    private ModuleExports table() {
        ModuleExports.Builder b = ModuleExports.module("uac", "https://kamailio.org/docs/modules/5.6.x/modules/uac.html");
        b.pv("uac_req", PvExport.Inner.REQUIRED, true, this::pv, UacReq.NAMES);
        b.fn("uac_req_send", 0, 0, ANY, args -> ctx -> send())
                .summary("sends the request $uac_req describes through tm: 1 sent, -1 no ruri/method or not sent");
        b.eventRoute("uac:reply");
        UacFunctions.register(b, replace, auth);
        UacRegExports.register(b, reg, auth);
        b.onStart(this::start);
        return b.build();
    }

    private void start(CompiledScript script, ModuleHost host) {
        replyRoute = script.entry(Ast.RouteType.EVENT, "uac:reply");
        UacFunctions.start(core, script, host, replace, auth);
        UacRegExports.start(core, script, reg);
    }

    private Pv pv(PvName n) {
        String name = n.inner();
        if (REFUSED.contains(name)) {
            throw new IllegalArgumentException("$uac_req(" + name + "): Sipway does not implement uac_req_send's flags");
        }
        return new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                return current.get().get(name);
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                current.get().set(name, value);
            }
        };
    }

    /** uac_req_send(): the thread's $uac_req as it is now goes out; its copy answers the event route. */
    private long send() {
        UacReq r = current.get();
        if (r.ruri == null || r.method == null) {
            return -1;
        }
        UacReq sent = r.copy();
        SendSocket socket = null;
        if (sent.sock != null) {
            socket = socketNamed(sent.sock);
            if (socket == null) { // t_uac: "local socket not found"
                LOG.error("uac_req_send: no listener {}", sent.sock);
                return -1;
            }
        }
        LocalRequest req = new LocalRequest(sent.method, sent.ruri, sent.furi, sent.turi, sent.hdrs, sent.body, sent.ouri,
                sent.callid, socket);
        SendSocket leaves = socket;
        io.sipway.tm.LocalReplies replies = (request, code, reply) -> {
            if (code >= 200 && sent.evroute != 0) {
                replied(sent, code, reply);
            }
            if ((code == 401 || code == 407) && reply != null && sent.apasswd != null) {
                authenticate(sent, code, reply, leaves);
            }
        };
        return core.request(req, replies) ? 1 : -1;
    }

    /**
     * uac_send_tm_callback: a 401/407 to a request sent with {@code $uac_req(apasswd)} is answered
     * once, with auser and apasswd for the challenge's realm, within the same Call-ID and From tag
     * and the next CSeq (t_request_within with the dialog the reply gives); the final reply
     * of that one runs no event route (Kamailio sends it without a callback).
     */
    private void authenticate(UacReq sent, int code, SipMessage reply, SendSocket socket) {
        String challenge = reply.header(code == 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
        UacAuth.Challenge c = challenge == null ? null : UacAuth.parse(challenge);
        if (c == null) {
            LOG.error("failed to extract authenticate hdr");
            return;
        }
        UacAuth.Credential crd = new UacAuth.Credential(sent.auser == null ? "" : sent.auser, c.realm(), sent.apasswd);
        String header = (code == 401 ? "Authorization: " : "Proxy-Authorization: ")
                + UacAuth.authorization(c, crd, sent.method, sent.ruri, false) + "\r\n";
        String hdrs = sent.hdrs == null ? header : sent.hdrs + header;
        LocalRequest again = new LocalRequest(sent.method, sent.ruri, reply.from().uriString(), reply.to().uriString(), hdrs,
                sent.body, sent.ouri, reply.callId(), socket);
        if (!core.requestWithin(again, reply.fromTag(), reply.cseq().number() + 1, (request, c2, r2) -> { })) {
            LOG.error("failed to send request with authentication");
        }
    }

    /** event_route[uac:reply] for the final reply of a request sent with evroute (uac_req_run_event_route). */
    private void replied(UacReq sent, int code, SipMessage reply) {
        CompiledScript.Entry route = replyRoute;
        if (route == null) {
            return;
        }
        UacReq event = sent.copy();
        event.evcode = code;
        event.evtype = reply == null ? 2 : 1;
        MsgContext ctx = new MsgContext(reply != null ? reply : faked(), from());
        ctx.reply = reply; // the message the route runs on is the reply, as Kamailio's run_top_route on ps->rpl
        core.runEventRoute(route, ctx, "event_route[uac:reply]", run -> {
            UacReq before = current.get();
            current.set(event);
            try {
                run.run();
            } finally {
                current.set(before);
            }
        });
    }

    /** A listener by its Kamailio name, proto:ip:port (or proto:ip), as $fs names it. */
    private SendSocket socketNamed(String spec) {
        for (SendSocket s : core.transport().sockets()) {
            String ip = s.local().getAddress().getHostAddress();
            String text = s.protocol().text() + ":" + ip;
            if ((text + ":" + s.local().getPort()).equalsIgnoreCase(spec) || text.equalsIgnoreCase(spec)) {
                return s;
            }
        }
        return null;
    }

    /** Kamailio's faked message (core/fmsg.c) for tm's own final reply. */
    private static SipMessage faked() {
        return SipParser.parse(("OPTIONS sip:you@kamailio.org SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1\r\n"
                + "From: <sip:you@kamailio.org>;tag=notag\r\nTo: <sip:you@kamailio.org>;tag=notag\r\nCall-ID: 0\r\n"
                + "Max-Forwards: 0\r\nCSeq: 0 OPTIONS\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The event route's $si/$Ri: tm does not tell where the reply came from; the first listener stands in. */
    private ReceiveInfo from() {
        List<SendSocket> sockets = core.transport().sockets();
        return new ReceiveInfo(Protocol.UDP, new InetSocketAddress("127.0.0.1", 5060), sockets.isEmpty() ? null : sockets.get(0), 0);
    }
}
