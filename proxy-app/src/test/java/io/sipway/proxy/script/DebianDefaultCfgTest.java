package io.sipway.proxy.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.ops.OpsServer;
import io.sipway.proxy.tm.SipPeer;
import io.sipway.sip.SipMessage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Debian's /etc/kamailio/kamailio.cfg of Kamailio 5.6.3 (a byte-exact copy, see SOURCE.md next to
 * it): every combination of the WITH_* features Sipway runs passes the check, and the check agrees
 * with a run: each feature starts and routes requests on real sockets, JSON-RPC over HTTP on the SIP
 * port (WITH_JSONRPC), calls to PSTN numbers to the gateway set at run time (WITH_PSTN), unanswered
 * and busy calls to the voicemail server (WITH_VOICEMAIL). Features that need what Sipway lacks (a
 * database, a media relay) are refused naming it.
 */
@Timeout(120)
class DebianDefaultCfgTest {
    private static final Path CFG = Path.of("src/test/resources/kamailio/debian-5.6.3/kamailio.cfg");
    /** The features Sipway runs (WITH_NATSIPPING alone only sets a branch flag). */
    private static final List<String> SUPPORTED = List.of("WITH_JSONRPC", "WITH_PSTN", "WITH_VOICEMAIL", "WITH_TLS",
            "WITH_BLOCK3XX", "WITH_BLOCK401407", "WITH_NATSIPPING");
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final io.sipway.proxy.module.ModuleHost host = io.sipway.proxy.Modules.host(new io.sipway.proxy.core.Core());

    private ScriptLoader.Result check(List<String> defines) {
        return ScriptLoader.load(CFG, "kamailio.cfg", defines(defines), host);
    }

    private static Map<String, String> defines(List<String> names) {
        Map<String, String> map = new LinkedHashMap<>();
        names.forEach(d -> map.put(d, null));
        return map;
    }

