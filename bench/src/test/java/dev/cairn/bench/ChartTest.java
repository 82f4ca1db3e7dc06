package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The chart: readable axes, one colour per target everywhere, a legend, a caption, n/a said. */
class ChartTest {

  private static final Pattern BAR =
      Pattern.compile("<rect [^>]*fill=\"(#[0-9a-f]{6})\"[^>]*data-engine=\"([^\"]+)\"");
  private static final Pattern TEXT = Pattern.compile("<text [^>]*>([^<]*)</text>");

  /** Targets hash (unordered), rocksdb and x (unknown to the palette), two workloads. */
  private static BenchReport report(List<String> targets) {
    List<RunResult> runs = new ArrayList<>();
    double ops = 100_000;
    for (String t : targets) {
      runs.add(Reports.run("readrandom", t, 1, ops, 2_000));
      runs.add(Reports.run("fillseq", t, 1, ops * 3, 50_000));
      if (!t.equals("hash")) {
        runs.add(Reports.run("seekrandom", t, 1, ops / 2, 9_000));
      }
      ops *= 2.5;
    }
    return Reports.report(
        1,
        targets,
        List.of(Workload.FILLSEQ, Workload.READRANDOM, Workload.SEEKRANDOM),
        runs,
        List.of(new NotApplicable("seekrandom", "hash", NotApplicable.NO_KEY_ORDER)),
        false);
  }

  private static List<String> texts(String svg) {
    List<String> out = new ArrayList<>();
    Matcher m = TEXT.matcher(svg);
    while (m.find()) {
      out.add(m.group(1).replace("&amp;", "&"));
    }
    return out;
  }

  /** Every fill each target's bars and swatches have. */
  private static Map<String, Set<String>> fills(String svg) {
    Map<String, Set<String>> out = new HashMap<>();
    Matcher m = BAR.matcher(svg);
    while (m.find()) {
      out.computeIfAbsent(m.group(2), k -> new HashSet<>()).add(m.group(1));
    }
    return out;
  }

  @Test
  void theSvgHasALegendTickLabelsInUnitsAndTheReasonWhereABarIsMissing() {
    String svg = SvgChart.render(report(List.of("hash", "rocksdb", "x")));
    List<String> texts = texts(svg);
    // The legend: every target named once beside a swatch, in the order asked for.
    int legend = texts.indexOf("Targets:");
    assertTrue(legend >= 0, texts.toString());
    assertEquals(List.of("hash", "rocksdb", "x"), texts.subList(legend + 1, legend + 4));
    // Throughput ticks: linear from 0 in k and M; fillseq's largest is 1.875M: 0, 500k .. 2M.
    int fillseq = texts.indexOf("fillseq");
    List<String> firstPanel = texts.subList(fillseq, texts.indexOf("readrandom"));
    assertTrue(
        firstPanel.containsAll(List.of("0", "500k", "1M", "1.5M", "2M")), firstPanel.toString());
    // Latency ticks: a decade each, in time units.
    assertTrue(texts.containsAll(List.of("1 µs", "10 µs", "100 µs")), texts.toString());
    for (String t : texts) {
      assertFalse(t.matches(".*(10\\^|1e[0-9-]).*"), "no power notation in labels: " + t);
    }
    // The unordered target's seekrandom: no bar, the reason in its place, in both sections.
    assertEquals(
        2, texts.stream().filter(t -> t.equals("n/a (no key order)")).count(), texts.toString());
    assertFalse(
        Pattern.compile("data-engine=\"hash\"><title>hash seekrandom").matcher(svg).find(), svg);
    // The caption: the run's parameters and the machine.
    String all = String.join("\n", texts);
    assertTrue(all.contains("1,000 records"), all);
    assertTrue(all.contains("2,000 ops per workload"), all);
    assertTrue(all.contains("1 thread · key 16 B · value 100 B · durability BUFFERED"), all);
    assertTrue(all.contains("cache 8.0 MiB per store · repeat 1"), all);
    assertTrue(
        all.contains("Machine: Test CPU · 2 cores · 8.00 GiB memory · Linux 6.1 · Java 25"), all);
    assertTrue(all.contains("n/a: the target cannot run the workload"), all);
  }

