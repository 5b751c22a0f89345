package io.sipway.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;

/** What the benchmarks' charts share: a white chart, the legend inside at the top left, axes from 0, lines in turn of colour. */
final class ChartStyle {
    static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e)};
    static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

    private ChartStyle() {
    }

    /** An empty chart of that size and titles, its axes (and a right-hand one, group 1, if used) from 0. */
    static XYChart chart(int width, int height, String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        XYStyler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setChartBackgroundColor(Color.WHITE);
        s.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        s.setYAxisMin(0, 0.0);
        s.setYAxisMin(1, 0.0);
        s.setXAxisMin(0.0);
        return chart;
    }

    /** A line of that colour and marker on the chart. */
    static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color, Marker marker) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(marker);
        return series;
    }
}
