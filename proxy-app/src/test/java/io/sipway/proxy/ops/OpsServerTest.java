package io.sipway.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.MovedPorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.module.jsonrpcs.JsonText;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RPC and the metrics over loopback HTTP, against a proxy that has seen traffic: a REGISTER
 * over UDP, an idle TCP connection, a request for a WebSocket peer without its connection, and a
 * malformed datagram. Result shapes are compared with Kamailio 5.6.3's answers to the same
 * methods (src/test/resources/rpc/kamailio-5.6.3).
 */
@SuppressWarnings("unchecked")
@Timeout(30)
@DisplayName("operations endpoint: JSON-RPC and Prometheus metrics")
class OpsServerTest {
    /** The script names the proxy 5440 and the tests' phones 5441 and 5442: moved to free ports for each test. */
    private final MovedPorts ports = MovedPorts.of(5440, 5441, 5442);
    private final InetSocketAddress proxyAt = new InetSocketAddress("127.0.0.1", ports.get(5440));
    @TempDir
    Path work;
    private Proxy proxy;
    private OpsServer ops;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        proxy = Proxy.start(ports.script(Path.of("src/test/resources/proxy/ops-5440.cfg"), work), Map.of(), List.of());
        ops = OpsServer.start(proxy, new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        if (ops != null) {
            ops.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private String post(String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.address().getPort() + "/RPC"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return r.body();
    }

    /** The result of one call (its error fails the test). */
    private Object result(String method, Object... params) throws Exception {
        Map<String, Object> response = (Map<String, Object>) JsonText.parse(post(JsonText.write(Map.of("jsonrpc", "2.0", "method", method,
                "params", List.of(params), "id", 7))));
        assertThat(response.get("error")).as(method + " failed").isNull();
        assertThat(response.get("id")).isEqualTo(7L);
        return response.get("result");
    }

    private static Object kamailio(String method) throws Exception {
        Path file = Path.of("src/test/resources/rpc/kamailio-5.6.3/" + method + ".json");
        return ((Map<String, Object>) JsonText.parse(Files.readString(file))).get("result");
    }

    private static String sip(String method, String ruri, int port, String tag) {
        return method + " " + ruri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK-ops" + tag + ";rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=" + tag + "\r\nTo: <sip:alice@127.0.0.1>\r\n"
                + "Call-ID: ops-" + tag + "\r\nCSeq: 1 " + method + "\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + port + ">;expires=600\r\nUser-Agent: ops-test\r\nContent-Length: 0\r\n\r\n";
    }

    /** REGISTER alice over UDP and wait for the 200. */
    private void registerAlice(DatagramSocket phone) throws Exception {
        byte[] b = sip("REGISTER", "sip:127.0.0.1", phone.getLocalPort(), "r1").getBytes(StandardCharsets.US_ASCII);
        phone.send(new DatagramPacket(b, b.length, proxyAt));
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        phone.receive(p);
        assertThat(new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII)).startsWith("SIP/2.0 200");
    }

    @Test
    void coreVersionAndUptimeAnswerAsKamailiosDo() throws Exception {
        assertThat((String) result("core.version")).startsWith("sipway ").contains("(java ");
        Map<String, Object> uptime = (Map<String, Object>) result("core.uptime");
        assertThat(uptime.keySet()).containsExactlyElementsOf(((Map<String, Object>) kamailio("core.uptime")).keySet());
        assertThat((Long) uptime.get("uptime")).isBetween(0L, 30L);
        assertThat((String) uptime.get("now")).matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]?[0-9] [0-9:]{8} [0-9]{4}");
    }

