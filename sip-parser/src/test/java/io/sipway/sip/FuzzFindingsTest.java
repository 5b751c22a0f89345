package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every input the fuzzing harness once failed on (SipParserFuzzTestInputs/parserAndFramer, the folder
 * Jazzer writes its findings to), replayed as a plain test in every build. Each file is named after
 * what it found:
 *
 * <ul>
 * <li>{@code edit-repairs-bare-lf-empty-line}: a message whose empty line is a bare LF fails validate()
 *     and its edit, which writes CRLF, passes; the property now knows an edit repairs such framing.</li>
 * </ul>
 */
class FuzzFindingsTest {
    private static final String FOLDER = "/io/sipway/sip/SipParserFuzzTestInputs/parserAndFramer";

    @TestFactory
    Stream<DynamicTest> everyFindingKeepsEveryProperty() throws IOException, URISyntaxException {
        Path folder = Path.of(FuzzFindingsTest.class.getResource(FOLDER).toURI());
        List<Path> inputs;
        try (Stream<Path> files = Files.list(folder)) {
            inputs = files.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(inputs).as("findings kept").isNotEmpty();
        return inputs.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> SipFuzzing.run(read(p))));
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
