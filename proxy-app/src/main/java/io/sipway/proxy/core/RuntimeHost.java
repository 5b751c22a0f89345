package io.sipway.proxy.core;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ScriptFunction;
import io.sipway.cfg.ScriptHost;
import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.script.CheckHost;
import io.sipway.sip.Address;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipUri;
import io.sipway.transport.SendSocket;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The script's view of the running proxy: the functions and pseudo-variables Sipway implements,
 * with the check host's arity, route and fixup checks in front of each. A function check mode knows
 * but the proxy does not implement yet is refused when the script is loaded, naming it.
 */
public final class RuntimeHost implements ScriptHost {
    private static final Logger XLOG = LoggerFactory.getLogger("xlog");

    private final CheckHost check;
    private final Core core;
    private final Map<String, FunctionSpec.Binder> functions = new HashMap<>();
    private final Map<String, Function<PvName, Pv>> pvs = new HashMap<>();

    public RuntimeHost(CheckHost check, Core core) {
        this.check = check;
        this.core = core;
        functions();
        pseudoVariables();
        Registry registry = new Registry() {
            @Override
            public void function(String name, FunctionSpec.Binder binder) {
                functions.put(name, binder);
            }

            @Override
            public void pv(String name, Function<PvName, Pv> factory) {
                pvs.put(name, factory);
            }

            @Override
            public Format format(Arg a) {
                return RuntimeHost.this.format(a);
            }

            @Override
            public Core core() {
                return core;
            }
        };
        ModuleFunctions.register(registry);
    }

    /**
     * Where a module's runtime functions and pseudo-variables are registered (by name, bound at
     * load time behind check mode's arity and fixup checks). The binder receives the call's
     * arguments; a ScriptContext given to a bound function is a {@link MsgContext}.
     */
    interface Registry {
        void function(String name, FunctionSpec.Binder binder);

        void pv(String name, Function<PvName, Pv> factory);

        /** A string argument with $pv references inside, compiled once. */
        Format format(Arg a);

        Core core();
    }

    /** The leading integer of a value (Kamailio's str2int on a reply code and the like); 0 when there is none. */
    static long num(String s) {
        String t = s.trim();
        int i = 0;
        boolean neg = i < t.length() && t.charAt(i) == '-';
        if (neg) {
            i++;
        }
        long v = 0;
        for (; i < t.length() && Character.isDigit(t.charAt(i)); i++) {
            v = v * 10 + (t.charAt(i) - '0');
        }
        return neg ? -v : v;
    }

    private static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    private static String str(Arg a, ScriptContext ctx) {
        Object v = a.get(ctx);
        return v == null ? "" : v.toString();
    }

    private void fn(String name, FunctionSpec.Binder binder) {
        functions.put(name, binder);
    }

    // ---- functions -------------------------------------------------------------------------------

