package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SipFuzzing}'s harness on random inputs for a bounded time in every build (10 s; set
 * {@code -Dsipway.fuzz.seconds=600} for a longer run, {@code -Dsipway.fuzz.seed=N} to repeat one). A
 * failure names the input in hex: put it in a file of SipParserFuzzTestInputs/parserAndFramer and
 * add a test to {@link FuzzFindingsTest}. Coverage-guided runs: {@link SipParserFuzzTest}.
 */
class SipFuzzingRunTest {
    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // the bound is the property's; this only guards a hang
    void randomInputsKeepEveryProperty() {
        long seconds = Long.getLong("sipway.fuzz.seconds", 10);
        long seed = Long.getLong("sipway.fuzz.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int runs = 0;
        while (System.nanoTime() < end) {
            byte[] input = new byte[random.nextInt(8, 96)];
            random.nextBytes(input);
            try {
                SipFuzzing.run(input);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("input " + HexFormat.of().formatHex(input) + " (seed " + seed + ", run " + runs + ")", e);
            }
            runs++;
        }
        assertThat(runs).as("inputs tried in %s s", seconds).isPositive();
    }
}
