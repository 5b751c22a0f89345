package io.sipway.tm;

/**
 * The states of a client transaction (RFC 3261 17.1), one per branch, with RFC 6026's Accepted for
 * an INVITE branch answered 2xx (more 2xx may follow and each goes up). Legal transitions:
 *
 * <pre>
 * INVITE      (17.1.1) CALLING -1xx-> PROCEEDING -1xx-> PROCEEDING
 *                      CALLING|PROCEEDING -300..699 (ACK sent)-> COMPLETED
 *                      CALLING|PROCEEDING -2xx-> ACCEPTED
 * non-INVITE  (17.1.2) TRYING -1xx-> PROCEEDING -1xx-> PROCEEDING; TRYING|PROCEEDING -final-> COMPLETED
 * </pre>
 *
 * Any state may end in TERMINATED: the final-response timer (fr_timer, or fr_inv_timer once an
 * INVITE branch had a provisional: Kamailio's Timers B, F and C in one) with a local 408, or the
 * transaction being freed (wt_timer: Timers D, K and M). A terminated branch stays matched until its
 * transaction is freed: a late negative reply is still ACKed, a late 2xx still goes up.
 */
public enum ClientState {
    CALLING, TRYING, PROCEEDING, COMPLETED, ACCEPTED, TERMINATED;

    static ClientState initial(boolean invite) {
        return invite ? CALLING : TRYING;
    }

    /** Still waiting for a final reply (retransmissions and the final-response timer run). */
    boolean beforeFinal() {
        return this == CALLING || this == TRYING || this == PROCEEDING;
    }

    /** Whether a branch of this kind may go from this state to {@code to}. */
    boolean mayGo(boolean invite, ClientState to) {
        if (to == TERMINATED) {
            return this != TERMINATED;
        }
        return switch (this) {
            case CALLING -> invite && (to == PROCEEDING || to == COMPLETED || to == ACCEPTED);
            case TRYING -> !invite && (to == PROCEEDING || to == COMPLETED);
            case PROCEEDING -> to == PROCEEDING || to == COMPLETED || invite && to == ACCEPTED;
            default -> false;
        };
    }
}
