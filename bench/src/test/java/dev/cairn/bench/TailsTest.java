package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.bench.store.Target;
import dev.cairn.bench.store.Targets;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tail workloads (readwhilebursting, readwhilecompacting, readzipfianlarge), latency over time,
 * its JSON and its chart, on test stores whose timing the tests control.
 */
class TailsTest {

  private static final String DURING_BURSTS = "reads during bursts";
  private static final String BETWEEN_BURSTS = "reads between bursts";

  @TempDir Path tmp;

  private static Target target(String name, Supplier<MapStore> store) {
    return new Target(
        name, "peer", "test", "test store", spec -> "test memory", (d, s) -> store.get());
  }

  private BenchReport run(BenchConfig.Builder config, Target... targets) {
    return new BenchRunner(
            config
                .directory(tmp)
                .targets(List.of(targets).stream().map(Target::name).toList())
                .build(),
            Targets.of(List.of(), List.of(targets)))
        .run(ProgressListener.NONE);
  }

  private static RunResult.Phase phase(RunResult r, String name) {
    return r.phases().stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no phase '" + name + "' in " + r.phases()));
  }

  /** Seconds the run lasted, rounded up: the timeline has one interval per second, ± 1. */
  private static void oneIntervalPerSecond(RunResult r) {
    double seconds = r.durationNanos() / 1e9;
    assertTrue(
        Math.abs(r.timeline().size() - Math.ceil(seconds)) <= 1,
        r.timeline().size() + " intervals for " + seconds + " s");
    for (int i = 0; i < r.timeline().size(); i++) {
      assertEquals(i, r.timeline().get(i).second());
    }
  }

