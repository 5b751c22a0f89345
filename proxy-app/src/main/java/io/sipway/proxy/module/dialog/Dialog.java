package io.sipway.proxy.module.dialog;

import io.sipway.tm.ServerTransaction;
import io.sipway.transport.SendSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * One dialog the module tracks (Kamailio's dlg_cell, dlg_hash.h): its identity (hash entry and id,
 * Call-ID, the two tags), what each leg needs for a request of ours inside it (contact, route set,
 * last CSeq, listener), its state, times, flags, variables and profile links.
 *
 * <p>A dialog is changed from the event loops of its messages and from the timer thread: every
 * mutable field is read and written holding the dialog's monitor, and nothing is sent holding it.
 */
final class Dialog {
    /** States (dlg_hash.h DLG_STATE_*). */
    static final int UNCONFIRMED = 1;
    static final int EARLY = 2;
    static final int CONFIRMED_NA = 3;
    static final int CONFIRMED = 4;
    static final int DELETED = 5;
    /** Legs (DLG_CALLER_LEG, DLG_CALLEE_LEG). */
    static final int CALLER = 0;
    static final int CALLEE = 1;
    /** Events (DLG_EVENT_*). */
    enum Event { RPL1XX, RPL2XX, RPL3XX, REQACK, REQBYE, REQPRACK, REQ, TDEL }

    /** dflags bits Kamailio shows in dlg.list (DLG_FLAG_NEW, _CHANGED, _HASBYE, _TM, _EXPIRED). */
    static final int FLAG_NEW = 1 << 0;
    static final int FLAG_CHANGED = 1 << 1;
    static final int FLAG_HASBYE = 1 << 2;
    static final int FLAG_TM = 1 << 9;
    static final int FLAG_EXPIRED = 1 << 10;
    /** iflags: BYE both ways when the timeout fires (DLG_IFLAG_TIMEOUTBYE). */
    static final int IFLAG_TIMEOUTBYE = 1 << 0;

    final int hEntry;
    final int hId;
    final String callId;
    final String fromUri;
    final String toUri;
    final String ruri;
    final String[] tag = new String[2];
    final String[] contact = new String[2];
    final long[] cseq = new long[2];
    final List<String>[] routeSet;
    final SendSocket[] socket = new SendSocket[2];
    /** Record-Route entries the INVITE carried when it reached us (skipped in the callee's route set). */
    int fromRrNb;
    int state = UNCONFIRMED;
    /** Seconds since the epoch (0: not yet). */
    long initTs;
    long startTs;
    long endTs;
    /** Seconds the dialog lives once confirmed (default_timeout, timeout_avp, $dlg_ctx(timeout), dlg_set_timeout). */
    long lifetime;
    /** When the timeout fires, in seconds since the epoch (0: no timer). */
    long timeoutAt;
    int dflags;
    long sflags;
    int iflags;
    String toRoute = "";
    /** $dlg_var: insertion order kept, as Kamailio's list prints them. */
    final Map<String, String> vars = new LinkedHashMap<>();
    /** Profile links: {profile, value or null}. */
    final List<Object[]> profiles = new ArrayList<>();
    /** The INVITE's transaction while it runs (dlg_bye on an early dialog answers through it). */
    ServerTransaction invite;
    ScheduledFuture<?> timer;
    /** Final replies heard for the BYEs of ours (the dialog is freed after both). */
    int byeReplies;
    boolean freed;

    @SuppressWarnings("unchecked")
    Dialog(int hEntry, int hId, String callId, String fromUri, String toUri, String ruri) {
        this.hEntry = hEntry;
        this.hId = hId;
        this.callId = callId;
        this.fromUri = fromUri;
        this.toUri = toUri;
        this.ruri = ruri;
        this.routeSet = new List[] {List.of(), List.of()};
    }

    /**
     * next_state_dlg (dlg_hash.c): the state after {@code e}; {@code out[0]} the old state, {@code out[1]}
     * the new. Caller holds the monitor. A reply or request that does not fit the state leaves it.
     */
    int[] next(Event e) {
        int old = state;
        switch (e) {
            case RPL1XX -> {
                if (state == UNCONFIRMED || state == EARLY) {
                    state = EARLY;
                }
            }
            case RPL2XX -> {
                if (state == DELETED && (dflags & FLAG_HASBYE) == 0 || state == UNCONFIRMED || state == EARLY) {
                    state = CONFIRMED_NA; // a late 2xx revives a dialog a negative reply ended, unless it had a BYE
                }
            }
            case RPL3XX, TDEL -> {
                if (state == UNCONFIRMED || state == EARLY) {
                    state = DELETED;
                }
            }
            case REQACK -> {
                if (state == CONFIRMED_NA) {
                    state = CONFIRMED;
                }
            }
            case REQBYE -> {
                if (state == CONFIRMED_NA || state == CONFIRMED) {
                    dflags |= FLAG_HASBYE;
                    state = DELETED;
                }
            }
            case REQPRACK, REQ -> { }
            default -> { }
        }
        return new int[] {old, state};
    }

    /** Kamailio's rr parameter value: the entry and the id in reversed hex, joined by '.'. */
    String did() {
        return reverseHex(hEntry) + "." + reverseHex(hId);
    }

    /** int2reverse_hex: the hex digits, least significant first ("0" for 0). */
    static String reverseHex(long n) {
        if (n == 0) {
            return "0";
        }
        StringBuilder b = new StringBuilder(8);
        long v = n & 0xffffffffL;
        while (v != 0) {
            b.append(Character.forDigit((int) (v & 0xf), 16));
            v >>>= 4;
        }
        return b.toString();
    }

    /** reverse_hex2int: -1 when not hex or too long. */
    static long fromReverseHex(String s) {
        if (s.isEmpty() || s.length() > 8) {
            return -1;
        }
        long v = 0;
        for (int i = s.length() - 1; i >= 0; i--) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** The route set of a leg as Kamailio stores it: the entries joined by ','. */
    static String routeText(List<String> rs) {
        return String.join(",", rs);
    }

    @Override
    public String toString() {
        return "dialog [" + hEntry + ":" + hId + "] " + callId;
    }
}
