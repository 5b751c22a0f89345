package io.sipway.bench;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ScriptFunction;
import io.sipway.cfg.ScriptHost;
import io.sipway.cfg.ScriptLoader;
import io.sipway.cfg.ValueSource;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipMethod;
import io.sipway.sip.SipParser;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The interpreter on the side-by-side benchmark's script: request_route of
 * benchmarks/peers/relay.cfg run on a parsed initial INVITE (no To tag, Max-Forwards 70). The
 * script's functions are stand-ins that do what the real ones decide for this message and nothing
 * else (the real tm/rr/sl come with the proxy): mf_process_maxfwd_header reads Max-Forwards,
 * has_totag reads the To tag, is_method compares the parsed method, t_check_trans finds no
 * transaction (-1), record_route and t_relay succeed, and {@code $du} is stored in the context.
 * So the figure is the interpreter's own cost: the walk, the calls, the conditions and the
 * assignment. Allocation per run must be 0 (`-prof gc`).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CfgExecBenchmark -prof gc
 * </pre>
 * Run from the project root (the script is read from benchmarks/peers/relay.cfg, or from the
 * path in -Drelay.cfg=...).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CfgExecBenchmark {
    /** The per-message context: the parsed message and what the script set. */
    static final class Ctx extends ScriptContext {
        SipMessage message;
        Object du;
        int relayed;
    }

    private CompiledScript.Entry requestRoute;
    private Ctx ctx;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path cfg = Path.of(System.getProperty("relay.cfg", "benchmarks/peers/relay.cfg"));
        ScriptLoader.Result r = ScriptLoader.load(cfg, cfg.toString(), Map.of(), new StandInHost());
        if (!r.ok()) {
            throw new IllegalStateException(r.diagnostics().render());
        }
        requestRoute = r.script().entry(Ast.RouteType.REQUEST, null);
        ctx = new Ctx();
        ctx.message = SipParser.parse(ParserBenchmark.resource("/messages/invite.sip"));
        requestRoute.run(ctx);
        if (ctx.relayed != 1 || !"sip:127.0.0.1:5070".equals(ctx.du)) {
            throw new IllegalStateException("relay.cfg did not relay the INVITE to the UAS: du=" + ctx.du);
        }
    }

    @Benchmark
    public long requestRoute() {
        requestRoute.run(ctx);
        return ctx.returnCode();
    }

    /** The modules relay.cfg loads, with stand-ins for the functions it calls. */
    static final class StandInHost implements ScriptHost {
        private final Map<String, FunctionSpec> functions = new HashMap<>();

        StandInHost() {
            add("maxfwd", "mf_process_maxfwd_header", 1, 2, args -> {
                int limit = Integer.parseInt(args.get(0).constantString()); // fixup: parsed once
                return c -> ((Ctx) c).message.maxForwards() > 0 || limit < 0 ? 1 : -1;
            });
            add("siputils", "has_totag", 0, 0, args -> c -> ((Ctx) c).message.toTag() != null ? 1 : -1);
            add("rr", "loose_route", 0, 0, args -> c -> -1);
            add("rr", "record_route", 0, 1, args -> c -> 1);
            add("textops", "is_method", 1, 1, args -> {
                SipMethod m = SipMethod.valueOf(args.get(0).constantString());
                return c -> ((Ctx) c).message.method() == m ? 1 : -1;
            });
            add("tm", "t_check_trans", 0, 0, args -> c -> -1);
            add("tm", "t_relay", 0, 2, args -> c -> {
                ((Ctx) c).relayed++;
                return 1;
            });
            add("sl", "sl_send_reply", 2, 2, args -> c -> 1);
            add("sl", "sl_reply_error", 0, 0, args -> c -> 1);
        }

        private void add(String module, String name, int min, int max, FunctionSpec.Binder binder) {
            functions.put(name, FunctionSpec.of(module, name, min, max, binder));
        }

        @Override
        public Set<String> implementedModules() {
            return Set.of("tm", "sl", "rr", "maxfwd", "textops", "siputils", "pv", "xlog");
        }

        @Override
        public FunctionSpec function(String name) {
            return functions.get(name);
        }

        @Override
        public Pv pseudoVariable(PvName name) {
            if (!name.name().equals("du")) {
                return null;
            }
            return new Pv() {
                @Override
                public Object get(ScriptContext c) {
                    return ((Ctx) c).du;
                }

                @Override
                public boolean writable() {
                    return true;
                }

                @Override
                public void set(ScriptContext c, Object value) {
                    ((Ctx) c).du = value;
                }
            };
        }

        @Override
        public boolean globalParameter(String name) {
            return Set.of("debug", "log_stderror", "children", "listen", "tcp_connection_match", "mpath").contains(name);
        }

        @Override
        public ValueSource matchKeyword(String keyword) {
            return null;
        }

        @Override
        public boolean isMyself(ScriptContext ctx, String keyword, Object value) {
            return false;
        }
    }
}
