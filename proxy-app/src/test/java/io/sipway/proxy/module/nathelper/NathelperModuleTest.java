package io.sipway.proxy.module.nathelper;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.transport.Protocol;
import org.junit.jupiter.api.Test;

/** What nathelper writes for each protocol: Kamailio's numbers in the alias, ws for WS and WSS in a URI. */
class NathelperModuleTest {
    @Test
    void theAliasNamesProtocolsByKamailiosNumbers() {
        assertThat(NathelperModule.protoNumber(Protocol.UDP)).isEqualTo(1);
        assertThat(NathelperModule.protoNumber(Protocol.TCP)).isEqualTo(2);
        assertThat(NathelperModule.protoNumber(Protocol.TLS)).isEqualTo(3);
        assertThat(NathelperModule.protoNumber(Protocol.WS)).isEqualTo(5);
        assertThat(NathelperModule.protoNumber(Protocol.WSS)).isEqualTo(6);
    }

    @Test
    void aUriToAWebSocketSourceSaysWsForWsAndWss() {
        assertThat(NathelperModule.transportParam(Protocol.WS)).isEqualTo(";transport=ws");
        assertThat(NathelperModule.transportParam(Protocol.WSS)).isEqualTo(";transport=ws");
        assertThat(NathelperModule.transportParam(Protocol.TLS)).isEqualTo(";transport=tls");
        assertThat(NathelperModule.transportParam(Protocol.UDP)).isEmpty();
    }

    @Test
    void privateMeansRfc1918AndRfc6598() {
        assertThat(NatUacTest.isPrivate("10.1.2.3")).isTrue();
        assertThat(NatUacTest.isPrivate("172.16.0.1")).isTrue();
        assertThat(NatUacTest.isPrivate("172.32.0.1")).isFalse();
        assertThat(NatUacTest.isPrivate("192.168.0.1")).isTrue();
        assertThat(NatUacTest.isPrivate("100.64.0.1")).isTrue();
        assertThat(NatUacTest.isPrivate("100.128.0.1")).isFalse();
        assertThat(NatUacTest.isPrivate("127.0.0.1")).isFalse();
        assertThat(NatUacTest.isPrivate("host.example.com")).isFalse();
    }
}
