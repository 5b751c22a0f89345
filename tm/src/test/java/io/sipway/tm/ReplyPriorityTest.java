package io.sipway.tm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kamailio's reply priority (t_reply.c get_prio, KAMAILIO.md 4.4): which final reply of a leg goes up. */
@DisplayName("the best of a leg's final replies")
class ReplyPriorityTest {

    @ParameterizedTest(name = "{0} goes up rather than {1}")
    @CsvSource({
        "200, 603", // 2xx first (they go up at once anyway)
        "603, 302", // then 6xx
        "302, 401", // then 3xx
        "401, 407", // then the 4xx a caller can act on: 401, 407, 415, 420, 484
        "407, 415",
        "415, 420",
        "420, 484",
        "484, 400", // then the other 4xx, by number
        "404, 408",
        "408, 486", // a timeout (local 408) ranks as any 408
        "486, 500", // then 5xx
        "500, 503",
        "503, 504",
        "599, 700", // an unknown class comes last
    })
    void priority(int better, int worse) {
        assertThat(TransactionLayer.better(better, worse)).isTrue();
        assertThat(TransactionLayer.better(worse, better)).isFalse();
    }

    @Test
    @DisplayName("the same code is not better than itself: the first branch that got it wins")
    void ties() {
        assertThat(TransactionLayer.better(486, 486)).isFalse();
        assertThat(TransactionLayer.prio(486)).isEqualTo(4186);
        assertThat(TransactionLayer.prio(407)).isEqualTo(4007);
        assertThat(TransactionLayer.prio(603)).isEqualTo(1003);
    }

    @Test
    @DisplayName("tm's modparams land in the settings; unknown ones change nothing")
    void settings() {
        TmSettings s = TmSettings.defaults();
        assertThat(s.autoInv100()).isTrue();
        assertThat(s.restartFrOnEachReply()).isTrue();
        assertThat(s.aggregateChallenges()).isTrue();
        assertThat(s.remap503To500()).isTrue();
        TmSettings changed = s.with("auto_inv_100", 0).with("restart_fr_on_each_reply", 0).with("fr_inv_timer", 1500)
                .with("aggregate_challenges", 0).with("remap_503_500", 0).with("faked_reply_prio", 50);
        assertThat(changed.autoInv100()).isFalse();
        assertThat(changed.restartFrOnEachReply()).isFalse();
        assertThat(changed.frInvTimer()).isEqualTo(1500);
        assertThat(changed.frTimer()).isEqualTo(30000);
        assertThat(changed.aggregateChallenges()).isFalse();
        assertThat(changed.remap503To500()).isFalse();
        assertThat(changed.fakedReplyPrio()).isEqualTo(50);
        assertThat(s.with("unmatched_cancel", 2)).isEqualTo(s);
        assertThat(s.with("reparse_invite", 0).reparseInvite()).isFalse();
        TmSettings signed = changed.withSignature("Server: Other", null);
        assertThat(signed.server()).isEqualTo("Server: Other");
        assertThat(signed.userAgent()).isNull();
    }
}
