package io.sipway.proxy.module.rtimer;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.FakedMessage;
import io.sipway.proxy.module.AttributeList;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * rtimer (https://kamailio.org/docs/modules/5.6.x/modules/rtimer.html): route blocks run every so often.
 * {@code modparam("rtimer", "timer", "name=t1;interval=60;mode=1;")} declares a timer (interval in
 * seconds, or microseconds with a trailing 'u'), {@code modparam("rtimer", "exec", "timer=t1;route=CLEAN;")}
 * runs {@code route[CLEAN]} on it, on Kamailio's faked message (an OPTIONS to sip:you@kamailio.org; as
 * in Kamailio 5.6.3, other names in an exec are ignored). Kamailio runs a timer in its own process (mode=1) or its timer process; Sipway
 * gives each timer its own thread, so a route that waits (a database query) delays only its timer, never
 * an event loop. A run that takes longer than the interval delays the next one (fixed delay), as a busy
 * Kamailio timer process does.
 */
public final class RtimerModule {
    private RtimerModule() {
    }

    /** A timer as declared. */
    record Timer(String name, long intervalMicros) {
    }

    /** A route run on a timer. */
    record Exec(String timer, String route) {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("rtimer", "https://kamailio.org/docs/modules/5.6.x/modules/rtimer.html");
        b.paramChecked("timer", ParamExport.Type.STRING, "", "a timer: name=NAME;interval=SECONDS[u];mode=0|1 (several times)",
                v -> problem(() -> timer(v)));
        b.paramChecked("exec", ParamExport.Type.STRING, "", "a route run on a timer: timer=NAME;route=ROUTE (several times)",
                v -> problem(() -> exec(v)));
        b.paramWithoutEffect("default_interval", ParamExport.Type.INT, "120",
                "every timer of Sipway names its interval (Kamailio's default for a timer without one)");
        b.onStart((script, host) -> start(core, script));
        return b.build();
    }

    private static String problem(Runnable parse) {
        try {
            parse.run();
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static Timer timer(String spec) {
        Map<String, String> p = AttributeList.parse(spec);
        String name = p.get("name");
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a timer needs a name: name=NAME;interval=SECONDS;");
        }
        String interval = p.getOrDefault("interval", "120");
        long micros;
        try {
            micros = interval.endsWith("u") ? Long.parseLong(interval.substring(0, interval.length() - 1))
                    : Long.parseLong(interval) * 1_000_000L;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad interval '" + interval + "' (seconds, or microseconds ending in 'u')");
        }
        if (micros <= 0) {
            throw new IllegalArgumentException("the interval of timer " + name + " must be positive");
        }
        String mode = p.getOrDefault("mode", "0");
        if (!mode.equals("0") && !mode.equals("1")) {
            throw new IllegalArgumentException("mode is 0 or 1, not " + mode);
        }
        return new Timer(name, micros);
    }

    static Exec exec(String spec) {
        Map<String, String> p = AttributeList.parse(spec);
        String timer = p.get("timer");
        String route = p.get("route");
        if (timer == null || route == null || timer.isEmpty() || route.isEmpty()) {
            throw new IllegalArgumentException("an exec names its timer and route: timer=NAME;route=ROUTE;");
        }
        return new Exec(timer, route);
    }

    private static void start(Core core, CompiledScript script) {
        Map<String, Timer> timers = new LinkedHashMap<>();
        for (String spec : core.modparams("rtimer", "timer")) {
            Timer t = timer(spec);
            timers.put(t.name(), t);
        }
        Map<String, List<Runnable>> runs = new LinkedHashMap<>();
        for (String spec : core.modparams("rtimer", "exec")) {
            Exec e = exec(spec);
            if (!timers.containsKey(e.timer())) {
                throw new IllegalArgumentException("rtimer: exec names timer " + e.timer() + ", which no timer parameter declares");
            }
            CompiledScript.Entry route = script.entry(Ast.RouteType.ROUTE, e.route());
            if (route == null) {
                throw new IllegalArgumentException("rtimer: exec runs route[" + e.route() + "], which the script does not have");
            }
            runs.computeIfAbsent(e.timer(), k -> new ArrayList<>()).add(() -> route.run(FakedMessage.of(core)));
        }
        for (Map.Entry<String, List<Runnable>> r : runs.entrySet()) {
            Timer t = timers.get(r.getKey());
            ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread th = new Thread(task, "sipway-rtimer-" + t.name());
                th.setDaemon(true);
                return th;
            });
            List<Runnable> routes = r.getValue();
            thread.scheduleWithFixedDelay(() -> {
                for (Runnable route : routes) {
                    try {
                        route.run();
                    } catch (RuntimeException ex) { // one failed run must not end the timer
                        org.slf4j.LoggerFactory.getLogger("io.sipway.rtimer").error("rtimer {}: the route failed: {}", t.name(), ex.toString(), ex);
                    }
                }
            }, t.intervalMicros(), t.intervalMicros(), TimeUnit.MICROSECONDS);
            core.onClose(thread::shutdownNow);
        }
    }

}
