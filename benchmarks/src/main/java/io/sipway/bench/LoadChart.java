package io.sipway.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts of {@code benchmarks/run.sh load}: for each path (udp, tcp, wss), offered call rate
 * against completed call rate (left axis) and failed calls in percent (right axis, dashed), both
 * proxies on one chart. Reads the CSV the ramp writes ({@code proxy,path,offered,completed,failed_pct})
 * and writes {@code load-PATH.png} beside it.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.sipway.bench.LoadChart benchmarks/results/load.csv
 * </pre>
 */
public final class LoadChart {
    private LoadChart() {
    }

    private record Point(double offered, double completed, double failedPct) {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path csv = Path.of(args[0]);
        // path -> proxy -> points, in the order of the file
        Map<String, Map<String, List<Point>>> data = new LinkedHashMap<>();
        for (String line : Files.readAllLines(csv)) {
            String[] f = line.split(",");
            if (f.length < 5 || f[0].equals("proxy")) {
                continue;
            }
            data.computeIfAbsent(f[1], k -> new LinkedHashMap<>()).computeIfAbsent(f[0], k -> new ArrayList<>())
                    .add(new Point(Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4])));
        }
        for (Map.Entry<String, Map<String, List<Point>>> path : data.entrySet()) {
            Path png = csv.resolveSibling("load-" + path.getKey() + ".png");
            BitmapEncoder.saveBitmap(chart(path.getKey(), path.getValue()), png.toString(), BitmapEncoder.BitmapFormat.PNG);
            System.out.println("wrote " + png);
        }
    }

    static XYChart chart(String path, Map<String, List<Point>> byProxy) {
        XYChart chart = ChartStyle.chart(900, 520, "SIPp calls through the proxy over " + path.toUpperCase() + ": offered against completed",
                "offered calls/s", "completed calls/s");
        chart.setYAxisGroupTitle(1, "failed calls %");
        int i = 0;
        for (Map.Entry<String, List<Point>> e : byProxy.entrySet()) {
            List<Point> pts = e.getValue();
            double[] x = pts.stream().mapToDouble(Point::offered).toArray();
            Color c = ChartStyle.COLORS[i++ % 3];
            ChartStyle.line(chart, e.getKey() + " completed calls/s", x, pts.stream().mapToDouble(Point::completed).toArray(), c,
                    SeriesMarkers.CIRCLE);
            XYSeries failed = ChartStyle.line(chart, e.getKey() + " failed %", x, pts.stream().mapToDouble(Point::failedPct).toArray(), c,
                    SeriesMarkers.DIAMOND);
            failed.setYAxisGroup(1);
            failed.setLineStyle(ChartStyle.DASHED);
        }
        return chart;
    }
}
