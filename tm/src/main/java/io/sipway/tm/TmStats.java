package io.sipway.tm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * tm's counters, held in fields so that per-transaction events look nothing up by name (Kamailio's
 * t_stats); {@link #stat} reads them by name.
 */
final class TmStats {
    private final Map<String, LongAdder> byName = new ConcurrentHashMap<>();
    /** Transactions created (tm.stats "total"/"created", tmx UAS_transactions). */
    final LongAdder created = counter("tm:UAS_transactions");
    /** Transactions tm itself originated (tmx UAC_transactions, tm.stats "total_local": TransactionLayer.request). */
    final LongAdder local = counter("tm:UAC_transactions");
    final LongAdder freed = counter("tm:freed");
    /** Transactions gone to the wait state (or ended without it): "waiting" and "active" derive from it. */
    final LongAdder waiting = new LongAdder();
    final LongAdder rplReceived = counter("tm:rpl_received");
    final LongAdder rplSent = counter("tm:rpl_sent");
    final LongAdder rplGenerated = counter("tm:rpl_generated");
    final LongAdder[] byClass = {null, null, counter("tm:2xx_transactions"), counter("tm:3xx_transactions"),
            counter("tm:4xx_transactions"), counter("tm:5xx_transactions"), counter("tm:6xx_transactions")};

    private LongAdder counter(String name) {
        return byName.computeIfAbsent(name, k -> new LongAdder());
    }

    /** The first final reply of a transaction, by class (tmx 2xx_transactions..6xx_transactions). */
    void finalReply(int code) {
        byClass[Math.min(6, code / 100)].increment();
    }

    /** See {@link TransactionLayer#stat}. */
    long stat(String name) {
        String n = name.startsWith("tmx:") ? name.substring(4) : name.startsWith("tm:") ? name.substring(3) : name;
        long sent = rplSent.sum();
        long generated = rplGenerated.sum();
        return switch (n) {
            case "total", "created" -> created.sum() + local.sum();
            case "total_local" -> local.sum();
            case "inuse_transactions", "current" -> created.sum() + local.sum() - freed.sum();
            case "active_transactions" -> created.sum() + local.sum() - waiting.sum();
            case "waiting" -> waiting.sum() - freed.sum();
            case "delayed_free" -> 0;
            case "rpl_relayed", "relayed_replies" -> sent - generated;
            case "rpl_absorbed" -> rplReceived.sum() - (sent - generated);
            case "received_replies" -> rplReceived.sum();
            case "local_replies" -> generated;
            case "2xx", "3xx", "4xx", "5xx", "6xx" -> byClass[n.charAt(0) - '0'].sum();
            default -> {
                LongAdder a = byName.get("tm:" + n);
                yield a == null ? 0 : a.sum();
            }
        };
    }
}
