package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.bench.store.StoreSpec;
import dev.cairn.bench.store.Target;
import dev.cairn.bench.store.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchRunnerTest {

  @TempDir Path tmp;

  private static BenchReport runTiny(Path dir, long seed) {
    return runTiny(dir, seed, 2);
  }

  private static BenchReport runTiny(Path dir, long seed, int threads) {
    BenchConfig config =
        BenchConfig.builder()
            .targets(List.of("a", "b"))
            .records(500)
            .operations(400)
            .threads(threads)
            .syncOperations(20)
            .syncWriters(3)
            .seed(seed)
            .directory(dir)
            .build();
    Targets targets = Targets.of(List.of(), List.of(MapStore.target("a"), MapStore.target("b")));
    List<String> phases = new ArrayList<>();
    BenchReport r =
        new BenchRunner(config, targets)
            .run(
                (phase, done, total) -> {
                  assertTrue(done <= total, done + " > " + total);
                  phases.add(phase);
                });
    assertEquals("done", phases.getLast());
    return r;
  }

  @Test
  void runsEveryWorkloadOnEveryTargetWithTheRightFigures() throws Exception {
    BenchReport r = runTiny(tmp, 42);
    assertEquals(Workload.values().length * 2, r.runs().size());
    assertEquals(2, r.loads().size());
    Map<String, RunResult> byKey = new HashMap<>();
    r.runs().forEach(x -> byKey.put(x.workload() + "/" + x.target(), x));
    for (String t : List.of("a", "b")) {
      assertEquals(400, byKey.get("readrandom/" + t).found(), "every loaded record is found");
      assertEquals(0, byKey.get("readmissing/" + t).found(), "no missing key is found");
      assertEquals(400, byKey.get("ycsb-c/" + t).found(), "ycsb-c reads only loaded records");
      assertEquals(500, byKey.get("fillseq/" + t).operations());
      assertEquals(20, byKey.get("syncput/" + t).operations());
      assertEquals(1, byKey.get("syncput/" + t).threads());
      assertEquals(3, byKey.get("syncput-concurrent/" + t).threads());
      RunResult x = byKey.get("ycsb-a/" + t);
      assertTrue(x.p50Nanos() <= x.p99Nanos() && x.p99Nanos() <= x.p999Nanos());
      assertTrue(x.p999Nanos() <= x.maxNanos());
      assertTrue(x.opsPerSecond() > 0);
    }
    // engines interleave: the first target alternates from one workload to the next
    assertEquals("a", r.runs().get(0).target());
    assertEquals("b", r.runs().get(2).target());
    try (var left = Files.list(tmp)) {
      assertEquals(0, left.count(), "stores are deleted after the run");
    }
  }

  @Test
  void theSameSeedReadsTheSameKeys() {
    // NB: one client thread. With several, a workload that inserts (ycsb-d, ycsb-e) reads keys
    // the other threads may or may not have inserted yet, as YCSB does: each thread's key sequence
    // is the seed's, but what a read finds then depends on timing.
    BenchReport one = runTiny(tmp.resolve("1"), 9, 1);
    BenchReport two = runTiny(tmp.resolve("2"), 9, 1);
    // ycsb-f reads a zipfian mix; found counts depend only on the seed's key sequence
    for (int i = 0; i < one.runs().size(); i++) {
      assertEquals(
          one.runs().get(i).found(), two.runs().get(i).found(), one.runs().get(i).toString());
    }
  }

  @Test
  void scanningWorkloadsAreNotRunOnAnUnorderedStore() {
    BenchConfig config =
        BenchConfig.builder()
            .targets(List.of("hash", "tree"))
            .workloads(List.of(Workload.READRANDOM, Workload.SEEKRANDOM, Workload.YCSB_E))
            .records(300)
            .operations(200)
            .directory(tmp)
            .build();
    Targets targets =
        Targets.of(List.of(), List.of(MapStore.unorderedTarget("hash"), MapStore.target("tree")));
    long[] last = new long[2];
    BenchReport r =
        new BenchRunner(config, targets)
            .run(
                (phase, done, total) -> {
                  last[0] = done;
                  last[1] = total;
                });
    List<String> ran = r.runs().stream().map(x -> x.workload() + "/" + x.target()).toList();
    assertEquals(
        java.util.Set.of("readrandom/hash", "readrandom/tree", "seekrandom/tree", "ycsb-e/tree"),
        java.util.Set.copyOf(ran));
    assertEquals(last[1], last[0], "progress reaches its total though workloads were skipped");
    assertEquals(
        List.of(
            new NotApplicable("seekrandom", "hash", "no key order"),
            new NotApplicable("ycsb-e", "hash", "no key order")),
        r.notApplicable());
    List<String> rows = ResultTable.format(r).lines().filter(l -> l.contains("n/a")).toList();
    assertEquals(
        List.of(
            "seekrandom          hash          -   n/a (no key order)",
            "ycsb-e              hash          -   n/a (no key order)"),
        rows);
  }

  @Test
  void syncputWarmsUpOnOtherKeysBeforeItMeasures() throws Exception {
    BenchConfig config =
        BenchConfig.builder()
            .targets(List.of("a"))
            .workloads(List.of(Workload.SYNCPUT, Workload.SYNCPUT_CONCURRENT))
            .records(100)
            .operations(100)
            .syncOperations(40)
            .syncWriters(4)
            .warmupOperations(25)
            .directory(tmp)
            .build();
    List<MapStore> stores = new ArrayList<>();
    Target a =
        new Target(
            "a",
            "peer",
            "test",
            "test store",
            spec -> "test memory",
            (dir, spec) -> {
              MapStore m = new MapStore();
              stores.add(m);
              return m;
            });
    BenchReport r = new BenchRunner(config, Targets.of(List.of(), List.of(a))).run((p, d, t) -> {});

    assertEquals(2, stores.size(), "a fresh store per syncput workload: " + stores.size());
    for (MapStore m : stores) {
      assertEquals(65, m.syncs.get(), "25 warm-up puts, then 40 measured, every one SYNC");
      assertEquals(65, m.map.size(), "the measured puts write keys the warm-up did not");
    }
    assertTrue(r.runs().stream().allMatch(x -> x.operations() == 40), r.runs().toString());
    assertEquals(
        65, WorkloadDriver.units(Workload.SYNCPUT, config), "progress counts the warm-up too");
    BenchConfig small =
        BenchConfig.builder().syncOperations(10).warmupOperations(1000).records(5).build();
    assertEquals(
        10,
        WorkloadDriver.warmupOperations(Workload.SYNCPUT_CONCURRENT, small),
        "a syncput warms up with at most as many puts as it measures");
  }

  @Test
  void peersAreMeasuredOnlyWhenNamed() {
    Targets onlyPeers = Targets.of(List.of(), List.of(MapStore.target("a")));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BenchRunner(BenchConfig.builder().build(), onlyPeers));
    assertTrue(e.getMessage().contains("name peers with --engines"), e.getMessage());
  }

  @Test
  void storesAreOpenedForEveryRecordARunMayHold() {
    BenchConfig config =
        BenchConfig.builder()
            .records(1000)
            .operations(500)
            .warmupOperations(50)
            .keySize(24)
            .valueSize(10)
            .build();
    dev.cairn.bench.store.StoreSpec spec = BenchRunner.storeSpec(config);
    assertEquals(1550, spec.maxRecords());
    assertEquals(1550L * 34, spec.logicalBytes());
    assertEquals(config.durability(), spec.durability());
    assertEquals(config.cacheBytes(), spec.cacheBytes());
  }

  @Test
  void everyStoreGetsTheSameCacheByDefaultAndItIsStatedBesideTheFigures() throws Exception {
    BenchConfig config =
        BenchConfig.builder()
            .targets(List.of("a", "b"))
            .workloads(List.of(Workload.READRANDOM, Workload.FILLSEQ))
            .records(300)
            .operations(200)
            .directory(tmp)
            .build();
    long expected = BenchConfig.dataSetCacheBytes(300, 200, 20, 16, 100);
    assertEquals(expected, config.cacheBytes(), "a cache that holds the data is the default");
    List<StoreSpec> specs = new ArrayList<>();
    Targets targets =
        Targets.of(
            List.of(), List.of(MapStore.recording("a", specs), MapStore.recording("b", specs)));
    BenchReport r = new BenchRunner(config, targets).run((phase, done, total) -> {});

    assertEquals(4, specs.size(), "a loaded and a fresh store per target: " + specs);
    assertTrue(specs.stream().allMatch(x -> x.cacheBytes() == expected), specs.toString());
    assertTrue(
        r.targets().stream().allMatch(t -> t.memory().equals("cache of " + expected)),
        r.targets().toString());
    String table = ResultTable.format(r);
    assertTrue(table.contains("cache size 8.0 MiB for every store with a cache of its own"), table);
    assertTrue(table.contains("cache of " + expected), table);
    JsonNode root = new ObjectMapper().readTree(ResultJson.toJson(r));
    assertEquals(expected, root.get("config").get("cacheBytes").asLong());
    assertEquals("cache of " + expected, root.get("targets").get(1).get("memory").asText());
    assertTrue(root.get("loads").get(0).has("endMemoryBytes"), root.toString());
  }

  @Test
  void engineDefaultCachesAreARunOfTheirOwnAndSaidSo() throws Exception {
    BenchConfig config =
        BenchConfig.builder()
            .targets(List.of("a"))
            .workloads(List.of(Workload.READRANDOM))
            .records(100)
            .operations(100)
            .cacheBytes(BenchConfig.DEFAULT_CACHES)
            .directory(tmp)
            .build();
    List<StoreSpec> specs = new ArrayList<>();
    BenchReport r =
        new BenchRunner(config, Targets.of(List.of(), List.of(MapStore.recording("a", specs))))
            .run((phase, done, total) -> {});
    assertEquals(1, specs.size());
    assertTrue(!specs.getFirst().cacheSet(), "every store keeps its own default");
    assertTrue(
        ResultTable.format(r).contains("every store keeps its own cache size"),
        ResultTable.format(r));
    assertTrue(
        new ObjectMapper().readTree(ResultJson.toJson(r)).get("config").get("cacheBytes").isNull());
  }

  @Test
  void theDefaultCacheHoldsTheDataARunMayWrite() {
    // 1,000,000 records, 1,000,000 ops, 100,000 warm-up of 16 + 100 bytes: 243.6 MB, a quarter
    // more is 304.5 MB, rounded up to 291 MiB.
    assertEquals(291L << 20, BenchConfig.dataSetCacheBytes(1_000_000, 1_000_000, 100_000, 16, 100));
    assertEquals(
        291L << 20,
        BenchConfig.builder().records(1_000_000).operations(1_000_000).build().cacheBytes());
    assertEquals(8L << 20, BenchConfig.dataSetCacheBytes(10, 10, 1, 16, 100), "at least 8 MiB");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> BenchConfig.builder().cacheBytes(1000).build());
    assertTrue(e.getMessage().contains("cache size must be at least 1 MiB"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchConfig.dataSetCacheBytes(Long.MAX_VALUE, 1, 1, 16, 100));
  }

  @Test
  void unknownTargetsAreNamedWithTheKnownOnes() {
    BenchConfig config = BenchConfig.builder().targets(List.of("nope")).build();
    Targets targets = Targets.of(List.of(), List.of(MapStore.target("a")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BenchRunner(config, targets));
    assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("[a]"), e.getMessage());
  }

  @Test
  void badConfigurationIsRejectedNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> BenchConfig.builder().records(0).build());
    assertTrue(e.getMessage().contains("records"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BenchConfig.builder().keySize(4).build());
    assertThrows(
        IllegalArgumentException.class, () -> BenchConfig.builder().workloads(List.of()).build());
  }

  @Test
  void percentilesComeFromTheHistogram() {
    Histogram h = new Histogram(3);
    for (long v = 1; v <= 1000; v++) {
      h.recordValue(v * 1000); // 1 µs .. 1 ms, uniformly
    }
    RunResult x =
        BenchRunner.result(
            Workload.READRANDOM,
            MapStore.target("a"),
            1,
            1,
            new WorkloadDriver.Measurement(1000, 2_000_000_000L, h, 10),
            -1);
    assertEquals(500_000, x.p50Nanos(), 500_000 * 0.001);
    assertEquals(990_000, x.p99Nanos(), 990_000 * 0.001);
    assertEquals(999_000, x.p999Nanos(), 999_000 * 0.001);
    assertEquals(1_000_000, x.maxNanos(), 1_000_000 * 0.001);
    assertEquals(500.0, x.opsPerSecond(), 1e-9);
    assertEquals(500_500, x.meanNanos(), 500_500 * 0.001);
  }

  @Test
  void jsonHoldsEveryFigure() throws Exception {
    BenchReport r = runTiny(tmp, 42);
    Path file = tmp.resolve("out.json");
    ResultJson.write(r, file);
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    assertEquals(ResultJson.FORMAT, root.get("format").asText());
    assertEquals(500, root.get("config").get("records").asLong());
    assertEquals("BUFFERED", root.get("config").get("durability").asText());
    assertEquals(r.runs().size(), root.get("runs").size());
    JsonNode first = root.get("runs").get(0);
    RunResult x = r.runs().get(0);
    assertEquals(x.workload(), first.get("workload").asText());
    assertEquals(x.p99Nanos(), first.get("p99Nanos").asLong());
    assertEquals(x.opsPerSecond(), first.get("opsPerSecond").asDouble(), 0.001);
    assertEquals(2, root.get("loads").size());
    assertEquals("test store", root.get("targets").get(0).get("durability").asText());
    assertTrue(root.get("machine").get("cores").asInt() >= 1);
  }

  @Test
  void jsonEscapesStrings() {
    assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", ResultJson.str("a\"b\\c\n\u0001"));
  }

  @Test
  void tableShowsRatiosToTheBest() {
    BenchReport r = runTiny(tmp, 42);
    String table = ResultTable.format(r);
    assertTrue(table.contains("vs best") && table.contains("best"), table);
    assertTrue(table.contains("ycsb-e") && table.contains("deleterandom"), table);
    assertEquals("0.50x", ResultTable.ratio(50, 100));
    assertEquals("best", ResultTable.ratio(100, 100));
    assertEquals("<0.01x", ResultTable.ratio(362, 176_900), "not 0.00x");
    assertEquals("0.01x", ResultTable.ratio(1, 100));
    assertEquals("1.5 us", ResultTable.time(1_500));
    assertEquals("2.00 ms", ResultTable.time(2_000_000));
    assertEquals("1.5 KiB", ResultTable.bytes(1536));
  }

  @Test
  void chartsAreWrittenAsSvgAndPng() throws Exception {
    BenchReport r = runTiny(tmp.resolve("run"), 42);
    Path svg = tmp.resolve("c.svg");
    Path png = tmp.resolve("c.png");
    ChartWriter.write(r, svg);
    ChartWriter.write(r, png);
    String text = Files.readString(svg);
    assertTrue(text.startsWith("<svg") && text.contains("ycsb-a") && text.contains("<rect"));
    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertEquals(
        List.of((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G'),
        List.of(head[0], head[1], head[2], head[3]));
    assertThrows(IllegalArgumentException.class, () -> ChartWriter.write(r, tmp.resolve("c.gif")));
  }
}
