package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "Any input either parses or raises that exception: no other exception, and time linear in the
 * input." The jqwik properties mutate valid messages (the valid torture messages and
 * {@code cases/valid}) by truncating, inserting, flipping bits, duplicating and deleting, and
 * check that the parser, every typed accessor, the editor and the stream framer raise
 * {@link SipParseException} and nothing else. The JUnit tests feed inputs built to make a quadratic
 * or backtracking parser explode; nothing is timed, the {@link Timeout} is only a guard against a hang.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ParserPropertyTest {

    /** A message to mutate: its name, the datagram as stored, and the message alone (as on a stream). */
    record Seed(String name, byte[] datagram, byte[] message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Seed> SEEDS = loadSeeds();

    private static final String PROXY_VIA = "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKprop";

    /** A roomy parser for inputs larger than a datagram, so that they are really parsed. */
    private static final SipParser ROOMY =
            new SipParser(SipParserConfig.defaults().withMaxMessageSize(8 << 20).withMaxHeaders(1 << 16));

    // ---- mutations ------------------------------------------------------------------------------

    /** A change to a byte array; positions are fractions of its length so any seed can take any mutation. */
    sealed interface Mutation {
        byte[] apply(byte[] in);
    }

    record Truncate(double at) implements Mutation {
        public byte[] apply(byte[] in) {
            return Arrays.copyOf(in, position(at, in.length));
        }
    }

    record Insert(double at, byte[] bytes) implements Mutation {
        public byte[] apply(byte[] in) {
            return splice(in, position(at, in.length), 0, bytes);
        }

        @Override
        public String toString() {
            return "Insert[at=" + at + ", bytes=" + printable(bytes) + "]";
        }
    }

    record Flip(double at, int bit) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length == 0) {
                return in;
            }
            byte[] out = in.clone();
            int p = Math.min(in.length - 1, position(at, in.length));
            out[p] ^= (byte) (1 << bit);
            return out;
        }
    }

    record Duplicate(double at, double fraction) implements Mutation {
        public byte[] apply(byte[] in) {
            int from = position(at, in.length);
            int to = Math.min(in.length, from + position(fraction, in.length));
            return splice(in, to, 0, Arrays.copyOfRange(in, from, to));
        }
    }

    record Delete(double at, double fraction) implements Mutation {
        public byte[] apply(byte[] in) {
            int from = position(at, in.length);
            int to = Math.min(in.length, from + position(fraction, in.length));
            return splice(in, from, to - from, new byte[0]);
        }
    }

    /** Byte sequences that mean something to a SIP parser, inserted whole. */
    private static final String[] TOKENS = {
        "\r\n", "\r\n\r\n", "\r\n ", "\r", "\n", ": ", ";;", ",,", "<sip:", ">", "\"\\", "%", "%0", "[::",
        "]:", "Content-Length: 5\r\n", "l: 99999\r\n", "Content-Length: -1\r\n", "Via: SIP/2.0/UDP [",
        "CSeq: 99999999999 INVITE\r\n", ";branch=", ";rport=", ";ttl=", ";received=[", "*", "tel:", "sips:",
        "SIP/2.0 ", "\u00ff", "\u00e9",
    };

    static Arbitrary<Mutation> mutation() {
        Arbitrary<Double> at = Arbitraries.doubles().between(0, 1);
        Arbitrary<Double> fraction = Arbitraries.doubles().between(0, 0.3);
        Arbitrary<Byte> special = Arbitraries.of(
                (byte) '\r', (byte) '\n', (byte) ':', (byte) ';', (byte) ',', (byte) '"', (byte) '<', (byte) '>',
                (byte) '%', (byte) '[', (byte) ']', (byte) 0, (byte) ' ', (byte) '\t', (byte) '\\', (byte) '=',
                (byte) '@', (byte) '?', (byte) '/', (byte) '*');
        Arbitrary<Byte> high = Arbitraries.bytes().between((byte) 0x80, (byte) 0xff);
        Arbitrary<Byte> anyByte = Arbitraries.bytes();
        Arbitrary<byte[]> run = Arbitraries.frequencyOf(Tuple.of(6, special), Tuple.of(2, high), Tuple.of(2, anyByte))
                .list().ofMinSize(1).ofMaxSize(8).map(ParserPropertyTest::toArray);
        Arbitrary<byte[]> token = Arbitraries.of(TOKENS).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> inserted = Arbitraries.frequencyOf(Tuple.of(3, run), Tuple.of(1, token));

        Arbitrary<Mutation> truncate = at.map(Truncate::new);
        Arbitrary<Mutation> insert = Combinators.combine(at, inserted).as(Insert::new);
        Arbitrary<Mutation> flip = Combinators.combine(at, Arbitraries.integers().between(0, 7)).as(Flip::new);
        Arbitrary<Mutation> duplicate = Combinators.combine(at, fraction).as(Duplicate::new);
        Arbitrary<Mutation> delete = Combinators.combine(at, fraction).as(Delete::new);
        return Arbitraries.frequencyOf(
                Tuple.of(1, truncate), Tuple.of(4, insert), Tuple.of(2, flip), Tuple.of(2, duplicate), Tuple.of(2, delete));
    }

    @Provide
    Arbitrary<Seed> seeds() {
        return Arbitraries.of(SEEDS);
    }

    /** One to six mutations applied in order. */
    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return mutation().list().ofMinSize(1).ofMaxSize(6);
    }

    /** One part of a TCP stream: a message, changed or not, then a keep-alive (none, CRLF pong, CRLF CRLF ping). */
    record Part(Seed seed, List<Mutation> mutations, String keepAlive) {
    }

    @Provide
    Arbitrary<List<Part>> mutatedStreams() {
        Arbitrary<Part> part = Combinators.combine(seeds(), mutation().list().ofMaxSize(4), keepAlives()).as(Part::new);
        return part.list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Part>> unmutatedStreams() {
        Arbitrary<Part> part = Combinators.combine(seeds(), keepAlives()).as((s, k) -> new Part(s, List.of(), k));
        return part.list().ofMinSize(1).ofMaxSize(3);
    }

    private static Arbitrary<String> keepAlives() {
        return Arbitraries.of("", "\r\n", "\r\n\r\n");
    }

    /** The sizes of the reads from the socket, used in turn. */
    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return Arbitraries.integers().between(1, 400).list().ofMinSize(1).ofMaxSize(12);
    }

    // ---- properties -----------------------------------------------------------------------------

    @Property(tries = 30000)
    void mutatedDatagramParsesOrRaisesOnlySipParseException(@ForAll("seeds") Seed seed,
                                                            @ForAll("mutations") List<Mutation> mutations) {
        byte[] input = mutate(seed.datagram(), mutations);
        SipMessage m = parseOrNull(SipParser.defaults(), input);
        if (m != null) {
            touchEverything(m, input.length);
        }
        collectOutcome(m);
    }

    /** Whatever parses can go through an edit without changes and parse again. */
    @Property(tries = 10000)
    void whatParsesReparsesAfterAnEditWithoutChanges(@ForAll("seeds") Seed seed,
                                                    @ForAll("mutations") List<Mutation> mutations) {
        byte[] input = mutate(seed.datagram(), mutations);
        SipMessage m = parseOrNull(SipParser.defaults(), input);
        if (m != null) {
            assertEditsReparse(SipParser.defaults(), m);
        }
    }

    @Property(tries = 10000)
    void mutatedStreamIsFramedOrRaisesOnlySipParseException(@ForAll("mutatedStreams") List<Part> parts,
                                                            @ForAll("chunkSizes") List<Integer> chunks) {
        byte[] stream = stream(parts);
        for (FramedUnit unit : feed(stream, chunks)) {
            if (unit.kind() == StreamFramer.Kind.MESSAGE) {
                SipMessage m = null;
                try {
                    m = SipParser.defaults().parseStream(unit.bytes(), 0, unit.bytes().length);
                } catch (SipParseException e) {
                    assertSane(e, unit.bytes().length);
                }
                if (m != null) {
                    touchEverything(m, unit.bytes().length);
                }
                collectOutcome(m);
            }
        }
    }

    /** Without mutations the framer must give back exactly the messages and keep-alives, whatever the reads. */
    @Property(tries = 1000)
    void unmutatedStreamIsFramedIntoItsMessagesAndKeepAlives(@ForAll("unmutatedStreams") List<Part> parts,
                                                            @ForAll("chunkSizes") List<Integer> chunks) {
        List<FramedUnit> expected = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            expected.add(new FramedUnit(StreamFramer.Kind.MESSAGE, parts.get(i).seed().message()));
            String keepAlive = i + 1 < parts.size() ? parts.get(i).keepAlive() : "";
            if (!keepAlive.isEmpty()) {
                expected.add(new FramedUnit(keepAlive.length() == 2 ? StreamFramer.Kind.PONG : StreamFramer.Kind.PING,
                        keepAlive.getBytes(StandardCharsets.US_ASCII)));
            }
        }

        List<FramedUnit> units = feed(stream(parts), chunks);

        assertThat(units).containsExactlyElementsOf(expected);
        for (FramedUnit unit : units) {
            if (unit.kind() == StreamFramer.Kind.MESSAGE) {
                SipParser.defaults().parseStream(unit.bytes(), 0, unit.bytes().length).validate();
            }
        }
    }

    // ---- inputs that explode a quadratic or backtracking parser ---------------------------------

    @Test
    void sixtyKilobytesOfCommas() {
        String commas = ",".repeat(60_000);
        // RFC 3261 20.34 / 20.10: Route and Contact need at least one value.
        assertRefused(survive(request("Route: " + commas + "\r\n")), SipMessage::routes);
        assertRefused(survive(request("Contact: " + commas + "\r\n")), SipMessage::contacts);
        survive(request("Record-Route: <sip:p1.example.com;lr>" + commas + "\r\n"));
        survive(request("Supported: " + commas + "\r\n"));
        survive(request("Via: SIP/2.0/UDP h.example.com" + commas + "\r\n"));
        SipMessage unknown = survive(request("X-Commas: " + commas + "\r\n"));
        assertThat(unknown.validate().headers("X-Commas")).containsExactly(commas);
    }

    @Test
    void sixtyKilobytesOfSemicolons() {
        String semicolons = ";".repeat(60_000);
        String params = ";p".repeat(30_000);
        // generic-param = token [ EQUAL gen-value ]: an empty parameter name is not allowed.
        assertRefused(survive(request("Contact: <sip:a@example.com>" + semicolons + "\r\n")), SipMessage::contacts);
        survive(request("Route: <sip:a@example.com" + semicolons + ">\r\n"));
        SipMessage via = survive(requestWithVia("SIP/2.0/UDP h.example.com;branch=z9hG4bK1" + params, ""));
        assertThat(via.validate().topVia().paramNames()).hasSize(30_001);
        SipMessage uri = survive(request("Contact: <sip:a@example.com" + params + ">\r\n"));
        assertThat(uri.validate().contacts().get(0).uri().paramNames()).hasSize(30_000);
    }

    @Test
    void thirtyThousandQuotes() {
        String quotes = "\"".repeat(30_000);
        // Empty quoted strings one after the other: a display name must be followed by '<'.
        assertRefused(survive(requestWithTo(quotes + " <sip:bob@example.com>")), SipMessage::to);
        // An odd number of quotes leaves the last quoted string open.
        assertRefused(survive(request("Contact: " + quotes + "\"\r\n")), SipMessage::contacts);
        assertRefused(survive(request("Contact: " + "<\"".repeat(15_000) + "\r\n")), SipMessage::contacts);
        SipMessage escaped = survive(requestWithTo("\"" + "\\\"".repeat(30_000) + "\" <sip:bob@example.com>"));
        assertThat(escaped.validate().to().displayName()).hasSize(60_002);
        SipMessage unstructured = survive(request("Subject: " + quotes + "\r\n"));
        assertThat(unstructured.validate().header("Subject")).isEqualTo(quotes);
    }

    @Test
    void twentyThousandViaValuesOnOneLine() {
        StringBuilder vias = new StringBuilder("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK0");
        for (int i = 1; i < 20_000; i++) {
            vias.append(", SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK").append(i);
        }
        byte[] input = requestWithVia(vias.toString(), "");

        Throwable datagram = catchThrowable(() -> SipParser.parse(input));
        assertThat(datagram).isInstanceOf(SipParseException.class);
        assertThat(((SipParseException) datagram).reason()).contains("larger than");
        SipMessage m = survive(input);
        assertThat(m.validate().vias()).hasSize(20_000);
        assertThat(m.vias().get(19_999).branch()).isEqualTo("z9hG4bK19999");
    }

    @Test
    void twoHundredFiftyHeadersWithFolding() {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 250; i++) {
            headers.append("X-Folded-").append(i).append(": a").append("\r\n b".repeat(20)).append("\r\n");
        }
        byte[] input = request(headers.toString());

        // 250 + 7 header fields is above the default limit of 256.
        Throwable datagram = catchThrowable(() -> SipParser.parse(input));
        assertThat(datagram).isInstanceOf(SipParseException.class);
        assertThat(((SipParseException) datagram).reason()).contains("header fields");
        SipMessage m = survive(input);
        assertThat(m.validate().headerCount()).isEqualTo(257);
        assertThat(m.header("X-Folded-249")).isEqualTo("a" + "\r\n b".repeat(20));
    }

    @Test
    void sixtyKilobytesOfWhiteSpaceAndFolds() {
        SipMessage spaces = survive(request("Subject:" + " ".repeat(60_000) + "x\r\n"));
        assertThat(spaces.validate().header("Subject")).isEqualTo("x");
        SipMessage folds = survive(request("Subject: a" + "\r\n b".repeat(15_000) + "\r\n"));
        assertThat(folds.validate().header("Subject")).hasSize(1 + 4 * 15_000);
        survive(requestWithVia("SIP/2.0/UDP" + "\r\n ".repeat(15_000) + "h.example.com;branch=z9hG4bK1", ""));
    }

    @Test
    void thirtyThousandKeepAliveCrlfsBeforeTheStartLine() {
        byte[] message = request("");
        byte[] input = concat("\r\n".repeat(30_000).getBytes(StandardCharsets.US_ASCII), message);
        SipMessage m = survive(input);
        assertThat(m.validate().length()).isEqualTo(message.length);
    }

    @Test
    void longDisplayNamesAndUris() {
        String tokens = "a ".repeat(30_000);
        SipMessage named = survive(requestWithTo(tokens + "<sip:bob@example.com>"));
        assertThat(named.validate().to().uri().user()).isEqualTo("bob");
        // Tokens that are not followed by '<' are no display name, and "a" is no URI.
        assertRefused(survive(requestWithTo(tokens + "sip:bob@example.com")), m -> m.to().uri());
        SipMessage escaped = survive(requestWithTo("<sip:" + "%41".repeat(20_000) + "@example.com>"));
        assertThat(escaped.validate().to().uri().userUnescaped()).isEqualTo("A".repeat(20_000));
        assertRefused(survive(requestWithTo("<sip:bob@" + "[".repeat(60_000) + ">")), m -> m.to().uri());
        assertRefused(survive(requestWithTo("<sip:bob@example.com>" + ";a=[".repeat(15_000))), SipMessage::to);
        survive(requestWithVia("SIP/2.0/UDP h.example.com;branch=z9hG4bK1" + ";received=[".repeat(10_000), ""));
        survive(requestWithTo("<sip:bob@" + "a.".repeat(30_000) + "com>"));
    }

    @Test
    void streamFramerFedOneByteAtATime() {
        byte[] message = request("X-Long: " + "x".repeat(60_000) + "\r\n");
        StreamFramer framer = new StreamFramer(SipParserConfig.defaults());
        for (int len = 1; len < message.length; len++) {
            assertThat(framer.next(message, 0, len)).as("bytes needed after %s", len).isZero();
        }
        assertThat(framer.next(message, 0, message.length)).isEqualTo(message.length);
        assertThat(framer.kind()).isEqualTo(StreamFramer.Kind.MESSAGE);
    }

    // ---- the property's checks ------------------------------------------------------------------

    /**
     * Counts how a mutated message fared, and checks that each outcome is common enough for the
     * property to mean something: mutations that always break framing would test nothing else.
     */
    private static void collectOutcome(SipMessage m) {
        String outcome = m == null ? "refused by the parser" : validates(m) ? "valid" : "refused by validate()";
        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("valid").percentage(p -> p >= 3);
            coverage.check("refused by the parser").percentage(p -> p >= 3);
            coverage.check("refused by validate()").percentage(p -> p >= 3);
        });
    }

    /** Parses; a refusal must be a sane SipParseException, and yields null. */
    static SipMessage parseOrNull(SipParser parser, byte[] input) {
        try {
            return parser.parseDatagram(input, 0, input.length);
        } catch (SipParseException e) {
            assertSane(e, input.length);
            return null;
        }
    }

    /**
     * Calls what a proxy may call on a message: validate(), every typed accessor and the accessors
     * of what they return, every header by index and by name, and an edit. Each call may raise
     * SipParseException (malformed content); any other Throwable escapes and fails the test.
     */
    static void touchEverything(SipMessage m, int inputLength) {
        step(inputLength, m::validate);
        step(inputLength, m::isRequest);
        step(inputLength, m::isResponse);
        step(inputLength, m::method);
        step(inputLength, m::methodName);
        step(inputLength, m::requestUriString);
        step(inputLength, () -> touch(m.requestUri()));
        step(inputLength, m::statusCode);
        step(inputLength, m::reasonPhrase);
        step(inputLength, () -> m.vias().forEach(ParserPropertyTest::touch));
        step(inputLength, () -> touch(m.topVia()));
        step(inputLength, () -> touch(m.from()));
        step(inputLength, () -> touch(m.to()));
        step(inputLength, m::fromTag);
        step(inputLength, m::toTag);
        step(inputLength, m::callId);
        step(inputLength, () -> touch(m.cseq()));
        step(inputLength, m::maxForwards);
        step(inputLength, () -> m.contacts().forEach(ParserPropertyTest::touch));
        step(inputLength, m::isContactWildcard);
        step(inputLength, () -> m.routes().forEach(ParserPropertyTest::touch));
        step(inputLength, () -> m.recordRoutes().forEach(ParserPropertyTest::touch));
        step(inputLength, () -> m.paths().forEach(ParserPropertyTest::touch));
        step(inputLength, m::contentType);
        step(inputLength, m::expires);
        step(inputLength, m::supported);
        step(inputLength, m::require);
        step(inputLength, m::proxyRequire);
        for (int i = 0; i < m.headerCount(); i++) {
            int index = i;
            step(inputLength, () -> {
                String name = m.headerName(index);
                m.headerType(index);
                m.headerValue(index);
                m.header(name);
                m.headers(name);
                m.hasHeader(name);
            });
        }
        for (HeaderName type : HeaderName.values()) {
            if (type != HeaderName.OTHER) {
                step(inputLength, () -> {
                    m.header(type);
                    m.headers(type.canonicalName());
                    m.count(type);
                });
            }
        }
        step(inputLength, () -> {
            assertThat(m.body()).hasSize(m.bodyLength());
            assertThat(m.toBytes()).hasSize(m.length());
            assertThat(m.length()).isLessThanOrEqualTo(inputLength);
            m.toString();
        });
        step(inputLength, m::contentLength);
        step(inputLength, () -> m.edit().prependVia(PROXY_VIA).toBytes());
    }

    /**
     * An edit without changes re-parses with the same header fields, plus a Content-Length when
     * there was none, and the same body; with a Via prepended, that Via is on top.
     */
    static void assertEditsReparse(SipParser parser, SipMessage m) {
        byte[] unchanged = m.edit().toBytes();
        SipMessage again = parser.parseDatagram(unchanged, 0, unchanged.length);
        int added = m.contentLength() < 0 ? 1 : 0;
        assertThat(again.headerCount()).as("header fields after an empty edit").isEqualTo(m.headerCount() + added);
        assertThat(again.body()).as("body after an empty edit").isEqualTo(m.body());
        assertThat(again.contentLength()).isEqualTo(m.bodyLength());
        assertThat(again.hasEndOfHeaders()).as("an edit closes the header block").isTrue();
        String fault = fault(m);
        if (fault == null) {
            assertThat(fault(again)).as("validate() after an empty edit of a valid message").isNull();
        } else if (fault(again) == null) {
            // what an edit repairs is framing a datagram may carry: no empty line (or a bare LF one), a short body
            assertThat(fault).as("the fault an empty edit repaired").containsAnyOf("empty line", "LF without CR", "body shorter");
        }

        byte[] withVia = m.edit().prependVia(PROXY_VIA).toBytes();
        SipMessage forwarded = parser.parseDatagram(withVia, 0, withVia.length);
        assertThat(forwarded.headerCount()).isEqualTo(m.headerCount() + added + 1);
        assertThat(forwarded.topVia().branch()).isEqualTo("z9hG4bKprop");
    }

    /** validate()'s reason, or null when the message is valid. */
    private static String fault(SipMessage m) {
        try {
            m.validate();
            return null;
        } catch (SipParseException e) {
            return e.reason();
        }
    }

    private static boolean validates(SipMessage m) {
        try {
            m.validate();
            return true;
        } catch (SipParseException e) {
            return false;
        }
    }

    /** One call that may fail only with SipParseException; anything else escapes. */
    private static void step(int inputLength, Runnable step) {
        try {
            step.run();
        } catch (SipParseException e) {
            assertSane(e, inputLength);
        }
    }

    static void assertSane(SipParseException e, int inputLength) {
        assertThat(e.reason()).as("reason").isNotBlank();
        assertThat(e.offset()).as("offset of '%s'", e.reason()).isBetween(0, inputLength);
    }

    private static void touch(SipUri u) {
        if (u == null) {
            return;
        }
        u.scheme();
        u.schemeName();
        u.isSip();
        u.user();
        u.userUnescaped();
        u.password();
        u.host();
        u.hostType();
        u.port();
        u.param("transport");
        u.hasParam("lr");
        u.paramNames().forEach(u::param);
        u.transport();
        u.isLooseRouter();
        u.maddr();
        u.headers();
        u.toString();
    }

    private static void touch(Via v) {
        if (v == null) {
            return;
        }
        v.protocolName();
        v.protocolVersion();
        v.transport();
        v.host();
        v.hostType();
        v.port();
        v.branch();
        v.received();
        v.hasRport();
        v.rport();
        v.maddr();
        v.ttl();
        v.hasAlias();
        v.paramNames().forEach(v::param);
        v.toString();
    }

    private static void touch(Address a) {
        if (a == null) {
            return;
        }
        a.isWildcard();
        a.isNameAddr();
        a.displayName();
        a.tag();
        a.expires();
        a.q();
        a.paramNames().forEach(a::param);
        a.toString();
        touch(a.uri());
    }

    private static void touch(CSeq c) {
        if (c == null) {
            return;
        }
        c.number();
        c.method();
        c.methodName();
        c.toString();
    }

    // ---- streams --------------------------------------------------------------------------------


    private static byte[] stream(List<Part> parts) {
        byte[] out = new byte[0];
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            out = concat(out, mutate(part.seed().message(), part.mutations()));
            if (i + 1 < parts.size()) {
                out = concat(out, part.keepAlive().getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out;
    }

    /**
     * Feeds a stream to one framer as a connection would: the bytes arrive in reads of the given
     * sizes, the framer sees the unconsumed bytes (copied to an array of exactly that size, at an
     * offset) and every unit it returns is dropped. It stops at the end of the stream or at the
     * first SipParseException (the connection is closed).
     */
    static List<FramedUnit> feed(byte[] stream, List<Integer> reads) {
        final int pad = 3;
        StreamFramer framer = new StreamFramer(SipParserConfig.defaults());
        List<FramedUnit> units = new ArrayList<>();
        int received = 0;
        int consumed = 0;
        int read = 0;
        while (received < stream.length) {
            received = Math.min(stream.length, received + reads.get(read++ % reads.size()));
            while (true) {
                int len = received - consumed;
                byte[] window = new byte[pad + len];
                System.arraycopy(stream, consumed, window, pad, len);
                int n;
                try {
                    n = framer.next(window, pad, len);
                } catch (SipParseException e) {
                    assertSane(e, len);
                    return units;
                }
                assertThat(n).as("unit length").isBetween(0, len);
                if (n == 0) {
                    break;
                }
                units.add(new FramedUnit(framer.kind(), Arrays.copyOfRange(window, pad, pad + n)));
                consumed += n;
            }
        }
        return units;
    }

    // ---- building inputs ------------------------------------------------------------------------

    private static byte[] request(String extraHeaders) {
        return requestWithVia("SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKadv", extraHeaders);
    }

    private static byte[] requestWithTo(String to) {
        return build("SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKadv", to, "");
    }

    private static byte[] requestWithVia(String via, String extraHeaders) {
        return build(via, "Bob <sip:bob@biloxi.example.com>", extraHeaders);
    }

    private static byte[] build(String via, String to, String extraHeaders) {
        String text = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
                + "Via: " + via + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: " + to + "\r\n"
                + "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
                + "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
                + "CSeq: 314159 INVITE\r\n"
                + extraHeaders
                + "Content-Length: 0\r\n"
                + "\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses with the roomy parser and calls everything, and with the default parser too; returns
     * the roomy parser's message. Framing must succeed: these inputs are well framed.
     */
    private static SipMessage survive(byte[] input) {
        SipMessage small = parseOrNull(SipParser.defaults(), input);
        if (small != null) {
            touchEverything(small, input.length);
        }
        SipMessage m = ROOMY.parseDatagram(input, 0, input.length);
        touchEverything(m, input.length);
        assertEditsReparse(ROOMY, m);
        return m;
    }

    /** The message is refused: by validate(), or at the latest by the accessor that parses the faulty part. */
    private static void assertRefused(SipMessage m, Function<SipMessage, Object> accessor) {
        Throwable thrown = catchThrowable(() -> accessor.apply(m.validate()));
        assertThat(thrown).as("refusal").isInstanceOf(SipParseException.class);
        assertSane((SipParseException) thrown, m.length());
    }

    // ---- bytes ----------------------------------------------------------------------------------

    private static List<Seed> loadSeeds() {
        List<Seed> seeds = new ArrayList<>();
        TortureTest.validRows().forEach(r -> seeds.add(seed(r.file(), TortureTest.bytes(r.file()))));
        OwnCasesTest.VALID_CASES.forEach(name -> seeds.add(seed("cases/valid/" + name, OwnCasesTest.bytes("valid/" + name))));
        return List.copyOf(seeds);
    }

    private static Seed seed(String name, byte[] datagram) {
        return new Seed(name, datagram, SipParser.parse(datagram).toBytes());
    }

    static byte[] mutate(byte[] in, List<Mutation> mutations) {
        byte[] out = in;
        for (Mutation m : mutations) {
            out = m.apply(out);
        }
        return out;
    }

    private static int position(double fraction, int length) {
        return Math.min(length, (int) (fraction * length));
    }

    static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
        byte[] out = new byte[in.length - remove + insert.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] toArray(List<Byte> list) {
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    private static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder("\"");
        for (byte b : bytes) {
            int c = b & 0xff;
            s.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.append('"').toString();
    }
}
