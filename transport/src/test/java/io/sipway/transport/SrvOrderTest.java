package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** RFC 2782, "Usage rules": priority first, then the weighted selection, step by step. */
class SrvOrderTest {
    private static DnsRdata.Srv srv(int priority, int weight, String target) {
        return new DnsRdata.Srv(priority, weight, 5060, target);
    }

    /** A "random" source that returns the given numbers in turn, each checked against its bound. */
    private static RandomGenerator draws(long... values) {
        return new RandomGenerator() {
            int i;

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long nextLong(long bound) {
                long v = values[i++];
                assertThat(v).isBetween(0L, bound - 1);
                return v;
            }
        };
    }

    @Test
    void aClientMustAttemptTheLowestNumberedPriorityFirst() {
        List<DnsRdata.Srv> in = List.of(srv(30, 100, "c"), srv(10, 0, "a"), srv(20, 5, "b"));
        assertThat(SrvOrder.order(in, true, draws(0, 0, 0))).extracting(DnsRdata.Srv::target).containsExactly("a", "b", "c");
        assertThat(SrvOrder.order(in, false, null)).extracting(DnsRdata.Srv::target).containsExactly("a", "b", "c");
    }

    @Test
    void theWeightedSelectionTakesTheFirstRunningSumThatReachesTheDraw() {
        // zero weights first: z(0), a(10), b(30), c(60); running sums 0, 10, 40, 100
        List<DnsRdata.Srv> in = List.of(srv(1, 10, "a"), srv(1, 30, "b"), srv(1, 60, "c"), srv(1, 0, "z"));
        // draw 41 of [0,100] -> c (sum 100); left z, a, b: sums 0, 10, 40; draw 0 -> z; left a, b: draw 11 -> b; then a
        assertThat(SrvOrder.order(in, true, draws(41, 0, 11, 0))).extracting(DnsRdata.Srv::target).containsExactly("c", "z", "b", "a");
    }

    @Test
    void aZeroWeightRecordHasAVerySmallChanceOfBeingSelectedFirst() {
        List<DnsRdata.Srv> in = List.of(srv(1, 50, "a"), srv(1, 0, "z"));
        // only a draw of exactly 0 picks it
        assertThat(SrvOrder.order(in, true, draws(0, 0)).get(0).target()).isEqualTo("z");
        assertThat(SrvOrder.order(in, true, draws(1, 0)).get(0).target()).isEqualTo("a");
    }

    @Test
    void withoutLoadBalancingTheHeavierComesFirstAndEqualsKeepTheirOrder() {
        List<DnsRdata.Srv> in = List.of(srv(1, 10, "a"), srv(1, 60, "b"), srv(1, 10, "c"), srv(0, 1, "first"));
        assertThat(SrvOrder.order(in, false, null)).extracting(DnsRdata.Srv::target).containsExactly("first", "b", "a", "c");
    }
}
