package io.sipway.proxy.module.rtpengine;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptFunction;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;
import io.sipway.proxy.module.Routes;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipMethod;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rtpengine (https://kamailio.org/docs/modules/5.6.x/modules/rtpengine.html): the media relay
 * rtpengine driven over its ng control protocol ({@link NgClient}, {@link Bencode}). {@code
 * rtpengine_offer}, {@code rtpengine_answer}, {@code rtpengine_manage} (which of offer, answer or
 * delete by method, reply code and body, as Kamailio chooses), {@code rtpengine_delete}, {@code
 * rtpengine_query}, {@code start_recording}, {@code stop_recording}, {@code set_rtpengine_set} and
 * {@code $rtpstat}. The flags become the dictionary as Kamailio 5.6 makes it ({@link NgRequest}); the
 * SDP rtpengine returns replaces the body (a text edit, Content-Length set when the message goes
 * out). The functions wait for rtpengine: they are mayWait, so a route calling them runs on a
 * worker. The database node list, the SDP pseudo-variables, setid_avp, extra_id_pv, MOS statistics
 * and the other ng commands (play_media, block_dtmf...) are not implemented: refused at load.
 */
public final class RtpengineModule {
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.rtpengine");
    private static final int ROUTES = Routes.R | Routes.O | Routes.F | Routes.B;

    private RtpengineModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("rtpengine", "https://kamailio.org/docs/modules/5.6.x/modules/rtpengine.html");
        Rtpengine rtp = new Rtpengine();
        b.paramParsed("rtpengine_sock", STR, "", "the instances: [set ==] udp:host:port[=weight] ...", v -> Nodes.parse(List.of(v)));
        b.param("rtpengine_disable_tout", INT, "60", "seconds an instance that did not answer stays disabled");
        b.param("rtpengine_tout_ms", INT, "1000", "milliseconds to wait for an answer before sending again");
        b.param("rtpengine_retr", INT, "5", "how many times a command is sent before the instance counts as down");
        b.param("queried_nodes_limit", INT, "10", "how many instances one command may try");
        b.param("rtpengine_allow_op", INT, "0", "1: a call's commands go to its instance even when it is disabled");
        b.param("setid_default", INT, "0", "the set used when set_rtpengine_set() chose none");
        b.param("hash_table_tout", INT, "3600", "seconds a call keeps its instance");
        b.paramWithoutEffect("hash_table_size", INT, "256", "the call table grows as needed", "256");
        b.paramOnly("hash_algo", INT, "0", "instances are chosen by Kamailio's legacy Call-ID sum", "0");
        b.paramWithoutEffect("aggressive_redetection", INT, "1", "a disabled instance is pinged again when all are disabled", "1");
        b.paramOnly("control_cmd_tos", INT, "-1", "the control packets' TOS is the system's", "-1");
        for (String p : List.of("db_url", "read_sdp_pv", "write_sdp_pv", "rtp_inst_pvar", "extra_id_pv", "setid_avp",
                "force_send_interface")) {
            b.paramOnly(p, STR, "", p + " is not implemented by Sipway", "");
        }
        b.paramOnly("table_name", STR, "rtpengine", "the database node list is not implemented", "rtpengine");

        offerAnswer(b, rtp, "rtpengine_offer", NgRequest.Op.OFFER, "the SDP offer to rtpengine; its answer replaces the body");
        offerAnswer(b, rtp, "rtpengine_answer", NgRequest.Op.ANSWER, "the SDP answer (a reply, or an ACK) to rtpengine; its SDP replaces the body");
        b.fn("rtpengine_manage", 0, 1, ROUTES, args -> {
            Format flags = flags(args);
            return ctx -> manage((MsgContext) ctx, rtp, flags == null ? null : flags.apply(ctx));
        }).x().mayWait().summary("offer, answer or delete as the method, the reply's code and the bodies say (Kamailio's rtpengine_manage)");
        simple(b, rtp, "rtpengine_delete", NgRequest.Op.DELETE, "ends the call's (or a branch's) media session");
        simple(b, rtp, "rtpengine_query", NgRequest.Op.QUERY, "asks rtpengine for the call's statistics");
        simple(b, rtp, "start_recording", NgRequest.Op.START_RECORDING, "asks rtpengine to record the call");
        simple(b, rtp, "stop_recording", NgRequest.Op.STOP_RECORDING, "asks rtpengine to stop recording the call");
        b.fn("set_rtpengine_set", 1, 2, ROUTES, args -> {
            long[] ids = new long[args.size()];
            for (int i = 0; i < ids.length; i++) {
                if (!args.get(i).isConstant()) {
                    throw new FunctionSpec.BadArgument(args.get(i), "Sipway takes the set id as a number");
                }
                ids[i] = NgRequest.atoi(args.get(i).constantString().trim());
            }
            return ctx -> setSet((MsgContext) ctx, rtp, ids);
        }).checkWithParams(RtpengineModule::setsConfigured).summary("the set (and, for the other side, a second set) the next commands for this message use");
        b.pv("rtpstat", PvExport.Inner.NONE, false, n -> (Pv) ctx -> rtpstat((MsgContext) ctx, rtp));
        b.rpc("rtpengine.show", "the instances (parameter: a URL, or \"all\"): set, weight, whether disabled", params -> show(rtp, params));
        b.onStart((script, host) -> start(core, rtp));
        return b.build();
    }

    /** rtpengine.show: each instance as Kamailio lists it (url, set, index, weight, disabled, recheck_ticks in seconds left). */
    static Object show(Rtpengine rtp, List<Object> params) throws io.sipway.proxy.module.RpcExport.RpcException {
        String which = params.isEmpty() ? "all" : String.valueOf(params.get(0));
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        long now = System.currentTimeMillis();
        rtp.nodes.sets.forEach((set, nodes) -> {
            for (int i = 0; i < nodes.size(); i++) {
                Nodes.Node n = nodes.get(i);
                if (which.equals("all") || which.equals(n.url)) {
                    Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("url", n.url);
                    m.put("set", (long) set);
                    m.put("index", (long) i);
                    m.put("weight", (long) n.weight);
                    m.put("disabled", n.disabled ? 1L : 0L);
                    m.put("recheck_ticks", n.disabled ? Math.max(0, (n.recheckAtMs - now) / 1000) : 0L);
                    out.add(m);
                }
            }
        });
        if (out.isEmpty()) {
            throw new io.sipway.proxy.module.RpcExport.RpcException(404, "Instance not found");
        }
        return out;
    }

    /** fixup_set_id: a set named by a constant must be one of rtpengine_sock's. */
    private static void setsConfigured(List<Arg> args, List<Ast.ModParam> params) {
        List<String> socks = params.stream().filter(p -> p.module().equals("rtpengine") && p.param().equals("rtpengine_sock"))
                .map(p -> String.valueOf(p.value())).toList();
        java.util.Set<Integer> ids;
        try {
            ids = Nodes.parse(socks).keySet();
        } catch (IllegalArgumentException e) {
            return; // the parameter's own check says what is wrong
        }
        for (Arg a : args) {
            if (!a.isConstant()) {
                continue; // the binder refuses it
            }
            int id = NgRequest.atoi(a.constantString().trim());
            if (!ids.contains(id)) {
                throw new FunctionSpec.BadArgument(a, "rtpp_proxy set " + id + " not configured");
            }
        }
    }

    private static Format flags(List<Arg> args) {
        return args.isEmpty() ? null : Format.of(args.get(0));
    }

    private static void offerAnswer(ModuleExports.Builder b, Rtpengine rtp, String name, NgRequest.Op op, String summary) {
        b.fn(name, 0, 1, ROUTES, args -> {
            Format flags = flags(args);
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                if (op == NgRequest.Op.ANSWER && m.msg.isRequest() && m.msg.method() != SipMethod.ACK) {
                    return -1; // rtpengine_answer1_f: of requests only an ACK carries an answer
                }
                return offerAnswer(m, rtp, flags == null ? null : flags.apply(ctx), op);
            };
        }).x().mayWait().summary(summary);
    }

    private static void simple(ModuleExports.Builder b, Rtpengine rtp, String name, NgRequest.Op op, String summary) {
        b.fn(name, 0, 1, ROUTES, args -> {
            Format flags = flags(args);
            ScriptFunction f = ctx -> {
                MsgContext m = (MsgContext) ctx;
                return rtp.call(m, op, flags == null ? null : flags.apply(ctx), null, rtp.set(m, 1)) == null ? -1 : 1;
            };
            return f;
        }).x().mayWait().summary(summary);
    }

    static void start(Core core, Rtpengine rtp) {
        Map<Integer, List<Nodes.Node>> sets = Nodes.parse(core.modparams("rtpengine", "rtpengine_sock"));
        int def = (int) num(core, "setid_default", "0");
        rtp.settings = new Rtpengine.Settings((int) Math.max(1, num(core, "rtpengine_retr", "5")),
                Math.max(1, num(core, "rtpengine_tout_ms", "1000")), num(core, "rtpengine_disable_tout", "60") * 1000,
                (int) Math.max(1, Math.min(30, num(core, "queried_nodes_limit", "10"))), num(core, "hash_table_tout", "3600") * 1000,
                def, num(core, "rtpengine_allow_op", "0") != 0);
        rtp.nodes = new Nodes(sets);
        core.onClose(rtp::close); // the control socket and its reader thread go with the proxy
        if (sets.isEmpty()) {
            return;
        }
        if (!sets.containsKey(def)) {
            throw new IllegalArgumentException("rtpengine: setid_default " + def + " is not a set of rtpengine_sock");
        }
        // Kamailio pings every instance when its processes start (build_rtpp_socks); here in the
        // background, so that a dead instance does not hold up the start: it is disabled when found
        Thread t = new Thread(() -> sets.values().forEach(l -> l.forEach(rtp::ping)), "sipway-rtpengine-ping");
        t.setDaemon(true);
        t.start();
    }

    private static long num(Core core, String p, String dflt) {
        return Long.parseLong(core.modparam("rtpengine", p, dflt).trim());
    }

    /** set_rtpengine_set_f: 1, or -2 when the set has no enabled instance, -1 when there is no such set. */
    private static long setSet(MsgContext m, Rtpengine rtp, long[] ids) {
        for (long id : ids) {
            List<Nodes.Node> set = rtp.nodes.sets.get((int) id);
            if (set == null) {
                LOG.error("could not locate rtpengine set {}", id);
                return -1;
            }
            if (set.stream().allMatch(n -> n.disabled)) {
                LOG.warn("rtpp: selected proxy set ID {} but it has no active node.", id);
                return -2;
            }
        }
        m.rtpengine = new Rtpengine.Chosen(m.msg, (int) ids[0], ids.length > 1 ? (int) ids[1] : null);
        return 1;
    }

    /**
     * rtpengine_rtpp_set_wrap with rtpengine_offer_answer: with two sets chosen, the first set's
     * answer SDP is what the second gets, and only the second's replaces the body.
     */
    static long offerAnswer(MsgContext m, Rtpengine rtp, String flags, NgRequest.Op op) {
        String sdp = Rtpengine.sdp(m.msg);
        if (sdp == null) {
            LOG.error("can't extract body from the message");
            return -1;
        }
        int first = op == NgRequest.Op.ANSWER ? 2 : 1;
        List<Nodes.Node> a = rtp.set(m, first);
        List<Nodes.Node> b = rtp.set(m, 3 - first);
        for (List<Nodes.Node> set : a == b ? List.of(a) : List.of(a, b)) {
            Map<String, Object> r = rtp.call(m, op, flags, sdp, set);
            if (r == null) {
                return -1;
            }
            if (!(r.get("sdp") instanceof String s)) {
                LOG.error("failed to extract sdp body from proxy reply");
                return -1;
            }
            sdp = s;
        }
        return replaceBody(m, sdp);
    }

    /** The body replaced by rtpengine's SDP (del_lump and insert_new_lump_after on the body). */
    private static long replaceBody(MsgContext m, String sdp) {
        if (m.textEdits == null) {
            m.textEdits = new Lumps.TextEdits(m.msg);
        }
        Lumps.TextEdits t = m.textEdits;
        return t.add("rtpengine", List.of(new Lumps.Edit(t.bodyStart, t.text.length(), sdp.getBytes(StandardCharsets.ISO_8859_1))));
    }

    /** Kamailio's rtpengine_manage: the operation from the CSeq method, the reply's code and whether there is SDP. */
    static long manage(MsgContext m, Rtpengine rtp, String flags) {
        SipMessage msg = m.msg;
        if (msg.cseq() == null) {
            LOG.error("no CSEQ header");
            return -1;
        }
        SipMethod method = msg.cseq().method();
        if (method != SipMethod.INVITE && method != SipMethod.ACK && method != SipMethod.CANCEL && method != SipMethod.BYE
                && method != SipMethod.UPDATE) {
            return -1;
        }
        if (method == SipMethod.CANCEL || method == SipMethod.BYE) {
            return delete(m, rtp, flags);
        }
        boolean sdp = Rtpengine.sdp(msg) != null;
        if (msg.isRequest()) {
            if (!sdp) {
                return -1;
            }
            if (method == SipMethod.ACK) {
                return offerAnswer(m, rtp, flags, NgRequest.Op.ANSWER);
            }
            if (method == SipMethod.UPDATE) {
                return offerAnswer(m, rtp, flags, NgRequest.Op.OFFER);
            }
            if (m.entryType() == Ast.RouteType.FAILURE) {
                return delete(m, rtp, flags);
            }
            return offerAnswer(m, rtp, flags, NgRequest.Op.OFFER);
        }
        if (msg.statusCode() >= 300) {
            return delete(m, rtp, flags);
        }
        if (!sdp) {
            return -1;
        }
        if (method == SipMethod.UPDATE || m.st == null) {
            return offerAnswer(m, rtp, flags, NgRequest.Op.ANSWER);
        }
        // the INVITE carried the offer: this reply is the answer; else the reply is the (late) offer
        boolean inviteHadSdp = Rtpengine.sdp(m.st.request()) != null;
        return offerAnswer(m, rtp, flags, inviteHadSdp ? NgRequest.Op.ANSWER : NgRequest.Op.OFFER);
    }

    private static long delete(MsgContext m, Rtpengine rtp, String flags) {
        return rtp.call(m, NgRequest.Op.DELETE, flags, null, rtp.set(m, 1)) == null ? -1 : 1;
    }

    /** $rtpstat: the totals of a query; only where waiting is allowed (a worker), else $null with an error. */
    static String rtpstat(MsgContext m, Rtpengine rtp) {
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        if (loop != null && loop.inEventLoop()) {
            LOG.error("$rtpstat waits for rtpengine: read it in a route that also calls an rtpengine function (so that it runs on a worker)");
            return null;
        }
        Map<String, Object> r = rtp.call(m, NgRequest.Op.QUERY, null, null, rtp.set(m, 1));
        Object tot = r == null ? null : r.get("totals");
        Object rtpT = tot instanceof Map<?, ?> t ? t.get("RTP") : null;
        Object rtcpT = tot instanceof Map<?, ?> t ? t.get("RTCP") : null;
        if (!(rtpT instanceof Map<?, ?> a) || !(rtcpT instanceof Map<?, ?> c)) {
            return null;
        }
        return "RTP: " + n(a, "bytes") + " bytes, " + n(a, "packets") + " packets, " + n(a, "errors") + " errors; RTCP: "
                + n(c, "bytes") + " bytes, " + n(c, "packets") + " packets, " + n(c, "errors") + " errors";
    }

    private static long n(Map<?, ?> d, String k) {
        return d.get(k) instanceof Long l ? l : -1;
    }
}