  @Test
  void burstsAlternateWithQuietAndTheReadsAreSplitByThem() throws Exception {
    ConcurrentLinkedQueue<Long> puts = new ConcurrentLinkedQueue<>();
    Target a =
        target(
            "a",
            () ->
                new MapStore() {
                  @Override
                  public void put(byte[] key, byte[] value, Durability d) {
                    super.put(key, value, d);
                    puts.add(System.nanoTime());
                  }
                });
    // bursts of 0.5 s every 2 s, from 1.5 s on: 1.5-2.0 and 3.5-4.0; reads for 4.5 s
    BenchReport report =
        run(
            BenchConfig.builder()
                .workloads(List.of(Workload.READWHILEBURSTING))
                .records(2_000)
                .operations(4_500)
                .readRate(1_000)
                .bursts(500, 2_000),
            a);
    RunResult r = report.runs().getFirst();
    assertEquals(2, r.threads(), "a few readers at least");
    assertEquals(4_500, r.found(), "every read finds its loaded record");
    assertTrue(phase(r, DURING_BURSTS).operations() > 300, r.phases().toString());
    assertTrue(phase(r, BETWEEN_BURSTS).operations() > 2_000, r.phases().toString());
    assertTrue(phase(r, "burst writes").operations() > 0, r.phases().toString());
    assertTrue(r.note().startsWith("2 bursts of 500 ms every 2000 ms"), r.note());

    // the writes come in clusters: the load, then two bursts, each at most about 0.5 s long and
    // apart by about 1.5 s of quiet
    List<long[]> clusters = new ArrayList<>();
    for (long t : puts) {
      if (clusters.isEmpty() || t - clusters.getLast()[1] > 500_000_000L) {
        clusters.add(new long[] {t, t});
      } else {
        clusters.getLast()[1] = t;
      }
    }
    assertEquals(3, clusters.size(), "the load and two bursts");
    for (long[] burst : clusters.subList(1, 3)) {
      assertTrue(
          burst[1] - burst[0] < 900_000_000L, "a burst lasts 0.5 s: " + (burst[1] - burst[0]));
    }
    long quiet = clusters.get(2)[0] - clusters.get(1)[1];
    assertTrue(quiet > 1_200_000_000L && quiet < 2_000_000_000L, "quiet between: " + quiet);

    oneIntervalPerSecond(r);
    List<Timeline.Interval> t = r.timeline();
    assertFalse(t.get(0).burst(), "the run starts quiet: " + t);
    assertTrue(t.get(1).burst(), "the first burst is in second 1: " + t);
    assertTrue(t.get(3).burst(), "the second in second 3: " + t);
    assertTrue(t.get(1).writes() > 0 && t.get(0).writes() == 0, t.toString());
    assertTrue(t.get(2).operations() > 500, "reads go on at their rate: " + t);

    // the JSON has it all, parsed back
    JsonNode root = new ObjectMapper().readTree(ResultJson.toJson(report));
    assertEquals("cairn-bench/5", root.get("format").asText());
    assertEquals(500, root.get("config").get("burstMillis").asLong());
    assertEquals(2_000, root.get("config").get("burstEveryMillis").asLong());
    assertEquals(1_000, root.get("config").get("readRate").asLong());
    JsonNode run = root.get("runs").get(0);
    assertEquals(r.note(), run.get("note").asText());
    assertEquals(3, run.get("phases").size());
    assertEquals(DURING_BURSTS, run.get("phases").get(0).get("name").asText());
    assertEquals(
        phase(r, DURING_BURSTS).operations(), run.get("phases").get(0).get("operations").asLong());
    JsonNode timeline = run.get("timeline");
    assertEquals(t.size(), timeline.size());
    assertTrue(timeline.get(1).get("burst").asBoolean());
    assertEquals(t.get(2).p99Nanos(), timeline.get(2).get("p99Nanos").asLong());
    assertTrue(timeline.get(0).get("stalls").isNull(), "the test store reports no stalls");

    // the table sums it up
    String table = ResultTable.format(report);
    assertTrue(table.contains("readwhilebursting on a: 2 bursts"), table);
    assertTrue(table.contains(BETWEEN_BURSTS), table);
    assertTrue(table.contains("timeline: " + t.size() + " s"), table);

    // the timeline chart, in both formats
    Path png = tmp.resolve("t.png");
    Path svg = tmp.resolve("t.svg");
    ChartWriter.writeTimeline(report, png);
    ChartWriter.writeTimeline(report, svg);
    BufferedImage image = ImageIO.read(png.toFile());
    TimelineLayout layout = new TimelineLayout(report);
    assertEquals(layout.width() * PngChart.SCALE, image.getWidth());
    assertEquals(layout.height() * PngChart.SCALE, image.getHeight());
    String text = Files.readString(svg);
    assertTrue(text.contains("<polyline") && text.contains("data-engine=\"a\""), text);
    assertTrue(text.contains("stroke-dasharray"), "max is dotted");
    assertTrue(text.contains("write burst from 1.5 s to 2.0 s"), "the bursts are shaded");
  }

  /**
   * A store whose reads take 1 ms, and whose 1,200th read (some 1.3 s in) stalls for 2.5 s, counted
   * as a stall.
   */
  private static final class StallingStore extends MapStore {
    final AtomicLong gets = new AtomicLong();
    final AtomicLong stalls = new AtomicLong();
    final boolean reportsStalls;

    StallingStore(boolean reportsStalls) {
      this.reportsStalls = reportsStalls;
    }