    private void functions() {
        // sl
        fn("sl_send_reply", args -> {
            Format code = format(args.get(0));
            Format reason = format(args.get(1));
            return ctx -> {
                int n = (int) num(code.apply(ctx));
                core.statelessReply(c(ctx), n, reason.apply(ctx));
                return 1;
            };
        });
        fn("send_reply", args -> {
            Format code = format(args.get(0));
            Format reason = format(args.get(1));
            return ctx -> {
                MsgContext m = c(ctx);
                int n = (int) num(code.apply(ctx));
                if (m.st != null) {
                    core.tm().reply(m.st, n, reason.apply(ctx));
                } else {
                    core.statelessReply(m, n, reason.apply(ctx));
                }
                return 1;
            };
        });
        fn("sl_reply_error", args -> ctx -> {
            MsgContext m = c(ctx);
            if (m.delayedError != 0) {
                return 1; // tm answers when the script ends (delayed reply)
            }
            core.statelessReply(m, 500, "Server Internal Error");
            return 1;
        });
        // maxfwd
        fn("mf_process_maxfwd_header", args -> {
            int limit = (int) num(args.get(0).constantString());
            return ctx -> {
                MsgContext m = c(ctx);
                if (!m.msg.hasHeader("Max-Forwards")) {
                    m.maxForwards = limit;
                    return 2;
                }
                int v = m.msg.maxForwards();
                if (v <= 0) {
                    return -1;
                }
                m.maxForwards = Math.min(v, limit > 0 ? Integer.MAX_VALUE : v) - 1;
                return 1;
            };
        });
        // siputils, textops
        fn("has_totag", args -> ctx -> c(ctx).msg.toTag() != null ? 1 : -1);
        fn("is_request", args -> ctx -> c(ctx).msg.isRequest() ? 1 : -1);
        fn("is_reply", args -> ctx -> c(ctx).msg.isResponse() ? 1 : -1);
        fn("is_method", args -> {
            String[] methods = args.get(0).constantString().split("\\|");
            return ctx -> {
                SipMessage m = c(ctx).msg;
                String method = m.isRequest() ? m.methodName() : m.cseq().methodName();
                for (String x : methods) {
                    if (x.equalsIgnoreCase(method)) {
                        return 1;
                    }
                }
                return -1;
            };
        });
        fn("remove_hf", args -> {
            String name = args.get(0).constantString();
            return ctx -> {
                MsgContext m = c(ctx);
                if (!m.msg.hasHeader(name)) {
                    return -1;
                }
                m.removed.add(name);
                return 1;
            };
        });
        fn("is_present_hf", args -> {
            String name = args.get(0).constantString();
            return ctx -> c(ctx).msg.hasHeader(name) ? 1 : -1;
        });
        fn("has_body", args -> ctx -> c(ctx).msg.bodyLength() > 0 ? 1 : -1);
        // rr
        fn("record_route", args -> {
            String params = args.isEmpty() ? "" : args.get(0).constantString();
            return ctx -> {
                MsgContext m = c(ctx);
                m.recordRoute = true;
                m.recordRouteParams = m.recordRouteParams + params; // add_rr_param() may have come first
                return 1;
            };
        });
        fn("loose_route", args -> ctx -> looseRoute(c(ctx)));
        // tm
        fn("t_check_trans", args -> ctx -> {
            MsgContext m = c(ctx);
            return switch (core.tm().check(m.msg, m.from)) {
                case NOT_FOUND -> -1;
                case RETRANSMISSION, ACK_ABSORBED -> 0;
                case FOUND_FOR_CANCEL -> 1;
            };
        });
        fn("t_newtran", args -> ctx -> core.transaction(c(ctx)) == null ? 0 : 1);
        fn("t_relay", args -> ctx -> core.relay(c(ctx)));
        fn("t_reply", args -> {
            Format code = format(args.get(0));
            Format reason = format(args.get(1));
            return ctx -> {
                MsgContext m = c(ctx);
                if (core.transaction(m) == null) {
                    return 0;
                }
                core.tm().reply(m.st, (int) num(code.apply(ctx)), reason.apply(ctx));
                return 1;
            };
        });
        // the t_on_* functions take their route's handle once, here; arming it per message is a store
        fn("t_on_failure", args -> {
            RouteRef route = armed(Ast.RouteType.FAILURE, args.get(0));
            return ctx -> {
                MsgContext m = c(ctx);
                m.failureRoute = route;
                if (m.st != null) {
                    m.st.failureRoute = route;
                }
                return 1;
            };
        });
        fn("t_on_reply", args -> {
            RouteRef route = armed(Ast.RouteType.ONREPLY, args.get(0));
            return ctx -> {
                c(ctx).onReplyRoute = route;
                return 1;
            };
        });
        fn("t_on_branch", args -> {
            RouteRef route = armed(Ast.RouteType.BRANCH, args.get(0));
            return ctx -> {
                c(ctx).branchRoute = route;
                return 1;
            };
        });
        fn("t_set_fr", args -> {
            Millis inv = millis(args.get(0));
            Millis nonInv = args.size() > 1 ? millis(args.get(1)) : ctx -> 0;
            return ctx -> {
                MsgContext m = c(ctx);
                long i = inv.get(ctx);
                long n = nonInv.get(ctx);
                if (m.st != null) {
                    core.tm().setFr(m.st, i, n); // this transaction, its running branches too
                } else {
                    // for the transaction t_relay (or t_newtran) creates; 0 keeps the module's value
                    m.frInvTimeout = i > 0 ? i : m.frInvTimeout;
                    m.frTimeout = n > 0 ? n : m.frTimeout;
                }
                return 1;
            };
        });
        fn("t_reset_fr", args -> ctx -> {
            MsgContext m = c(ctx);
            if (m.st != null) {
                core.tm().resetFr(m.st);
            } else {
                m.frInvTimeout = 0;
                m.frTimeout = 0;
            }
            return 1;
        });
        // failure_route: how the failed branch ended; elsewhere false, as in Kamailio
        fn("t_branch_timeout", args -> ctx -> c(ctx).branchTimedOut ? 1 : -1);
        fn("t_branch_replied", args -> ctx -> c(ctx).branchReplied ? 1 : -1);
        fn("t_any_timeout", args -> ctx -> c(ctx).st != null && c(ctx).st.anyTimedOut() ? 1 : -1);
        fn("t_any_replied", args -> ctx -> c(ctx).st != null && c(ctx).st.anyReplied() ? 1 : -1);
        for (String proto : new String[] {"udp", "tcp", "tls"}) {
            fn("t_relay_to_" + proto, args -> {
                Format host = args.isEmpty() ? null : format(args.get(0));
                Format port = args.size() < 2 ? null : format(args.get(1));
                return ctx -> {
                    MsgContext m = c(ctx);
                    if (host != null) {
                        m.du = "sip:" + host.apply(ctx) + (port == null ? "" : ":" + port.apply(ctx)) + ";transport=" + proto;
                    }
                    return core.relay(m);
                };
            });
        }
        fn("t_is_canceled", args -> ctx -> c(ctx).st != null && c(ctx).st.canceled() ? 1 : -1);
        fn("t_check_status", args -> {
            java.util.regex.Pattern p = io.sipway.cfg.PosixRegex.compile(args.get(0).constantString(), 0); // POSIX, as Kamailio
            return ctx -> {
                MsgContext m = c(ctx);
                int code = m.reply != null ? m.reply.statusCode() : m.st != null ? m.st.bestCode() : 0;
                return p.matcher(Integer.toString(code)).matches() ? 1 : -1;
            };
        });
        // core
        fn("append_branch", args -> {
            Format uri = args.isEmpty() ? null : format(args.get(0));
            return ctx -> {
                MsgContext m = c(ctx);
                m.branches.add(new String[] {uri == null ? m.requestUri() : uri.apply(ctx), null});
                return 1;
            };
        });
        fn("setflag", args -> {
            long bit = 1L << num(args.get(0).constantString());
            return ctx -> {
                c(ctx).flags |= bit;
                return 1;
            };
        });
        fn("resetflag", args -> {
            long bit = 1L << num(args.get(0).constantString());
            return ctx -> {
                c(ctx).flags &= ~bit;
                return 1;
            };
        });
        fn("isflagset", args -> {
            long bit = 1L << num(args.get(0).constantString());
            return ctx -> (c(ctx).flags & bit) != 0 ? 1 : -1;
        });
        // branch flags: those of branch 0, the request's own (append_branch branches start without)
        for (String[] f : new String[][] {{"setbflag", "set"}, {"resetbflag", "reset"}, {"isbflagset", "is"}}) {
            fn(f[0], args -> {
                long bit = 1L << num(args.get(0).constantString());
                Arg branch = args.size() > 1 ? args.get(1) : null;
                return ctx -> {
                    MsgContext m = c(ctx);
                    if (branch != null && num(str(branch, ctx)) != 0) {
                        return -1; // only branch 0 keeps flags in Sipway
                    }
                    switch (f[1]) {
                        case "set" -> m.bflags |= bit;
                        case "reset" -> m.bflags &= ~bit;
                        default -> {
                            return (m.bflags & bit) != 0 ? 1 : -1;
                        }
                    }
                    return 1;
                };
            });
        }
        // tm: whether a route is armed; whether a transaction for the request exists already
        fn("t_is_set", args -> {
            String target = args.get(0).constantString();
            if (!List.of("branch_route", "failure_route", "onreply_route").contains(target)) {
                throw new FunctionSpec.BadArgument(args.get(0), "is branch_route, failure_route or onreply_route, not '" + target + "'");
            }
            return ctx -> {
                MsgContext m = c(ctx);
                boolean set = switch (target) {
                    case "branch_route" -> m.branchRoute != null;
                    case "failure_route" -> m.failureRoute != null || (m.st != null && m.st.failureRoute != null);
                    default -> m.onReplyRoute != null || (m.st != null && m.st.onReplyRoute != null);
                };
                return set ? 1 : -1;
            };
        });
        fn("t_precheck_trans", args -> ctx -> {
            MsgContext m = c(ctx);
            return m.msg.isRequest() && core.tm().find(m.msg) != null ? 1 : -1;
        });
        // core: stream connections a reply or a forwarded request may not open, or closes after sending
        fn("set_reply_no_connect", args -> ctx -> {
            MsgContext m = c(ctx);
            m.replyTo = m.replyTo == null ? null : m.replyTo.withNoConnect();
            return 1;
        });
        fn("set_reply_close", args -> ctx -> {
            MsgContext m = c(ctx);
            m.replyTo = m.replyTo == null ? null : m.replyTo.withCloseAfterSend();
            return 1;
        });
        fn("set_forward_no_connect", args -> ctx -> {
            c(ctx).forwardNoConnect = true;
            return 1;
        });
        // xhttp and websocket: answering event_route[xhttp:request]
        fn("ws_handle_handshake", args -> ctx -> {
            MsgContext m = c(ctx);
            if (m.httpUri == null) {
                return -1; // not an HTTP request
            }
            m.httpAnswer = io.sipway.transport.WebSocketUpgrade.Answer.UPGRADE;
            return 1;
        });
        fn("xhttp_reply", args -> {
            Format code = format(args.get(0));
            Format reason = format(args.get(1));
            Format ctype = format(args.get(2));
            Format body = format(args.get(3));
            return ctx -> {
                MsgContext m = c(ctx);
                if (m.httpUri == null) {
                    return -1;
                }
                m.httpAnswer = new io.sipway.transport.WebSocketUpgrade.Answer((int) num(code.apply(ctx)), reason.apply(ctx),
                        ctype.apply(ctx), body.apply(ctx));
                return 1;
            };
        });
        // corex is_myself(uri or host), core isdsturiset()
        fn("is_myself", args -> {
            Format what = format(args.get(0));
            return ctx -> isMyself(ctx, "is_myself", what.apply(ctx)) ? 1 : -1;
        });
        fn("isdsturiset", args -> ctx -> c(ctx).du != null ? 1 : -1);
        fn("force_rport", args -> ctx -> {
            c(ctx).forceRport = true;
            return 1;
        });
        functions.put("add_rport", functions.get("force_rport"));
        // core forward(): stateless, to $du / the R-URI, or to host[, port]; forward_udp/tcp/tls force the transport
        for (String[] f : new String[][] {{"forward", null}, {"forward_udp", "udp"}, {"forward_tcp", "tcp"}, {"forward_tls", "tls"}}) {
            io.sipway.transport.Protocol proto = f[1] == null ? null : io.sipway.transport.Protocol.of(f[1]);
            fn(f[0], args -> {
                Format host = args.isEmpty() ? null : format(args.get(0));
                Arg port = args.size() > 1 ? args.get(1) : null;
                return ctx -> {
                    MsgContext m = c(ctx);
                    if (!m.msg.isRequest()) {
                        return -1; // replies go back by their Via, not by forward()
                    }
                    return core.forward(m, host == null ? null : host.apply(ctx), port == null ? 0 : (int) num(str(port, ctx)), proto);
                };
            });
        }
        // xlog
        for (String[] level : new String[][] {{"xlog", "L_INFO"}, {"xdbg", "L_DBG"}, {"xinfo", "L_INFO"}, {"xnotice", "L_NOTICE"},
                {"xwarn", "L_WARN"}, {"xerr", "L_ERR"}}) {
            fn(level[0], args -> {
                // xlog([facility,] [level,] text): the level is the argument before the text
                Arg levelArg = args.size() > 1 ? args.get(args.size() - 2) : args.get(0);
                String lvl = args.size() > 1 ? levelArg.constantString() : level[1];
                int n = kamailioLevel(lvl, levelArg);
                Format text = format(args.get(args.size() - 1));
                return ctx -> {
                    if (n > core.debug()) {
                        return 1; // above the debug= level: Kamailio does not print it
                    }
                    String line = text.apply(ctx);
                    line = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
                    if (n < 0) {
                        XLOG.error(line);
                    } else if (n == 0) {
                        XLOG.warn(line);
                    } else if (n < 3) {
                        XLOG.info(line);
                    } else {
                        XLOG.debug(line);
                    }
                    return 1;
                };
            });
        }
    }

