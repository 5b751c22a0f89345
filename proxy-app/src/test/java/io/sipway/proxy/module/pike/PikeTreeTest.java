package io.sipway.proxy.module.pike;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * pike's counting as Kamailio's ip_tree.c does it, on a time the test gives: a source is blocked
 * when its own address gets reqs_density_per_unit requests in a unit (after the few that grow its
 * branch of the tree), answered -2 once and -1 after; two quiet units release it; idle nodes are
 * removed after remove_latency; the tree never holds more than its bound.
 */
class PikeTreeTest {
    private static final byte[] SOURCE = {10, 0, 0, 1};
    private static final long LATENCY = 120_000;

    private static List<Integer> send(PikeTree t, byte[] ip, int n, long now) {
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            codes.add(t.check(ip, now).code());
        }
        return codes;
    }

    @Test
    void aFloodingSourceIsBlockedOnceItsOwnAddressReachesTheDensity() {
        PikeTree t = new PikeTree(20, LATENCY, 1000);
        List<Integer> codes = send(t, SOURCE, 40, 0);
        // 7 requests grow the branch 10 -> 0 -> 0 -> 1 (a prefix follows its next byte at a quarter
        // of the density, the child inheriting its hits less one), then the leaf counts 20
        assertThat(codes.subList(0, 26)).containsOnly(1);
        assertThat(codes.get(26)).as("the 27th request blocks the source").isEqualTo(-2);
        assertThat(codes.subList(27, 40)).containsOnly(-1);
        assertThat(t.leaves("HOT")).extracting(PikeTree.Leaf::ip).containsExactly("10.0.0.1");
    }

    @Test
    void aSourceBelowTheDensityIsNeverBlocked() {
        PikeTree t = new PikeTree(20, LATENCY, 1000);
        for (int unit = 0; unit < 6; unit++) {
            assertThat(send(t, SOURCE, 19, unit * 2000L)).containsOnly(1);
            t.swap(ip -> { });
        }
    }

    @Test
    void aBlockedSourceIsReleasedWhenTheCurrentAndPreviousUnitsAreQuiet() {
        PikeTree t = new PikeTree(20, LATENCY, 1000);
        send(t, SOURCE, 40, 0);
        List<String> released = new ArrayList<>();
        t.swap(released::add);
        assertThat(released).as("the previous unit is still over the density").isEmpty();
        assertThat(t.check(SOURCE, 2000).code()).isEqualTo(-1);
        t.swap(released::add);
        assertThat(released).containsExactly("10.0.0.1");
        assertThat(t.check(SOURCE, 4000).code()).isEqualTo(1);
    }

    @Test
    void aSourceThatKeepsFloodingStaysBlocked() {
        PikeTree t = new PikeTree(20, LATENCY, 1000);
        send(t, SOURCE, 40, 0);
        for (int unit = 1; unit < 5; unit++) {
            t.swap(ip -> { });
            assertThat(send(t, SOURCE, 20, unit * 2000L)).containsOnly(-1);
        }
    }

    @Test
    void idleAddressesAreForgottenAfterRemoveLatency() {
        PikeTree t = new PikeTree(20, LATENCY, 1000);
        send(t, SOURCE, 40, 0);
        send(t, new byte[] {10, 0, 0, 2}, 3, 0);
        assertThat(t.size()).isEqualTo(5);
        t.clean(LATENCY - 1);
        assertThat(t.size()).isEqualTo(5);
        // the leaf goes first; its prefixes, left without children, get a latency of their own
        for (long now = LATENCY; t.size() > 0 && now < 10 * LATENCY; now += LATENCY) {
            t.clean(now);
        }
        assertThat(t.size()).isZero();
        assertThat(t.check(SOURCE, 10 * LATENCY).code()).as("counted afresh").isEqualTo(1);
    }

    @Test
    void aFloodOfSpoofedSourcesCannotGrowTheTreeBeyondItsBound() {
        PikeTree t = new PikeTree(20, LATENCY, 50);
        int full = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] ip = {(byte) (i >> 16), (byte) (i >> 8), (byte) i, 7};
            PikeTree.Verdict v = t.check(ip, 0);
            assertThat(v.code()).isEqualTo(1);
            full += v.full() ? 1 : 0;
        }
        assertThat(t.size()).isLessThanOrEqualTo(50);
        assertThat(full).as("reported once").isEqualTo(1);
        for (long now = LATENCY; t.size() > 0 && now < 10 * LATENCY; now += LATENCY) {
            t.clean(now);
        }
        assertThat(t.size()).isZero();
    }

    @Test
    void ipv6SourcesAreCountedByteByByte() {
        PikeTree t = new PikeTree(8, LATENCY, 1000);
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        v6[15] = 1;
        List<Integer> codes = send(t, v6, 60, 0);
        assertThat(codes).contains(-2);
        assertThat(t.leaves("ALL")).extracting(PikeTree.Leaf::ip).containsExactly("2000:0:0:0:0:0:0:1");
    }
}
