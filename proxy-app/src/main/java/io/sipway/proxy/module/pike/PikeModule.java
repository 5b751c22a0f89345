package io.sipway.proxy.module.pike;

import static io.sipway.proxy.module.Routes.ANY;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.HostAddresses;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.log.KamailioLevel;
import io.sipway.proxy.log.ScriptLog;
import io.sipway.proxy.log.SyslogFacility;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.RpcExport;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * pike (https://kamailio.org/docs/modules/5.6.x/modules/pike.html): flood detection per source
 * address ({@link PikeTree}). pike_check_req() counts the request's source, pike_check_ip() a given
 * address; both answer 1, or -2 when the source has just been blocked and -1 while it stays
 * blocked. Pike never replies: the script decides (the default script drops). The swap of units and
 * the removal of idle nodes run on one timer thread shared by every proxy of the JVM.
 */
public final class PikeModule {
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ScriptLog LOG = new ScriptLog("pike");
    /**
     * The most nodes the tree holds (some 60 to 100 bytes each: 20 MB at most). A node is made only
     * for a prefix already hot, so a real flood needs few; a spoofed one is what meets the bound
     * (see PikeTree).
     */
    static final int MAX_NODES = 200_000;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sipway-pike");
        t.setDaemon(true);
        return t;
    });

    private PikeModule() {
    }

    /** The running tree, its log level and its timers. */
    private record Running(PikeTree tree, KamailioLevel level, List<ScheduledFuture<?>> timers) {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("pike", "https://kamailio.org/docs/modules/5.6.x/modules/pike.html");
        AtomicReference<Running> running = new AtomicReference<>();
        Clock clock = Clock.systemUTC();
        b.fn("pike_check_req", 0, 0, R, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            return check(core, running.get(), m.from.source().getAddress(), clock.millis());
        }).summary("counts the request's source: 1, -2 when it gets blocked now (logged), -1 while it stays blocked");
        b.fn("pike_check_ip", 1, 1, ANY, args -> {
            Format ip = Format.of(args.get(0));
            return ctx -> {
                InetAddress a = HostAddresses.literal(ip.apply(ctx).trim());
                return a == null ? -1 : check(core, running.get(), a, clock.millis());
            };
        }).x().summary("counts a given IP address as pike_check_req() counts the source");
        b.param("sampling_time_unit", INT, "2", "seconds of one unit: hits of the current and previous unit are compared with the density");
        b.param("reqs_density_per_unit", INT, "30", "requests per unit from one address that block it (a quarter for a prefix to be followed)");
        b.param("remove_latency", INT, "120", "seconds an idle address is remembered");
        b.param("pike_log_level", INT, "0", "the level of the BLOCKing/UNBLOCKing lines (L_WARN)");
        b.rpc("pike.top", "the addresses pike follows: HOT (blocked), WARM, or ALL", params -> top(running.get(), params));
        b.onStart((script, host) -> {
            int unit = num(core, "sampling_time_unit", 2);
            int density = num(core, "reqs_density_per_unit", 30);
            int latency = num(core, "remove_latency", 120);
            if (unit <= 0 || density <= 0 || latency <= 0) {
                throw new IllegalArgumentException("pike: sampling_time_unit, reqs_density_per_unit and remove_latency must be positive");
            }
            PikeTree tree = new PikeTree(density, latency * 1000L, MAX_NODES);
            KamailioLevel level = KamailioLevel.of(num(core, "pike_log_level", 0));
            List<ScheduledFuture<?>> timers = List.of(
                    TIMER.scheduleAtFixedRate(() -> tree.swap(ip -> log(core, level, "PIKE - UNBLOCKing node " + ip + "\n")),
                            unit, unit, TimeUnit.SECONDS),
                    TIMER.scheduleAtFixedRate(() -> tree.clean(clock.millis()), 1, 1, TimeUnit.SECONDS));
            Running old = running.getAndSet(new Running(tree, level, timers));
            if (old != null) {
                old.timers().forEach(f -> f.cancel(false));
            }
        });
        return b.build();
    }

    static long check(Core core, Running r, InetAddress ip, long now) {
        if (r == null) {
            return 1;
        }
        PikeTree.Verdict v = r.tree().check(ip.getAddress(), now);
        if (v.full()) {
            org.slf4j.LoggerFactory.getLogger("io.sipway.pike").warn("pike: {} addresses followed, the most it keeps: "
                    + "new sources are not counted until some expire", MAX_NODES);
        }
        if (v.code() == -2) {
            log(core, r.level(), "PIKE - BLOCKing ip " + ip.getHostAddress() + ", node=0x" + Integer.toHexString(ip.hashCode()) + "\n");
            core.count("pike:blocked_ips");
        }
        return v.code();
    }

    private static void log(Core core, KamailioLevel level, String text) {
        if (level.number() <= core.debugLevel()) {
            LOG.print(level, SyslogFacility.DEFAULT, "pike [pike_funcs.c]: ", text);
        }
    }

    private static Object top(Running r, List<Object> params) throws RpcExport.RpcException {
        String filter = params.isEmpty() ? "HOT" : String.valueOf(params.get(0)).toUpperCase(Locale.ROOT);
        if (!List.of("HOT", "WARM", "ALL").contains(filter)) {
            throw new RpcExport.RpcException(500, "Bad argument. Use 'ALL', 'HOT' or 'WARM'");
        }
        List<Object> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        for (PikeTree.Leaf l : r.tree().leaves(filter)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("ip_addr", l.ip());
            row.put("leaf_hits_prev", l.leafHitsPrev());
            row.put("leaf_hits_curr", l.leafHitsCurr());
            row.put("expires", l.expires() / 1000);
            row.put("status", l.status());
            out.add(row);
        }
        return out;
    }

    private static int num(Core core, String name, int def) {
        return Integer.parseInt(core.modparam("pike", name, Integer.toString(def)).trim());
    }
}