    /** Kamailio's log level numbers: L_ALERT -5, L_BUG -4, L_CRIT2 -3, L_CRIT -2, L_ERR -1, L_WARN 0, L_NOTICE 1, L_INFO 2, L_DBG 3. */
    private static int kamailioLevel(String name, Arg at) {
        return switch (name) {
            case "L_ALERT" -> -5;
            case "L_BUG" -> -4;
            case "L_CRIT2" -> -3;
            case "L_CRIT" -> -2;
            case "L_ERR" -> -1;
            case "L_WARN" -> 0;
            case "L_NOTICE" -> 1;
            case "L_INFO" -> 2;
            case "L_DBG" -> 3;
            default -> throw new FunctionSpec.BadArgument(at, "log level " + name
                    + " is not one of L_ALERT, L_BUG, L_CRIT2, L_CRIT, L_ERR, L_WARN, L_NOTICE, L_INFO, L_DBG");
        };
    }

    /** The route a t_on_* call names ({@code "0"}: none), its handle taken at load time. */
    private RouteRef armed(Ast.RouteType type, Arg name) {
        String n = name.constantString();
        return n.equals("0") ? null : core.route(type, n);
    }

    /** A time argument in ms: a constant read once, or a pseudo-variable read per call. */
    private interface Millis {
        long get(ScriptContext ctx);
    }

