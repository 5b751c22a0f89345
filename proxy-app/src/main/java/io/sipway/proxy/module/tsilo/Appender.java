package io.sipway.proxy.module.tsilo;

import io.netty.util.concurrent.Future;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.location.Binding;
import io.sipway.proxy.module.registrar.RegistrarModule;
import io.sipway.tm.ServerTransaction;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.Destination;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * tsilo's ts_append_to: registrar's lookup of the AoR (on the calling thread, which may wait when
 * usrloc queries the database), then on the transaction's own event loop tm's t_append_branches:
 * one branch per binding whose contact no branch of the transaction has tried, built from the
 * request as the script left it (its Record-Route, headers...), to the binding's first Path hop (its
 * Path as Route) or received address, else its contact. Nothing is added once the caller canceled or a final reply went
 * upstream.
 */
final class Appender {
    private final Core core;

    Appender(Core core) {
        this.core = core;
    }

    /** Appends to {@code st} the bindings of {@code uri} in {@code table} (only {@code contact}'s when given). */
    void append(ServerTransaction st, String table, String uri, String contact, LongAdder added) {
        List<Binding> found = new ArrayList<>();
        for (Binding b : RegistrarModule.bindings(core, table, uri)) {
            if (contact == null || b.contact().equals(contact)) {
                found.add(b);
            }
        }
        if (found.isEmpty()) {
            return;
        }
        TransactionLayer tm = core.tm();
        tm.onLoop(st, () -> {
            List<String> tried = tm.branchUris(st);
            MsgContext state = st.scriptState instanceof MsgContext m ? m : new MsgContext(st.request(), st.from());
            for (Binding b : found) {
                if (tried.contains(b.contact())) {
                    continue;
                }
                String hop = RegistrarModule.nextHop(b);
                if (hop == null) {
                    hop = b.contact();
                }
                Future<Destination> to = core.destination(state, hop);
                if (to.isDone()) {
                    open(tm, st, state, b, to.getNow(), added);
                } else { // a name to resolve: the listener runs on this loop when DNS answers
                    to.addListener(f -> open(tm, st, state, b, to.getNow(), added));
                }
            }
        });
    }

    private void open(TransactionLayer tm, ServerTransaction st, MsgContext state, Binding b, Destination to, LongAdder added) {
        if (to == null) {
            return; // does not resolve: no branch, as t_append_branches skips a destination it cannot send to
        }
        int n = tm.appendBranches(st, List.of(new TransactionLayer.Target(to, core.branchRequest(state, b.contact(), b.path(), to))));
        if (n > 0) {
            added.add(n);
        }
    }
}
