package io.sipway.proxy.module.rtpproxy;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptFunction;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;
import io.sipway.proxy.module.RpcExport;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * rtpproxy (https://kamailio.org/docs/modules/5.6.x/modules/rtpproxy.html): media through an
 * rtpproxy (or rtpengine's rtpproxy-compatible listener) over its UDP control protocol
 * ({@link Control}, {@link Nodes}). rtpproxy_offer/answer/manage rewrite the SDP ({@link Offers});
 * rtpproxy_destroy (unforce_rtp_proxy), start_recording, the stream2 functions and $rtpstat send
 * their one command ({@link Commands}). The functions wait for the relay's answer: they are
 * mayWait, so a route calling them runs on a worker. Sets from a database, unix control sockets
 * and ICE relay candidates are not implemented: refused at load.
 */
public final class RtpproxyModule {
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;

    private RtpproxyModule() {
    }

    /** The module's settings, read at start. */
    record Settings(String nortpproxy, String timeoutSocket, Format extraId, Pv instance) {
    }

    /** The set chosen by set_rtp_proxy_set for one message (Kamailio's selected set and current_msg_id). */
    private record Selection(WeakReference<MsgContext> message, Nodes.RtppSet set) {
    }

    /** The running module: its instances, its sockets, and each thread's set selection. */
    static final class Running {
        volatile Settings settings = new Settings("a=nortpproxy:yes", "", null, null);
        volatile Nodes nodes = Nodes.of(Map.of(), new Control(5, 1, 60));
        volatile Control control = new Control(5, 1, 60);
        private final ThreadLocal<Selection> selection = new ThreadLocal<>();

        /** The set for this message: the one set_rtp_proxy_set chose in it, else the default (set 0). */
        Nodes.RtppSet selectedSet(MsgContext m) {
            Selection s = selection.get();
            return s != null && s.message().get() == m ? s.set() : nodes.defaultSet();
        }

        void select(MsgContext m, Nodes.RtppSet set) {
            selection.set(new Selection(new WeakReference<>(m), set));
        }

        /** rtp_inst_pvar: the instance a command went to. */
        void instanceChosen(MsgContext m, Nodes.Node node) {
            Pv pv = settings.instance();
            if (pv != null) {
                pv.set(m, node.url);
            }
        }

        /** The address the message arrived at (msg->rcv.dst_ip): the SDP's when the relay answers only a port. */
        String localAddress(MsgContext m) {
            return m.from.localSocket().local().getAddress().getHostAddress();
        }
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("rtpproxy", "https://kamailio.org/docs/modules/5.6.x/modules/rtpproxy.html");
        Running run = new Running();
        b.paramParsed("rtpproxy_sock", STR, "", "an rtpproxy set: [id ==] udp:host:port[=weight] ... (set 0 without an id)", v -> Nodes.ids(List.of(v)));
        b.param("rtpproxy_disable_tout", INT, "60", "seconds an instance that did not answer stays disabled");
        b.param("rtpproxy_retr", INT, "5", "how many times a command is sent before the instance is given up");
        b.param("rtpproxy_tout", INT, "1", "seconds each sending waits for the answer");
        b.param("nortpproxy_str", STR, "a=nortpproxy:yes", "the SDP line that marks a body as relayed (empty: none)");
        b.param("timeout_socket", STR, "", "appended to offers (U with a To tag): where rtpproxy reports timeouts");
        b.param("extra_id_pv", STR, "", "a format appended to the Call-ID (;value) with flag b");
        b.param("rtp_inst_pvar", STR, "", "a variable ($avp, $xavp, $var) given the URL of the instance each command went to");
        b.paramOnly("ice_candidate_priority_avp", STR, "", "ICE relay candidates are not inserted (not implemented)", "");
        b.paramOnly("db_url", STR, "", "sets are read from rtpproxy_sock only: a database of sets is not implemented", "");
        b.paramOnly("table_name", STR, "", "sets are read from rtpproxy_sock only: a database of sets is not implemented", "");

        offerLike(b, "rtpproxy_offer", run, true);
        offerLike(b, "rtpproxy_answer", run, false);
        b.fn("rtpproxy_manage", 0, 2, ANY, args -> {
            Format flags = args.isEmpty() ? null : Format.of(args.get(0));
            Format ip = args.size() < 2 ? null : Format.of(args.get(1));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                return Commands.manage(run, m, flags == null ? null : flags.apply(m), ip == null ? null : ip.apply(m));
            };
        }).x().mayWait().summary("offer, answer or destroy, as the message is (INVITE, ACK, UPDATE, PRACK, BYE, CANCEL, replies)");
        for (String name : List.of("rtpproxy_destroy", "unforce_rtp_proxy")) {
            b.fn(name, 0, 1, ANY, args -> {
                Format flags = args.isEmpty() ? null : Format.of(args.get(0));
                return ctx -> Commands.destroy(run, (MsgContext) ctx, flags == null ? null : flags.apply((MsgContext) ctx));
            }).x().mayWait().summary("deletes the call's session on the relay (D); flags 1, 2, 3 (Via branch), t (no To tag), b");
        }
        b.fn("set_rtp_proxy_set", 1, 1, ANY, args -> setSelector(run, args.get(0)))
                .checkWithParams(RtpproxyModule::checkSet)
                .summary("the set (its id, or a variable holding it) the next commands of this message use");
        b.fn("start_recording", 0, 0, ANY, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            return Commands.tagged(run, m, "R", "", " ", "", !m.msg.isRequest(), false, "start_recording") == null ? -1 : 1;
        }).mayWait().summary("asks the relay to record the call (R)");
        streams(b, run);
        b.pv("rtpstat", PvExport.Inner.NONE, false, n -> (Pv) ctx -> {
            // on an event loop (a route that calls no rtpproxy function) it is $null, logged: it would wait there
            MsgContext m = (MsgContext) ctx;
            String a = Commands.tagged(run, m, "Q", "", ";1 ", "", !m.msg.isRequest(), false, "$rtpstat");
            return a == null || a.isEmpty() ? null : a;
        });
        b.rpc("rtpproxy.list", "the rtpproxy instances: set, url, index, disabled, weight, recheck", params -> list(run));
        b.rpc("rtpproxy.enable", "enables (1) or disables (0) the instances of that url", params -> enable(run, params));
        b.onStart((script, host) -> {
            run.control.close();
            Control control = new Control(intParam(core, "rtpproxy_retr", 5), intParam(core, "rtpproxy_tout", 1),
                    intParam(core, "rtpproxy_disable_tout", 60));
            String extra = core.modparam("rtpproxy", "extra_id_pv", "");
            String inst = core.modparam("rtpproxy", "rtp_inst_pvar", "");
            Pv instPv = inst.isEmpty() ? null : host.pvFromText(inst);
            if (!inst.isEmpty() && instPv == null) {
                throw new IllegalArgumentException("rtpproxy: Invalid pvar name <" + inst + ">");
            }
            String nortp = core.modparam("rtpproxy", "nortpproxy_str", "a=nortpproxy:yes").replaceAll("[\r\n]+$", "");
            run.settings = new Settings(nortp, core.modparam("rtpproxy", "timeout_socket", ""),
                    extra.isEmpty() ? null : Format.of(Arg.constant(extra, "\"" + extra + "\"").withPvCompiler(host::pvFromText)), instPv);
            run.control = control;
            run.nodes = Nodes.of(Nodes.parse(core.modparams("rtpproxy", "rtpproxy_sock")), control);
            run.nodes.testAll();
            core.onClose(control::close);
        });
        return b.build();
    }

    private static int intParam(Core core, String name, int dflt) {
        return (int) Format.num(core.modparam("rtpproxy", name, Integer.toString(dflt)).trim());
    }

    /**
     * rtpproxy_offer/rtpproxy_answer([flags[, ip]]): without ip, the SDP gets the relay's address
     * (the proxy's own when it answers a port only); with it, that address. An answer in a request
     * is only for ACK (-1 otherwise).
     */
    private static void offerLike(ModuleExports.Builder b, String name, Running run, boolean offer) {
        b.fn(name, 0, 2, ANY, args -> {
            Format flags = args.isEmpty() ? null : Format.of(args.get(0));
            Format ip = args.size() < 2 ? null : Format.of(args.get(1));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                if (!offer && m.msg.isRequest() && !m.msg.methodName().equals("ACK")) {
                    return -1;
                }
                String f = flags == null ? null : flags.apply(m);
                return ip == null ? Offers.force(run, m, f, run.localAddress(m), offer, false)
                        : Offers.force(run, m, f, ip.apply(m), offer, true);
            };
        }).x().mayWait().summary(offer ? "U: the SDP's streams through the relay (an offer); flags a i e l r c o x w z f 1 2 3 b"
                : "L: the SDP's streams through the relay (an answer; in a request, ACK only); the offer's flags");
    }

    /** rtpproxy_stream2uac/uas(prompt, count) (P) and rtpproxy_stop_stream2uac/uas() (S). */
    private static void streams(ModuleExports.Builder b, Running run) {
        for (boolean uac : new boolean[] {true, false}) {
            String side = uac ? "uac" : "uas";
            b.fn("rtpproxy_stream2" + side, 2, 2, ANY, args -> {
                Format prompt = Format.of(args.get(0));
                long count = Format.num(args.get(1).constantString().trim());
                return ctx -> {
                    MsgContext m = (MsgContext) ctx;
                    return Commands.tagged(run, m, "P" + count, " " + prompt.apply(m) + " session", ";1 ", ";1", !uac, true,
                            "rtpproxy_stream2" + side) == null ? -1 : 1;
                };
            }).check(a -> {
                String c = a.get(1).isConstant() ? a.get(1).constantString().trim() : "";
                if (!c.matches("[-+]?\\d{1,9}")) {
                    throw new FunctionSpec.BadArgument(a.get(1), "bad number <" + c + ">: the count is a constant integer (-1: for ever)");
                }
            }).mayWait().summary("plays a prompt file to the " + (uac ? "caller" : "callee") + " count times (P)");
            b.fn("rtpproxy_stop_stream2" + side, 0, 0, ANY, args -> ctx -> {
                MsgContext m = (MsgContext) ctx;
                return Commands.tagged(run, m, "S", "", ";1 ", ";1", !uac, true, "rtpproxy_stop_stream2" + side) == null ? -1 : 1;
            }).mayWait().summary("stops the prompt played to the " + (uac ? "caller" : "callee") + " (S)");
        }
    }

    /** set_rtp_proxy_set: a constant id (its set must exist) or a variable holding an integer. */
    private static ScriptFunction setSelector(Running run, Arg a) {
        if (a.isConstant() && !a.constantString().trim().startsWith("$")) {
            long id = Format.num(a.constantString().trim());
            return ctx -> {
                Nodes.RtppSet s = run.nodes.set(id);
                if (s == null) {
                    Control.LOG.error("could not locate rtpproxy set {}", id);
                    return -1;
                }
                run.select((MsgContext) ctx, s);
                return 1;
            };
        }
        return ctx -> {
            Object v = a.get(ctx);
            if (!(v instanceof Number n)) {
                Control.LOG.error("pv param must hold an integer value");
                return -1;
            }
            Nodes.RtppSet s = run.nodes.set(n.longValue());
            if (s == null) {
                Control.LOG.error("could not locate rtpproxy set {}", n);
                return -1;
            }
            run.select((MsgContext) ctx, s);
            return 1;
        };
    }

    private static void checkSet(List<Arg> args, List<Ast.ModParam> params) {
        Arg a = args.get(0);
        if (!a.isConstant() || a.constantString().trim().startsWith("$")) {
            return;
        }
        String text = a.constantString().trim();
        if (!text.matches("\\d{1,9}")) {
            throw new FunctionSpec.BadArgument(a, "bad number <" + text + ">");
        }
        List<String> socks = new ArrayList<>();
        for (Ast.ModParam p : params) {
            if (p.module().equals("rtpproxy") && p.param().equals("rtpproxy_sock")) {
                socks.add(String.valueOf(p.value()));
            }
        }
        if (!Nodes.ids(socks).contains(Long.parseLong(text))) {
            throw new FunctionSpec.BadArgument(a, "rtpp_proxy set " + text + " not configured");
        }
    }

    private static Object list(Running run) {
        List<Object> out = new ArrayList<>();
        for (Nodes.RtppSet s : run.nodes.sets().values()) {
            for (Nodes.Node n : s.nodes()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("setid", s.id());
                e.put("url", n.url);
                e.put("index", n.index);
                e.put("disabled", n.disabled ? 1 : 0);
                e.put("weight", n.weight);
                e.put("recheck", n.recheckAtMs == Long.MAX_VALUE ? -1 : Math.max(0, (n.recheckAtMs - Nodes.now()) / 1000));
                out.add(e);
            }
        }
        return out;
    }

    private static Object enable(Running run, List<Object> params) throws RpcExport.RpcException {
        if (params.size() < 2) {
            throw new RpcExport.RpcException(500, "Not enough parameters");
        }
        String url = String.valueOf(params.get(0));
        boolean on = Format.num(String.valueOf(params.get(1))) != 0;
        boolean found = false;
        for (Nodes.RtppSet s : run.nodes.sets().values()) {
            for (Nodes.Node n : s.nodes()) {
                if (n.url.equals(url)) {
                    found = true;
                    n.recheckAtMs = on ? 0 : Long.MAX_VALUE;
                    n.disabled = !on;
                }
            }
        }
        if (!found) {
            throw new RpcExport.RpcException(404, "RTPProxy not found");
        }
        return null;
    }
}