    private static Millis millis(Arg a) {
        if (a.isConstant()) {
            long v = a.constant() instanceof Long n ? n : num(a.constantString());
            return ctx -> v;
        }
        return ctx -> {
            Object v = a.get(ctx);
            return v instanceof Long n ? n : v == null ? 0 : num(v.toString());
        };
    }

    /** rr's loose_route(): drops the Route entries that name us, the next Route (if any) becomes $du. */
    /**
     * rr's loose_route(): a top Route naming us is taken off; when it carries {@code r2=on} (a double
     * Record-Route) the next one, ours too, is taken off as well and names the socket the request
     * leaves from (its host, port and transport; {@code ws} is looked for among the tcp listeners,
     * then the tls ones). A Route left over becomes {@code $du}; none: the R-URI decides.
     */
    private long looseRoute(MsgContext m) {
        List<Address> routes = m.msg.routes();
        if (routes.isEmpty()) {
            return -1;
        }
        SipUri top;
        try {
            top = routes.get(0).uri();
        } catch (RuntimeException e) {
            return -1;
        }
        if (!core.isMyself(top.host(), top.port(), null)) {
            m.du = routes.get(0).uriString(); // a preloaded route to someone else: send it there
            return 1;
        }
        int removed = 1;
        if ("on".equalsIgnoreCase(top.param("r2")) && routes.size() > 1) {
            try {
                SipUri second = routes.get(1).uri();
                if (core.isMyself(second.host(), second.port(), null)) {
                    removed = 2;
                    SendSocket out = listenerFor(second);
                    if (out != null) {
                        m.forcedSocket = out;
                    }
                }
            } catch (RuntimeException e) {
                // a second Route that does not parse stays for the next hop
            }
        }
        m.routesToRemove = removed;
        if (removed < routes.size()) {
            m.du = routes.get(removed).uriString();
        }
        return 1;
    }

