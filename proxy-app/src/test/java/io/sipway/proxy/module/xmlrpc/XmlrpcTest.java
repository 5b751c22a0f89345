package io.sipway.proxy.module.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.module.KamailioFileCheck;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * XML-RPC calls POSTed to the proxy's tcp listener are answered with the RPC commands, in the
 * layout Kamailio 5.6.3's xmlrpc writes (the expected texts are Kamailio's own answers).
 */
class XmlrpcTest {
    @TempDir
    Path dir;

    private static final String MODE0 = String.join("\n",
            "loadmodule \"sl.so\"",
            "loadmodule \"pv.so\"",
            "loadmodule \"kex.so\"",
            "loadmodule \"tm.so\"",
            "loadmodule \"tmx.so\"",
            "loadmodule \"xmlrpc.so\"",
            "modparam(\"xmlrpc\", \"route\", \"XMLRPC\")",
            "modparam(\"xmlrpc\", \"url_match\", \"^/RPC\")",
            "request_route { drop; }",
            "route[XMLRPC] {",
            "    dispatch_rpc();",
            "}",
            "");

    private static final String MODE1 = String.join("\n",
            "loadmodule \"sl.so\"",
            "loadmodule \"pv.so\"",
            "loadmodule \"kex.so\"",
            "loadmodule \"tm.so\"",
            "loadmodule \"tmx.so\"",
            "loadmodule \"xmlrpc.so\"",
            "loadmodule \"xhttp.so\"",
            "modparam(\"xmlrpc\", \"mode\", 1)",
            "request_route { drop; }",
            "event_route[xhttp:request] {",
            "    if ($hu =~ \"^/RPC\") { dispatch_rpc(); } else { xmlrpc_reply(\"404\", \"Not <here> & gone\"); }",
            "}",
            "");

    private record Running(Proxy proxy, int port) implements AutoCloseable {
        @Override
        public void close() {
            proxy.close();
        }
    }

    private Running start(String script) throws Exception {
        int port = FreePorts.udpAndTcp();
        Path cfg = dir.resolve("xmlrpc-" + port + ".cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=tcp:127.0.0.1:" + port + "\n" + script);
        return new Running(Proxy.start(cfg, Map.of(), List.of()), port);
    }

    private HttpResponse<String> call(int port, String path, String method, String params) throws Exception {
        String body = "<?xml version=\"1.0\"?><methodCall><methodName>" + method + "</methodName>" + params + "</methodCall>";
        // a client per call: the proxy may close a connection after its answer, and a pooled one would race it
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "text/xml").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Document xml(String text) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    static final String METHOD_NOT_FOUND = "<?xml version=\"1.0\"?>\n<methodResponse>\n<fault>\n<value>\n<struct>\n<member>\n"
            + "<name>faultCode</name>\n<value><int>500</int></value>\n</member>\n<member>\n<name>faultString</name>\n"
            + "<value><string>Method Not Found</string></value>\n</member>\n</struct>\n</value>\n</fault>\n</methodResponse>";

    @Test
    void theXmlrpcRouteAnswersCallsAsKamailioDoes() throws Exception {
        try (Running r = start(MODE0)) {
            HttpResponse<String> version = call(r.port(), "/RPC2", "core.version", "");
            assertThat(version.statusCode()).isEqualTo(200);
            assertThat(version.headers().firstValue("Content-Type")).as("Kamailio sends none").isEmpty();
            assertThat(version.body()).matches("(?s)<\\?xml version=\"1.0\"\\?>\n<methodResponse>\n<params>\n<param>\n"
                    + "<value><string>[^<]+</string>\n</value>\n</param>\n</params>\n</methodResponse>");

            HttpResponse<String> missing = call(r.port(), "/RPC2", "no.such", "");
            assertThat(missing.statusCode()).as("a fault is still 200 OK").isEqualTo(200);
            assertThat(missing.body()).isEqualTo(METHOD_NOT_FOUND);

            HttpResponse<String> stats = call(r.port(), "/RPC2", "tm.stats", "");
            Document d = xml(stats.body());
            NodeList names = d.getElementsByTagName("name");
            List<String> members = new ArrayList<>();
            for (int i = 0; i < names.getLength(); i++) {
                members.add(names.item(i).getTextContent());
            }
            assertThat(members).contains("current", "waiting", "total", "total_local", "created", "freed");
            assertThat(stats.body()).startsWith("<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value><struct><member>"
                    + "<name>current</name><value><int>");

            HttpResponse<String> list = call(r.port(), "/RPC2", "stats.get_statistics",
                    "<params><param><value><string>tmx:</string></value></param></params>");
            assertThat(list.body()).startsWith("<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n"
                    + "<value><string>tmx:").contains("<value><string>tmx:2xx_transactions = 0</string></value>\n")
                    .endsWith("</data></array></value>\n</param>\n</params>\n</methodResponse>");

            HttpResponse<String> garbage = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port()
                    + "/RPC2")).POST(HttpRequest.BodyPublishers.ofString("garbage")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(garbage.body()).isEqualTo(METHOD_NOT_FOUND.replace("500", "400").replace("Method Not Found", "Invalid XML-RPC Document"));

            HttpResponse<String> other = call(r.port(), "/other", "core.version", "");
            assertThat(other.statusCode()).as("url_match: not XML-RPC, and no xhttp route").isEqualTo(404);
        }
    }

    @Test
    void withModeOneDispatchRpcRunsFromTheXhttpRouteAndXmlrpcReplyAnswersFaults() throws Exception {
        try (Running r = start(MODE1)) {
            assertThat(call(r.port(), "/RPC2", "no.such", "").body()).isEqualTo(METHOD_NOT_FOUND);
            Document d = xml(call(r.port(), "/RPC2", "system.listMethods", "").body());
            NodeList strings = d.getElementsByTagName("string");
            List<String> methods = new ArrayList<>();
            for (int i = 0; i < strings.getLength(); i++) {
                methods.add(strings.item(i).getTextContent());
            }
            assertThat(methods).contains("core.version", "tm.stats", "system.listMethods");
            HttpResponse<String> fault = call(r.port(), "/elsewhere", "x", "");
            Element code = (Element) xml(fault.body()).getElementsByTagName("int").item(0);
            assertThat(code.getTextContent()).isEqualTo("404");
            assertThat(fault.body()).contains("<value><string>Not &lt;here> &amp; gone</string></value>");
        }
    }

    @Test
    void theScriptsCheckUnderSipwayAndKamailioAlike() throws Exception {
        for (String script : List.of(MODE0, MODE1)) {
            Path cfg = dir.resolve("check.cfg");
            Files.writeString(cfg, "#!KAMAILIO\nlisten=tcp:127.0.0.1:5060\n" + script);
            var sipway = KamailioFileCheck.sipway(cfg);
            assertThat(sipway.ok()).as(sipway.diagnostics().render()).isTrue();
            KamailioFileCheck.Verdict k = KamailioFileCheck.kamailio(cfg);
            if (k != null) {
                assertThat(k.status()).as(k.output()).isZero();
            }
        }
    }
}
