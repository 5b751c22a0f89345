package io.sipway.proxy.module.sdpops;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.Proxy;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sdpops over loopback: a caller sends an INVITE with an SDP body through a proxy running
 * {@code sdpops/relay.cfg} (t_relay to the test's callee), the callee reads what arrives and answers
 * 200 OK with an SDP that onreply_route may edit. Every expected body, Content-Length and return
 * code was read from Kamailio 5.6.3 running the same script with the same messages
 * ({@code src/test/resources/sdpops/kamailio-*.sdp}; the X-R values below).
 */
class SdpopsRelayTest {
    private static final String PLAIN = resource("plain.sdp");
    private static final String WEBRTC = resource("webrtc.sdp");

    @TempDir
    Path dir;
    private Proxy proxy;
    private int port;
    private DatagramSocket caller;
    private DatagramSocket callee;
    private int calls;

    @BeforeEach
    void start() throws Exception {
        port = FreePorts.udpAndTcp();
        callee = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        callee.setSoTimeout(3000);
        caller.setSoTimeout(3000);
        Path cfg = dir.resolve("relay.cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=udp:127.0.0.1:" + port + "\nloadmodule \"tm.so\"\nloadmodule \"sl.so\"\n"
                + "loadmodule \"pv.so\"\nloadmodule \"textops.so\"\nloadmodule \"sdpops.so\"\n"
                + resource("relay.cfg").replace("CALLEE", Integer.toString(callee.getLocalPort())));
        proxy = Proxy.start(cfg, Map.of(), List.of());
    }

    @AfterEach
    void stop() {
        caller.close();
        callee.close();
        proxy.close();
    }

    @Test
    void removingCodecsByNameTakesTheirPayloadIdsAndTheirAttributeLines() throws IOException {
        assertRelayed("remove-by-name", PLAIN, "kamailio-remove-by-name-plain.sdp");
    }

    @Test
    void keepingCodecsOfOneMediaLeavesTheOtherStreamAlone() throws IOException {
        assertRelayed("keep-by-name-audio", PLAIN, "kamailio-keep-by-name-audio-plain.sdp");
    }

    @Test
    void aCodecRemovedTwiceIsRemovedOnce() throws IOException {
        assertRelayed("remove-by-id-twice", PLAIN, "kamailio-remove-by-id-twice-plain.sdp");
    }

    @Test
    void aLaterFunctionSeesTheBodyAsReceivedAndDeletesWhatIsLeft() throws IOException {
        // the rtpmap lines went as one run; PCMU's rtpmap line was in it, its m= entry goes
        assertRelayed("prefix-then-codec", PLAIN, "kamailio-prefix-then-codec-plain.sdp");
    }

    @Test
    void aRunOfLinesRemovedAfterOneOfItsLinesGoesWhole() throws IOException {
        assertRelayed("codec-then-prefix", PLAIN, "kamailio-codec-then-prefix-plain.sdp");
    }

    @Test
    void aStreamRemovedAfterOneOfItsCodecsGoesWhole() throws IOException {
        assertRelayed("codec-then-media", PLAIN, "kamailio-codec-then-media-plain.sdp");
    }

    @Test
    void cnEndsTheListOfNamesAsInKamailiosTable() throws IOException {
        assertRelayed("cn-first", WEBRTC, "kamailio-cn-first-webrtc.sdp");
    }

    @Test
    void removingATransportRemovesEveryStreamOfIt() throws IOException {
        assertRelayed("remove-transport", PLAIN, "kamailio-remove-transport-plain.sdp");
    }

    @Test
    void removingMediaAndIncrementingTheSessionVersion() throws IOException {
        assertRelayed("remove-video", PLAIN, "kamailio-remove-video-plain.sdp");
    }

    @Test
    void webrtcCandidatesOfTheAudioStreamGoAndTheVersionIsSet() throws IOException {
        assertRelayed("webrtc-candidates", WEBRTC, "kamailio-webrtc-candidates-webrtc.sdp");
    }

    @Test
    void removingOpusTakesItsRtpmapRtcpFbAndFmtpLines() throws IOException {
        assertRelayed("webrtc-remove-opus", WEBRTC, "kamailio-webrtc-remove-opus-webrtc.sdp");
    }

    @Test
    void keepingPcmuAndTelephoneEventInAWebrtcOffer() throws IOException {
        assertRelayed("webrtc-keep", WEBRTC, "kamailio-webrtc-keep-webrtc.sdp");
    }

    @Test
    void theTestsAnswerAsKamailiosOnAPlainOffer() throws IOException {
        assertThat(relay("checks", PLAIN).header("X-R")).isEqualTo("content=1 sloppy=1 audio=1 image=-1 active-audio=1"
                + " active-video=-1 avp=1 savpf=-1 like-savp=-1 transport=1/RTP/AVP pcmu-opus=2 pcmu=2 amr=-1 id-0-8=2"
                + " id-0-77=2 id-77=-1 ice=-1 get=1/374 fp=-1/ mvid=1/m=video 0 RTP/AVP 96 af=4 sv=2000 len=374 rm-none=1"
                + " rm-image=-1 rm-savp=-1 rm-amr=-1 keep-amr=-1 rm-77=1 print=1");
    }

    @Test
    void theTestsAnswerAsKamailiosOnAWebrtcOffer() throws IOException {
        assertThat(relay("checks", WEBRTC).header("X-R")).isEqualTo("content=1 sloppy=1 audio=1 image=-1 active-audio=1"
                + " active-video=-1 avp=-1 savpf=1 like-savp=1 transport=1/UDP/TLS/RTP/SAVPF pcmu-opus=1 pcmu=1 amr=-1"
                + " id-0-8=1 id-0-77=2 id-77=-1 ice=1 get=1/890 fp=1/a=fingerprint:sha-256 3C:4A:9E:1B:07:7F:A8:52:6D:0E:32"
                + ":C1:5B:88:F4:20:19:AB:6E:73:D2:9C:40:E5:1F:3A:B7:66:08:C4:5D:E9 mvid=-1/ af=-1 sv=2 len=890 rm-none=1"
                + " rm-image=-1 rm-savp=-1 rm-amr=-1 keep-amr=-1 rm-77=1 print=1");
    }

    @Test
    void theTestsAnswerAsKamailiosWithoutABody() throws IOException {
        assertThat(relay("checks", "").header("X-R")).isEqualTo("content=-1 sloppy=-1 audio=-1 image=-1 active-audio=-1"
                + " active-video=-1 avp=-1 savpf=-1 like-savp=-1 transport=1/ pcmu-opus=-1 pcmu=-1 amr=-1 id-0-8=-2"
                + " id-0-77=-2 id-77=-2 ice=-1 get=-2/ fp=-2/ mvid=-2/ af=-1 sv= len= rm-none=-1 rm-image=-1 rm-savp=-1"
                + " rm-amr=-1 keep-amr=-1 rm-77=-1 print=1");
    }

    @Test
    void theSdpPartOfAMultipartBodyIsTheSdpUpToTheNextBoundary() throws IOException {
        SipMessage relayed = exchange("multipart", resource("multipart.txt"), "Content-Type: multipart/mixed;boundary=unique-boundary-1\r\n",
                "")[0];
        String expected = resource("kamailio-multipart.txt");
        assertThat(new String(relayed.body(), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(relayed.header("Content-Length")).isEqualTo(Integer.toString(expected.length()));
        // the SDP ends with the CRLF before the boundary line: removing the last stream takes that CRLF too
        assertThat(relayed.header("X-R")).isEqualTo("content=1 sloppy=1 af=4 sv=2000 len=376 mvid=1/m=video 0 RTP/AVP 96 rm-video=1");
    }

    @Test
    void aReplyEditedInOnreplyRouteGoesUpWithItsContentLength() throws IOException {
        SipMessage reply = call("none", PLAIN, "remove");
        String expected = resource("kamailio-reply-plain.sdp");
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(reply.header("Content-Length")).isEqualTo(Integer.toString(expected.length()));
    }

    private void assertRelayed(String test, String sdp, String expectedFile) throws IOException {
        SipMessage relayed = relay(test, sdp);
        String expected = resource(expectedFile);
        assertThat(new String(relayed.body(), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(relayed.header("Content-Length")).isEqualTo(Integer.toString(expected.length()));
    }

    /** The INVITE as the callee receives it (the call is then answered without edits). */
    private SipMessage relay(String test, String sdp) throws IOException {
        return exchange(test, sdp, "")[0];
    }

    /** The 200 OK as the caller receives it. */
    private SipMessage call(String test, String sdp, String replyEdit) throws IOException {
        return exchange(test, sdp, replyEdit)[1];
    }

    private SipMessage[] exchange(String test, String sdp, String replyEdit) throws IOException {
        return exchange(test, sdp, sdp.isEmpty() ? "" : "Content-Type: application/sdp\r\n", replyEdit);
    }

    private SipMessage[] exchange(String test, String sdp, String type, String replyEdit) throws IOException {
        int n = ++calls;
        String invite = "INVITE sip:bob@127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.getLocalPort() + ";branch=z9hG4bK-sdp" + n + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=a" + n + "\r\nTo: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: sdpops" + n + "@test\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:" + caller.getLocalPort() + ">\r\n"
                + "X-Case: " + test + "\r\n" + type + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
        send(caller, invite, new InetSocketAddress("127.0.0.1", port));
        DatagramPacket in = receive(callee);
        SipMessage relayed = SipParser.parse(Arrays.copyOf(in.getData(), in.getLength()));
        StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String v : relayed.headers("Via")) {
            ok.append("Via: ").append(v).append("\r\n");
        }
        ok.append("From: ").append(relayed.header("From")).append("\r\nTo: ").append(relayed.header("To")).append(";tag=b")
                .append(n).append("\r\nCall-ID: ").append(relayed.callId()).append("\r\nCSeq: 1 INVITE\r\n")
                .append("Contact: <sip:bob@127.0.0.1:").append(callee.getLocalPort()).append(">\r\nX-Reply: ").append(replyEdit)
                .append("\r\nContent-Type: application/sdp\r\nContent-Length: ").append(PLAIN.length()).append("\r\n\r\n").append(PLAIN);
        send(callee, ok.toString(), in.getSocketAddress());
        while (true) {
            DatagramPacket r = receive(caller);
            SipMessage reply = SipParser.parse(Arrays.copyOf(r.getData(), r.getLength()));
            if (reply.statusCode() == 200) {
                return new SipMessage[] {relayed, reply};
            }
        }
    }

    private static void send(DatagramSocket s, String text, SocketAddress to) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(b, b.length, to));
    }

    private static DatagramPacket receive(DatagramSocket s) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
        s.receive(p);
        return p;
    }

    static String resource(String name) {
        try (InputStream in = SdpopsRelayTest.class.getResourceAsStream("/sdpops/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
