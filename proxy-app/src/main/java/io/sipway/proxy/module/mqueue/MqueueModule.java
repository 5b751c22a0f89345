package io.sipway.proxy.module.mqueue;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Pv;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.log.KamailioLevel;
import io.sipway.proxy.log.ScriptLog;
import io.sipway.proxy.log.SyslogFacility;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * mqueue (https://kamailio.org/docs/modules/5.6.x/modules/mqueue.html): named in-memory queues of
 * key/value pairs shared by every thread. {@code mq_add(q, key, value)} appends (a bounded queue drops
 * its oldest; addmode 1 keeps the first value of a key, 2 replaces it), {@code mq_fetch(q)} takes the
 * oldest into {@code $mqk(q)}/{@code $mqv(q)} (kept per thread, as Kamailio keeps them per process),
 * {@code mq_size(q)} answers the size, {@code mq_pv_free(q)} forgets the fetched pair. Return codes as
 * Kamailio 5.6.3's: -1 for a queue not declared (with an error line), -2 from mq_fetch on an empty
 * queue. The database persistence (dbmode, db_url) is not implemented: refused at load.
 */
public final class MqueueModule {
    private static final ScriptLog LOG = new ScriptLog("mqueue");

    private MqueueModule() {
    }

    /** The pair a thread fetched last from each queue. */
    private static final ThreadLocal<Map<String, String[]>> FETCHED = ThreadLocal.withInitial(HashMap::new);

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("mqueue", "https://kamailio.org/docs/modules/5.6.x/modules/mqueue.html");
        Map<String, KeyValueQueue> queues = new ConcurrentHashMap<>();
        b.paramParsed("mqueue", ParamExport.Type.STRING, "", "a queue: name=NAME[;size=N][;addmode=0|1|2] (several times)",
                v -> KeyValueQueue.parse(v));
        b.paramOnly("db_url", ParamExport.Type.STRING, "", "the queues live in memory only", "");
        b.paramOnly("mqueue_db_url", ParamExport.Type.STRING, "", "the queues live in memory only", "");
        b.fn("mq_add", 3, 3, ANY, args -> {
            Format q = Format.of(args.get(0));
            Format key = Format.of(args.get(1));
            Format value = Format.of(args.get(2));
            return ctx -> {
                KeyValueQueue queue = queue(queues, q.apply(ctx), "w_mq_add");
                if (queue == null) {
                    return -1;
                }
                queue.add(key.apply(ctx), value.apply(ctx));
                return 1;
            };
        }).summary("adds a key and value to a queue (the oldest goes when it is full)");
        b.fn("mq_fetch", 1, 1, ANY, args -> {
            Format q = Format.of(args.get(0));
            return ctx -> {
                String name = q.apply(ctx);
                KeyValueQueue queue = queue(queues, name, "w_mq_fetch");
                if (queue == null) {
                    return -1;
                }
                String[] pair = queue.poll();
                if (pair == null) { // the pair fetched before is gone too: $mqk and $mqv are null
                    FETCHED.get().remove(name);
                    return -2;
                }
                FETCHED.get().put(name, pair);
                return 1;
            };
        }).summary("takes the oldest pair of a queue into $mqk(queue) and $mqv(queue); -2 when the queue is empty");
        b.fn("mq_size", 1, 1, ANY, args -> {
            Format q = Format.of(args.get(0));
            return ctx -> {
                KeyValueQueue queue = queue(queues, q.apply(ctx), "w_mq_size");
                return queue == null ? -1 : queue.size();
            };
        }).summary("the number of pairs in a queue, as the return code");
        b.fn("mq_pv_free", 1, 1, ANY, args -> {
            Format q = Format.of(args.get(0));
            return ctx -> {
                FETCHED.get().remove(q.apply(ctx));
                return 1;
            };
        }).summary("forgets the pair this thread fetched from a queue");
        b.pv("mqk", PvExport.Inner.REQUIRED, false, n -> fetched(n.inner().trim(), 0));
        b.pv("mqv", PvExport.Inner.REQUIRED, false, n -> fetched(n.inner().trim(), 1));
        b.onStart((script, host) -> {
            Map<String, KeyValueQueue> declared = new LinkedHashMap<>();
            for (String spec : core.modparams("mqueue", "mqueue")) {
                KeyValueQueue q = KeyValueQueue.parse(spec);
                declared.put(q.name(), q);
            }
            queues.clear();
            queues.putAll(declared);
        });
        return b.build();
    }

    private static Pv fetched(String queue, int part) {
        return ctx -> {
            String[] pair = FETCHED.get().get(queue);
            return pair == null ? null : pair[part];
        };
    }

    private static KeyValueQueue queue(Map<String, KeyValueQueue> queues, String name, String function) {
        KeyValueQueue q = queues.get(name);
        if (q == null) {
            LOG.print(KamailioLevel.ERR, SyslogFacility.DEFAULT, "mqueue [mqueue_mod.c]: " + function + "(): ", "mqueue " + name + " not found\n");
        }
        return q;
    }
}
