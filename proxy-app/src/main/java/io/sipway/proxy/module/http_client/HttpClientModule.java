package io.sipway.proxy.module.http_client;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.Signature;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;
import io.sipway.proxy.module.Routes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * http_client (https://kamailio.org/docs/modules/5.6.x/modules/http_client.html): HTTP requests
 * from the script, on the JDK's HttpClient ({@link HttpRequests}). {@code http_client_query(url,
 * [post], [hdrs], result)}, {@code http_client_get}, {@code http_client_request}, and over the
 * named connections of {@code httpcon} ({@link HttpCon}) {@code http_connect}, {@code
 * http_connect_raw} and {@code http_get_redirect}; {@code $curlerror(N)}. They return the HTTP
 * status, or libcurl's error code (below 100) when no answer came, and wait for the answer: they
 * are {@code mayWait()}, so a route calling them runs on a worker. TLS client settings, proxies,
 * config_file and response headers are not implemented: refused at load.
 */
public final class HttpClientModule {
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.http_client");
    /** REQUEST_ROUTE|ONREPLY_ROUTE|FAILURE_ROUTE|BRANCH_ROUTE, as http_client's cmd_export_t. */
    private static final int ROUTES = Routes.R | Routes.O | Routes.F | Routes.B;

    private HttpClientModule() {
    }

    /** The module's settings, read at start. */
    record Settings(long timeoutMs, long unitMs, boolean redirect, String useragent, long maxdatasize, boolean queryOneLine,
                    long queryMaxdatasize, Map<String, HttpCon> connections) {
    }

    /** The running module: its settings, its clients, each thread's last URL per connection (Kamailio's is per process). */
    static final class Running {
        volatile Settings settings = new Settings(4000, 1000, false, Signature.text(), 0, true, 0, Map.of());
        final HttpRequests requests = new HttpRequests();
        final ThreadLocal<Map<String, String>> lastUrls = ThreadLocal.withInitial(HashMap::new);
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("http_client", "https://kamailio.org/docs/modules/5.6.x/modules/http_client.html");
        Running run = new Running();
        b.param("connection_timeout", INT, "4", "how long a request may take, in timeout_mode's unit (0: the default, 4 s)");
        b.paramOnly("timeout_mode", INT, "1", "timeouts: 0 none, 1 in seconds, 2 in milliseconds", "0", "1", "2");
        b.param("httpredirect", INT, "0", "1: redirects are followed (http_get_redirect() tells the last URL)");
        b.param("useragent", STR, "sipway (<version> (<arch>/<os>))", "the User-Agent of the requests");
        b.param("maxdatasize", INT, "0", "the most bytes of an http_connect() answer kept (0: all)");
        b.param("query_result", INT, "1", "1: http_client_query() keeps the first line of the body, 0: the whole body");
        b.param("query_maxdatasize", INT, "0", "the most bytes of an http_client_query() answer kept (0: all)");
        b.paramParsed("httpcon", STR, "", "a named connection: name=>http[s]://[user:password@]host[/path][;param=value]...",
                v -> HttpCon.parse(v));
        b.paramWithoutEffect("keep_connections", INT, "0", "the client keeps its connections open for reuse anyway", "1");
        b.paramOnly("authmethod", INT, "3", "credentials of a connection are sent as Basic when the server asks (1 or 3)", "1", "3");
        b.paramOnly("verify_peer", INT, "1", "servers' certificates are always verified (against the JVM's trusted CAs)", "1");
        b.paramOnly("verify_host", INT, "2", "servers' names are always verified", "1", "2");
        b.paramOnly("tlsversion", INT, "0", "the JVM's TLS versions are used", "0");
        b.paramOnly("response_headers", INT, "0", "response headers ($httprhdr) are not kept", "0");
        for (String p : List.of("httpproxy", "cacert", "client_cert", "client_key", "cipher_suites", "netinterface", "config_file")) {
            b.paramOnly(p, STR, "", p + " is not implemented", "");
        }
        b.paramOnly("httpproxyport", INT, "0", "proxies are not implemented", "0");

