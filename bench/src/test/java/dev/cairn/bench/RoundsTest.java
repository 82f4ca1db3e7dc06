package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.bench.store.Target;
import dev.cairn.bench.store.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --repeat}: rounds on fresh stores, targets interleaved, medians and spreads. */
class RoundsTest {

  @TempDir Path tmp;

  @Test
  void roundsRunOneAfterTheOtherOnFreshStoresWithTheTargetsInterleaved() {
    BenchConfig config =
        BenchConfig.builder()
            .targets(List.of("a", "b", "c"))
            .workloads(List.of(Workload.READRANDOM, Workload.FILLSEQ))
            .records(200)
            .operations(100)
            .repeat(3)
            .directory(tmp)
            .build();
    List<String> opened = Collections.synchronizedList(new ArrayList<>());
    List<Target> stores = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      stores.add(
          new Target(
              name,
              "peer",
              "test",
              "test store",
              spec -> "test memory",
              (dir, spec) -> {
                opened.add(tmp.relativize(dir).toString());
                return new MapStore();
              }));
    }
    BenchReport r = new BenchRunner(config, Targets.of(List.of(), stores)).run((p, d, t) -> {});

    // Round r, step i (the load is step 0, then each workload), place j: target (i + j + r - 1)
    // mod 3. Workloads run in Workload order: fillseq, then readrandom.
    List<String> order =
        r.runs().stream().map(x -> x.round() + " " + x.workload() + " " + x.target()).toList();
    assertEquals(
        List.of(
            "1 fillseq a",
            "1 fillseq b",
            "1 fillseq c",
            "1 readrandom b",
            "1 readrandom c",
            "1 readrandom a",
            "2 fillseq b",
            "2 fillseq c",
            "2 fillseq a",
            "2 readrandom c",
            "2 readrandom a",
            "2 readrandom b",
            "3 fillseq c",
            "3 fillseq a",
            "3 fillseq b",
            "3 readrandom a",
            "3 readrandom b",
            "3 readrandom c"),
        order);
    assertEquals(
        List.of("1 a", "1 b", "1 c", "2 b", "2 c", "2 a", "3 c", "3 a", "3 b"),
        r.loads().stream().map(l -> l.round() + " " + l.target()).toList(),
        "every round loads a fresh store per target");
    // Fresh stores: each round opens its own directories, a loaded and a fillseq store per target.
    assertEquals(18, opened.size(), opened.toString());
    assertEquals(18, Set.copyOf(opened).size(), "no store directory is reused: " + opened);
    for (int round = 1; round <= 3; round++) {
      String prefix = "round-" + round;
      assertEquals(
          6,
          opened.stream().filter(d -> d.contains("/" + prefix + "/")).count(),
          opened.toString());
    }
    // Every round reads what it loaded itself: all found, every time.
    r.runs().stream()
        .filter(x -> x.workload().equals("readrandom"))
        .forEach(x -> assertEquals(100, x.found(), x.toString()));
    assertEquals(6, r.cells().size());
    r.cells().forEach(c -> assertEquals(3, c.rounds().size(), c.toString()));
  }

  @Test
  void aCellIsTheMedianOfItsRoundsWithTheirMinAndMax() {
    Cell odd =
        new Cell(
            "readrandom",
            "a",
            Cell.Status.MEASURED,
            null,
            List.of(
                Reports.run("readrandom", "a", 1, 100, 1_000),
                Reports.run("readrandom", "a", 2, 300, 3_000),
                Reports.run("readrandom", "a", 3, 200, 2_000)));
    assertEquals(200, odd.opsPerSecond());
    assertEquals(100, odd.minOpsPerSecond());
    assertEquals(300, odd.maxOpsPerSecond());
    assertEquals(3.0, odd.spread(), 1e-9);
    assertTrue(odd.wideSpread());
    assertEquals(2_000, odd.p50Nanos());
    assertEquals(20_000, odd.p99Nanos());
    assertEquals(3_000_000, odd.maxNanos(), "max is the largest of any round");

    Cell even =
        new Cell(
            "readrandom",
            "a",
            Cell.Status.MEASURED,
            null,
            List.of(
                Reports.run("readrandom", "a", 1, 100, 1_000),
                Reports.run("readrandom", "a", 2, 140, 2_000)));
    assertEquals(120, even.opsPerSecond(), 1e-9, "the mean of the two middle rounds");
    assertEquals(1_500, even.p50Nanos());
    assertEquals(1.4, even.spread(), 1e-9);
    assertFalse(even.wideSpread(), "1.4x is within 1.5x");

    assertEquals(7.0, Cell.median(new double[] {9, 7, 1}));
    assertTrue(Double.isNaN(Cell.median(new double[0])));
    assertTrue(
        Double.isNaN(new Cell("x", "a", Cell.Status.NOT_RUN, "interrupted", List.of()).spread()));
  }

  @Test
  void theTableGivesMediansRangesAndMarksAWideSpreadKeepingTheTargetsInOrder() {
    List<RunResult> runs = new ArrayList<>();
    // b is faster than a, but a comes first in every row: the order asked for.
    double[][] readrandom = {{100_000, 300_000, 200_000}, {400_000, 410_000, 420_000}};
    double[][] fillseq = {{50_000, 51_000, 52_000}, {10_000, 11_000, 12_000}};
    String[] targets = {"a", "b"};
    for (int round = 1; round <= 3; round++) {
      for (int t = 0; t < 2; t++) {
        runs.add(Reports.run("fillseq", targets[t], round, fillseq[t][round - 1], 1_000));
        runs.add(Reports.run("readrandom", targets[t], round, readrandom[t][round - 1], 1_000));
      }
    }
    BenchReport r =
        Reports.report(
            3,
            List.of("a", "b"),
            List.of(Workload.READRANDOM, Workload.FILLSEQ),
            runs,
            List.of(),
            false);
    String table = ResultTable.format(r);
    List<String> rows =
        table.lines().filter(l -> l.startsWith("fillseq") || l.startsWith("readrandom")).toList();
    assertEquals(4, rows.size(), table);
    assertTrue(rows.get(0).startsWith("fillseq             a "), table);
    assertTrue(rows.get(1).startsWith("fillseq             b "), table);
    assertTrue(rows.get(2).startsWith("readrandom          a "), table);
    assertTrue(rows.get(3).startsWith("readrandom          b "), table);
    assertTrue(rows.get(2).contains("200.0k") && rows.get(2).contains("100.0k-300.0k *"), table);
    assertTrue(rows.get(2).contains("0.49x"), "the ratio is of medians: 200k / 410k: " + table);
    assertTrue(rows.get(3).contains("400.0k-420.0k ") && rows.get(3).contains("best"), table);
    assertFalse(rows.get(3).contains("*"), table);
    assertTrue(table.contains("3 rounds: every figure is the median over the rounds"), table);
    assertTrue(
        table.contains("* throughput spread over the rounds (max/min) above 1.5x"),
        "a footnote explains the marker: " + table);

    String one =
        ResultTable.format(
            Reports.report(
                1,
                List.of("a"),
                List.of(Workload.FILLSEQ),
                List.of(Reports.run("fillseq", "a", 1, 1000, 1000)),
                List.of(),
                false));
    assertFalse(one.contains("min-max") || one.contains("rounds"), "one round, no ranges: " + one);
  }

  @Test
  void theJsonKeepsEveryRoundAndSumsUpEachCell() throws Exception {
    List<RunResult> runs =
        List.of(
            Reports.run("readrandom", "a", 1, 100, 1_000),
            Reports.run("readrandom", "a", 2, 300, 1_000),
            Reports.run("readrandom", "a", 3, 200, 1_000));
    BenchReport r =
        Reports.report(
            3,
            List.of("a", "h"),
            List.of(Workload.READRANDOM, Workload.SEEKRANDOM),
            runs,
            List.of(new NotApplicable("seekrandom", "h", NotApplicable.NO_KEY_ORDER)),
            true);
    JsonNode root = new ObjectMapper().readTree(ResultJson.toJson(r));
    assertEquals("cairn-bench/5", root.get("format").asText());
    assertTrue(root.get("interrupted").asBoolean());
    assertEquals(3, root.get("config").get("repeat").asInt());
    assertEquals(3, root.get("runs").size());
    assertEquals(2, root.get("runs").get(1).get("round").asInt());
    assertEquals(300, root.get("runs").get(1).get("opsPerSecond").asDouble(), 1e-9);
    JsonNode cells = root.get("cells");
    assertEquals(4, cells.size(), cells.toString());
    JsonNode a = cells.get(0);
    assertEquals("readrandom", a.get("workload").asText());
    assertEquals("measured", a.get("status").asText());
    assertEquals(3, a.get("rounds").asInt());
    assertEquals(200, a.get("opsPerSecond").asDouble(), 1e-9);
    assertEquals(100, a.get("minOpsPerSecond").asDouble(), 1e-9);
    assertEquals(300, a.get("maxOpsPerSecond").asDouble(), 1e-9);
    assertEquals(3, a.get("spread").asDouble(), 1e-9);
    assertTrue(a.get("wideSpread").asBoolean());
    assertEquals("not_run", cells.get(1).get("status").asText(), "h readrandom: interrupted");
    assertEquals("not_run", cells.get(2).get("status").asText(), "a seekrandom");
    JsonNode na = cells.get(3);
    assertEquals("not_applicable", na.get("status").asText());
    assertEquals("no key order", na.get("reason").asText());
    assertTrue(na.get("opsPerSecond").isNull() && na.get("p99Nanos").isNull(), na.toString());
    assertEquals("h", root.get("notApplicable").get(0).get("target").asText());
  }

  @Test
  void repeatIsAtLeastOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BenchConfig.builder().repeat(0).build());
    assertEquals("repeat must be >= 1, got 0", e.getMessage());
    assertNotEquals(null, BenchConfig.builder().repeat(BenchConfig.MAX_REPEAT).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchConfig.builder().repeat(BenchConfig.MAX_REPEAT + 1).build());
    assertTrue(Files.isDirectory(tmp));
  }
}
