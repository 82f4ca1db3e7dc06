package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Draws a report's throughput and latency percentiles per target and workload ({@link
 * ChartLayout}): a PNG (painted with Java 2D) or an SVG (written as text), chosen by the file's
 * extension; the two show the same picture. Stateless and thread-safe.
 */
public final class ChartWriter {

  private ChartWriter() {}

  /**
   * Writes the chart to {@code file}, replacing it.
   *
   * @throws IllegalArgumentException if the file name ends neither in {@code .png} nor {@code .svg}
   * @throws IOException if the file cannot be written
   */
  public static void write(BenchReport report, Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) {
      PngChart.write(report, file);
    } else if (name.endsWith(".svg")) {
      SvgChart.write(report, file);
    } else {
      throw new IllegalArgumentException(
          "chart file must end in .png or .svg, got '" + file.getFileName() + "'");
    }
  }
}
