package dev.cairn.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The chart as a PNG, drawn by {@link ChartLayout} with Java 2D at twice its size in pixels, so
 * that text stays sharp on high-density screens and when zoomed. Needs no display (headless). Not
 * thread-safe; one picture per instance.
 */
final class PngChart implements Canvas {

  /** Pixels per unit of the layout. */
  static final int SCALE = 2;

  private final Graphics2D g;

  private PngChart(Graphics2D g) {
    this.g = g;
  }

  static void write(BenchReport report, Path file) throws IOException {
    write(new ChartLayout(report), file);
  }

  static void write(Canvas.Drawing drawing, Path file) throws IOException {
    BufferedImage image = render(drawing);
    try (OutputStream out = Files.newOutputStream(file)) {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer available for " + file);
      }
    }
  }

  static BufferedImage render(BenchReport report) {
    return render(new ChartLayout(report));
  }

  static BufferedImage render(Canvas.Drawing layout) {
    int w = layout.width();
    int h = layout.height();
    BufferedImage image = new BufferedImage(w * SCALE, h * SCALE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.scale(SCALE, SCALE);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      layout.draw(new PngChart(g));
    } finally {
      g.dispose();
    }
    return image;
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
    Rectangle2D r = new Rectangle2D.Double(x, y, width, height);
    g.setColor(Color.decode(fill));
    g.fill(r);
    if (stroke != null) {
      g.setColor(Color.decode(stroke));
      g.setStroke(new BasicStroke(0.8f));
      g.draw(r);
    }
  }

  @Override
  public void line(double x1, double y1, double x2, double y2, String stroke, double width) {
    g.setColor(Color.decode(stroke));
    g.setStroke(new BasicStroke((float) width));
    g.draw(new Line2D.Double(x1, y1, x2, y2));
  }

  @Override
  public void polyline(
      double[] xs, double[] ys, String stroke, double width, boolean dotted, String engine) {
    if (xs.length < 2) {
      return;
    }
    Path2D.Double path = new Path2D.Double();
    path.moveTo(xs[0], ys[0]);
    for (int i = 1; i < xs.length; i++) {
      path.lineTo(xs[i], ys[i]);
    }
    g.setColor(Color.decode(stroke));
    g.setStroke(
        dotted
            ? new BasicStroke(
                (float) width,
                BasicStroke.CAP_ROUND,
                BasicStroke.JOIN_ROUND,
                10f,
                new float[] {1f, 3f},
                0f)
            : new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(path);
  }

  @Override
  public void text(
      double x, double y, String text, Anchor anchor, double size, Style style, String fill) {
    int s =
        switch (style) {
          case PLAIN -> Font.PLAIN;
          case BOLD -> Font.BOLD;
          case ITALIC -> Font.ITALIC;
        };
    g.setFont(new Font(Font.SANS_SERIF, s, 12).deriveFont((float) size));
    g.setColor(Color.decode(fill));
    FontMetrics fm = g.getFontMetrics();
    double w = fm.getStringBounds(text, g).getWidth();
    double left =
        switch (anchor) {
          case START -> x;
          case MIDDLE -> x - w / 2;
          case END -> x - w;
        };
    g.drawString(text, (float) left, (float) y);
  }
}
