package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fuzzing harness of the parser and the stream framer, driven by a fuzzer's bytes (Jazzer's in
 * {@link SipParserFuzzTest}, random ones in {@link SipFuzzingRunTest}). The bytes are read as choices:
 * which seed (the RFC 4475 / 5118 torture messages and the own valid cases of
 * {@link ParserPropertyTest#SEEDS}), then up to eight mutations, byte-wise (set, insert, delete,
 * truncate) and structural (duplicate, drop, swap or fold a line, bare LF line ends, a long run, a
 * header line known to be tricky, a slice of another seed). The result must hold these properties:
 *
 * <ul>
 * <li>parsing it as a datagram, every accessor, validate() and an edit raise nothing but
 *     {@link SipParseException}, with a sane reason and offset;</li>
 * <li>what parses re-serialises: its bytes parse again to the same header fields and body, an edit
 *     without changes re-parses, and when it is framed for a stream (an empty line and a matching
 *     Content-Length) the stream framer cuts exactly it, in any read sizes, and parseStream agrees;</li>
 * <li>fed as a stream (twice, with keep-alives) in reads of chosen sizes, the framer returns the
 *     same units as when it gets everything at once, and each message unit parses or raises
 *     SipParseException;</li>
 * <li>bounded work: one input takes well under {@link #BUDGET_NANOS}.</li>
 * </ul>
 */
final class SipFuzzing {
    static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final byte[] INTERESTING = {
        '\r', '\n', 0, ' ', '\t', ':', ';', ',', '"', '<', '>', '\\', '%', '[', ']', '=', '@', '/', '0', '9', '-', 0x7f,
        (byte) 0x80, (byte) 0xff
    };
    private static final String[] TRICKY_LINES = {
        "Content-Length: 99999", "Content-Length: 0", "l: 4", "Content-Length: -1", "CSeq: abc", "CSeq: 4294967296 INVITE",
        "Via: SIP/3.0/UDP x", "v: SIP/2.0/UDP [::1]:5060;rport;received=::1", "Max-Forwards: 256", "To: \"\0\" <sip:a@b>",
        "From: <sip:a@b>;tag=1;tag=2", "Route: <sip:a;lr>,,<sip:b>", "Contact: *", "Expires: 99999999999", "Call-ID: ",
        "Via: SIP/2.0/UDP h;branch=z9hG4bK;branch=x", "Content-Type: a/b;c=\"\\\"", "Require: ,", "X: \r\n \r\n",
    };

    private SipFuzzing() {
    }

    /** The fuzzer's bytes read as a stream of choices; past their end every choice is 0. */
    static final class Choices {
        private final byte[] bytes;
        private int at;

        Choices(byte[] bytes) {
            this.bytes = bytes;
        }

        /** A number in [0, bound). */
        int next(int bound) {
            if (bound <= 1) {
                return 0;
            }
            int v = 0;
            for (int i = 0; i < 3; i++) {
                v = (v << 8) | (at < bytes.length ? bytes[at++] & 0xff : 0);
            }
            return v % bound;
        }
    }

    /** Runs every property on the message the bytes choose. */
    static void run(byte[] fuzz) {
        Choices c = new Choices(fuzz);
        byte[] message = message(c);
        long start = System.nanoTime();
        datagram(message);
        stream(message, c);
        long took = System.nanoTime() - start;
        assertThat(took).as("work for %s bytes (linear in the input)", message.length).isLessThan(BUDGET_NANOS);
    }

    /** A seed with up to eight mutations. */
    static byte[] message(Choices c) {
        List<ParserPropertyTest.Seed> seeds = ParserPropertyTest.SEEDS;
        byte[] m = seeds.get(c.next(seeds.size())).datagram();
        int mutations = c.next(9);
        for (int i = 0; i < mutations; i++) {
            m = mutate(m, c);
        }
        return m;
    }

    private static byte[] mutate(byte[] m, Choices c) {
        int pos = c.next(m.length + 1);
        List<int[]> lines = lines(m);
        int[] line = lines.get(c.next(lines.size()));
        return switch (c.next(12)) {
            case 0 -> pos < m.length ? set(m, pos, INTERESTING[c.next(INTERESTING.length)]) : m;
            case 1 -> ParserPropertyTest.splice(m, pos, 0, new byte[] {INTERESTING[c.next(INTERESTING.length)]});
            case 2 -> ParserPropertyTest.splice(m, pos, Math.min(m.length - pos, 1 + c.next(64)), new byte[0]);
            case 3 -> ParserPropertyTest.splice(m, line[0], 0, Arrays.copyOfRange(m, line[0], line[1]));
            case 4 -> ParserPropertyTest.splice(m, line[0], line[1] - line[0], new byte[0]);
            case 5 -> swap(m, line, lines.get(c.next(lines.size())));
            case 6 -> c.next(2) == 0 ? replaceAll(m, "\r\n", "\n") : lineEndToLf(m, line);
            case 7 -> Arrays.copyOf(m, pos);
            case 8 -> ParserPropertyTest.splice(m, pos, 0, run(c));
            case 9 -> line[1] - line[0] >= 2 ? ParserPropertyTest.splice(m, line[1], 0, new byte[] {' '}) : m; // fold into the next line
            case 10 -> ParserPropertyTest.splice(m, line[0], 0, ascii(TRICKY_LINES[c.next(TRICKY_LINES.length)] + "\r\n"));
            default -> {
                byte[] other = ParserPropertyTest.SEEDS.get(c.next(ParserPropertyTest.SEEDS.size())).datagram();
                int from = c.next(other.length);
                yield ParserPropertyTest.splice(m, pos, 0, Arrays.copyOfRange(other, from, Math.min(other.length, from + 1 + c.next(200))));
            }
        };
    }

    private static byte[] run(Choices c) {
        byte b = new byte[] {'a', '9', ',', ';', ' ', '"', '\\', '%', '<'}[c.next(9)];
        byte[] r = new byte[1 + c.next(5000)];
        Arrays.fill(r, b);
        return r;
    }

    /** [start, end) of each line, its line end included; the last may have none. */
    private static List<int[]> lines(byte[] m) {
        List<int[]> out = new ArrayList<>();
        int s = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i] == '\n') {
                out.add(new int[] {s, i + 1});
                s = i + 1;
            }
        }
        out.add(new int[] {s, m.length});
        return out;
    }

    private static byte[] set(byte[] m, int at, byte b) {
        byte[] out = m.clone();
        out[at] = b;
        return out;
    }

    private static byte[] swap(byte[] m, int[] a, int[] b) {
        if (a[0] == b[0]) {
            return m;
        }
        int[] first = a[0] < b[0] ? a : b;
        int[] second = a[0] < b[0] ? b : a;
        byte[] out = new byte[m.length];
        int p = 0;
        for (int[] part : new int[][] {{0, first[0]}, second, {first[1], second[0]}, first, {second[1], m.length}}) {
            System.arraycopy(m, part[0], out, p, part[1] - part[0]);
            p += part[1] - part[0];
        }
        return out;
    }

    private static byte[] lineEndToLf(byte[] m, int[] line) {
        return line[1] - line[0] >= 2 && m[line[1] - 2] == '\r' ? ParserPropertyTest.splice(m, line[1] - 2, 1, new byte[0]) : m;
    }

    private static byte[] replaceAll(byte[] m, String from, String to) {
        return ascii(new String(m, StandardCharsets.ISO_8859_1).replace(from, to));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---- the properties -------------------------------------------------------------------------

    /** A datagram: only SipParseException; what parses re-serialises, re-parses after an edit and frames for a stream. */
    static void datagram(byte[] input) {
        SipMessage m = ParserPropertyTest.parseOrNull(SipParser.defaults(), input);
        if (m == null) {
            return;
        }
        ParserPropertyTest.touchEverything(m, input.length);
        ParserPropertyTest.assertEditsReparse(SipParser.defaults(), m);
        byte[] bytes = m.toBytes();
        SipMessage again = SipParser.parse(bytes);
        assertThat(again.headerCount()).as("header fields of the message's own bytes").isEqualTo(m.headerCount());
        assertThat(again.body()).as("body of the message's own bytes").isEqualTo(m.body());
        assertThat(again.toBytes()).as("its bytes are a fixed point").isEqualTo(bytes);
        if (m.hasEndOfHeaders() && m.contentLength() >= 0 && m.contentLength() == m.bodyLength()) {
            List<FramedUnit> units = ParserPropertyTest.feed(bytes, List.of(1 + bytes.length / 3, 7, bytes.length));
            assertThat(units).as("the stream framer cuts a framed message whole").hasSize(1);
            assertThat(units.get(0).kind()).isEqualTo(StreamFramer.Kind.MESSAGE);
            assertThat(units.get(0).bytes()).isEqualTo(bytes);
            assertThat(SipParser.defaults().parseStream(bytes, 0, bytes.length).headerCount())
                    .as("parseStream agrees with the datagram").isEqualTo(m.headerCount());
        }
    }

    /** A stream of the input twice with a keep-alive between: the same units in any read sizes, each parsing or refused cleanly. */
    static void stream(byte[] input, Choices c) {
        byte[] keepAlive = ascii(new String[] {"", "\r\n", "\r\n\r\n"}[c.next(3)]);
        byte[] stream = new byte[input.length * 2 + keepAlive.length];
        System.arraycopy(input, 0, stream, 0, input.length);
        System.arraycopy(keepAlive, 0, stream, input.length, keepAlive.length);
        System.arraycopy(input, 0, stream, input.length + keepAlive.length, input.length);
        List<Integer> reads = List.of(1 + c.next(300), 1 + c.next(40), 1 + c.next(3));
        List<FramedUnit> units = ParserPropertyTest.feed(stream, reads);
        assertThat(units).as("units in reads of %s", reads).isEqualTo(ParserPropertyTest.feed(stream, List.of(Math.max(1, stream.length))));
        for (FramedUnit u : units) {
            if (u.kind() == StreamFramer.Kind.MESSAGE) {
                try {
                    SipMessage m = SipParser.defaults().parseStream(u.bytes(), 0, u.bytes().length);
                    ParserPropertyTest.touchEverything(m, u.bytes().length);
                } catch (SipParseException e) {
                    ParserPropertyTest.assertSane(e, u.bytes().length);
                }
            }
        }
    }
}
