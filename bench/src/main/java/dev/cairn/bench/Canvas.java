package dev.cairn.bench;

/**
 * What a chart is drawn on: rectangles, lines and text at pixel coordinates (y down), colours as
 * {@code #rrggbb}. {@link ChartLayout} draws each chart once onto a canvas, so that the SVG and the
 * PNG show the same picture; {@link SvgChart} writes SVG elements, {@link PngChart} paints an
 * image.
 */
interface Canvas {

  /** A picture drawn onto a canvas: {@link ChartLayout}'s, {@link TimelineLayout}'s. */
  interface Drawing {
    /** The picture's width. */
    int width();

    /** The picture's height. */
    int height();

    /** Draws the picture; returns its height. */
    double draw(Canvas c);
  }

  /** A canvas that draws nothing: for measuring a drawing's height. */
  Canvas NONE =
      new Canvas() {
        @Override
        public void rect(
            double x, double y, double w, double h, String f, String s, String e, String t) {}

        @Override
        public void line(double x1, double y1, double x2, double y2, String s, double w) {}

        @Override
        public void polyline(
            double[] xs, double[] ys, String s, double w, boolean dotted, String engine) {}

        @Override
        public void text(double x, double y, String t, Anchor a, double z, Style s, String f) {}
      };

  /** Where a text's x coordinate lies on it. */
  enum Anchor {
    START,
    MIDDLE,
    END
  }

  /** Text styles. */
  enum Style {
    PLAIN,
    BOLD,
    ITALIC
  }

  /**
   * A filled rectangle.
   *
   * @param stroke its outline's colour, or null for none
   * @param engine the target it stands for, or null: SVG names it in a {@code data-engine}
   *     attribute
   * @param tooltip what a viewer shows on hovering, or null
   */
  void rect(
      double x,
      double y,
      double width,
      double height,
      String fill,
      String stroke,
      String engine,
      String tooltip);

  /** A straight line. */
  void line(double x1, double y1, double x2, double y2, String stroke, double width);

  /**
   * A line through the points {@code (xs[i], ys[i])}, solid or dotted.
   *
   * @param engine the target it stands for, or null: SVG names it in a {@code data-engine}
   *     attribute
   */
  void polyline(
      double[] xs, double[] ys, String stroke, double width, boolean dotted, String engine);

  /** A line of text with its baseline at {@code y}. */
  void text(double x, double y, String text, Anchor anchor, double size, Style style, String fill);
}
