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
    write(new ChartLayout(report), file, name);
  }

  /**
   * Writes the latency-over-time chart ({@link TimelineLayout}) to {@code file}, replacing it.
   *
   * @throws IllegalArgumentException if the file name ends neither in {@code .png} nor {@code
   *     .svg}, or if no run of the report recorded a timeline
   * @throws IOException if the file cannot be written
   */
  public static void writeTimeline(BenchReport report, Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    TimelineLayout layout = new TimelineLayout(report);
    if (layout.isEmpty()) {
      throw new IllegalArgumentException(
          "no run recorded a timeline: run a tail workload (readwhilebursting,"
              + " readwhilecompacting, readzipfianlarge) or pass --timeline");
    }
    write(layout, file, name);
  }

  private static void write(Canvas.Drawing drawing, Path file, String name) throws IOException {
    if (name.endsWith(".png")) {
      PngChart.write(drawing, file);
    } else if (name.endsWith(".svg")) {
      SvgChart.write(drawing, file);
    } else {
      throw new IllegalArgumentException(
          "chart file must end in .png or .svg, got '" + file.getFileName() + "'");
    }
  }
}
