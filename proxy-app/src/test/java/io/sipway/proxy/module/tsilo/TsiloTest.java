package io.sipway.proxy.module.tsilo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.RpcExport;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * tsilo on real sockets: an INVITE to bob rings his old contact and is stored; bob registers again
 * from a new contact while it waits, and ts_append gives the waiting INVITE a branch there, which
 * answers the call (the old branch is canceled). The RPC commands show the stored transaction while
 * it waits, and nothing once it has ended.
 */
@Timeout(30)
class TsiloTest {
    static final String SCRIPT = String.join("\n",
            "loadmodule \"tm.so\"", "loadmodule \"sl.so\"", "loadmodule \"pv.so\"", "loadmodule \"usrloc.so\"",
            "loadmodule \"registrar.so\"", "loadmodule \"textops.so\"", "loadmodule \"tsilo.so\"",
            "request_route {",
            "    if (is_method(\"REGISTER\")) {",
            "        save(\"location\");",
            "        ts_append(\"location\", \"$tu\");",
            "        exit;",
            "    }",
            "    if (is_method(\"INVITE\")) {",
            "        if (!lookup(\"location\")) {",
            "            sl_send_reply(\"404\", \"Not Found\");",
            "            exit;",
            "        }",
            "        t_newtran();",
            "        ts_store();",
            "        t_relay();",
            "        exit;",
            "    }",
            "    t_relay();",
            "}", "");
    @TempDir
    Path dir;
    private Proxy proxy;
    private InetSocketAddress at;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aRegisterWhileTheInviteWaitsAddsABranchThatTakesTheCall() throws Exception {
        int port = FreePorts.udpAndTcp();
        Path cfg = dir.resolve("tsilo.cfg");
        Files.writeString(cfg, "listen=udp:127.0.0.1:" + port + "\n" + SCRIPT);
        proxy = Proxy.start(cfg, Map.of(), List.of());
        at = new InetSocketAddress("127.0.0.1", port);
        try (DatagramSocket caller = socket(); DatagramSocket oldPhone = socket(); DatagramSocket newPhone = socket()) {
            register(oldPhone, "r1");
            assertThat(receive(oldPhone, "SIP/2.0 200")).isNotNull();

            send(caller, "INVITE sip:bob@127.0.0.1:" + port + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.getLocalPort() + ";branch=z9hG4bK-ts1;rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\n"
                    + "Call-ID: ts-call@test\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:" + caller.getLocalPort() + ">\r\n"
                    + "Content-Length: 0\r\n\r\n");
            SipMessage first = receive(oldPhone, "INVITE ");
            assertThat(first.requestUriString()).isEqualTo("sip:bob@127.0.0.1:" + oldPhone.getLocalPort());

            @SuppressWarnings("unchecked")
            Map<String, Object> dump = (Map<String, Object>) rpc("ts.dump");
            assertThat(dump.get("Stats")).isEqualTo(Map.of("RURIs", 1, "Max-Slots", 1, "Transactions", 1));
            assertThat(rpc("ts.lookup", "bob")).asList().hasSize(1);

            register(newPhone, "r2"); // the phone woke up elsewhere
            assertThat(receive(newPhone, "SIP/2.0 200")).isNotNull();
            SipMessage appended = receive(newPhone, "INVITE ");
            assertThat(appended.requestUriString()).isEqualTo("sip:bob@127.0.0.1:" + newPhone.getLocalPort());
            assertThat(appended.callId()).isEqualTo("ts-call@test");

            send(newPhone, "SIP/2.0 200 OK\r\n" + headers(appended, "Via") + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                    + "To: <sip:bob@127.0.0.1>;tag=b2\r\nCall-ID: ts-call@test\r\nCSeq: 1 INVITE\r\n"
                    + "Contact: <sip:bob@127.0.0.1:" + newPhone.getLocalPort() + ">\r\nContent-Length: 0\r\n\r\n");
            SipMessage answered = receive(caller, "SIP/2.0 200");
            assertThat(answered.toTag()).isEqualTo("b2");
            // the final reply went up: the transaction left the silo (told on the transaction's loop, maybe just after)
            long until = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < until && !((Map<?, ?>) ((Map<?, ?>) rpc("ts.dump")).get("Stats")).get("RURIs").equals(0)) {
                Thread.sleep(20);
            }
            assertThatThrownBy(() -> rpc("ts.lookup", "bob")).isInstanceOf(RpcExport.RpcException.class)
                    .hasMessageContaining("RURI not found");
            assertThat(proxy.core().stat("tsilo:added_branches")).isEqualTo(1);
        }
    }

    private DatagramSocket socket() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.setSoTimeout(5000);
        return s;
    }

    private void register(DatagramSocket phone, String id) throws Exception {
        send(phone, "REGISTER sip:127.0.0.1:" + at.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + phone.getLocalPort() + ";branch=z9hG4bK-" + id + ";rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:bob@127.0.0.1>;tag=" + id + "\r\nTo: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + id + "@test\r\nCSeq: 1 REGISTER\r\nContact: <sip:bob@127.0.0.1:" + phone.getLocalPort() + ">\r\n"
                + "Expires: 600\r\nContent-Length: 0\r\n\r\n");
    }

    private Object rpc(String name, Object... params) throws RpcExport.RpcException {
        for (ModuleExports t : proxy.tables()) {
            RpcExport r = t.rpcs().get(name);
            if (r != null) {
                return r.handler().call(List.of(params));
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static String headers(SipMessage m, String name) {
        StringBuilder b = new StringBuilder();
        for (String v : m.headers(name)) {
            b.append(name).append(": ").append(v).append("\r\n");
        }
        return b.toString();
    }

    private void send(DatagramSocket s, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        s.send(new DatagramPacket(bytes, bytes.length, at));
    }

    private static SipMessage receive(DatagramSocket s, String start) throws Exception {
        byte[] buf = new byte[65535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            String m = new String(Arrays.copyOf(buf, p.getLength()), StandardCharsets.ISO_8859_1);
            if (m.startsWith(start)) {
                return SipParser.parse(m.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
    }
}