    @TestFactory
    List<DynamicTest> everyCombinationOfSupportedFeaturesPasses() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int mask = 0; mask < 1 << SUPPORTED.size(); mask++) {
            List<String> on = new ArrayList<>();
            for (int i = 0; i < SUPPORTED.size(); i++) {
                if ((mask & 1 << i) != 0) {
                    on.add(SUPPORTED.get(i));
                }
            }
            tests.add(DynamicTest.dynamicTest(on.isEmpty() ? "all WITH_* off" : String.join("+", on), () -> {
                ScriptLoader.Result r = check(on);
                assertThat(r.diagnostics().errorCount()).as(r.diagnostics().render()).isZero();
            }));
        }
        return tests;
    }

    /**
     * What the check accepts starts and answers: each feature alone and all together (WITH_TLS aside:
     * it reads /etc/kamailio/tls.cfg, which a test machine does not have).
     */
    @TestFactory
    List<DynamicTest> eachFeatureStartsAndAnswersAKeepalive() {
        List<List<String>> runs = new ArrayList<>();
        List<String> runnable = SUPPORTED.stream().filter(f -> !f.equals("WITH_TLS")).toList();
        runnable.forEach(f -> runs.add(List.of(f)));
        runs.add(runnable);
        return runs.stream().map(on -> DynamicTest.dynamicTest(String.join("+", on), () -> {
            try (Running p = new Running(on); SipPeer ua = p.peer("ua")) {
                ua.send(p.options(ua, "z9hG4bK-ka"));
                SipMessage ok = ua.nextFinal(WAIT);
                assertThat(ok.statusCode()).isEqualTo(200);
                assertThat(ok.reasonPhrase()).isEqualTo("Keepalive");
            }
        })).toList();
    }

    @Test
    void jsonRpcOverHttpOnTheSipPortIsAnsweredAsKamailioAnswersIt() throws Exception {
        try (Running p = new Running(List.of("WITH_JSONRPC"))) {
            HttpResponse<String> version = p.post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"id\":1}");
            assertThat(version.statusCode()).isEqualTo(200);
            assertThat(version.headers().firstValue("Content-Type")).hasValue("application/json");
            // pretty_format=1 in the script: srjson's layout, as Kamailio 5.6.3 answered the same request
            assertThat(version.body()).matches("\\{\n\t\"jsonrpc\":\t\"2.0\",\n\t\"result\":\t\"sipway [^\"]+\",\n\t\"id\":\t1\n}");

            HttpResponse<String> unknown = p.post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"core.nonexistent\",\"id\":3}");
            assertThat(unknown.statusCode()).isEqualTo(500);
            assertThat(unknown.body()).isEqualTo("{\n\t\"jsonrpc\":\t\"2.0\",\n\t\"error\":\t{\n\t\t\"code\":\t500,\n"
                    + "\t\t\"message\":\t\"Method Not Found\"\n\t},\n\t\"id\":\t3\n}");

            HttpResponse<String> noMethod = p.post("/RPC", "{\"jsonrpc\":\"2.0\",\"id\":5}");
            assertThat(noMethod.body()).isEqualTo("{\n\t\"jsonrpc\":\t\"2.0\",\n\t\"result\":\t{\n\t},\n\t\"id\":\t5\n}");

            HttpResponse<String> other = p.get("/status");
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.body()).isEqualTo("<html><body>Wrong URL /status</body></html>");
        }
    }

    @Test
    void pstnNumbersGoToTheGatewaySetAtRunTimeWithTheirLeading00MadeAPlus() throws Exception {
        try (Running p = new Running(List.of("WITH_PSTN")); SipPeer caller = p.peer("caller"); SipPeer gw = p.peer("gw")) {
            // pstn.gw_ip = "" in the script: not routed to the PSTN, and nobody has registered the number
            caller.send(p.invite(caller, "0049301234567", "z9hG4bK-pstn1"));
            assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(404);

            p.rpc("cfg.sets", "pstn", "gw_ip", "127.0.0.1");
            p.rpc("cfg.sets", "pstn", "gw_port", Integer.toString(gw.port));
            assertThat(p.rpc("cfg.get", "pstn", "gw_ip")).contains("\"result\":\"127.0.0.1\"");

            caller.send(p.invite(caller, "0049301234567", "z9hG4bK-pstn2"));
            SipMessage atGateway = gw.nextRequest("INVITE", WAIT);
            assertThat(atGateway.requestUriString()).isEqualTo("sip:+49301234567@127.0.0.1:" + gw.port);
            gw.answer(atGateway, 486, "Busy Here");
            assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(486);
        }
    }

    @Test
    void unansweredAndBusyCallsGoToTheVoicemailServer() throws Exception {
        try (Running p = new Running(List.of("WITH_VOICEMAIL")); SipPeer caller = p.peer("caller"); SipPeer bob = p.peer("bob");
             SipPeer vm = p.peer("vm")) {
            p.rpc("cfg.sets", "voicemail", "srv_ip", "127.0.0.1");
            p.rpc("cfg.sets", "voicemail", "srv_port", Integer.toString(vm.port));

            // carol is not registered: lookup fails, route(TOVOICEMAIL) sends the call to the voicemail server
            caller.send(p.invite(caller, "carol", "z9hG4bK-vm1"));
            SipMessage toVoicemail = vm.nextRequest("INVITE", WAIT);
            assertThat(toVoicemail.requestUriString()).isEqualTo("sip:carol@127.0.0.1:" + vm.port);
            vm.answer(toVoicemail, 200, "OK", "Contact: <sip:vm@127.0.0.1:" + vm.port + ">");
            assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(200);

            // bob is registered and busy: failure_route sends the call on to the voicemail server
            bob.send(p.register(bob, "bob", "z9hG4bK-reg1"));
            assertThat(bob.nextFinal(WAIT).statusCode()).isEqualTo(200);
            caller.send(p.invite(caller, "bob", "z9hG4bK-vm2"));
            SipMessage atBob = bob.nextRequest("INVITE", WAIT);
            bob.answer(atBob, 486, "Busy Here");
            SipMessage busyToVoicemail = vm.nextRequest("INVITE", WAIT);
            assertThat(busyToVoicemail.requestUriString()).isEqualTo("sip:bob@127.0.0.1:" + vm.port);
            vm.answer(busyToVoicemail, 200, "OK", "Contact: <sip:vm@127.0.0.1:" + vm.port + ">");
            assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void featuresNeedingWhatSipwayLacksAreRefusedNamingIt() {
        // WITH_NAT's rtpproxy is Sipway's since issue 17: what stops it is tmx's t_is_branch_route
        assertThat(check(List.of("WITH_NAT")).diagnostics().render()).doesNotContain("rtpproxy")
                .contains("t_is_branch_route: is a function of Kamailio's tmx module that Sipway does not implement");
        assertThat(check(List.of("WITH_NAT", "WITH_RTPENGINE")).diagnostics().render()).as("rtpengine is Sipway's too")
                .doesNotContain("rtpengine").contains("t_is_branch_route");
        assertThat(check(List.of("WITH_ANTIFLOOD")).diagnostics().render())
                .as("htable, its ipban table and $sht(ipban=>$si), and pike are Sipway's").doesNotContain("module 'htable'")
                .doesNotContain("module 'pike'").doesNotContain("$sht").doesNotContain("modparam(\"htable\"");
        ScriptLoader.Result debug = check(List.of("WITH_DEBUG"));
        assertThat(debug.ok()).as("the debugger's cfgtrace is Sipway's (issue 16): " + debug.diagnostics().render()).isTrue();
        // the database features Sipway runs (issue 15) pass the check, alone and together; the others name what is missing
        List<String> withDatabase = List.of("WITH_MYSQL", "WITH_AUTH", "WITH_USRLOCDB", "WITH_IPAUTH", "WITH_ANTIFLOOD",
                "WITH_ACCDB", "WITH_ALIASDB", "WITH_MULTIDOMAIN");
        for (String db : withDatabase) {
            ScriptLoader.Result r = check(List.of("WITH_MYSQL", db));
            assertThat(r.ok()).as(db + ": " + r.diagnostics().render()).isTrue();
        }
        ScriptLoader.Result all = check(withDatabase);
        assertThat(all.ok()).as(all.diagnostics().render()).isTrue();
        assertThat(check(List.of("WITH_MYSQL", "WITH_SPEEDDIAL")).diagnostics().render())
                .contains("module 'speeddial' is not supported by Sipway");
        assertThat(check(List.of("WITH_MYSQL", "WITH_PRESENCE")).diagnostics().render())
                .contains("module 'presence' is not supported by Sipway");
    }

    /** The default script running with some features on a free loopback port (UDP and TCP), and the operations endpoint. */
    private static final class Running implements AutoCloseable {
        final int port = FreePorts.udpAndTcp();
        final Proxy proxy;
        final OpsServer ops;

        /**
         * A client per request: the SIP port closes the connection after its answer (set_reply_close() in the
         * script) without saying so in a header, and a pooled connection would be reused after that.
         */
        private static HttpClient http() {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        }

        Running(List<String> features) throws Exception {
            proxy = Proxy.start(CFG, defines(features), List.of("udp:127.0.0.1:" + port, "tcp:127.0.0.1:" + port));
            ops = OpsServer.start(proxy, new InetSocketAddress("127.0.0.1", 0));
        }

        SipPeer peer(String tag) {
            return new SipPeer(FreePorts.udpAndTcp(), port, tag);
        }

        /** An RPC command through the operations endpoint (the cfg_rpc commands a deployment would use). */
        String rpc(String method, String... params) throws Exception {
            StringBuilder body = new StringBuilder("{\"jsonrpc\":\"2.0\",\"method\":\"").append(method).append("\",\"params\":[");
            for (int i = 0; i < params.length; i++) {
                body.append(i == 0 ? "" : ",").append('"').append(params[i]).append('"');
            }
            body.append("],\"id\":1}");
            String answer = http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.address().getPort() + "/RPC"))
                    .timeout(WAIT).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(answer).as(method).doesNotContain("\"error\"");
            return answer;
        }

        HttpResponse<String> post(String path, String body) throws Exception {
            return http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path) throws Exception {
            return http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** A request from {@code ua}, whose From is a local user (myself: this proxy's address and port). */
        private String request(SipPeer ua, String method, String ruri, String to, String branch, String extra) {
            return method + " " + ruri + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.port + ";branch=" + branch + ";rport\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:alice@127.0.0.1:" + port + ">;tag=" + branch + "\r\n"
                    + "To: <" + to + ">\r\n"
                    + "Call-ID: " + branch + "@test\r\n"
                    + "CSeq: 1 " + method + "\r\n"
                    + extra
                    + "Content-Length: 0\r\n\r\n";
        }

        String options(SipPeer ua, String branch) {
            return request(ua, "OPTIONS", "sip:127.0.0.1:" + port, "sip:127.0.0.1:" + port, branch, "");
        }

        String invite(SipPeer ua, String user, String branch) {
            String uri = "sip:" + user + "@127.0.0.1:" + port;
            return request(ua, "INVITE", uri, uri, branch, "Contact: <sip:alice@127.0.0.1:" + ua.port + ">\r\n");
        }

        String register(SipPeer ua, String user, String branch) {
            return request(ua, "REGISTER", "sip:127.0.0.1:" + port, "sip:" + user + "@127.0.0.1:" + port, branch,
                    "Contact: <sip:" + user + "@127.0.0.1:" + ua.port + ">\r\nExpires: 600\r\n");
        }

        @Override
        public void close() {
            ops.close();
            proxy.close();
        }
    }
}