    @Test
    void ulDumpListsTheBindingWithKamailiosFields() throws Exception {
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5441)))) {
            phone.setSoTimeout(3000);
            registerAlice(phone);
        }
        Map<String, Object> domain = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) ((Map<String, Object>) result("ul.dump")).get("Domains")).get(0)).get("Domain");
        assertThat(domain.get("Domain")).isEqualTo("location");
        Map<String, Object> info = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) domain.get("AoRs")).get(0)).get("Info");
        assertThat(info.get("AoR")).isEqualTo("alice");
        Map<String, Object> contact = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) info.get("Contacts")).get(0)).get("Contact");

        Map<String, Object> theirs = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) ((Map<String, Object>) ((Map<String, Object>) ((List<Object>) ((Map<String, Object>) ((Map<String, Object>)
                ((List<Object>) ((Map<String, Object>) kamailio("ul.dump")).get("Domains")).get(0)).get("Domain")).get("AoRs")).get(0)).get("Info"))
                .get("Contacts")).get(0)).get("Contact");
        assertThat(contact.keySet()).containsExactlyElementsOf(theirs.keySet());
        assertThat(contact.get("Address")).isEqualTo(ports.apply("sip:alice@127.0.0.1:5441"));
        assertThat((Long) contact.get("Expires")).isBetween(595L, 600L);
        assertThat(contact.get("User-Agent")).isEqualTo("ops-test");
        assertThat(contact.get("Received")).isEqualTo("[not set]");
        assertThat(contact.get("Socket")).isEqualTo(ports.apply("udp:127.0.0.1:5440"));
        assertThat(contact.get("Tcpconn-Id")).isEqualTo(-1L);

        assertThat((List<Object>) result("stats.get_statistics", "usrloc:")).contains("usrloc:registered_users = 1",
                "usrloc:location_users = 1", "usrloc:location_contacts = 1");
    }

    @Test
    void tmStatsHasKamailiosFieldsInItsOrder() throws Exception {
        Map<String, Object> stats = (Map<String, Object>) result("tm.stats");
        assertThat(stats.keySet()).containsExactlyElementsOf(((Map<String, Object>) kamailio("tm.stats")).keySet());
    }

    @Test
    void statisticsComeAsKamailiosLinesForAllAGroupOrAName() throws Exception {
        List<Object> all = (List<Object>) result("stats.get_statistics", "all");
        assertThat(all).allSatisfy(line -> assertThat((String) line).matches("[a-z_]+:[A-Za-z0-9_]+ = -?[0-9]+"));
        List<Object> tmx = (List<Object>) result("stats.get_statistics", "tmx:");
        List<Object> theirs = ((List<Object>) kamailio("stats.get_statistics-all")).stream().filter(l -> ((String) l).startsWith("tmx:")).toList();
        assertThat(tmx).hasSameSizeAs(theirs); // the same fourteen names as Kamailio's tmx
        assertThat(tmx.stream().map(l -> ((String) l).split(" = ")[0]).toList())
                .containsExactlyElementsOf(theirs.stream().map(l -> ((String) l).split(" = ")[0]).toList());
        assertThat((List<Object>) result("stats.get_statistics", "UAS_transactions")).containsExactly("tmx:UAS_transactions = 0");
    }

    @Test
    void tcpListShowsEachConnectionWithItsAddressesAndIdleTime() throws Exception {
        try (Socket client = new Socket()) {
            client.connect(proxyAt);
            long deadline = System.nanoTime() + 3_000_000_000L;
            List<Object> list;
            do {
                list = (List<Object>) result("core.tcp_list");
            } while (list.isEmpty() && System.nanoTime() < deadline);
            assertThat(list).hasSize(1);
            Map<String, Object> c = (Map<String, Object>) list.get(0);
            Map<String, Object> theirs = (Map<String, Object>) ((List<Object>) kamailio("core.tcp_list")).get(0);
            assertThat(c.keySet()).containsAll(theirs.keySet().stream().filter(k -> !k.equals("ref_count")).toList());
            assertThat(c.get("type")).isEqualTo("TCP");
            assertThat(c.get("src_port")).isEqualTo((long) client.getLocalPort());
            assertThat(c.get("dst_port")).isEqualTo((long) ports.get(5440));
            assertThat(c.get("family")).isEqualTo("IPv4");
            assertThat((Long) c.get("idle")).isBetween(0L, 3L);
            assertThat(c.get("lifetime")).isEqualTo(120L); // tcp_connection_lifetime's default
        }
    }

    @Test
    void badRequestsGetJsonRpcErrors() throws Exception {
        assertThat(post("{\"jsonrpc\":\"2.0\",\"method\":\"no.such\",\"id\":1}"))
                .contains("\"code\":500").contains("Method Not Found").contains("\"id\":1");
        assertThat(post("{not json")).contains("\"code\":-32700");
        assertThat(post("[1,2]")).contains("\"code\":-32600");
        assertThat(post("{\"jsonrpc\":\"2.0\",\"method\":\"stats.get_statistics\",\"id\":2}")).contains("\"code\":400");
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.address().getPort() + "/RPC"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void metricsCountTrafficConnectionsSendFailuresAndParseErrors() throws Exception {
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", ports.get(5442)));
             Socket tcp = new Socket()) {
            phone.setSoTimeout(3000);
            registerAlice(phone);
            // to a WebSocket peer without a connection: tm answers 477, the send failure is counted
            byte[] ws = ports.apply(sip("OPTIONS", "sip:ws@127.0.0.1:5440", 5442, "w1")).getBytes(StandardCharsets.US_ASCII);
            phone.send(new DatagramPacket(ws, ws.length, proxyAt));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            phone.receive(p);
            assertThat(new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII)).startsWith("SIP/2.0 477");
            byte[] junk = "this is not SIP\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            phone.send(new DatagramPacket(junk, junk.length, proxyAt));
            tcp.connect(proxyAt);
            OutputStream out = tcp.getOutputStream();
            out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // a keepalive: the connection is up and counted

            String metrics = "";
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < deadline && !(metrics.contains("sipway_parse_errors_total{where=\"message\"} 1")
                    && metrics.contains("sipway_connections{protocol=\"tcp\",family=\"ipv4\",websocket=\"false\"} 1"))) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.address().getPort()
                        + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
                metrics = withoutInstanceLabels(r.body(), proxyAt.getPort());
            }
            assertThat(metrics.lines()).contains(
                    "sipway_requests_received_total{method=\"REGISTER\",protocol=\"udp\"} 1",
                    "sipway_requests_received_total{method=\"OPTIONS\",protocol=\"udp\"} 1",
                    "sipway_replies_sent_total{class=\"2xx\",protocol=\"udp\"} 1",
                    "sipway_replies_sent_total{class=\"4xx\",protocol=\"udp\"} 1",
                    "sipway_transactions_total 1",
                    "sipway_transactions_completed_total{class=\"4xx\"} 1",
                    "sipway_send_failures_total{reason=\"connection_not_found\"} 1",
                    "sipway_send_failures_total{reason=\"no_socket\"} 0",
                    "sipway_send_failures_total{reason=\"write_queue_full\"} 0",
                    "sipway_connections_ended_total{reason=\"read_timeout\"} 0",
                    "sipway_connections_ended_total{reason=\"evicted\"} 0",
                    "sipway_connections_ended_total{reason=\"peer_reset\"} 0",
                    "sipway_connections_refused_total 0",
                    "sipway_connections{protocol=\"tcp\",family=\"ipv4\",websocket=\"false\"} 1",
                    "sipway_connections{protocol=\"wss\",family=\"ipv4\",websocket=\"true\"} 0",
                    "sipway_parse_errors_total{where=\"message\"} 1");
            // every line is a comment or a sample: name{labels} value
            assertThat(metrics.lines()).allSatisfy(l -> assertThat(l).matches("# (HELP|TYPE) .*|[a-z_]+(\\{[^}]*\\})? -?[0-9]+"));

            tcp.setSoLinger(true, 0);
            tcp.close(); // a reset: the connection ends, counted by its reason
            String reset = "sipway_connections_ended_total{reason=\"peer_reset\"} 1";
            deadline = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < deadline && !metrics.lines().toList().contains(reset)) {
                metrics = withoutInstanceLabels(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.address().getPort()
                        + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body(), proxyAt.getPort());
            }
            assertThat(metrics.lines()).contains(reset);
            // the same counters through Kamailio's RPC, under Kamailio's tcp names where it has them
            assertThat((List<Object>) result("stats.get_statistics", "tcp:")).contains("tcp:con_reset = 1", "tcp:sendq_full = 0",
                    "tcp:send_timeout = 0", "tcp:local_reject = 0", "tcp:connect_failed = 0");
            assertThat((List<Object>) result("stats.get_statistics", "sipway:")).contains("sipway:ws_connection_not_found = 1",
                    "sipway:tcp_msg_read_timeout = 0", "sipway:tcp_evicted = 0", "sipway:tls_handshake_failed = 0",
                    "sipway:http_request_timeouts = 0", "sipway:ws_pongs_skipped = 0");
            assertThat((List<Object>) result("stats.get_statistics", "websocket:")).contains("websocket:ws_failed_handshakes = 0");
        }
    }

    /**
     * The exposition with the labels every sample carries taken out, once it is checked that every
     * sample has them first: {@code instance} (the first listener) and {@code server_id}.
     */
    private static String withoutInstanceLabels(String metrics, int port) {
        String labels = "instance=\"127.0.0.1:" + port + "\",server_id=\"0\"";
        assertThat(metrics.lines().filter(l -> !l.startsWith("#"))).allSatisfy(l -> assertThat(l).contains("{" + labels));
        return metrics.replace("{" + labels + ",", "{").replace("{" + labels + "}", "");
    }
}
