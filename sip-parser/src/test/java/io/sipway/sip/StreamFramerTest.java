package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Cutting a TCP/TLS byte stream into messages (RFC 3261 18.3: header block, then Content-Length
 * bytes) and CRLF keep-alives (RFC 5626 3.5.1: CRLFCRLF ping, CRLF pong), whatever way the bytes
 * are split into reads.
 */
class StreamFramerTest {

    private static final byte[] PING = {'\r', '\n', '\r', '\n'};
    private static final byte[] PONG = {'\r', '\n'};


    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static FramedUnit message(byte[] b) {
        return new FramedUnit(StreamFramer.Kind.MESSAGE, b);
    }

    /** The stream: messages with bodies (one containing CRLFCRLF), compact and folded Content-Length, pings, pongs. */
    private static List<FramedUnit> expectedUnits() {
        return List.of(
                message(SipMessageTest.resource("invite-sdp.sip")),
                new FramedUnit(StreamFramer.Kind.PING, PING),
                message(SipMessageTest.resource("message-compact.sip")),
                new FramedUnit(StreamFramer.Kind.PONG, PONG),
                message(SipMessageTest.resource("notify-folded-cl.sip")),
                message(SipMessageTest.resource("info-crlf-body.sip")),
                new FramedUnit(StreamFramer.Kind.PING, PING),
                new FramedUnit(StreamFramer.Kind.PONG, PONG),
                message(SipMessageTest.resource("response-200.sip")));
    }

