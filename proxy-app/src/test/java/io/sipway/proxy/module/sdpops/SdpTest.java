package io.sipway.proxy.module.sdpops;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.core.Lumps;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SDP as Kamailio 5.6's parser reads it for sdpops, and the deletions sdpops computes from it. */
class SdpTest {
    private static final String HEAD = "INVITE sip:b@h SIP/2.0\r\nContent-Type: application/sdp\r\n\r\n";

    private static Sdp parse(String body) {
        String text = HEAD + body;
        return Sdp.parse(text, HEAD.length(), "application/sdp");
    }

    private static String apply(Sdp sdp, List<Lumps.Edit> edits) {
        StringBuilder b = new StringBuilder(sdp.text);
        List<Lumps.Edit> sorted = edits.stream().sorted((x, y) -> Integer.compare(y.start(), x.start())).toList();
        for (Lumps.Edit e : sorted) {
            b.delete(e.start(), e.end());
        }
        return b.substring(sdp.bodyStart);
    }

    @Test
    void aWebrtcOfferHasOneStreamWithItsTransportPayloadsAndMode() {
        Sdp sdp = parse(SdpopsRelayTest.resource("webrtc.sdp"));
        assertThat(sdp.ok()).isTrue();
        assertThat(sdp.family).isZero(); // no session c= line: sdp_get_address_family says -1
        assertThat(sdp.streams).hasSize(1);
        Sdp.Stream s = sdp.streams.get(0);
        assertThat(s.media()).isEqualTo("audio");
        assertThat(s.port()).isEqualTo("9");
        assertThat(s.transport()).isEqualTo("UDP/TLS/RTP/SAVPF");
        assertThat(s.payloads(sdp.text)).isEqualTo("111 63 9 0 8 13 110 126");
        assertThat(s.sendrecv()).isEqualTo("sendrecv");
        assertThat(sdp.text.substring(sdp.versionStart, sdp.versionEnd)).isEqualTo("2");
    }

    @Test
    void aPlainOfferHasTwoStreamsAndTheSessionsFamily() {
        Sdp sdp = parse(SdpopsRelayTest.resource("plain.sdp"));
        assertThat(sdp.family).isEqualTo(4);
        assertThat(sdp.streams).extracting(Sdp.Stream::media).containsExactly("audio", "video");
        assertThat(sdp.streams.get(1).port()).isEqualTo("0");
    }

    @Test
    void whatTheParserRefuses() {
        assertThat(parse("v=0\r\ns=-\r\nm=audio 1 RTP/AVP 0\r\n").status).isEqualTo(Sdp.Status.ERROR); // no o=
        assertThat(parse("v=0\r\no=- 1 2 IN IP4 h\r\ns=-\r\nm=audio 1 RTP/AVP 0\r\n").status)
                .isEqualTo(Sdp.Status.ERROR); // no c= anywhere
        assertThat(parse("v=0\r\no=- 1 2 IN IP4 h\r\nc=IN IP4 h\r\nm=audio 1\r\n").status).isEqualTo(Sdp.Status.ERROR);
        assertThat(Sdp.parse(HEAD, HEAD.length(), "application/sdp").status).isEqualTo(Sdp.Status.NO_BODY);
        assertThat(Sdp.parse(HEAD + "v=0\r\n", HEAD.length(), null).status).isEqualTo(Sdp.Status.ERROR);
        assertThat(Sdp.parse(HEAD + "v=0\r\n", HEAD.length(), "text/plain").status).isEqualTo(Sdp.Status.ERROR);
        assertThat(Sdp.isSdp("Application/SDP ; charset=x")).isTrue();
    }

    @Test
    void linesMayEndInABareLf() {
        Sdp sdp = parse("v=0\no=- 1 2 IN IP6 ::1\ns=-\nc=IN IP6 ::1\nt=0 0\nm=audio 5000 RTP/AVP 0 8\na=rtpmap:8 PCMA/8000\n");
        assertThat(sdp.family).isEqualTo(6);
        assertThat(apply(sdp, SdpEdits.removeCodecs(sdp, "8", null)))
                .isEqualTo("v=0\no=- 1 2 IN IP6 ::1\ns=-\nc=IN IP6 ::1\nt=0 0\nm=audio 5000 RTP/AVP 0\n");
    }

    @Test
    void namesBecomeIdsByKamailiosTableElseByTheRtpmapLines() {
        Sdp sdp = parse(SdpopsRelayTest.resource("webrtc.sdp"));
        assertThat(SdpEdits.ids(sdp, "PCMA,opus")).isEqualTo("8,111");
        assertThat(SdpEdits.ids(sdp, "telephone-event")).isEqualTo("110,126");
        assertThat(SdpEdits.ids(sdp, "dvi4")).isEqualTo("5,6,16,17");
        assertThat(SdpEdits.ids(sdp, "AMR")).isNull();
        // CN's entry carries NULs, which end the reading of the list: PCMA after it is not used
        assertThat(SdpEdits.ids(sdp, "CN,PCMA")).isEqualTo("13\0\0\0,8");
        int[] pos = {0};
        assertThat(Sdp.token("13\0\0\0,8", pos, ',')).isEqualTo("13");
        assertThat(Sdp.token("13\0\0\0,8", pos, ',')).isEmpty();
    }

    @Test
    void tokensSkipOneDelimiterAndLeadingBlanks() {
        int[] pos = {0};
        String list = "8, 0,,9";
        assertThat(Sdp.token(list, pos, ',')).isEqualTo("8");
        assertThat(Sdp.token(list, pos, ',')).isEqualTo("0");
        assertThat(Sdp.token(list, pos, ',')).isEmpty(); // ",,": the second comma ends the list
        assertThat(Sdp.codecIn("0 8 101", "10", ' ')).isFalse();
        assertThat(Sdp.codecIn("0 8 101", "101", ' ')).isTrue();
    }

    @Test
    void keepingCodecsRemovesTheOthersWithTheirRtcpFbAndFmtpLines() {
        String body = "v=0\r\no=- 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\nm=video 5002 RTP/AVPF 96 97\r\n"
                + "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtpmap:97 H264/90000\r\na=fmtp:97 packetization-mode=1\r\n";
        Sdp sdp = parse(body);
        assertThat(apply(sdp, SdpEdits.keepCodecs(sdp, SdpEdits.ids(sdp, "H264"), "video"))).isEqualTo(
                "v=0\r\no=- 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\nm=video 5002 RTP/AVPF 97\r\n"
                        + "a=rtpmap:97 H264/90000\r\na=fmtp:97 packetization-mode=1\r\n");
        assertThat(SdpEdits.keepCodecs(sdp, "96,97", "audio")).isEmpty();
    }

    @Test
    void adjacentLinesOfAPrefixAreOneDeletion() {
        Sdp sdp = parse(SdpopsRelayTest.resource("webrtc.sdp"));
        int[] count = {0};
        List<Lumps.Edit> edits = SdpEdits.removeLines(sdp.text, sdp.bodyStart, sdp.text.length(), "a=candidate", count);
        assertThat(count[0]).isEqualTo(2);
        assertThat(edits).hasSize(1);
        assertThat(sdp.text.substring(edits.get(0).start(), edits.get(0).end())).startsWith("a=candidate:1").endsWith("generation 0\r\n");
    }
}