  @Test
  void aTargetHasOneColourInEveryPanelAndEveryRun() {
    String svg = SvgChart.render(report(List.of("hash", "rocksdb", "x")));
    Map<String, String> colors = EngineColors.of(List.of("hash", "rocksdb", "x"));
    Map<String, Set<String>> fills = fills(svg);
    for (String t : List.of("hash", "rocksdb", "x")) {
      String c = colors.get(t);
      // The swatch and throughput and p50 bars in the colour, the p99 part in its tint.
      assertEquals(
          Set.of(c, EngineColors.tint(c, ChartLayout.P99_SHADE)), fills.get(t), t + ": " + fills);
    }
    assertEquals("#4e79a7", colors.get("hash"));
    assertEquals("#f28e2b", colors.get("rocksdb"));
    assertEquals(3, Set.copyOf(colors.values()).size(), "distinct: " + colors);

    // Another run, other targets in another order: the known ones keep their colours.
    Map<String, String> other = EngineColors.of(List.of("y", "rocksdb", "memory", "hash"));
    assertEquals("#4e79a7", other.get("hash"));
    assertEquals("#f28e2b", other.get("rocksdb"));
    assertEquals(4, Set.copyOf(other.values()).size(), "distinct: " + other);
    assertFalse(
        Set.of("#4e79a7", "#f28e2b", "#59a14f").contains(other.get("y")),
        "an unknown target takes a colour no known one of the chart has: " + other);
    assertEquals(
        fills(SvgChart.render(report(List.of("x", "rocksdb", "hash")))).get("hash"),
        fills.get("hash"),
        "the same in a chart with the targets in another order");
  }

  @Test
  void thePngIsTheSamePictureInTheSameColours() {
    BenchReport r = report(List.of("hash", "rocksdb", "x"));
    BufferedImage png = PngChart.render(r);
    ChartLayout layout = new ChartLayout(r);
    assertEquals(layout.width() * PngChart.SCALE, png.getWidth());
    assertEquals(layout.height() * PngChart.SCALE, png.getHeight());
    Map<Integer, Integer> pixels = new HashMap<>();
    for (int y = 0; y < png.getHeight(); y++) {
      for (int x = 0; x < png.getWidth(); x++) {
        pixels.merge(png.getRGB(x, y) & 0xffffff, 1, Integer::sum);
      }
    }
    for (String c : layout.colors().values()) {
      int rgb = Integer.parseInt(c.substring(1), 16);
      assertTrue(
          pixels.getOrDefault(rgb, 0) > 500, c + " fills bars: " + pixels.getOrDefault(rgb, 0));
    }
  }

  @Test
  void axesTickAtRoundValuesWithReadableLabels() {
    ChartAxis linear = ChartAxis.linear(1_230_000);
    assertEquals(List.of(0.0, 500_000.0, 1_000_000.0, 1_500_000.0), linear.ticks());
    assertEquals(List.of("0", "500k", "1M", "1.5M"), linear.labels());
    assertEquals(1_230_000 / 1_500_000.0, linear.fraction(1_230_000), 1e-12);
    assertEquals(List.of("0", "250", "500", "750", "1k"), ChartAxis.linear(900).labels());
    assertEquals(List.of("0", "0.25", "0.5", "0.75", "1"), ChartAxis.linear(0).labels());

    ChartAxis log = ChartAxis.logNanos(850, 2_300_000, 10);
    assertEquals(List.of("100 ns", "1 µs", "10 µs", "100 µs", "1 ms", "10 ms"), log.labels());
    assertEquals(0.2, log.fraction(1_000), 1e-12);
    assertEquals(
        List.of("1 µs", "", "100 µs", "", "10 ms", "", "1 s"),
        ChartAxis.logNanos(1_000, 1e9, 5).labels(),
        "every other decade labelled when they would crowd");
    assertEquals(List.of("1 µs", "10 µs"), ChartAxis.logNanos(1_000, 1_000, 5).labels());
    assertNotEquals(ChartAxis.nanos(3), ChartAxis.nanos(6));
  }
}
