package io.sipway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH suite of {@code benchmarks/run.sh jmh}: the connection lookup, the parser, the script
 * interpreter and tm's transaction cycle, with settings fit for a 2-core machine (one fork, one
 * thread, GC profiler for the allocation per operation). Writes JMH's JSON ({@code jmh.json}) and
 * a Markdown table ({@code jmh.md}) into the output folder.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.sipway.bench.Suite OUT_DIR [--smoke]
 * </pre>
 * {@code --smoke} runs each benchmark once, briefly, on its smallest parameters: a check that the
 * suite runs (CI), not a measurement.
 */
public final class Suite {
    private Suite() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        if (args.length < 1) {
            System.err.println("usage: Suite OUT_DIR [--smoke]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        boolean smoke = List.of(args).contains("--smoke");
        Files.createDirectories(out);
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(ConnectionLookupBenchmark.class.getSimpleName())
                .include(ParserBenchmark.class.getSimpleName())
                .include(CfgExecBenchmark.class.getSimpleName())
                .include(TransactionBenchmark.class.getSimpleName())
                .forks(1).threads(1)
                .addProfiler("gc")
                // the lookup on the sizes and kinds that tell the story: WebSocket destinations, both match settings
                .param("size", smoke ? new String[] {"1000"} : new String[] {"1000", "1000000"})
                .param("protocol", smoke ? new String[] {"wss"} : new String[] {"ws", "wss"})
                .param("match", smoke ? new String[] {"true"} : new String[] {"false", "true"})
                .param("outcome", "hit");
        if (smoke) {
            o.warmupIterations(1).warmupTime(TimeValue.milliseconds(100))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(200))
                    .param("message", "invite");
        } else {
            o.warmupIterations(2).warmupTime(TimeValue.seconds(2)).measurementIterations(3).measurementTime(TimeValue.seconds(2));
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        ResultFormatFactory.getInstance(ResultFormatType.JSON, out.resolve("jmh.json").toString()).writeOut(results);
        String table = markdown(results);
        Files.writeString(out.resolve("jmh.md"), table);
        System.out.println();
        System.out.print(table);
    }

    /** One row per benchmark and parameter set: score, error, unit, and bytes allocated per operation. */
    static String markdown(Collection<RunResult> results) {
        StringBuilder b = new StringBuilder();
        b.append("| benchmark | parameters | score | error | unit | allocated B/op |\n");
        b.append("|---|---|---:|---:|---|---:|\n");
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort((x, y) -> (x.getParams().getBenchmark() + x.getParams()).compareTo(y.getParams().getBenchmark() + y.getParams()));
        for (RunResult r : sorted) {
            Result<?> primary = r.getPrimaryResult();
            Map<String, String> params = new TreeMap<>();
            for (String k : r.getParams().getParamsKeys()) {
                params.put(k, r.getParams().getParam(k));
            }
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            if (alloc == null) {
                alloc = r.getSecondaryResults().get("·gc.alloc.rate.norm");
            }
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            b.append("| ").append(name)
                    .append(" | ").append(params.isEmpty() ? "" : params.toString().replaceAll("[{}]", ""))
                    .append(" | ").append(format(primary.getScore()))
                    .append(" | ").append(Double.isNaN(primary.getScoreError()) ? "" : "± " + format(primary.getScoreError()))
                    .append(" | ").append(primary.getScoreUnit())
                    .append(" | ").append(alloc == null ? "" : format(alloc.getScore()))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String format(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
