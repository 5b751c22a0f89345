package io.sipway.proxy.module.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The order Kamailio walks its sets in (dispatcher.list, ds_is_from_list over all sets). */
class SetOrderTest {
    private static SetOrder of(int... ids) {
        SetOrder o = new SetOrder();
        for (int id : ids) {
            o.insert(id);
        }
        return o;
    }

    @Test
    void kamailioListsSetsChildrenFirst() {
        // Kamailio 5.6.3's dispatcher.list for a file with sets 1, 2, 7 in that order: 1, 7, 2
        assertThat(of(1, 2, 7).walk()).containsExactly(1, 7, 2);
        assertThat(of(1, 7).walk()).containsExactly(7, 1);
        assertThat(of(5).walk()).containsExactly(5);
    }

    @Test
    void everySetOnceWhateverTheOrderOfInsertion() {
        assertThat(of(9, 3, 7, 1, 8, 2, 6, 4, 5, 3, 9).walk()).hasSize(9).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(of(1, 2, 3, 4, 5, 6, 7).walk()).containsExactly(1, 3, 2, 5, 7, 6, 4); // balanced: 4 at the root
    }
}
