package io.sipway.proxy.module.htable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One htable's items as ht_api.c keeps them, with time from a clock the test moves. */
class HashTableTest {
    /** A clock that moves only when told. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-07T12:00:00Z");

        void advance(long seconds) {
            now = now.plusSeconds(seconds);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();

    private HashTable table(String spec) {
        return new HashTable(TableSpec.parse(spec), clock);
    }

    @Test
    void valuesKeepTheirTypeAndKeysAreCaseSensitive() {
        HashTable t = table("t=>size=8;");
        t.set("a", 5L);
        t.set("A", "five");
        assertThat(t.get("a")).isEqualTo(5L);
        assertThat(t.get("A")).isEqualTo("five");
        assertThat(t.get("b")).isNull();
        assertThat(t.delete("a")).isTrue();
        assertThat(t.get("a")).isNull();
    }

    @Test
    void anItemExpiresAutoexpireSecondsAfterItsLastUpdate() {
        HashTable t = table("ipban=>size=8;autoexpire=300;");
        t.set("10.0.0.1", 1L);
        clock.advance(200);
        t.set("10.0.0.1", 2L); // updateexpire=1 (default): the lifetime starts again
        clock.advance(200);
        assertThat(t.get("10.0.0.1")).isEqualTo(2L);
        assertThat(t.expiresIn("10.0.0.1")).isEqualTo(100);
        clock.advance(100);
        assertThat(t.get("10.0.0.1")).as("expire < now, not <=, as in Kamailio").isEqualTo(2L);
        clock.advance(1);
        assertThat(t.get("10.0.0.1")).as("read as missing at once").isNull();
        assertThat(t.size()).as("still held until the sweep").isEqualTo(1);
        assertThat(t.sweep()).isEqualTo(1);
        assertThat(t.size()).isZero();
    }

    @Test
    void withUpdateexpireZeroAnUpdateKeepsTheFirstExpiry() {
        HashTable t = table("t=>autoexpire=60;updateexpire=0");
        t.set("k", "v1");
        clock.advance(50);
        t.set("k", "v2");
        clock.advance(11);
        assertThat(t.get("k")).isNull();
    }

    @Test
    void shtexSetsAndReadsTheRemainingLifetime() {
        HashTable t = table("t=>autoexpire=60;");
        t.set("k", 1L);
        t.expireIn("k", 10L);
        assertThat(t.expiresIn("k")).isEqualTo(10);
        t.expireIn("k", "not a number"); // 0: never expires
        clock.advance(1000);
        assertThat(t.get("k")).isEqualTo(1L);
        HashTable forever = table("f=>size=4;");
        forever.set("k", 1L);
        forever.expireIn("k", 5L);
        assertThat(forever.expiresIn("k")).as("no autoexpire: no expiry").isZero();
    }

    @Test
    void incrementsStartFromInitvalAndRefuseStrings() {
        HashTable counters = table("c=>initval=10;autoexpire=30");
        assertThat(counters.get("x")).as("a missing item reads as initval").isEqualTo(10L);
        assertThat(counters.add("x", 1)).isEqualTo(11L);
        assertThat(counters.add("x", -3)).isEqualTo(8L);
        clock.advance(31);
        assertThat(counters.add("x", 1)).as("an expired counter starts again").isEqualTo(11L);
        HashTable plain = table("p=>size=4");
        assertThat(plain.add("x", 1)).as("no initval: $null").isNull();
        plain.set("s", "text");
        assertThat(plain.add("s", 1)).isNull();
        assertThat(plain.get("s")).isEqualTo("text");
    }

    @Test
    void countsItemsByNameAndValue() {
        HashTable t = table("t=>size=4");
        t.set("user::alice", "online");
        t.set("user::bob", "offline");
        t.set("count", 3L);
        assertThat(Matches.count(t, "^user::", false)).isEqualTo(2);
        assertThat(Matches.count(t, "%~user", false)).isEqualTo(2);
        assertThat(Matches.count(t, "~%bob", false)).isEqualTo(1);
        assertThat(Matches.count(t, "==online", true)).isEqualTo(1);
        assertThat(Matches.count(t, "LINE$", true)).as("regular expressions ignore case").isEqualTo(2);
        assertThat(Matches.count(t, "eq3", true)).isEqualTo(1);
        assertThat(Matches.count(t, "**", false)).isEqualTo(3);
        assertThat(Matches.count(t, "(", false)).as("a bad expression counts nothing").isZero();
    }

    @Test
    void sizeIsTheNumberOfSlotsNotACap() {
        assertThat(TableSpec.parse("t=>size=8").slots()).isEqualTo(256);
        assertThat(TableSpec.parse("t=>size=1").slots()).isEqualTo(8);
        assertThat(TableSpec.parse("t=>size=40").slots()).isEqualTo(16384);
        assertThat(TableSpec.parse("t=>autoexpire=5").slots()).as("default size 4").isEqualTo(16);
        HashTable t = table("t=>size=1");
        for (int i = 0; i < 1000; i++) {
            t.set("k" + i, (long) i);
        }
        assertThat(t.size()).isEqualTo(1000);
    }

    @Test
    void whatSipwayDoesNotImplementIsRefusedByName() {
        assertThatThrownBy(() -> TableSpec.parse("t=>dbtable=x;cols='a,b'")).hasMessageContaining("cols");
        assertThatThrownBy(() -> TableSpec.parse("t=>dmqreplicate=1")).hasMessageContaining("dmq");
        assertThatThrownBy(() -> TableSpec.parse("t=>sise=4")).hasMessageContaining("unknown attribute 'sise'");
        assertThatThrownBy(() -> TableSpec.parse("t=>autoexpire=soon")).hasMessageContaining("autoexpire");
        assertThatThrownBy(() -> TableSpec.parse("size=4")).hasMessageContaining("name=>attributes");
        assertThat(TableSpec.parse("t=>dmqreplicate=0;initval=-1").initval()).isEqualTo(-1L);
    }

    @Test
    void theSlotLockMakesReadModifyWriteAtomicAgainstOtherWriters() throws Exception {
        HashTable t = table("t=>size=2");
        t.set("n", 0L);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int w = 0; w < 4; w++) {
            pool.execute(() -> {
                for (int i = 0; i < 1000; i++) {
                    t.lock("n"); // sht_lock("t=>n"); $sht(t=>n) = $sht(t=>n) + 1; sht_unlock("t=>n");
                    try {
                        t.set("n", (Long) t.get("n") + 1);
                    } finally {
                        t.unlock("n");
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        assertThat(t.get("n")).isEqualTo(4000L);
        assertThat(t.unlock("n")).as("not held by this thread").isFalse();
    }
}
