package io.sipway.sip;

import static io.sipway.sip.TortureTest.Decision.ACCEPT;
import static io.sipway.sip.TortureTest.Decision.REFUSE;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The torture messages of RFC 4475 and RFC 5118 against {@code torture/expectations.tsv} (the
 * meaning of every column and verdict is in {@code torture/README.md}). A message is accepted when
 * {@code SipParser.parse(bytes).validate()} returns, and refused when either throws
 * {@link SipParseException}; no other exception is ever acceptable.
 */
class TortureTest {

    enum Decision { ACCEPT, REFUSE }

    /**
     * Sipway's decision for every {@code choice} row, where the RFC leaves acceptance to the
     * implementation. The parser must follow this table; a difference is a parser bug, not a
     * reason to change the table.
     */
    static final Map<String, Decision> CHOICES = Map.ofEntries(
            // 4475 3.1.2.6: guessing where a quoted string ends could change the meaning; answer 400.
            entry("rfc4475/quotbal.dat", REFUSE),
            // 4475 3.1.2.7: Request-URI = SIP-URI / SIPS-URI / absoluteURI, never a name-addr.
            entry("rfc4475/ltgtruri.dat", REFUSE),
            // 4475 3.1.2.8: SP ends the Request-URI, so the request line has four elements.
            entry("rfc4475/lwsruri.dat", REFUSE),
            // 4475 3.1.2.9: Request-Line uses exactly one SP between its elements.
            entry("rfc4475/lwsstart.dat", REFUSE),
            // 4475 3.1.2.10: nothing may follow SIP-Version before the CRLF.
            entry("rfc4475/trws.dat", REFUSE),
            // 4475 3.1.2.11: a SIP Request-URI must not carry a headers component (RFC 3261 19.1.5).
            entry("rfc4475/escruri.dat", REFUSE),
            // 4475 3.1.2.13: a URI with '?' in Contact must be a name-addr (RFC 3261 20.10).
            entry("rfc4475/regbadct.dat", REFUSE),
            // 4475 3.1.2.14: no LWS is allowed between '<' and the addr-spec or before '>'.
            entry("rfc4475/badaspec.dat", REFUSE),
            // 4475 3.1.2.15: an unquoted display name is tokens only; a comma needs quotes.
            entry("rfc4475/baddn.dat", REFUSE),
            // 4475 3.1.2.16: only SIP/2.0 is supported; the proxy answers 505 Version Not Supported.
            entry("rfc4475/badvers.dat", REFUSE),
            // 4475 3.1.2.17: the CSeq method must equal the request method (RFC 3261 8.1.1.5).
            entry("rfc4475/mismatch01.dat", REFUSE),
            // 4475 3.1.2.18: same rule for an unknown method; the element answers 400 or 501.
            entry("rfc4475/mismatch02.dat", REFUSE),
            // 4475 3.3.1: Call-ID, From and To are required in every request (RFC 3261 8.1.1).
            entry("rfc4475/insuf.dat", REFUSE),
            // 4475 3.3.8: Call-ID, CSeq, From, To and Max-Forwards appear once; two are an error.
            entry("rfc4475/multi01.dat", REFUSE),
            // 5118 4.10: the corrected IPv6 grammar (RFC 5954) allows at most two adjacent colons.
            entry("rfc5118/ipv6-bug-abnf-3-colons", REFUSE),
            // 4475 3.1.2.12: a proxy does not parse Date, so a non-GMT zone is not its concern.
            entry("rfc4475/baddate.dat", ACCEPT),
            // 4475 3.2.1: the transaction layer decides about a bare magic cookie (RFC 2543 fallback).
            entry("rfc4475/badbranch.dat", ACCEPT),
            // 4475 3.3.15: whether the body type is acceptable is a UA matter (406), not syntax.
            entry("rfc4475/sdp01.dat", ACCEPT),
            // 4475 3.4.1: an RFC 2543 request without branch, tag, Content-Length or Max-Forwards is legal.
            entry("rfc4475/inv2543.dat", ACCEPT));

    /** One line of expectations.tsv; {@code "-"} means absent. */
    record Row(String file, String section, String verdict, String type, String method, String status,
               String ruri, String callId, String cseqNumber, String cseqMethod, String viaBranch,
               String fromTag, String toTag, String contentLength, String why) {
        @Override
        public String toString() {
            return file + " (RFC " + section + ")";
        }
    }

