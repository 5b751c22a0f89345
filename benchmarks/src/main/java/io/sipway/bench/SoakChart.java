package io.sipway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The chart of {@code benchmarks/run.sh soak}: four panels over the run's minutes, from the rows of
 * soak.csv (a header naming the columns, then a row per sample): the proxy's RSS, its transactions in
 * use, its open connections (all, and WebSocket ones), and the calls completed per second on each path
 * (between two rows). Writes {@code soak.png} beside the CSV.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.sipway.bench.SoakChart benchmarks/results/soak.csv
 * </pre>
 */
public final class SoakChart {
    private static final String[] PATHS = {"udp", "tcp", "wss"};

    private SoakChart() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path csv = Path.of(args[0]);
        Path png = csv.resolveSibling("soak.png");
        BitmapEncoder.saveBitmap(charts(Files.readAllLines(csv)), 2, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.println("wrote " + png);
    }

    /** The four panels of the CSV's lines. */
    static List<XYChart> charts(List<String> lines) {
        Map<String, double[]> col = columns(lines);
        double[] minutes = col.get("seconds").clone();
        for (int i = 0; i < minutes.length; i++) {
            minutes[i] /= 60;
        }
        XYChart rss = panel("Proxy's RSS (VmRSS)", "MiB");
        ChartStyle.line(rss, "RSS MiB", minutes, scaled(col.get("rss_kib"), 1.0 / 1024), ChartStyle.COLORS[0], SeriesMarkers.CIRCLE);
        XYChart tx = panel("Transactions in use (tmx:inuse_transactions)", "transactions");
        ChartStyle.line(tx, "transactions", minutes, col.get("transactions"), ChartStyle.COLORS[0], SeriesMarkers.CIRCLE);
        XYChart conns = panel("Open connections (tcp:current_opened_connections)", "connections");
        ChartStyle.line(conns, "all", minutes, col.get("connections"), ChartStyle.COLORS[0], SeriesMarkers.CIRCLE);
        ChartStyle.line(conns, "WebSocket", minutes, col.get("ws_connections"), ChartStyle.COLORS[1], SeriesMarkers.DIAMOND)
                .setLineStyle(ChartStyle.DASHED);
        XYChart rate = panel("Calls completed per second", "calls/s");
        for (int p = 0; p < PATHS.length; p++) {
            ChartStyle.line(rate, PATHS[p], minutes, perSecond(col.get("seconds"), col.get(PATHS[p] + "_ok")), ChartStyle.COLORS[p],
                    SeriesMarkers.NONE);
        }
        return List.of(rss, tx, conns, rate);
    }

    private static XYChart panel(String title, String yTitle) {
        return ChartStyle.chart(700, 420, title, "minutes", yTitle);
    }

    /** The CSV's numeric columns by the header's names; a text column (the phase) is 0. */
    static Map<String, double[]> columns(List<String> lines) {
        String[] names = lines.get(0).split(",");
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                rows.add(line.split(","));
            }
        }
        Map<String, double[]> col = new HashMap<>();
        for (int c = 0; c < names.length; c++) {
            double[] v = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                String[] row = rows.get(r);
                v[r] = c < row.length && row[c].matches("-?[0-9.]+") ? Double.parseDouble(row[c]) : 0;
            }
            col.put(names[c], v);
        }
        return col;
    }

    /** The growth of a running count per second between two rows (0 at the first row). */
    static double[] perSecond(double[] seconds, double[] count) {
        double[] rate = new double[count.length];
        for (int i = 1; i < count.length; i++) {
            double dt = seconds[i] - seconds[i - 1];
            rate[i] = dt > 0 ? Math.max(0, count[i] - count[i - 1]) / dt : 0;
        }
        return rate;
    }

    private static double[] scaled(double[] v, double factor) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * factor;
        }
        return out;
    }
}