        b.fn("http_client_query", 2, 4, ROUTES, args -> query(run, null, args.get(0),
                args.size() > 2 ? args.get(1) : null, args.size() > 3 ? args.get(2) : null, destination(args.get(args.size() - 1)), true))
                .x().mayWait().summary("GET (POST with post data) to a URL, headers optional; the body's first line (query_result) "
                        + "in the result; returns the HTTP status or curl's error code");
        b.fn("http_client_get", 4, 4, ROUTES, args -> query(run, Format.of(Arg.constant("GET", "GET")), args.get(0), args.get(1),
                args.get(2), destination(args.get(3)), true))
                .x().mayWait().summary("GET with a body and headers (empty: none); result as http_client_query()");
        b.fn("http_client_request", 5, 5, ROUTES, args -> query(run, Format.of(args.get(0)), args.get(1), args.get(2), args.get(3),
                destination(args.get(4)), true))
                .x().mayWait().summary("a request of any method with a body and headers (empty: none); result as http_client_query()");
        b.fn("http_connect", 3, 5, ROUTES, args -> connect(run, args, false)).arities(3, 5)
                .check(HttpClientModule::checkConnect).x().mayWait()
                .summary("GET (3 arguments) or POST (content type and data) to a httpcon connection's URL with the given part appended; "
                        + "the whole body (maxdatasize) in the result; the HTTP status or curl's error code");
        b.fn("http_connect_raw", 5, 5, ROUTES, args -> connect(run, args, true))
                .check(HttpClientModule::checkConnect).x().mayWait()
                .summary("as http_connect() with data, taken as written (no pseudo-variables)");
        b.fn("http_get_redirect", 2, 2, ROUTES, args -> {
            String con = args.get(0).constantString();
            Pv dst = destination(args.get(1));
            return ctx -> {
                if (!run.settings.connections().containsKey(con)) {
                    LOG.error("No cURL connection found: {}", con);
                    dst.set(ctx, "");
                    return -1;
                }
                dst.set(ctx, run.lastUrls.get().getOrDefault(con, ""));
                return 1;
            };
        }).check(a -> constantName(a.get(0))).summary("the URL the connection's last request ended at (after redirects)");
        b.pv("curlerror", PvExport.Inner.REQUIRED, false, n -> {
            String text = CurlErrors.text(atoi(n.inner()));
            return (Pv) ctx -> text;
        });
        b.onStart((script, host) -> run.settings = settings(core));
        return b.build();
    }

