package dev.cairn.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** The chart as a PNG through JFreeChart: the two panels of {@link ChartData}, stacked. */
final class PngChart {

  private static final int WIDTH = 1400;
  private static final int PANEL = 560;

  private PngChart() {}

  static void write(BenchReport report, Path file) throws IOException {
    BufferedImage image = new BufferedImage(WIDTH, 2 * PANEL, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, 2 * PANEL);
      chart(ChartData.throughput(report)).draw(g, new Rectangle2D.Double(0, 0, WIDTH, PANEL));
      chart(ChartData.latency(report)).draw(g, new Rectangle2D.Double(0, PANEL, WIDTH, PANEL));
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer available for " + file);
    }
  }

  private static JFreeChart chart(ChartData d) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (int s = 0; s < d.series().size(); s++) {
      for (int c = 0; c < d.categories().size(); c++) {
        double v = d.values()[s][c];
        data.addValue(
            v > 0 && Double.isFinite(v) ? v : null, d.series().get(s), d.categories().get(c));
      }
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            d.title(), null, d.axis(), data, PlotOrientation.VERTICAL, true, true, false);
    chart.setBackgroundPaint(Color.WHITE);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    double[] range = d.range();
    LogAxis axis = new LogAxis(d.axis() + " (log scale)");
    axis.setRange(range[0], range[1]);
    plot.setRangeAxis(axis);
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setBase(range[0]); // NB: bars on a log axis must not start at zero
    renderer.setItemMargin(0.02);
    for (int s = 0; s < d.series().size(); s++) {
      renderer.setSeriesPaint(s, Color.decode(SvgChart.PALETTE[s % SvgChart.PALETTE.length]));
    }
    return chart;
  }
}
