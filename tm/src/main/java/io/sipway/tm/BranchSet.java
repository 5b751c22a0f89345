package io.sipway.tm;

import io.netty.util.concurrent.Future;
import io.sipway.transport.Destination;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One leg of {@code t_relay()} as tm takes it: the branches, each with its next hop (known now, or
 * when DNS answers: a {@link Future}) and how its request is written for that hop, and how many
 * branches the script's branch_route dropped. tm sends the branches whose hop is known, waits for
 * the others without blocking a loop, and maps what went wrong to Kamailio's answers: every branch
 * dropped is E_CFG, 500; no hop resolved is 478; nothing could be sent is 477.
 */
public final class BranchSet {
    /** Kamailio's reason texts for the answers tm gives when no branch of a leg leaves. */
    static final String DROPPED_REASON = "I'm terribly sorry, server error occurred (6/TM)";
    static final String UNRESOLVABLE_REASON = "Unresolvable destination (478/SL)";

    /** One branch: where it goes (null in the future: does not resolve) and its request for that hop. */
    public record Branch(Future<Destination> to, Function<Destination, TransactionLayer.BranchRequest> request) {
    }

    /**
     * How a leg went: {@code code} 0 when branches left (or {@code pending}: will leave when DNS
     * answers, tm answering itself if none can), else the reply tm owes and its reason, for the
     * script to see as t_relay's failure (answered when the script ends, as Kamailio's delayed reply).
     */
    public record Outcome(int code, String reason, boolean pending) {
        static final Outcome SENT = new Outcome(0, null, false);
        static final Outcome PENDING = new Outcome(0, null, true);

        public boolean failed() {
            return code != 0;
        }

        /** t_relay's return value: 1, or Kamailio's negative error (-6 E_CFG, -478, -477). */
        public long scriptResult() {
            return code == 0 ? 1 : code == 500 ? -6 : -code;
        }
    }

    private final List<Branch> branches;
    private final int dropped;

    public BranchSet(List<Branch> branches, int droppedByBranchRoute) {
        this.branches = List.copyOf(branches);
        this.dropped = droppedByBranchRoute;
    }

    /** Whether every next hop is known now (addresses, cached names): the leg can be decided at once. */
    public boolean known() {
        for (Branch b : branches) {
            if (!b.to().isDone()) {
                return false;
            }
        }
        return true;
    }

    List<Branch> branches() {
        return branches;
    }

    /** The targets whose hop resolved, in branch order. */
    List<TransactionLayer.Target> targets() {
        List<TransactionLayer.Target> out = new ArrayList<>();
        for (Branch b : branches) {
            Destination d = b.to().isSuccess() ? b.to().getNow() : null;
            if (d != null) {
                out.add(new TransactionLayer.Target(d, b.request().apply(d)));
            }
        }
        return out;
    }

    /** What tm answers when no target is left: E_CFG when branch_route dropped them all, else 478. */
    Outcome unsent() {
        return dropped > 0 && branches.isEmpty() ? new Outcome(500, DROPPED_REASON, false)
                : new Outcome(478, UNRESOLVABLE_REASON, false);
    }
}
