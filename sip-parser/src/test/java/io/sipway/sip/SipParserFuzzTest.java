package io.sipway.sip;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the parser and the stream framer with Jazzer, on {@link SipFuzzing}'s
 * harness (seeds: the RFC 4475 / 5118 torture messages; byte-wise and structural mutations).
 *
 * <p>The build leaves it out (tag "jazzer": its agent instruments every class of the test JVM). Run alone
 * without JAZZER_FUZZ it replays, once on the empty input and once on each
 * file of src/test/resources/io/sipway/sip/SipParserFuzzTestInputs/parserAndFramer (inputs that once
 * failed, kept so they stay fixed; each also has a plain test in {@link FuzzFindingsTest}). To fuzz,
 * with the fuzzer's coverage guidance, for up to {@code maxDuration}:
 *
 * <pre>JAZZER_FUZZ=1 mvn -pl sip-parser verify -Dtest=SipParserFuzzTest -Dfuzz.excludedGroups=none</pre>
 *
 * A failing input is written into that folder; turn it into a regression test there. The bounded
 * random run every build does is {@link SipFuzzingRunTest}.
 */
class SipParserFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void parserAndFramer(byte[] input) {
        SipFuzzing.run(input);
    }
}
