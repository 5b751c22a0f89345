package io.sipway.proxy.module.http_client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sipway.proxy.FreePorts;
import io.sipway.proxy.module.KamailioFileCheck;
import io.sipway.proxy.module.ScriptOnLoopback;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * http_client against an HTTP server the test runs on loopback: each request's answer is put in
 * the reason phrase of the script's reply ("code result").
 */
class HttpClientTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private int port;
    private int deadPort;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/q", x -> answer(x, 200, "first line\nsecond line\n"));
        server.createContext("/echo", x -> answer(x, 200, x.getRequestMethod() + " " + x.getRequestHeaders().getFirst("Content-Type")
                + " " + x.getRequestHeaders().getFirst("X-Test") + " " + x.getRequestHeaders().getFirst("User-Agent") + " "
                + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        server.createContext("/base/items", x -> answer(x, 200, "all items"));
        server.createContext("/base/missing", x -> answer(x, 404, "no such thing"));
        server.createContext("/base/broken", x -> answer(x, 503, "try later"));
        server.createContext("/base/moved", x -> {
            x.getResponseHeaders().add("Location", "/base/items");
            answer(x, 302, "");
        });
        server.createContext("/private", x -> {
            String auth = x.getRequestHeaders().getFirst("Authorization");
            if (auth == null) {
                x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"api\"");
                answer(x, 401, "who are you");
            } else {
                answer(x, 200, "welcome " + new String(java.util.Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8));
            }
        });
        server.start();
        port = server.getAddress().getPort();
        deadPort = FreePorts.udpAndTcp(); // nobody listens on it
    }

    private static void answer(HttpExchange x, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            x.getResponseBody().write(b);
        }
        x.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String script() {
        String base = "http://127.0.0.1:" + port;
        return String.join("\n",
                "loadmodule \"pv.so\"",
                "loadmodule \"sl.so\"",
                "loadmodule \"http_client.so\"",
                "modparam(\"http_client\", \"httpcon\", \"api=>" + base + "/base\")",
                "modparam(\"http_client\", \"httpcon\", \"mine=>http://bob:secret@127.0.0.1:" + port + "/private\")",
                "modparam(\"http_client\", \"httpcon\", \"broken=>http://127.0.0.1:" + deadPort + "/base;failover=api\")",
                "modparam(\"http_client\", \"httpcon\", \"follow=>" + base + "/base;httpredirect=1\")",
                "modparam(\"http_client\", \"useragent\", \"tester/1.0\")",
                "modparam(\"http_client\", \"connection_timeout\", 2)",
                "request_route {",
                "    switch ($rU) {",
                "    case \"query\":",
                "        $var(rc) = http_client_query(\"" + base + "/q?u=$rU\", \"$var(r)\"); break;",
                "    case \"post\":",
                "        $var(rc) = http_client_query(\"" + base + "/echo\", \"a=$rU\", \"X-Test: yes\", \"$var(r)\"); break;",
                "    case \"connect\":",
                "        $var(rc) = http_connect(\"api\", \"/items\", \"$var(r)\"); break;",
                "    case \"connectpost\":",
                "        $var(rc) = http_connect(\"api\", \"../echo\", \"application/json\", \"{'k':'$rU'}\", \"$var(r)\"); break;",
                "    case \"missing\":",
                "        $var(rc) = http_connect(\"api\", \"missing\", \"$var(r)\"); break;",
                "    case \"down\":",
                "        $var(rc) = http_client_query(\"http://127.0.0.1:" + deadPort + "/\", \"$var(r)\");",
                "        $var(r) = $curlerror(7); break;",
                "    case \"failover\":",
                "        $var(rc) = http_connect(\"broken\", \"/items\", \"$var(r)\"); break;",
                "    case \"redirect\":",
                "        $var(rc) = http_connect(\"follow\", \"/moved\", \"$var(r)\");",
                "        http_get_redirect(\"follow\", \"$var(u)\");",
                "        $var(r) = $var(r) + \" at \" + $var(u); break;",
                "    case \"noredirect\":",
                "        $var(rc) = http_connect(\"api\", \"/moved\", \"$var(r)\"); break;",
                "    case \"auth\":",
                "        $var(rc) = http_connect(\"mine\", \"\", \"$var(r)\"); break;",
                "    }",
                "    sl_send_reply(\"200\", \"$var(rc) $var(r)\");",
                "}",
                "");
    }

    @Test
    void theFunctionsAnswerWithTheStatusAndKeepTheBodyAsKamailioDoes() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(dir, script())) {
            assertThat(p.reason("query")).as("query_result 1: the first line").isEqualTo("200 first line");
            assertThat(p.reason("post")).isEqualTo("200 POST application/x-www-form-urlencoded yes tester/1.0 a=post");
            assertThat(p.reason("connect")).isEqualTo("200 all items");
            assertThat(p.reason("connectpost")).isEqualTo("200 POST application/json null tester/1.0 {'k':'connectpost'}");
            assertThat(p.reason("missing")).as("a 4xx body is kept").isEqualTo("404 no such thing");
            assertThat(p.reason("down")).isEqualTo("7 Couldn't connect to server");
            assertThat(p.reason("failover")).isEqualTo("200 all items");
            assertThat(p.reason("redirect")).isEqualTo("200 all items at http://127.0.0.1:" + port + "/base/items");
            assertThat(p.reason("noredirect")).as("httpredirect is 0 by default").isEqualTo("302 ");
            assertThat(p.reason("auth")).isEqualTo("200 welcome bob:secret");
        }
    }

    @Test
    void theScriptChecksUnderSipwayAndKamailioAlike() throws Exception {
        Path cfg = dir.resolve("http.cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=udp:127.0.0.1:5060\n" + script());
        var sipway = KamailioFileCheck.sipway(cfg);
        assertThat(sipway.ok()).as(sipway.diagnostics().render()).isTrue();
        KamailioFileCheck.Verdict k = KamailioFileCheck.kamailio(cfg);
        if (k != null) {
            assertThat(k.status()).as(k.output()).isZero();
        }
        Path bad = dir.resolve("bad.cfg");
        Files.writeString(bad, "#!KAMAILIO\nlisten=udp:127.0.0.1:5060\n" + script().replace("/base\")",
                "/base;client_cert=x.pem\")"));
        assertThat(KamailioFileCheck.sipway(bad).diagnostics().render()).contains("client_cert is not implemented");
        Path wait = dir.resolve("xhttp.cfg");
        Files.writeString(wait, "#!KAMAILIO\nlisten=tcp:127.0.0.1:5060\nloadmodule \"pv.so\"\nloadmodule \"xhttp.so\"\n"
                + "loadmodule \"http_client.so\"\nrequest_route { drop; }\n"
                + "event_route[xhttp:request] { http_client_query(\"http://127.0.0.1/\", \"$var(r)\"); }\n");
        assertThat(KamailioFileCheck.sipway(wait).ok()).as("an event loop never waits for HTTP").isFalse();
    }
}
