package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The listeners open before the script is attached (a peer that retransmits can reach them in
 * that window, e.g. after a restart): what arrives then is dropped and counted, never an error.
 */
@DisplayName("a message that arrives before the script is attached")
class BeforeStartTest {

    @Test
    @DisplayName("is dropped and counted as sipway:dropped_before_start")
    void droppedAndCounted() {
        Core core = new Core();
        byte[] options = ("OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK1\r\n"
                + "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ReceiveInfo from = new ReceiveInfo(Protocol.UDP, new InetSocketAddress("127.0.0.1", 5999),
                new SendSocket(Protocol.UDP, new InetSocketAddress("127.0.0.1", 5060)), 0);
        core.receive(options, from);
        assertThat(core.stat("sipway:dropped_before_start")).isEqualTo(1);
        assertThat(core.stat("sipway:errors")).isZero();
    }
}
