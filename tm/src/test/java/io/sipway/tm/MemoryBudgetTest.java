package io.sipway.tm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.transport.Protocol;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The memory an overload can make tm hold is bounded; what it held comes back when transactions end. */
@DisplayName("tm's memory budget")
class MemoryBudgetTest {

    @Test
    @DisplayName("unlimited by default")
    void unlimitedByDefault() {
        TmFixture f = new TmFixture();
        for (int i = 0; i < 100; i++) {
            f.receive("MESSAGE", Protocol.UDP);
        }
        assertThat(f.tm.full()).isFalse();
    }

    @Test
    @DisplayName("full once the held transactions' estimate reaches the budget, free again when they end")
    void fullAtTheBudgetAndFreeAfter() {
        TmFixture f = new TmFixture();
        int each = TransactionLayer.estimatedBytes(f.request("MESSAGE", Protocol.UDP));
        f.tm.limit(3L * each);
        ServerTransaction first = f.receive("MESSAGE", Protocol.UDP);
        f.receive("MESSAGE", Protocol.UDP);
        assertThat(f.tm.full()).as("two of three").isFalse();
        f.receive("MESSAGE", Protocol.UDP);
        assertThat(f.tm.full()).as("three of three").isTrue();
        assertThat(f.tm.inUse()).isEqualTo(3);

        f.tm.reply(first, 200, "OK");
        f.advanceTo(TmSettings.defaults().wtTimer() + 1);
        assertThat(f.tm.inUse()).as("the answered one ended after wt_timer").isEqualTo(2);
        assertThat(f.tm.full()).as("its estimate given back").isFalse();
    }

    @Test
    @DisplayName("a retransmission does not count twice")
    void retransmissionCountsOnce() {
        TmFixture f = new TmFixture();
        ServerTransaction st = f.receive("MESSAGE", Protocol.UDP);
        f.tm.limit(TransactionLayer.estimatedBytes(st.request()) + 1L);
        assertThat(f.tm.create(st.request(), TmFixture.fromCaller(Protocol.UDP), null)).as("a retransmission").isNull();
        assertThat(f.tm.full()).isFalse();
    }

    @Test
    @DisplayName("a budget must be positive")
    void positiveBudget() {
        assertThatThrownBy(() -> new TmFixture().tm.limit(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
