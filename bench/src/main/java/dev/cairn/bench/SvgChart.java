package dev.cairn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The chart as SVG text: two grouped bar panels on logarithmic axes, a legend under each. No
 * library: SVG is text, and a text file diffs and renders anywhere.
 */
final class SvgChart {

  static final String[] PALETTE = {
    "#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5",
    "#9c6b4e", "#9498a0"
  };

  private static final int WIDTH = 1200;
  private static final int PANEL = 460;

  private SvgChart() {}

  static void write(BenchReport report, Path file) throws IOException {
    Files.writeString(file, render(report), StandardCharsets.UTF_8);
  }

  static String render(BenchReport report) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n",
            WIDTH,
            2 * PANEL,
            WIDTH,
            2 * PANEL));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    panel(b, ChartData.throughput(report), 0);
    panel(b, ChartData.latency(report), PANEL);
    return b.append("</svg>\n").toString();
  }

  private static void panel(StringBuilder b, ChartData d, int top) {
    int left = 80;
    int right = WIDTH - 20;
    int plotTop = top + 40;
    int plotBottom = top + PANEL - 110;
    double[] range = d.range();
    double lo = Math.log10(range[0]);
    double hi = Math.log10(range[1]);
    b.append(text(WIDTH / 2, top + 22, d.title(), "middle", 15));
    // Axis, decade grid lines and labels.
    for (int e = (int) lo; e <= (int) hi; e++) {
      double y = plotBottom - (e - lo) / (hi - lo) * (plotBottom - plotTop);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
              left,
              y,
              right,
              y));
      b.append(text(left - 6, (int) y + 4, "1e" + e, "end", 10));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(18,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
            (plotTop + plotBottom) / 2,
            escape(d.axis() + " (log scale)")));
    int groups = d.categories().size();
    int bars = d.series().size();
    double groupWidth = (double) (right - left) / Math.max(1, groups);
    double barWidth = groupWidth * 0.8 / Math.max(1, bars);
    for (int c = 0; c < groups; c++) {
      double gx = left + c * groupWidth + groupWidth * 0.1;
      for (int s = 0; s < bars; s++) {
        double v = d.values()[s][c];
        if (!(v > 0) || !Double.isFinite(v)) {
          continue;
        }
        double y = plotBottom - (Math.log10(v) - lo) / (hi - lo) * (plotBottom - plotTop);
        b.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s:"
                    + " %s</title></rect>%n",
                gx + s * barWidth,
                y,
                Math.max(1, barWidth - 1),
                plotBottom - y,
                PALETTE[s % PALETTE.length],
                escape(d.series().get(s)),
                escape(d.categories().get(c)),
                String.format(Locale.ROOT, "%.1f", v)));
      }
      b.append(
          text(
              (int) (left + c * groupWidth + groupWidth / 2),
              plotBottom + 16,
              d.categories().get(c),
              "middle",
              10));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
            left,
            plotBottom,
            right,
            plotBottom));
    // Legend.
    int lx = left;
    int ly = plotBottom + 40;
    for (int s = 0; s < bars; s++) {
      b.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%n",
              lx,
              ly - 9,
              PALETTE[s % PALETTE.length]));
      b.append(text(lx + 14, ly, d.series().get(s), "start", 11));
      lx += 150;
      if (lx > right - 150) {
        lx = left;
        ly += 16;
      }
    }
  }

  private static String text(int x, int y, String s, String anchor, int size) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
        x,
        y,
        anchor,
        size,
        escape(s));
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