    // ---- the three verdicts ---------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("validRows")
    void validMessageIsAcceptedAndMatchesItsCells(Row row) {
        SipMessage m = accept(row);
        assertCells(row, m);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRows")
    void invalidMessageIsRefusedWithSipParseException(Row row) {
        refuse(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("choiceRows")
    void choiceMessageFollowsTheProjectDecision(Row row) {
        Decision decision = CHOICES.get(row.file());
        assertThat(decision).as("decision for %s in CHOICES", row.file()).isNotNull();
        if (decision == ACCEPT) {
            assertCells(row, accept(row));
        } else {
            refuse(row);
        }
    }

    @Test
    void everyChoiceRowHasADecisionAndEveryDecisionIsAChoiceRow() {
        Set<String> choiceFiles = rows().filter(r -> r.verdict().equals("choice")).map(Row::file)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(new TreeSet<>(CHOICES.keySet())).isEqualTo(choiceFiles);
    }

    @Test
    void everyVerdictIsOneOfTheThreeTheReadmeDefines() {
        assertThat(rows().map(Row::verdict)).allMatch(v -> v.equals("valid") || v.equals("invalid") || v.equals("choice"));
    }

    // ---- nothing forgotten, nothing changed -----------------------------------------------------

    @Test
    void everyListedFileExistsAndEveryTortureFileIsListed() {
        Set<String> listed = rows().map(Row::file).collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).as("one row per file").hasSize((int) rows().count());
        assertThat(listed).as("RFC 4475 has 49 messages, RFC 5118 has 12").hasSize(61);
        assertThat(messageFilesUnder(classpathDir("/torture"))).isEqualTo(listed);
    }

    /**
     * The copies are the RFC messages byte for byte (CRLF line ends, NUL and binary parts kept):
     * {@code torture/SHA256SUMS} holds the SHA-256 of each file as taken from its source (poroh/ersip
     * a977816, see torture/README.md), in {@code sha256sum} format, so {@code sha256sum -c SHA256SUMS}
     * in that folder checks the same. A checkout that changed line ends fails here.
     */
    @Test
    void projectCopiesAreByteIdenticalToTheirSource() {
        String sums = new String(resource("/torture/SHA256SUMS"), StandardCharsets.US_ASCII);
        Map<String, String> expected = new java.util.TreeMap<>();
        sums.lines().filter(l -> !l.isBlank()).forEach(line -> {
            String[] f = line.split(" [ *]", 2);
            assertThat(f).as("a sha256sum line: %s", line).hasSize(2);
            expected.put(f[1], f[0]);
        });
        Set<String> listed = rows().map(Row::file).collect(Collectors.toCollection(TreeSet::new));
        assertThat(expected.keySet()).as("files in SHA256SUMS").isEqualTo(listed);
        SoftAssertions.assertSoftly(s -> expected.forEach((file, sha256) ->
                s.assertThat(sha256(bytes(file))).as(file).isEqualTo(sha256)));
    }

    // ---- framing details the README points out --------------------------------------------------

    /**
     * RFC 3261 18.3: in a datagram the body is exactly Content-Length bytes and extra bytes are
     * discarded. These RFC 5118 messages carry more SDP than their Content-Length says.
     */
    @ParameterizedTest(name = "{0}: Content-Length {1}, {2} extra bytes")
    @CsvSource({
        "rfc5118/ipv6-in-sdp,      241, 10",
        "rfc5118/mult-ip-in-sdp,   181, 8",
        "rfc5118/ipv4-mapped-ipv6, 236, 9",
    })
    void datagramBodyIsContentLengthBytesAndTheRestIsDiscarded(String file, int contentLength, int extra) {
        byte[] bytes = bytes(file);
        int bodyStart = headerBlockEnd(bytes);
        assertThat(bytes.length - bodyStart).as("body bytes in the file").isEqualTo(contentLength + extra);

        SipMessage m = SipParser.parse(bytes).validate();

        assertThat(m.contentLength()).isEqualTo(contentLength);
        assertThat(m.bodyLength()).isEqualTo(m.contentLength());
        assertThat(m.body()).isEqualTo(Arrays.copyOfRange(bytes, bodyStart, bodyStart + contentLength));
        assertThat(m.length()).isEqualTo(bodyStart + contentLength);
        assertThat(m.toBytes()).isEqualTo(Arrays.copyOf(bytes, bodyStart + contentLength));
    }

    /** RFC 4475 3.1.1.8: the bytes after a Content-Length of 0 are noise, not a second request. */
    @Test
    void dblreqKeepsOnlyTheRegisterAndDiscardsTheTrailingBytes() {
        byte[] bytes = bytes("rfc4475/dblreq.dat");
        int bodyStart = headerBlockEnd(bytes);
        assertThat(bytes.length - bodyStart).as("trailing bytes").isEqualTo(450);

        SipMessage m = SipParser.parse(bytes).validate();

        assertThat(m.methodName()).isEqualTo("REGISTER");
        assertThat(m.bodyLength()).isZero();
        assertThat(m.toBytes()).isEqualTo(Arrays.copyOf(bytes, bodyStart));
        assertThat(m.toString()).doesNotContain("INVITE");
    }

    /** RFC 4475 3.4.1 / RFC 3261 18.3: without Content-Length the body is the rest of the datagram. */
    @Test
    void inv2543WithoutContentLengthTakesTheRestOfTheDatagramAsBody() {
        byte[] bytes = bytes("rfc4475/inv2543.dat");

        SipMessage m = SipParser.parse(bytes).validate();

        assertThat(m.contentLength()).isEqualTo(-1);
        assertThat(m.bodyLength()).isEqualTo(105);
        assertThat(m.body()).isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 105, bytes.length));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static SipMessage accept(Row row) {
        byte[] bytes = bytes(row.file());
        return assertDoesNotThrow(() -> SipParser.parse(bytes).validate(), () -> row + " must be accepted");
    }

    private static void refuse(Row row) {
        byte[] bytes = bytes(row.file());
        Throwable thrown = catchThrowable(() -> SipParser.parse(bytes).validate());
        assertThat(thrown).as("%s must be refused with SipParseException", row).isInstanceOf(SipParseException.class);
        SipParseException e = (SipParseException) thrown;
        assertThat(e.reason()).as("reason").isNotBlank();
        assertThat(e.offset()).as("offset of '%s'", e.reason()).isBetween(0, bytes.length);
    }

    /**
     * Compares the message with the row's cells. For a response the method cell is {@code -} (no
     * request line); {@link SipMessage#methodName()} is then documented to give the CSeq method.
     */
    private static void assertCells(Row row, SipMessage m) {
        SoftAssertions s = new SoftAssertions();
        s.assertThat(m.isRequest() ? "request" : "response").as("type").isEqualTo(row.type());
        if (m.isRequest()) {
            s.assertThat(m.methodName()).as("method").isEqualTo(row.method());
            s.assertThat(m.statusCode()).as("status of a request").isZero();
        } else {
            s.assertThat(row.method()).as("method cell of a response").isEqualTo("-");
            s.assertThat(m.methodName()).as("method of a response (its CSeq's)").isEqualTo(row.cseqMethod());
            s.assertThat(m.statusCode()).as("status").isEqualTo(Integer.parseInt(row.status()));
        }
        s.assertThat(m.requestUriString()).as("ruri").isEqualTo(cell(row.ruri()));
        s.assertThat(m.callId()).as("call_id").isEqualTo(cell(row.callId()));
        s.assertThat(m.cseq() == null ? null : m.cseq().number()).as("cseq_number")
                .isEqualTo(cell(row.cseqNumber()) == null ? null : Long.parseLong(row.cseqNumber()));
        s.assertThat(m.cseq() == null ? null : m.cseq().methodName()).as("cseq_method").isEqualTo(cell(row.cseqMethod()));
        s.assertThat(m.topVia() == null ? null : m.topVia().branch()).as("via_branch").isEqualTo(cell(row.viaBranch()));
        s.assertThat(m.fromTag()).as("from_tag").isEqualTo(cell(row.fromTag()));
        s.assertThat(m.toTag()).as("to_tag").isEqualTo(cell(row.toTag()));
        s.assertThat(m.contentLength()).as("content_length (-1 when absent)")
                .isEqualTo(cell(row.contentLength()) == null ? -1 : Integer.parseInt(row.contentLength()));
        s.assertAll();
    }

    private static String cell(String value) {
        return value.equals("-") ? null : value;
    }

    /** Offset of the first byte after the CRLF CRLF that closes the header block. */
    private static int headerBlockEnd(byte[] bytes) {
        for (int i = 0; i + 3 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i + 4;
            }
        }
        throw new AssertionError("no empty line");
    }

