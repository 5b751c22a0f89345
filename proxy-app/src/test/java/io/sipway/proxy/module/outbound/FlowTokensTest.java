package io.sipway.proxy.module.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.core.Outbound;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Kamailio's flow token layout: HMAC-SHA1-80, protocol, our address, the peer's address, base64. */
class FlowTokensTest {
    private static final InetSocketAddress PROXY = new InetSocketAddress("192.0.2.1", 5060);
    private static final InetSocketAddress PHONE = new InetSocketAddress("198.51.100.7", 40123);

    private static ReceiveInfo tcpFrom(InetSocketAddress peer) {
        return new ReceiveInfo(Protocol.TCP, peer, new SendSocket(Protocol.TCP, PROXY), 7);
    }

    @Test
    void anIpv4TokenIsTwentyThreeBytesOfHmacProtocolAndBothAddresses() throws Exception {
        byte[] key = MessageDigest.getInstance("SHA-1").digest("!!!Kamailio rocks!!!".getBytes(StandardCharsets.UTF_8));
        String token = new FlowTokens(key).encode(tcpFrom(PHONE));

        byte[] t = Base64.getDecoder().decode(token);
        assertThat(t).hasSize(23);
        assertThat(token).hasSize(32);
        byte[] flow = Arrays.copyOfRange(t, 10, 23);
        assertThat(flow).isEqualTo(new byte[] {2, (byte) 192, 0, 2, 1, 0x13, (byte) 0xc4, (byte) 198, 51, 100, 7,
                (byte) (40123 >> 8), (byte) 40123});
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] h = mac.doFinal(flow);
        assertThat(Arrays.copyOf(t, 10)).as("the last 80 bits of the HMAC").isEqualTo(Arrays.copyOfRange(h, 10, 20));
    }

    @Test
    void aTokenDecodesToItsFlowAndATamperedOneIsBroken() throws Exception {
        FlowTokens tokens = new FlowTokens(new byte[20]);
        String token = tokens.encode(tcpFrom(PHONE));

        assertThat(tokens.decode(token)).isEqualTo(new Outbound.Flow(Protocol.TCP, PROXY, PHONE));

        byte[] t = Base64.getDecoder().decode(token);
        t[22] ^= 1; // another peer port
        String tampered = Base64.getEncoder().encodeToString(t);
        assertThatThrownBy(() -> tokens.decode(tampered)).isInstanceOf(Outbound.BrokenToken.class);
        assertThatThrownBy(() -> new FlowTokens(new byte[] {1}).decode(token)).as("another proxy's key")
                .isInstanceOf(Outbound.BrokenToken.class);
        assertThat(tokens.decode("alice")).as("no flow token: an ordinary user part").isNull();
        assertThat(tokens.decode(null)).isNull();
    }

    @Test
    void anIpv6FlowMakesFortySevenBytes() throws Exception {
        FlowTokens tokens = new FlowTokens(new byte[20]);
        InetSocketAddress local = new InetSocketAddress("2001:db8::1", 5061);
        InetSocketAddress peer = new InetSocketAddress("2001:db8::77", 50000);
        String token = tokens.encode(new ReceiveInfo(Protocol.TLS, peer, new SendSocket(Protocol.TLS, local), 3));

        byte[] t = Base64.getDecoder().decode(token);
        assertThat(t).hasSize(47);
        assertThat(t[10]).as("IPv6 bit and tls (3)").isEqualTo((byte) 0x83);
        assertThat(tokens.decode(token)).isEqualTo(new Outbound.Flow(Protocol.TLS, local, peer));
    }
}