    /** The listener a Route URI of ours names: its port and transport (ws: tcp listeners, then tls ones). */
    private SendSocket listenerFor(SipUri u) {
        String t = u.transport() == null ? "udp" : u.transport().toLowerCase(java.util.Locale.ROOT);
        List<io.sipway.transport.Protocol> kinds = switch (t) {
            case "ws" -> List.of(io.sipway.transport.Protocol.TCP, io.sipway.transport.Protocol.TLS);
            case "wss", "tls" -> List.of(io.sipway.transport.Protocol.TLS);
            case "tcp" -> List.of(io.sipway.transport.Protocol.TCP);
            default -> List.of(io.sipway.transport.Protocol.UDP);
        };
        int port = u.port() > 0 ? u.port() : t.equals("tls") || t.equals("wss") ? 5061 : 5060;
        for (io.sipway.transport.Protocol kind : kinds) {
            for (SendSocket s : core.transport().sockets()) {
                if (s.protocol() == kind && s.local().getPort() == port && core.isMyself(u.host(), port, null)) {
                    return s;
                }
            }
        }
        return null;
    }

    // ---- formats: strings with $pv inside ---------------------------------------------------------

    /** A function argument: a constant with $pv references (xlog, sl_send_reply reasons), compiled once. */
    interface Format {
        String apply(ScriptContext ctx);
    }