    static Stream<Row> rows() {
        String tsv = new String(resource("/torture/expectations.tsv"), StandardCharsets.UTF_8);
        List<String> lines = tsv.lines().filter(l -> !l.isEmpty()).toList();
        assertThat(lines.get(0)).startsWith("file\trfc_section\tverdict\t");
        return lines.stream().skip(1).map(line -> {
            String[] c = line.split("\t", -1);
            assertThat(c).as("columns of %s", c[0]).hasSize(15);
            return new Row(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14]);
        });
    }

    static Stream<Row> validRows() {
        return rows().filter(r -> r.verdict().equals("valid"));
    }

    static Stream<Row> invalidRows() {
        return rows().filter(r -> r.verdict().equals("invalid"));
    }

    static Stream<Row> choiceRows() {
        return rows().filter(r -> r.verdict().equals("choice"));
    }

    /** A torture message by its path in the TSV, from the project's own copy on the classpath. */
    static byte[] bytes(String file) {
        return resource("/torture/" + file);
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = TortureTest.class.getResourceAsStream(name)) {
            assertThat(in).as("classpath resource %s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path classpathDir(String name) {
        try {
            return Path.of(TortureTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Paths (with '/') of the files in the sub-folders of {@code dir}: the messages, not README or TSV. */
    private static Set<String> messageFilesUnder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p))
                    .filter(p -> p.getNameCount() > 1)
                    .map(p -> p.toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
