package io.sipway.proxy.module.rtpengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rtpengine_sock's sets and weights, and Kamailio's choice of an instance by the Call-ID's byte sum. */
class NodesTest {
    @Test
    void socketsMakeSetsWithWeights() {
        Map<Integer, List<Nodes.Node>> sets = Nodes.parse(List.of("udp:127.0.0.1:2223=2 udp:127.0.0.1:2224=1",
                "1 == udp:10.0.0.1:2225", "2 == udp6:[::1]:2226=3 udp:127.0.0.2"));
        assertThat(sets.keySet()).containsExactly(0, 1, 2);
        assertThat(sets.get(0)).extracting(n -> n.url + "=" + n.weight).containsExactly("udp:127.0.0.1:2223=2", "udp:127.0.0.1:2224=1");
        assertThat(sets.get(2).get(0).address.getPort()).isEqualTo(2226);
        assertThat(sets.get(2).get(1).address.getPort()).as("Kamailio's default port").isEqualTo(22222);
        assertThatThrownBy(() -> Nodes.parse(List.of("unix:/run/rtpengine.sock"))).hasMessageContaining("over UDP only");
        assertThatThrownBy(() -> Nodes.parse(List.of("ws://127.0.0.1:8080"))).hasMessageContaining("over UDP only");
    }

    @Test
    void theCallIdsByteSumPicksAmongTheEnabledWeights() {
        List<Nodes.Node> set = Nodes.parse(List.of("udp:127.0.0.1:1=2 udp:127.0.0.1:2=1")).get(0);
        // "abc": 97+98+99 = 294, & 0xff = 38, 38 % 3 = 2: past the first node's weight 2, the second
        assertThat(Nodes.choose(set, "abc", List.of(), 0, n -> true)).isSameAs(set.get(1));
        // "abd": 39 % 3 = 0: the first
        assertThat(Nodes.choose(set, "abd", List.of(), 0, n -> true)).isSameAs(set.get(0));
        assertThat(Nodes.choose(set, "abd", List.of(set.get(0)), 0, n -> true)).as("a node tried already is passed over")
                .isSameAs(set.get(1));
    }

    @Test
    void aDisabledNodeIsPingedWhenItsTimeIsUp() {
        List<Nodes.Node> set = Nodes.parse(List.of("udp:127.0.0.1:1 udp:127.0.0.1:2")).get(0);
        set.get(0).disabled = true;
        set.get(0).recheckAtMs = 1000;
        List<Nodes.Node> pinged = new ArrayList<>();
        assertThat(Nodes.choose(set, "x", List.of(), 500, n -> pinged.add(n))).isSameAs(set.get(1));
        assertThat(pinged).as("not before its time").isEmpty();
        assertThat(Nodes.choose(set, "\u0000", List.of(), 1000, n -> pinged.add(n))).isSameAs(set.get(0));
        assertThat(pinged).containsExactly(set.get(0));
        assertThat(set.get(0).disabled).isFalse();
        set.forEach(n -> n.disabled = true);
        assertThat(Nodes.choose(set, "x", List.of(), 0, n -> false)).as("all down, all pinged once more, none answers").isNull();
    }

    @Test
    void aCallKeepsItsInstanceUntilDeleted() {
        Nodes nodes = new Nodes(Nodes.parse(List.of("udp:127.0.0.1:1 udp:127.0.0.1:2")));
        Nodes.Node second = nodes.sets.get(0).get(1);
        nodes.remember("call", "", second, 2000, 0);
        assertThat(nodes.remembered("call", "", 1000)).isSameAs(second);
        assertThat(nodes.remembered("call", "", 3000)).as("after hash_table_tout").isNull();
        nodes.forget("call", "");
        assertThat(nodes.remembered("call", "", 1000)).isNull();
    }
}