    /** Kamailio's atoi on the pv's name: leading digits, 0 when none. */
    static int atoi(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*([-+]?\\d+)").matcher(s == null ? "" : s);
        return m.find() ? (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Long.parseLong(m.group(1)))) : 0;
    }

    static Settings settings(Core core) {
        long mode = Long.parseLong(core.modparam("http_client", "timeout_mode", "1").trim());
        long timeout = Long.parseLong(core.modparam("http_client", "connection_timeout", "0").trim());
        long unit = mode == 2 ? 1 : 1000;
        long timeoutMs = mode == 0 ? 0 : (timeout == 0 ? 4 * 1000 : timeout * unit);
        Map<String, HttpCon> cons = new LinkedHashMap<>();
        for (String spec : core.modparams("http_client", "httpcon")) {
            HttpCon c = HttpCon.parse(spec);
            if (cons.put(c.name(), c) != null) {
                throw new IllegalArgumentException("http_client: connection " + c.name() + " defined twice");
            }
        }
        for (HttpCon c : cons.values()) {
            if (c.failover() != null && !cons.containsKey(c.failover())) {
                throw new IllegalArgumentException("http_client: connection " + c.name() + ": no failover connection " + c.failover());
            }
        }
        String ua = core.modparam("http_client", "useragent", "");
        return new Settings(timeoutMs, mode == 0 ? 0 : unit, !core.modparam("http_client", "httpredirect", "0").trim().equals("0"),
                ua.isEmpty() ? Signature.text() : ua, Long.parseLong(core.modparam("http_client", "maxdatasize", "0").trim()),
                !core.modparam("http_client", "query_result", "1").trim().equals("0"),
                Long.parseLong(core.modparam("http_client", "query_maxdatasize", "0").trim()), Map.copyOf(cons));
    }

    /** The pseudo-variable a function writes its result to: named by a constant, writable, checked at load. */
    static Pv destination(Arg a) {
        if (!a.isConstant() || !a.compilesPseudoVariables()) {
            throw new FunctionSpec.BadArgument(a, "the result must be a pseudo-variable that can be written, such as \"$var(r)\"");
        }
        Pv pv = a.assignablePseudoVariable(a.constantString().trim());
        if (pv == null) {
            throw new FunctionSpec.BadArgument(a, "result pseudovariable is not writeable");
        }
        return pv;
    }

    private static void constantName(Arg a) {
        if (!a.isConstant() || a.constantString().isEmpty()) {
            throw new FunctionSpec.BadArgument(a, "the connection is named by a constant (a httpcon name)");
        }
    }

    private static void checkConnect(List<Arg> a) {
        constantName(a.get(0));
        if (a.size() == 5 && !a.get(2).isConstant()) {
            throw new FunctionSpec.BadArgument(a.get(2), "the content type is a constant");
        }
    }

    private static List<String> headerLines(String hdrs) {
        List<String> out = new ArrayList<>();
        if (hdrs != null) {
            for (String line : hdrs.split("\r?\n")) {
                if (!line.isBlank()) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    /** http_client_query / _get / _request: the module's defaults, one line or query_maxdatasize of the body. */
    private static io.sipway.cfg.ScriptFunction query(Running run, Format method, Arg urlArg, Arg bodyArg, Arg hdrsArg, Pv dst,
                                                      boolean oneLineSetting) {
        Format url = Format.of(urlArg);
        Format body = bodyArg == null ? null : Format.of(bodyArg);
        Format hdrs = hdrsArg == null ? null : Format.of(hdrsArg);
        return ctx -> {
            String u = url.apply(ctx);
            if (u.isEmpty()) {
                LOG.error("URL has no value");
                return -1;
            }
            String met = method == null ? null : method.apply(ctx);
            if (met != null && met.isEmpty()) {
                LOG.error("METHOD has no value");
                return -1;
            }
            String data = body == null ? null : body.apply(ctx);
            String h = hdrs == null ? null : hdrs.apply(ctx);
            Settings s = run.settings;
            HttpRequests.Outcome o = run.requests.send(new HttpRequests.Query(met, u, data == null || data.isEmpty() ? null : data,
                    null, headerLines(h), null, null, s.timeoutMs(), s.redirect(), oneLineSetting && s.queryOneLine(),
                    s.queryMaxdatasize(), s.useragent()));
            dst.set(ctx, o.result() == null ? "" : o.result());
            return o.code() == 0 ? -1 : o.code();
        };
    }

    /** http_connect / http_connect_raw: the connection's URL, credentials and settings; the whole body (maxdatasize). */
    private static io.sipway.cfg.ScriptFunction connect(Running run, List<Arg> args, boolean raw) {
        String con = args.get(0).constantString();
        Format url = Format.of(args.get(1));
        String ctype = args.size() == 5 ? args.get(2).constantString() : null;
        Format data = args.size() < 5 ? null : raw ? c -> args.get(3).constantString() : Format.of(args.get(3));
        Pv dst = destination(args.get(args.size() - 1));
        return ctx -> {
            String part = url.apply(ctx);
            String post = data == null ? null : data.apply(ctx);
            HttpRequests.Outcome o = connect(run, con, part, ctype, post, 0);
            if (o == null) {
                dst.set(ctx, "");
                return -1;
            }
            dst.set(ctx, o.result() == null ? "" : o.result());
            return o.code() == 0 ? -1 : o.code();
        };
    }

    /**
     * curl_con_query_url_f: one request over a connection; with a failover connection, a failure to
     * connect or an answer of 500 or above goes to it once (Kamailio's 1000 + code internally).
     */
    static HttpRequests.Outcome connect(Running run, String name, String part, String ctype, String post, int failover) {
        Settings s = run.settings;
        HttpCon c = s.connections().get(name);
        if (c == null) {
            LOG.error("No cURL connection found: {}", name);
            return null;
        }
        long timeoutMs = c.timeout() > 0 ? c.timeout() * s.unitMs() : s.timeoutMs(); // a connection's timeout 0: the module's
        HttpRequests.Query q = new HttpRequests.Query(null, c.urlWith(part), post == null || post.isEmpty() ? null : post,
                ctype == null || ctype.isEmpty() ? "text/plain" : ctype, List.of(), c.username(), c.password(), timeoutMs,
                c.redirect() >= 0 ? c.redirect() == 1 : s.redirect(), false, c.maxdatasize() >= 0 ? c.maxdatasize() : s.maxdatasize(),
                c.useragent() != null ? c.useragent() : s.useragent());
        HttpRequests.Outcome o = run.requests.send(q);
        if (o.effectiveUrl() != null) {
            run.lastUrls.get().put(name, o.effectiveUrl());
        }
        boolean failed = o.code() < 100 || o.code() >= 500;
        if (failed && c.failover() != null && failover + 1 < 2) {
            LOG.error("FAILURE: Trying failover to curl con ({})", c.failover());
            return connect(run, c.failover(), part, ctype, post, failover + 1);
        }
        return o;
    }

}
