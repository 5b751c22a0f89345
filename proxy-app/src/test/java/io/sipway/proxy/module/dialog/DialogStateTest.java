package io.sipway.proxy.module.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The dialog state machine as Kamailio's next_state_dlg runs it, and the {@code did} Record-Route
 * parameter as its int2reverse_hex writes it.
 */
class DialogStateTest {
    private static Dialog dialog() {
        return new Dialog(5, 1, "c@test", "sip:a@x", "sip:b@x", "sip:b@x");
    }

    @Test
    void repliesAndRequestsMoveTheStateAsKamailios() {
        Dialog d = dialog();
        assertThat(d.next(Dialog.Event.RPL1XX)).containsExactly(Dialog.UNCONFIRMED, Dialog.EARLY);
        assertThat(d.next(Dialog.Event.REQ)).containsExactly(Dialog.EARLY, Dialog.EARLY);
        assertThat(d.next(Dialog.Event.RPL2XX)).containsExactly(Dialog.EARLY, Dialog.CONFIRMED_NA);
        assertThat(d.next(Dialog.Event.RPL3XX)).as("a late negative reply changes nothing").containsExactly(Dialog.CONFIRMED_NA,
                Dialog.CONFIRMED_NA);
        assertThat(d.next(Dialog.Event.REQACK)).containsExactly(Dialog.CONFIRMED_NA, Dialog.CONFIRMED);
        assertThat(d.next(Dialog.Event.REQBYE)).containsExactly(Dialog.CONFIRMED, Dialog.DELETED);
        assertThat(d.next(Dialog.Event.RPL2XX)).as("a 2xx after a BYE does not revive it").containsExactly(Dialog.DELETED,
                Dialog.DELETED);
    }

    @Test
    void aNegativeReplyEndsAnEarlyDialogAndALate2xxRevivesIt() {
        Dialog d = dialog();
        d.next(Dialog.Event.RPL1XX);
        assertThat(d.next(Dialog.Event.RPL3XX)).containsExactly(Dialog.EARLY, Dialog.DELETED);
        assertThat(d.next(Dialog.Event.RPL2XX)).containsExactly(Dialog.DELETED, Dialog.CONFIRMED_NA);
        assertThat(d.next(Dialog.Event.REQBYE)).containsExactly(Dialog.CONFIRMED_NA, Dialog.DELETED);
    }

    @Test
    void theDidIsTheEntryAndIdInReversedHex() {
        assertThat(new Dialog(0x1a3, 0x20, "c", "f", "t", "r").did()).isEqualTo("3a1.02");
        assertThat(Dialog.reverseHex(0)).isEqualTo("0");
        assertThat(Dialog.fromReverseHex("3a1")).isEqualTo(0x1a3);
        assertThat(Dialog.fromReverseHex("zz")).isEqualTo(-1);
        assertThat(Sequential.param("lr;ftag=abc;did=3a1.02", "did")).isEqualTo("3a1.02");
        assertThat(Sequential.param("lr;ftag=abc", "did")).isNull();
    }

    @Test
    void callIdAndTagsGiveTheDirection() {
        Dialog d = dialog();
        d.tag[Dialog.CALLER] = "ft";
        assertThat(DialogTable.match(d, "ft", null)).isEqualTo(DlgCtx.DIR_DOWNSTREAM);
        d.tag[Dialog.CALLEE] = "tt";
        assertThat(DialogTable.match(d, "ft", "tt")).isEqualTo(DlgCtx.DIR_DOWNSTREAM);
        assertThat(DialogTable.match(d, "tt", "ft")).isEqualTo(DlgCtx.DIR_UPSTREAM);
        assertThat(DialogTable.match(d, "ft", "other")).isEqualTo(DlgCtx.DIR_NONE);
    }
}