    @Override
    public byte[] get(byte[] key) {
      long n = gets.incrementAndGet();
      try {
        if (n == 1_200) {
          stalls.incrementAndGet();
          Thread.sleep(2_500);
        } else {
          Thread.sleep(1);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return super.get(key);
    }

    @Override
    public long statistic(String name) {
      return reportsStalls && name.equals(EngineStatistics.STALLS) ? stalls.get() : -1;
    }
  }

  @Test
  void aStallIsMarkedWhereTheStoreCountedItAndWhereNothingCompleted() throws Exception {
    BenchReport report =
        run(
            BenchConfig.builder()
                .workloads(List.of(Workload.READRANDOM))
                .records(500)
                .operations(1_800)
                .warmupOperations(0)
                .timeline(true),
            target("s", () -> new StallingStore(true)));
    RunResult r = report.runs().getFirst();
    oneIntervalPerSecond(r);
    List<Timeline.Interval> t = r.timeline();
    List<String> marks = t.stream().map(Timeline.Interval::stall).toList();
    assertTrue(marks.contains(Timeline.STALLS_GREW), "the statistic grew: " + t);
    assertTrue(marks.contains(Timeline.NO_PROGRESS), "a whole second without a read: " + t);
    int grew = marks.indexOf(Timeline.STALLS_GREW);
    assertEquals(1, t.get(grew).stalls(), t.toString());
    assertEquals(Timeline.NO_PROGRESS, marks.get(grew + 1), "the stall goes on: " + t);
    assertTrue(t.getFirst().stall() == null, "reads went on in the first second: " + t);
    assertTrue(
        t.stream().mapToLong(Timeline.Interval::maxNanos).max().orElse(0) > 2_000_000_000L,
        "the stalled read's latency is in its second");
    String table = ResultTable.format(report);
    assertTrue(table.contains("the store's stalls statistic grew in second " + grew), table);

    Path svg = tmp.resolve("stalls.svg");
    ChartWriter.writeTimeline(report, svg);
    String text = Files.readString(svg);
    assertTrue(text.contains("s second " + grew + ": stalls statistic grew by 1"), text);
    assertTrue(text.contains(": no operation completed"), text);
    Path png = tmp.resolve("stalls.png");
    ChartWriter.writeTimeline(report, png);
    assertTrue(Files.size(png) > 10_000, "a picture: " + Files.size(png));
  }

  @Test
  void withoutAStallsStatisticOnlySecondsWithoutProgressAreMarked() {
    BenchReport report =
        run(
            BenchConfig.builder()
                .workloads(List.of(Workload.READRANDOM))
                .records(500)
                .operations(1_500)
                .warmupOperations(0)
                .timeline(true),
            target("s", () -> new StallingStore(false)));
    List<Timeline.Interval> t = report.runs().getFirst().timeline();
    assertTrue(t.stream().allMatch(i -> i.stalls() == -1), t.toString());
    assertFalse(t.stream().anyMatch(i -> Timeline.STALLS_GREW.equals(i.stall())), t.toString());
    assertTrue(t.stream().anyMatch(i -> Timeline.NO_PROGRESS.equals(i.stall())), t.toString());
  }

  /** A store that reports background work pending until 0.8 s after its last write. */
  private static final class CompactingStore extends MapStore {
    final AtomicLong lastPut = new AtomicLong();

    @Override
    public void put(byte[] key, byte[] value, Durability d) {
      super.put(key, value, d);
      lastPut.set(System.nanoTime());
    }

    @Override
    public long statistic(String name) {
      if (!name.equals(EngineStatistics.BACKGROUND_PENDING_BYTES)) {
        return -1;
      }
      return System.nanoTime() - lastPut.get() < 800_000_000L ? 4096 : 0;
    }
  }

  @Test
  void readsDuringCompactionAreToldByPendingBytesOrAFixedWindow() {
    BenchConfig.Builder config =
        BenchConfig.builder()
            .workloads(List.of(Workload.READWHILECOMPACTING))
            .records(3_000)
            .operations(2_000)
            .readRate(1_000);
    BenchReport reported = run(config, target("c", CompactingStore::new));
    RunResult r = reported.runs().getFirst();
    assertTrue(
        r.note().startsWith("background work told by the store's background.pending"), r.note());
    long during = phase(r, "reads during background work").operations();
    long after = phase(r, "reads after background work").operations();
    assertEquals(2_000, during + after);
    // about 0.8 s of the 2 s of reads are during (the pending bytes are read every 0.1 s)
    assertTrue(during > 200 && after > 200, "during " + during + ", after " + after);
    assertEquals(3_000, phase(r, "storm writes").operations(), "a storm as large as the records");
    assertTrue(r.timeline().getFirst().writes() > 0, "the storm is on the timeline");
    assertTrue(r.timeline().getFirst().pendingBytes() >= 0, r.timeline().toString());

    BenchReport windowed = run(config, target("w", MapStore::new));
    RunResult w = windowed.runs().getFirst();
    assertTrue(w.note().startsWith("the store reports no background.pending.bytes"), w.note());
    assertEquals(
        2_000,
        phase(w, "reads during background work").operations(),
        "2 s of reads fall in the 5 s window");
    assertEquals(-1, w.timeline().getFirst().pendingBytes());
  }

  @Test
  void zipfianLargeReadsFindEveryValueAtItsSize() {
    List<MapStore> stores = new ArrayList<>();
    BenchReport report =
        run(
            BenchConfig.builder()
                .workloads(List.of(Workload.READZIPFIANLARGE))
                .records(3_000)
                .operations(4_000)
                .threads(2),
            target(
                "z",
                () -> {
                  MapStore s = new MapStore();
                  stores.add(s);
                  return s;
                }));
    RunResult r = report.runs().getFirst();
    assertEquals(4_000, r.found(), "every read finds a value of the size written");
    long large = stores.getFirst().map.values().stream().filter(v -> v.length >= 1024).count();
    assertTrue(large > 30 && large < 100, "about 2% of 3,000 records are large: " + large);
    assertTrue(
        stores.getFirst().map.values().stream()
            .allMatch(v -> v.length == 100 || (v.length >= 1024 && v.length <= 65_536)));
    assertTrue(phase(r, "reads of large values").operations() > 0, r.phases().toString());
    assertTrue(phase(r, "reads of small values").operations() > 2_000, r.phases().toString());
    assertTrue(r.note().startsWith("2% of records large (1-64 KiB)"), r.note());
    assertTrue(r.timeline() != null && !r.timeline().isEmpty());
  }

  @Test
  void everyWorkloadWritesAtSyncUnderDurabilitySync() {
    AtomicLong buffered = new AtomicLong();
    AtomicLong synced = new AtomicLong();
    Target counting =
        target(
            "x",
            () ->
                new MapStore() {
                  @Override
                  public void put(byte[] key, byte[] value, Durability d) {
                    super.put(key, value, d);
                    (d == Durability.SYNC ? synced : buffered).incrementAndGet();
                  }

                  @Override
                  public void delete(byte[] key, Durability d) {
                    super.delete(key, d);
                    (d == Durability.SYNC ? synced : buffered).incrementAndGet();
                  }

                  @Override
                  public void putAll(List<byte[]> keys, List<byte[]> values, Durability d) {
                    super.putAll(keys, values, d);
                    (d == Durability.SYNC ? synced : buffered).incrementAndGet();
                  }
                });
    BenchReport report =
        run(
            BenchConfig.builder()
                .records(300)
                .operations(300)
                .syncOperations(10)
                .readRate(2_000)
                .bursts(20, 50)
                .durability(Durability.SYNC),
            counting);
    assertEquals(Workload.values().length, report.runs().size());
    assertEquals(0, buffered.get(), "no write of any workload at BUFFERED");
    assertTrue(synced.get() > 2_000, "loads, fills, updates, bursts, storms: " + synced.get());
    RunResult burst =
        report.runs().stream()
            .filter(x -> x.workload().equals("readwhilebursting"))
            .findFirst()
            .orElseThrow();
    assertTrue(phase(burst, "burst writes").operations() > 0, "the bursts wrote, at SYNC");
    assertTrue(ResultJson.toJson(report).contains("\"durability\": \"SYNC\""));
  }

  @Test
  void aTimelineChartNeedsATimeline() {
    BenchReport none =
        Reports.report(
            1,
            List.of("a"),
            List.of(Workload.READRANDOM),
            List.of(Reports.run("readrandom", "a", 1, 1000, 1000)),
            List.of(),
            false);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ChartWriter.writeTimeline(none, tmp.resolve("t.png")));
    assertTrue(e.getMessage().contains("no run recorded a timeline"), e.getMessage());
  }
}