    Format format(Arg a) {
        if (!a.isConstant()) {
            return ctx -> String.valueOf(a.get(ctx));
        }
        String s = a.constantString();
        if (s.indexOf('$') < 0) {
            return ctx -> s;
        }
        List<Object> parts = new ArrayList<>();
        int i = 0;
        StringBuilder lit = new StringBuilder();
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (ch != '$' || i + 1 >= s.length()) {
                lit.append(ch);
                i++;
                continue;
            }
            int end = pvEnd(s, i);
            if (end <= i + 1) {
                lit.append(ch);
                i++;
                continue;
            }
            String pvText = s.substring(i, end);
            ValueSource pv = a.compilesPseudoVariables() ? a.pseudoVariable(pvText) : pvFromText(pvText);
            if (pv == null) {
                lit.append(pvText);
            } else {
                parts.add(lit.toString());
                lit.setLength(0);
                parts.add(pv);
            }
            i = end;
        }
        parts.add(lit.toString());
        Object[] p = parts.toArray();
        return ctx -> {
            StringBuilder b = new StringBuilder();
            for (Object o : p) {
                if (o instanceof String str) {
                    b.append(str);
                } else {
                    Object v = ((ValueSource) o).get(ctx);
                    b.append(v == null ? "<null>" : v);
                }
            }
            return b.toString();
        };
    }

    /** Where the pseudo-variable starting at {@code start} ends: {@code $name}, {@code $name(inner)}, {@code $(...)}. */
    static int pvEnd(String s, int start) {
        int i = start + 1;
        if (i < s.length() && s.charAt(i) == '(') {
            int depth = 0;
            for (; i < s.length(); i++) {
                if (s.charAt(i) == '(') {
                    depth++;
                } else if (s.charAt(i) == ')' && --depth == 0) {
                    return i + 1;
                }
            }
            return start;
        }
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        if (i < s.length() && s.charAt(i) == '(') {
            int close = s.indexOf(')', i);
            return close < 0 ? start : close + 1;
        }
        return i;
    }

    private Pv pvFromText(String text) {
        String body = text.substring(1);
        String name = body;
        String inner = null;
        int paren = body.indexOf('(');
        if (paren > 0 && body.endsWith(")")) {
            name = body.substring(0, paren);
            inner = body.substring(paren + 1, body.length() - 1);
        }
        PvName pn = new PvName(name, inner, null);
        try {
            if (check.pseudoVariable(pn) == null) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            return null; // not a pseudo-variable check mode knows: the text stays as written
        }
        return pseudoVariable(pn); // known: one Sipway cannot read yet is an error at load, not literal text
    }

    // ---- pseudo-variables ------------------------------------------------------------------------

    private void pv(String name, Function<MsgContext, Object> get) {
        pvs.put(name, n -> ctx -> get.apply(c(ctx)));
    }

    private void pseudoVariables() {
        pv("T_branch_idx", m -> (long) m.branchIndex); // 0 outside branch_route, as Kamailio
        pv("hu", m -> m.httpUri);
        pv("ws_conid", m -> m.from.protocol() == io.sipway.transport.Protocol.WS || m.from.protocol() == io.sipway.transport.Protocol.WSS
                ? (Object) (long) m.from.connectionId() : null);
        pv("rm", m -> m.msg.isRequest() ? m.msg.methodName() : m.msg.cseq().methodName());
        pv("rU", m -> uriPart(m.requestUri(), SipUri::user));
        pv("rd", m -> uriPart(m.requestUri(), SipUri::host));
        pv("rp", m -> uriPart(m.requestUri(), u -> u.port() > 0 ? (Object) (long) u.port() : (Object) 5060L));
        pv("ci", m -> m.msg.callId());
        pv("cs", m -> (long) m.msg.cseq().number());
        pv("fu", m -> m.msg.from().uriString());
        pv("fU", m -> m.msg.from().uri().user());
        pv("fd", m -> m.msg.from().uri().host());
        pv("ft", m -> m.msg.fromTag());
        pv("tu", m -> m.msg.to().uriString());
        pv("tU", m -> m.msg.to().uri().user());
        pv("td", m -> m.msg.to().uri().host());
        pv("tt", m -> m.msg.toTag());
        pv("si", m -> m.from.source().getAddress().getHostAddress());
        pv("sp", m -> (long) m.from.source().getPort());
        pv("Ri", m -> m.from.localSocket().local().getAddress().getHostAddress());
        pv("Rp", m -> (long) m.from.localSocket().local().getPort());
        pv("pr", m -> m.from.protocol().text());
        pv("proto", m -> m.from.protocol().text());
        pv("ua", m -> m.msg.header("User-Agent"));
        pv("rs", m -> m.msg.isResponse() ? (Object) (long) m.msg.statusCode() : null);
        pv("rr", m -> m.msg.isResponse() ? m.msg.reasonPhrase() : null);
        pv("ml", m -> (long) m.msg.length());
        pv("mb", m -> new String(m.msg.toBytes(), java.nio.charset.StandardCharsets.UTF_8));
        pv("T_reply_code", m -> m.st != null ? (Object) (long) m.st.bestCode() : null);
        pvs.put("hdr", n -> ctx -> c(ctx).msg.header(n.inner()));
        pvs.put("ru", n -> new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                return c(ctx).requestUri();
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                c(ctx).ruri = value == null ? null : value.toString();
            }
        });
        pvs.put("du", n -> new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                return c(ctx).du;
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                c(ctx).du = value == null || value.toString().isEmpty() ? null : value.toString();
            }
        });
        pvs.put("fs", n -> new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                SendSocket s = c(ctx).forcedSocket;
                return s == null ? null : s.toString();
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                c(ctx).forcedSocket = value == null ? null : socketNamed(value.toString());
            }
        });
        pvs.put("avp", n -> {
            // $avp(name), $avp(s:name), $avp(i:12): a stack of values per name, newest first
            String name = n.inner().startsWith("s:") ? n.inner().substring(2) : n.inner();
            boolean all = "*".equals(n.index());
            Integer index = n.index() == null || all ? null : Integer.valueOf((int) num(n.index()));
            return new Pv() {
                @Override
                public Object get(ScriptContext ctx) {
                    return c(ctx).avps().get(name, index == null ? 0 : index);
                }

                @Override
                public boolean writable() {
                    return true;
                }

                @Override
                public void set(ScriptContext ctx, Object value) {
                    Xavps avps = c(ctx).avps();
                    if (value == null) {
                        avps.remove(name, index == null ? 0 : index, index == null); // $avp(x) = $null deletes them all
                    } else if (index == null) {
                        avps.add(name, value);
                    } else {
                        avps.set(name, index, value);
                    }
                }
            };
        });
        pvs.put("xavp", n -> Xavps.pv(n.inner(), ctx -> c(ctx).xavps()));
    }

    private SendSocket socketNamed(String spec) {
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

    // ---- ScriptHost ------------------------------------------------------------------------------

    @Override
    public Set<String> implementedModules() {
        return check.implementedModules();
    }

    @Override
    public FunctionSpec function(String name) {
        FunctionSpec declared = check.function(name);
        if (declared == null) {
            return null;
        }
        FunctionSpec.Binder runtime = functions.get(name);
        FunctionSpec.Binder binder = args -> {
            check.bind(name, args); // the fixup checks of check mode first
            if (runtime == null) {
                throw new IllegalArgumentException("is not implemented by Sipway yet (check mode knows it; the proxy cannot run it)");
            }
            return runtime.bind(args);
        };
        FunctionSpec spec = FunctionSpec.of(declared.module(), name, declared.minArgs(), declared.maxArgs(), binder);
        Set<Ast.RouteType> routes = declared.routes();
        if (routes.size() < Ast.RouteType.values().length) {
            EnumSet<Ast.RouteType> set = EnumSet.copyOf(routes);
            Ast.RouteType first = set.iterator().next();
            set.remove(first);
            spec = spec.onlyIn(first, set.toArray(new Ast.RouteType[0]));
        }
        if (declared.armedRoute() != null) {
            spec = spec.armsRoute(declared.armedRoute());
        }
        if (declared.acceptsExpressions()) {
            spec = spec.acceptingExpressions();
        }
        return spec;
    }

    @Override
    public Pv pseudoVariable(PvName name) {
        Pv declared = check.pseudoVariable(name); // validates the name, inner part and index
        if (declared == null) {
            return null;
        }
        Function<PvName, Pv> runtime = pvs.get(name.name());
        if (runtime == null) {
            throw new IllegalArgumentException("is not implemented by Sipway yet (check mode knows it; the proxy cannot read it)");
        }
        return runtime.apply(name);
    }

    @Override
    public Pv sharedVariable(String name) {
        return core.sharedVariable(name);
    }

    @Override
    public Transformation transformation(String name, List<ValueSource> params) {
        Transformation t = Transformations.compile(name, params, this::pvFromText);
        if (t != null) {
            return t;
        }
        // check mode's declaration validates the parameter count; one it knows cannot run here
        if (check.transformation(name.trim().toLowerCase(java.util.Locale.ROOT), params) == null) {
            return null; // unknown to check mode too: the compiler says so
        }
        throw new IllegalArgumentException("is not implemented by Sipway yet (check mode knows it; the proxy cannot apply it)");
    }

    @Override
    public boolean globalParameter(String name) {
        return check.globalParameter(name);
    }

    @Override
    public boolean moduleParameter(String module, String parameter) {
        return check.moduleParameter(module, parameter);
    }

    @Override
    public ValueProblem globalParameterProblem(String name, String raw, Object value) {
        return check.globalParameterProblem(name, raw, value);
    }

    private static final Map<String, String> KEYWORD_PVS = Map.of("method", "rm", "uri", "ru", "from_uri", "fu", "to_uri", "tu",
            "src_ip", "si", "src_port", "sp", "dst_ip", "Ri", "dst_port", "Rp", "proto", "pr", "status", "rs");

    @Override
    public ValueSource matchKeyword(String keyword) {
        String pv = KEYWORD_PVS.get(keyword);
        if (pv == null) {
            return check.matchKeyword(keyword);
        }
        Function<PvName, Pv> f = pvs.get(pv);
        return f.apply(new PvName(pv, null, null));
    }

    @Override
    public boolean isMyself(ScriptContext ctx, String keyword, Object value) {
        if (value == null) {
            return false;
        }
        String s = value.toString();
        if (s.startsWith("sip:") || s.startsWith("sips:")) {
            try {
                SipUri u = SipUri.parse(s);
                // as Kamailio's check_self: the URI's transport (none = any), its port or the scheme's default
                int port = u.port() > 0 ? u.port() : u.scheme() == SipUri.Scheme.SIPS ? 5061 : 5060;
                return core.isMyself(u.host(), port, u.transport() == null ? null : Core.protocolOf(u.transport()));
            } catch (RuntimeException e) {
                return false;
            }
        }
        return core.isMyself(s, -1, null); // an address: any of our ports
    }
}
