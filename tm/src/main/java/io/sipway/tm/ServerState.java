package io.sipway.tm;

/**
 * The states of a server transaction (RFC 3261 17.2), with RFC 6026's Accepted for an INVITE
 * answered 2xx. Which transitions are legal depends on the kind:
 *
 * <pre>
 * INVITE      (17.2.1) PROCEEDING -1xx-> PROCEEDING -300..699-> COMPLETED -ACK-> CONFIRMED -wt_timer (I)-> TERMINATED
 *                      PROCEEDING -2xx-> ACCEPTED -wt_timer (L)-> TERMINATED
 *                      COMPLETED -no ACK within fr_timer (H)-> TERMINATED
 * non-INVITE  (17.2.2) TRYING -1xx-> PROCEEDING -1xx-> PROCEEDING; TRYING|PROCEEDING -200..699-> COMPLETED
 *                      COMPLETED -wt_timer (J)-> TERMINATED
 * </pre>
 *
 * Any state may end in TERMINATED (the maximum lifetime, the layer closing); TERMINATED is final.
 * tm is a proxy: wt_timer stands for Timers I, J and L, and fr_timer for Timer H.
 */
public enum ServerState {
    TRYING, PROCEEDING, COMPLETED, CONFIRMED, ACCEPTED, TERMINATED;

    /** Where a new transaction starts: an INVITE in Proceeding (17.2.1), anything else in Trying (17.2.2). */
    static ServerState initial(boolean invite) {
        return invite ? PROCEEDING : TRYING;
    }

    /** No final reply sent yet. */
    boolean beforeFinal() {
        return this == TRYING || this == PROCEEDING;
    }

    /** Whether a transaction of this kind may go from this state to {@code to}. */
    boolean mayGo(boolean invite, ServerState to) {
        if (to == TERMINATED) {
            return this != TERMINATED;
        }
        return switch (this) {
            case TRYING -> !invite && (to == PROCEEDING || to == COMPLETED);
            case PROCEEDING -> to == PROCEEDING || to == COMPLETED || invite && to == ACCEPTED;
            case COMPLETED -> invite && to == CONFIRMED;
            default -> false;
        };
    }
}
