package io.sipway.proxy.module.xmlrpc;

import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.jsonrpcs.JsonRpcServer;
import io.sipway.transport.WebSocketUpgrade;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * xmlrpc (https://kamailio.org/docs/modules/5.6.x/modules/xmlrpc.html): the RPC commands of every
 * module table over XML-RPC ({@link XmlRpcCodec}). {@code dispatch_rpc()} answers the HTTP
 * request's XML-RPC call (200 OK, faults included, as Kamailio answers: "500 Method Not Found" is a
 * fault); {@code xmlrpc_reply(code, reason)} answers with a fault (300 and above) or success.
 * With {@code mode} 0 (the default) every GET or POST on a tcp/tls listener whose URL matches
 * {@code url_match} and not {@code url_skip} runs {@code route[<route>]} (request_route when the
 * parameter is unset), before event_route[xhttp:request] is asked, as Kamailio's non-SIP hook; with
 * mode 1 the script calls dispatch_rpc() from event_route[xhttp:request] (the xhttp module).
 */
public final class XmlrpcModule {
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.xmlrpc");

    private XmlrpcModule() {
    }

    public static ModuleExports exports(Core core, JsonRpcServer rpc) {
        ModuleExports.Builder b = ModuleExports.module("xmlrpc", "https://kamailio.org/docs/modules/5.6.x/modules/xmlrpc.html");
        boolean[] escapeCr = {true};
        b.param("route", STR, "", "the route[NAME] HTTP requests run in mode 0 (unset: request_route)");
        b.paramChecked("url_match", STR, "", "mode 0: only URLs matching this regular expression are XML-RPC", XmlrpcModule::regexProblem);
        b.paramChecked("url_skip", STR, "", "mode 0: URLs matching this regular expression are not XML-RPC", XmlrpcModule::regexProblem);
        b.paramOnly("mode", INT, "0", "0: HTTP requests run the xmlrpc route; 1: dispatch_rpc() from event_route[xhttp:request]", "0", "1");
        b.paramOnly("escape_cr", INT, "1", "1: CR in answers is written &#xD;", "0", "1");
        b.paramOnly("double_lf_to_crlf", INT, "0", "LF LF is never turned into CR LF", "0");
        b.paramWithoutEffect("autoconversion", INT, "0", "the RPC commands take numbers and strings for each other anyway", "1");
        b.fn("dispatch_rpc", 0, 0, R, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            if (m.httpUri == null) {
                LOG.error("xmlrpc: dispatch_rpc() on a message that is no HTTP request");
                return -1;
            }
            String body;
            try {
                XmlRpcCodec.Call call = XmlRpcCodec.parse(m.msg.body());
                JsonRpcServer.Response r = rpc.call(call.method(), call.params(), null, false);
                Map<String, Object> json = r.json();
                if (json.get("error") instanceof Map<?, ?> err) {
                    body = XmlRpcCodec.fault(((Number) err.get("code")).intValue(), String.valueOf(err.get("message")), escapeCr[0]);
                } else {
                    body = XmlRpcCodec.success(json.get("result"), escapeCr[0]);
                }
            } catch (IllegalArgumentException e) {
                LOG.error("xmlrpc: {}", e.getMessage());
                body = XmlRpcCodec.fault(400, "Invalid XML-RPC Document", escapeCr[0]);
            }
            m.httpAnswer = new WebSocketUpgrade.Answer(200, "OK", "", body);
            return 1;
        }).summary("answers the HTTP request's XML-RPC call with the RPC commands of every module");
        b.fn("xmlrpc_reply", 2, 2, R, args -> {
            Format code = Format.of(args.get(0));
            Format reason = Format.of(args.get(1));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                if (m.httpUri == null) {
                    return -1;
                }
                long c = Format.num(code.apply(ctx));
                String body = c >= 300 ? XmlRpcCodec.fault((int) c, reason.apply(ctx), escapeCr[0]) : XmlRpcCodec.ok();
                m.httpAnswer = new WebSocketUpgrade.Answer(200, "OK", "", body);
                return 1;
            };
        }).check(a -> Fixups.number(a.get(0), "code")).x().summary("answers the HTTP request: a fault (code 300 and above) or success");
        b.onStart((script, host) -> {
            escapeCr[0] = !core.modparam("xmlrpc", "escape_cr", "1").trim().equals("0");
            if (!core.modparam("xmlrpc", "mode", "0").trim().equals("0")) {
                return;
            }
            String routeName = core.modparam("xmlrpc", "route", "").trim();
            CompiledScript.Entry entry = routeName.isEmpty() ? script.entry(Ast.RouteType.REQUEST, null)
                    : script.entry(Ast.RouteType.ROUTE, routeName);
            if (entry == null) {
                LOG.warn("xmlrpc: xmlrpc route \"{}\" is empty / doesn't exist", routeName);
                return;
            }
            String match = core.modparam("xmlrpc", "url_match", "");
            String skip = core.modparam("xmlrpc", "url_skip", "");
            Pattern matchRe = match.isEmpty() ? null : Pattern.compile(match);
            Pattern skipRe = skip.isEmpty() ? null : Pattern.compile(skip);
            core.http().front(req -> {
                if (skipRe != null && skipRe.matcher(req.uri()).find() || matchRe != null && !matchRe.matcher(req.uri()).find()) {
                    return null; // not for us: event_route[xhttp:request] may take it
                }
                if (!req.method().equalsIgnoreCase("GET") && !req.method().equalsIgnoreCase("POST")) {
                    return null;
                }
                return core.http().xhttp(entry, req);
            });
        });
        return b.build();
    }

    private static String regexProblem(String v) {
        try {
            Pattern.compile(v);
            return null;
        } catch (java.util.regex.PatternSyntaxException e) {
            return "bad regular expression: " + e.getDescription();
        }
    }
}
