package io.sipway.proxy.module.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.module.ScriptOnLoopback;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kamailio's stun module: a STUN Binding request sent to the SIP UDP port is answered from that
 * port with the request's transaction id and the address the request came from, while SIP on the
 * same port goes on. The expected bytes are those Kamailio 5.6.3 sends for the same requests.
 */
@Timeout(30)
class StunTest {
    static final String SCRIPT = "loadmodule \"sl.so\"\nloadmodule \"stun.so\"\n"
            + "request_route {\n\tsl_send_reply(\"200\", \"still SIP\");\n}\n";
    private static final int COOKIE = 0x2112A442;
    @TempDir
    Path dir;
    private ScriptOnLoopback proxy;
    private DatagramSocket client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private InetSocketAddress start(String script) throws Exception {
        proxy = ScriptOnLoopback.start(dir, script);
        client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        client.setSoTimeout(2000);
        return (InetSocketAddress) proxy.proxy().transport().sockets().get(0).local();
    }

    private byte[] exchange(InetSocketAddress to, byte[] request) throws Exception {
        client.send(new DatagramPacket(request, request.length, to));
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            client.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        assertThat(p.getSocketAddress()).as("answered from the SIP port").isEqualTo(to);
        return Arrays.copyOf(buf, p.getLength());
    }

    private static byte[] binding(int type, boolean cookie, byte[] attributes) {
        ByteBuffer b = ByteBuffer.allocate(20 + attributes.length);
        b.putShort((short) type).putShort((short) attributes.length);
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        if (cookie) {
            ByteBuffer.wrap(id).putInt(COOKIE);
        }
        return b.put(id).put(attributes).array();
    }

    @Test
    void aBindingRequestIsAnsweredWithTheTransactionIdAndTheXorMappedAddress() throws Exception {
        InetSocketAddress sip = start(SCRIPT);
        byte[] request = binding(0x0001, true, new byte[0]);

        ByteBuffer r = ByteBuffer.wrap(exchange(sip, request));

        assertThat(r.getShort(0)).as("Binding success response").isEqualTo((short) 0x0101);
        assertThat(r.getShort(2) & 0xffff).isEqualTo(r.limit() - 20);
        assertThat(Arrays.copyOfRange(r.array(), 4, 20)).as("cookie and transaction id").isEqualTo(Arrays.copyOfRange(request, 4, 20));
        assertThat(r.getShort(20)).as("XOR-MAPPED-ADDRESS").isEqualTo((short) 0x0020);
        assertThat(r.getShort(22)).isEqualTo((short) 8);
        assertThat(r.getShort(24)).as("IPv4").isEqualTo((short) 1);
        assertThat((r.getShort(26) & 0xffff) ^ 0x2112).as("the client's port").isEqualTo(client.getLocalPort());
        assertThat(r.getInt(28) ^ COOKIE).as("127.0.0.1").isEqualTo(0x7f000001);
        assertThat(r.getShort(32)).as("SOFTWARE").isEqualTo((short) 0x8022);
        int len = r.getShort(34);
        assertThat(new String(r.array(), 36, len, StandardCharsets.US_ASCII)).startsWith("Server: sipway (");
        assertThat(r.limit()).isEqualTo(36 + ((len + 3) & ~3));

        assertThat(proxy.reason("bob")).as("SIP on the same port").isEqualTo("still SIP");
    }

    @Test
    void anRfc3489RequestGetsTheMappedAddressInClearAndNoSoftware() throws Exception {
        InetSocketAddress sip = start(SCRIPT);
        byte[] request = binding(0x0001, false, new byte[0]);

        byte[] r = exchange(sip, request);

        ByteBuffer expected = ByteBuffer.allocate(32).putShort((short) 0x0101).putShort((short) 12).put(request, 4, 16)
                .putShort((short) 0x0001).putShort((short) 8).putShort((short) 1).putShort((short) client.getLocalPort())
                .put(new byte[] {127, 0, 0, 1});
        assertThat(r).isEqualTo(expected.array());
    }

    @Test
    void otherMessagesAndUnknownMandatoryAttributesGetErrorResponses() throws Exception {
        InetSocketAddress sip = start(SCRIPT);
        byte[] indication = binding(0x0011, true, new byte[0]);
        ByteBuffer r = ByteBuffer.wrap(exchange(sip, indication));
        assertThat(r.getShort(0)).as("Binding error response").isEqualTo((short) 0x0111);
        assertThat(Arrays.copyOfRange(r.array(), 20, 42)).as("ERROR-CODE 600 Global Failure").isEqualTo(ByteBuffer.allocate(22)
                .putShort((short) 0x0009).putShort((short) 18).putInt(0x0600).put("Global Failure".getBytes(StandardCharsets.US_ASCII)).array());

        byte[] unknown = binding(0x0001, true, ByteBuffer.allocate(8).putShort((short) 0x0033).putShort((short) 4).putInt(5).array());
        r = ByteBuffer.wrap(exchange(sip, unknown));
        assertThat(r.getShort(0)).isEqualTo((short) 0x0111);
        assertThat(r.getShort(20)).isEqualTo((short) 0x0009);
        assertThat(r.getInt(24)).as("420").isEqualTo(0x0414);
        assertThat(new String(r.array(), 28, 17, StandardCharsets.US_ASCII)).isEqualTo("Unknown Attribute");
        assertThat(r.getShort(48)).as("UNKNOWN-ATTRIBUTES").isEqualTo((short) 0x000A);
        assertThat(r.getShort(50)).isEqualTo((short) 2);
        assertThat(r.getShort(52)).isEqualTo((short) 0x0033);

        byte[] shortLength = binding(0x0001, true, new byte[4]);
        shortLength[3] = 8; // says 8 bytes of attributes, 4 came
        r = ByteBuffer.wrap(exchange(sip, shortLength));
        assertThat(r.getInt(24)).as("400").isEqualTo(0x0400);
    }

    @Test
    void aKeepAliveOfFourZerosIsDroppedAndWithoutTheModuleStunIsNotAnswered() throws Exception {
        InetSocketAddress sip = start(SCRIPT);
        assertThat(exchange(sip, new byte[4])).isNull();
        proxy.close();
        client.close();

        sip = start("loadmodule \"sl.so\"\nrequest_route {\n\tsl_send_reply(\"200\", \"still SIP\");\n}\n");
        assertThat(exchange(sip, binding(0x0001, true, new byte[0]))).as("SIP's parser drops it").isNull();
    }
}