    private static byte[] concat(List<FramedUnit> units) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (FramedUnit u : units) {
            out.writeBytes(u.bytes());
        }
        return out.toByteArray();
    }

    /**
     * Feeds the stream in reads of {@code chunk} bytes into an accumulating buffer, calls next()
     * until it wants more, and drops each unit's bytes from the front (Netty decoder test style).
     */
    private static List<FramedUnit> frameInChunks(byte[] stream, int chunk, SipParserConfig config) {
        StreamFramer framer = new StreamFramer(config);
        byte[] buf = new byte[stream.length];
        int len = 0;
        List<FramedUnit> units = new ArrayList<>();
        for (int pos = 0; pos < stream.length; pos += chunk) {
            int n = Math.min(chunk, stream.length - pos);
            System.arraycopy(stream, pos, buf, len, n);
            len += n;
            int unit;
            while ((unit = framer.next(buf, 0, len)) > 0) {
                units.add(new FramedUnit(framer.kind(), Arrays.copyOf(buf, unit)));
                System.arraycopy(buf, unit, buf, 0, len - unit);
                len -= unit;
            }
        }
        assertThat(len).as("bytes left unframed with chunk size %d", chunk).isZero();
        return units;
    }

    /**
     * Same, but the stream stays in place and the unconsumed region moves: checks that next() works
     * with any {@code off} and that the cut points are right. The stream is delivered in reads that
     * end at the given positions.
     */
    private static List<FramedUnit> frameWithOffsets(byte[] stream, int... cuts) {
        StreamFramer framer = new StreamFramer(SipParserConfig.defaults());
        List<FramedUnit> units = new ArrayList<>();
        int off = 0;
        int[] ends = Arrays.copyOf(cuts, cuts.length + 1);
        ends[cuts.length] = stream.length;
        for (int received : ends) {
            int unit;
            while (received > off && (unit = framer.next(stream, off, received - off)) > 0) {
                units.add(new FramedUnit(framer.kind(), Arrays.copyOfRange(stream, off, off + unit)));
                off += unit;
            }
        }
        assertThat(off).isEqualTo(stream.length);
        return units;
    }

    @Test
    @DisplayName("RFC 3261 18.3: fed in reads of every size 1..n, the stream yields exactly the original units")
    void everyChunkSize() {
        List<FramedUnit> expected = expectedUnits();
        byte[] stream = concat(expected);
        for (int chunk = 1; chunk <= stream.length; chunk++) {
            assertThat(frameInChunks(stream, chunk, SipParserConfig.defaults()))
                    .as("chunk size %d", chunk).containsExactlyElementsOf(expected);
        }
    }

    @Test
    @DisplayName("RFC 3261 18.3: split into two reads at every byte position, the stream yields the same units")
    void everySplitPosition() {
        List<FramedUnit> expected = expectedUnits();
        byte[] stream = concat(expected);
        for (int cut = 0; cut <= stream.length; cut++) {
            assertThat(frameWithOffsets(stream, cut)).as("split at %d", cut).containsExactlyElementsOf(expected);
        }
    }

    @Test
    @DisplayName("RFC 3261 18.3: three reads cut around every message boundary")
    void threeReadsAroundBoundaries() {
        List<FramedUnit> expected = expectedUnits();
        byte[] stream = concat(expected);
        int boundary = 0;
        for (FramedUnit u : expected) {
            boundary += u.bytes().length;
            for (int a = Math.max(0, boundary - 6); a <= Math.min(stream.length, boundary + 6); a++) {
                for (int b = a; b <= Math.min(stream.length, a + 8); b++) {
                    assertThat(frameWithOffsets(stream, a, b)).as("reads end at %d, %d", a, b)
                            .containsExactlyElementsOf(expected);
                }
            }
        }
    }

    @Test
    @DisplayName("RFC 3261 18.3: the framed messages parse with SipParser.parseStream")
    void framedBytesParse() {
        List<FramedUnit> units = frameInChunks(concat(expectedUnits()), 7, SipParserConfig.defaults());
        List<String> bodies = new ArrayList<>();
        for (FramedUnit u : units) {
            if (u.kind() == StreamFramer.Kind.MESSAGE) {
                SipMessage m = SipParser.defaults().parseStream(u.bytes(), 0, u.bytes().length);
                assertThat(m.toBytes()).isEqualTo(u.bytes());
                assertThat(m.validate()).isSameAs(m);
                bodies.add(new String(m.body(), StandardCharsets.US_ASCII));
            }
        }
        assertThat(bodies).hasSize(5);
        assertThat(bodies.get(1)).isEqualTo("Watson, come here.");
        assertThat(bodies.get(2)).isEqualTo("hello, world");
        assertThat(bodies.get(3)).isEqualTo("a\r\n\r\nb\r\n\r\n");
        assertThat(bodies.get(4)).isEmpty();
    }

    @Test
    @DisplayName("RFC 5626 3.5.1: CRLFCRLF is a ping, a single CRLF before a message a pong")
    void keepAlives() {
        byte[] options = ascii("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n");
        StreamFramer f = new StreamFramer(SipParserConfig.defaults());
        assertThat(f.next(PING, 0, 4)).isEqualTo(4);
        assertThat(f.kind()).isEqualTo(StreamFramer.Kind.PING);
        assertThat(f.next(PING, 0, 2)).as("a lone CRLF may be half a ping: wait").isZero();
        assertThat(f.next(PING, 0, 3)).isZero();
        byte[] pongThenMessage = new byte[2 + options.length];
        pongThenMessage[0] = '\r';
        pongThenMessage[1] = '\n';
        System.arraycopy(options, 0, pongThenMessage, 2, options.length);
        assertThat(f.next(pongThenMessage, 0, pongThenMessage.length)).isEqualTo(2);
        assertThat(f.kind()).isEqualTo(StreamFramer.Kind.PONG);
        assertThat(f.next(pongThenMessage, 2, options.length)).isEqualTo(options.length);
        assertThat(f.kind()).isEqualTo(StreamFramer.Kind.MESSAGE);
        assertThat(f.next(pongThenMessage, 0, 0)).isZero();
    }

    @Test
    @DisplayName("RFC 5626 3.5.1: CR not followed by LF between messages is refused")
    void bareCrBetweenMessages() {
        assertThatThrownBy(() -> new StreamFramer(SipParserConfig.defaults()).next(ascii("\r\rX"), 0, 3))
                .isInstanceOf(SipParseException.class);
        assertThatThrownBy(() -> new StreamFramer(SipParserConfig.defaults()).next(ascii("\r\n\rX"), 0, 4))
                .isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 18.3: a stream message without Content-Length is refused by default")
    void noContentLengthRefused() {
        byte[] raw = ascii("OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: x\r\n\r\n");
        SipParseException e = catchThrowableOfType(SipParseException.class,
                () -> new StreamFramer(SipParserConfig.defaults()).next(raw, 0, raw.length));
        assertThat(e).isNotNull();
        assertThat(e.offset()).as("the end of the header block").isEqualTo(raw.length);
    }

    @Test
    @DisplayName("lines may end in a bare LF, as Kamailio's TCP reader takes them: LF LF, CRLF LF and LF CRLF end a header block")
    void bareLfLineEnds() {
        String[][] ends = {{"\n", "\n"}, {"\r\n", "\n"}, {"\n", "\r\n"}, {"\r\n", "\r\n"}};
        for (String[] e : ends) {
            String msg = "MESSAGE sip:a@example.com SIP/2.0" + e[0] + "Via: SIP/2.0/TCP h;branch=z9hG4bK1" + e[0]
                    + "Content-Length: 2" + e[0] + e[1] + "hi";
            byte[] two = ascii(msg + msg);
            StreamFramer f = new StreamFramer(SipParserConfig.defaults());
            int n = f.next(two, 0, two.length);
            assertThat(n).as("%s", List.of(e)).isEqualTo(msg.length());
            SipMessage m = SipParser.defaults().parseStream(two, 0, n);
            assertThat(new String(m.body(), StandardCharsets.US_ASCII)).isEqualTo("hi");
            assertThat(f.next(two, n, two.length - n)).isEqualTo(msg.length());
        }
    }

    @Test
    @DisplayName("tcp_accept_no_cl: a message without Content-Length has no body")
    void noContentLengthAccepted() {
        String first = "OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: x\r\n\r\n";
        String second = "OPTIONS sip:b@example.com SIP/2.0\r\nCall-ID: y\r\nContent-Length: 2\r\n\r\nhi";
        byte[] stream = ascii(first + second);
        SipParserConfig lenient = SipParserConfig.defaults().withAcceptNoContentLength(true);
        for (int chunk = 1; chunk <= stream.length; chunk++) {
            List<FramedUnit> units = frameInChunks(stream, chunk, lenient);
            assertThat(units).containsExactly(message(ascii(first)), message(ascii(second)));
        }
        byte[] b = ascii(first);
        SipMessage m = new SipParser(lenient).parseStream(b, 0, b.length);
        assertThat(m.bodyLength()).isZero();
    }

    @Test
    @DisplayName("RFC 3261 20.14: Content-Length given twice is refused")
    void contentLengthTwiceRefused() {
        for (String lines : List.of("Content-Length: 0\r\nContent-Length: 0", "Content-Length: 0\r\nl: 0", "l: 2\r\nL: 2")) {
            byte[] raw = ascii("OPTIONS sip:a@example.com SIP/2.0\r\n" + lines + "\r\n\r\nhi");
            SipParseException e = catchThrowableOfType(SipParseException.class,
                    () -> new StreamFramer(SipParserConfig.defaults()).next(raw, 0, raw.length));
            assertThat(e).as(lines).isNotNull();
            assertThat(e.offset()).as(lines).isEqualTo("OPTIONS sip:a@example.com SIP/2.0\r\n".length() + lines.indexOf("\r\n") + 2);
        }
    }

    @Test
    @DisplayName("RFC 3261 20.14 Content-Length = 1*DIGIT: malformed values are refused")
    void badContentLengthRefused() {
        for (String value : List.of("-1", "abc", "1 2", "", "12345678901")) {
            byte[] raw = ascii("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: " + value + "\r\n\r\n");
            assertThatThrownBy(() -> new StreamFramer(SipParserConfig.defaults()).next(raw, 0, raw.length))
                    .as(value).isInstanceOf(SipParseException.class);
        }
    }

    @Test
    @DisplayName("RFC 3261 7.3.3 / 7.3.1: compact l: and folded Content-Length frame the body")
    void compactAndFoldedContentLength() {
        for (String cl : List.of("l: 5", "L:5", "Content-Length:\r\n 5", "content-length  :\r\n\t 5 ", "l:\r\n  5")) {
            String msg = "MESSAGE sip:a@example.com SIP/2.0\r\nSubject: x\r\n" + cl + "\r\nX-After: y\r\n\r\nhello";
            byte[] stream = ascii(msg + "\r\n\r\n" + msg);
            List<FramedUnit> units = frameWithOffsets(stream);
            assertThat(units).as(cl).containsExactly(message(ascii(msg)), new FramedUnit(StreamFramer.Kind.PING, PING), message(ascii(msg)));
            byte[] one = units.get(0).bytes();
            SipMessage m = SipParser.defaults().parseStream(one, 0, one.length);
            assertThat(m.contentLength()).as(cl).isEqualTo(5);
            assertThat(new String(m.body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        }
    }

    @Test
    @DisplayName("RFC 3261 20.14: a body containing CRLFCRLF is not cut there")
    void bodyWithBlankLines() {
        String msg = "MESSAGE sip:a@example.com SIP/2.0\r\nContent-Length: 10\r\n\r\n\r\n\r\nab\r\n\r\n";
        byte[] stream = ascii(msg + msg);
        for (int chunk = 1; chunk <= stream.length; chunk++) {
            assertThat(frameInChunks(stream, chunk, SipParserConfig.defaults())).containsExactly(message(ascii(msg)), message(ascii(msg)));
        }
    }

    @Test
    @DisplayName("maxMessageSize: a header block larger than the limit is refused before it ends")
    void headerBlockBeyondMax() {
        int max = 200;
        StringBuilder b = new StringBuilder("OPTIONS sip:a@example.com SIP/2.0\r\n");
        while (b.length() < 1000) {
            b.append("X-Padding: 0123456789012345678901234567890123456789\r\n");
        }
        byte[] stream = ascii(b.append("Content-Length: 0\r\n\r\n").toString());
        StreamFramer framer = new StreamFramer(SipParserConfig.defaults().withMaxMessageSize(max));
        int fed = 0;
        SipParseException error = null;
        while (fed < stream.length && error == null) {
            fed++;
            try {
                assertThat(framer.next(stream, 0, fed)).isZero();
            } catch (SipParseException e) {
                error = e;
            }
        }
        assertThat(error).as("refused").isNotNull();
        assertThat(fed).as("refused as soon as the header block cannot fit").isEqualTo(max + 1);
    }

    @Test
    @DisplayName("maxMessageSize: a Content-Length that cannot fit is refused before the body arrives")
    void contentLengthBeyondMax() {
        byte[] headers = ascii("MESSAGE sip:a@example.com SIP/2.0\r\nContent-Length: 100000\r\n\r\n");
        assertThatThrownBy(() -> new StreamFramer(SipParserConfig.defaults()).next(headers, 0, headers.length))
                .isInstanceOf(SipParseException.class);
        // header block + body just above a small limit
        String head = "MESSAGE sip:a@example.com SIP/2.0\r\nContent-Length: 100\r\n\r\n";
        byte[] h = ascii(head);
        SipParserConfig exact = SipParserConfig.defaults().withMaxMessageSize(head.length() + 100);
        assertThat(new StreamFramer(exact).next(h, 0, h.length)).as("fits: wait for the body").isZero();
        SipParserConfig tooSmall = SipParserConfig.defaults().withMaxMessageSize(head.length() + 99);
        assertThatThrownBy(() -> new StreamFramer(tooSmall).next(h, 0, h.length)).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("next() returns 0 until the whole message is there, then its length")
    void waitsForWholeMessage() {
        byte[] msg = SipMessageTest.resource("invite-sdp.sip");
        StreamFramer f = new StreamFramer(SipParserConfig.defaults());
        for (int len = 1; len < msg.length; len++) {
            assertThat(f.next(msg, 0, len)).as("after %d bytes", len).isZero();
        }
        assertThat(f.next(msg, 0, msg.length)).isEqualTo(msg.length);
        assertThat(f.kind()).isEqualTo(StreamFramer.Kind.MESSAGE);
    }
}
