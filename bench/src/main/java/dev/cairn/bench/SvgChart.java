package dev.cairn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The chart as SVG text, drawn by {@link ChartLayout}. No library: SVG is text, and a text file
 * diffs and renders anywhere. Each bar and legend swatch names its target in a {@code data-engine}
 * attribute and says its figures in a {@code <title>} (a viewer's tooltip). Not thread-safe; one
 * picture per instance.
 */
final class SvgChart implements Canvas {

  private final StringBuilder body = new StringBuilder(64 * 1024);

  private SvgChart() {}

  static void write(BenchReport report, Path file) throws IOException {
    write(new ChartLayout(report), file);
  }

  static void write(Canvas.Drawing drawing, Path file) throws IOException {
    Files.writeString(file, render(drawing), StandardCharsets.UTF_8);
  }

  static String render(BenchReport report) {
    return render(new ChartLayout(report));
  }

  static String render(Canvas.Drawing layout) {
    SvgChart svg = new SvgChart();
    layout.draw(svg);
    int w = layout.width();
    int h = layout.height();
    return String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">%n",
            w,
            h,
            w,
            h)
        + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        + svg.body
        + "</svg>\n";
  }

  @Override
  public void rect(
      double x,
      double y,
      double width,
      double height,
      String fill,
      String stroke,
      String engine,
      String tooltip) {
    body.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"",
            x,
            y,
            width,
            height,
            fill));
    if (stroke != null) {
      body.append(" stroke=\"").append(stroke).append("\" stroke-width=\"0.8\"");
    }
    if (engine != null) {
      body.append(" data-engine=\"").append(escape(engine)).append('"');
    }
    if (tooltip == null) {
      body.append("/>\n");
    } else {
      body.append("><title>").append(escape(tooltip)).append("</title></rect>\n");
    }
  }

  @Override
  public void line(double x1, double y1, double x2, double y2, String stroke, double width) {
    body.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                + " stroke-width=\"%.1f\"/>%n",
            x1,
            y1,
            x2,
            y2,
            stroke,
            width));
  }

  @Override
  public void polyline(
      double[] xs, double[] ys, String stroke, double width, boolean dotted, String engine) {
    if (xs.length < 2) {
      return;
    }
    body.append("<polyline points=\"");
    for (int i = 0; i < xs.length; i++) {
      body.append(String.format(Locale.ROOT, i == 0 ? "%.1f,%.1f" : " %.1f,%.1f", xs[i], ys[i]));
    }
    body.append(
        String.format(
            Locale.ROOT,
            "\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" stroke-linejoin=\"round\"",
            stroke,
            width));
    if (dotted) {
      body.append(" stroke-dasharray=\"1,3\" stroke-linecap=\"round\"");
    }
    if (engine != null) {
      body.append(" data-engine=\"").append(escape(engine)).append('"');
    }
    body.append("/>\n");
  }

  @Override
  public void text(
      double x, double y, String text, Anchor anchor, double size, Style style, String fill) {
    String a =
        switch (anchor) {
          case START -> "start";
          case MIDDLE -> "middle";
          case END -> "end";
        };
    String s =
        switch (style) {
          case PLAIN -> "";
          case BOLD -> " font-weight=\"bold\"";
          case ITALIC -> " font-style=\"italic\"";
        };
    body.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%.1f\" fill=\"%s\"%s>%s</text>%n",
            x,
            y,
            a,
            size,
            fill,
            s,
            escape(text)));
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
