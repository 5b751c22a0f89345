package io.sipway.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sipway parse FILE...}: one JSON line per file, exit status 1 when any failed. */
class ParseCommandTest {

    private record Run(int exitCode, List<String> lines) {
    }

    private static Run sipway(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        int code = cli.execute(args);
        return new Run(code, out.toString().lines().toList());
    }

    private static String file(String name) {
        try {
            return Path.of(ParseCommandTest.class.getResource("/parse/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRequestPrintsItsRoutingFields() {
        String f = file("options.sip");
        Run run = sipway("parse", f);
        assertThat(run.exitCode()).isZero();
        assertThat(run.lines()).containsExactly("{\"file\":\"" + f + "\",\"ok\":true,\"type\":\"request\",\"method\":\"OPTIONS\","
                + "\"status\":null,\"ruri\":\"sip:carol@chicago.example.com\",\"via_branch\":\"z9hG4bKhjhs8ass877\","
                + "\"call_id\":\"a84b4c76e66710\",\"cseq\":63104,\"from_tag\":\"1928301774\",\"to_tag\":null,\"content_length\":0}");
    }

    @Test
    void aResponseHasStatusAndTheCSeqMethodButNoRequestUri() {
        String f = file("ringing.sip");
        Run run = sipway("parse", f);
        assertThat(run.exitCode()).isZero();
        assertThat(run.lines()).containsExactly("{\"file\":\"" + f + "\",\"ok\":true,\"type\":\"response\",\"method\":\"INVITE\","
                + "\"status\":180,\"ruri\":null,\"via_branch\":\"z9hG4bK776asdhds\","
                + "\"call_id\":\"a84b4c76e66710@pc33.atlanta.example.com\",\"cseq\":314159,\"from_tag\":\"1928301774\","
                + "\"to_tag\":\"a6c85cf\",\"content_length\":0}");
    }

    @Test
    void quotesAndBackslashesAreEscapedInJson() {
        Run run = sipway("parse", file("quotes.sip"));
        assertThat(run.exitCode()).isZero();
        assertThat(run.lines().get(0)).contains("\"call_id\":\"a\\\"b\\\\c@h\"").contains("\"content_length\":null");
    }

    @Test
    void aBrokenMessageGivesTheReasonAndOffsetAndExitStatusOne() {
        String f = file("short-body.sip");
        Run run = sipway("parse", f);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines()).containsExactly("{\"file\":\"" + f + "\",\"ok\":false,"
                + "\"error\":\"body shorter than Content-Length (5 of 50 bytes)\",\"offset\":258}");
    }

    @Test
    void bytesAreParsedAsGivenSoBareLineFeedsFail() {
        Run run = sipway("parse", file("lf-only.sip"));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines().get(0)).contains("\"ok\":false").contains("LF without CR").contains("\"offset\":45");
    }

    @Test
    void crlfOptionTurnsBareLineFeedsIntoCrlf() {
        Run run = sipway("parse", "--crlf", file("lf-only.sip"));
        assertThat(run.exitCode()).isZero();
        assertThat(run.lines().get(0)).contains("\"ok\":true").contains("\"call_id\":\"lf-only\"").contains("\"cseq\":1");
    }

    @Test
    void oneLinePerFileInOrderAndOneFailureMakesTheExitStatusOne() {
        Run run = sipway("parse", file("options.sip"), file("short-body.sip"), file("ringing.sip"));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines()).hasSize(3);
        assertThat(run.lines().get(0)).contains("options.sip").contains("\"ok\":true");
        assertThat(run.lines().get(1)).contains("short-body.sip").contains("\"ok\":false");
        assertThat(run.lines().get(2)).contains("ringing.sip").contains("\"ok\":true");
    }

    @Test
    void aMissingFileIsAFailureLineNotACrash(@TempDir Path dir) {
        Path missing = dir.resolve("nope.sip");
        Run run = sipway("parse", missing.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines()).singleElement().asString().contains("\"ok\":false").contains("cannot read file");
    }

    @Test
    void crlfConversionLeavesExistingCrlfAlone() {
        byte[] mixed = "a\nb\r\nc\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(new String(ParseCommand.toCrlf(mixed), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("a\r\nb\r\nc\r\n");
    }

    @Test
    void withoutFilesItIsAUsageError() {
        assertThat(sipway("parse").exitCode()).isEqualTo(2);
    }
}
