package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn recommend}: a trace recorded through the runtime replays on every engine, and the
 * engine recommended is the one the replay measured fastest, with its figures and why. Small
 * traces: this is a test of the machinery, not a benchmark.
 */
class RecommendCommandTest {

  private static final long SEED = Long.getLong("recommend.seed", 20261206L);
  private static final int RECORDS = 1_000;

  @TempDir Path tmp;

  private static byte[] key(long i) {
    return String.format("user%012d", i).getBytes(StandardCharsets.UTF_8);
  }

  /** A key rank skewed to the small ones, as YCSB's zipfian is (about 80% of picks in 20%). */
  private static long skewed(SplittableRandom random, int n) {
    double u = random.nextDouble();
    return (long) (n * u * u * u);
  }

  /** Loads a hash store, then records a YCSB-B-like run on it: 95% reads, 5% updates, skewed. */
  private Path recordYcsbB() {
    System.out.println("seed " + SEED + " (replay: -Drecommend.seed=" + SEED + ")");
    Path dir = tmp.resolve("store");
    SplittableRandom random = new SplittableRandom(SEED);
    byte[] value = new byte[100];
    try (StorageEngine s =
        Cairn.store(dir).engine("hash").defaultDurability(Durability.BUFFERED).open()) {
      for (int i = 0; i < RECORDS; i++) {
        random.nextBytes(value);
        s.put(key(i), value);
      }
    }
    Path trace = tmp.resolve("ycsb-b.trace");
    try (StorageEngine s =
        Cairn.store(dir).defaultDurability(Durability.BUFFERED).operationTrace(trace, 1.0).open()) {
      for (int i = 0; i < 3_000; i++) {
        long k = skewed(random, RECORDS);
        if (random.nextInt(100) < 95) {
          s.get(key(k));
        } else {
          random.nextBytes(value);
          s.put(key(k), value);
        }
      }
    }
    return trace;
  }

  @Test
  void recommendsTheEngineTheReplayMeasuredFastestAndSaysWhy() throws Exception {
    Path trace = recordYcsbB();
    Path json = tmp.resolve("recommend.json");
    Path chart = tmp.resolve("recommend.svg");
    CliRun r =
        CliRun.run(
            EngineRegistry.discover(),
            "recommend",
            "--trace",
            trace.toString(),
            "--passes",
            "1",
            "--no-progress",
            "--json",
            json.toString(),
            "--chart",
            chart.toString());
    assertEquals(0, r.exitCode(), r.describe());
    JsonNode doc = new ObjectMapper().readTree(Files.readString(json));
    assertEquals(3_000, doc.path("trace").path("operations").asLong(), doc::toString);
    JsonNode mix = doc.path("trace").path("mix");
    assertTrue(mix.path("get").asLong() > 2_700 && mix.path("put").asLong() > 60, mix::toString);

    // The recommendation is the fastest engine the replay measured, in the same run.
    String recommended = doc.path("recommended").asText();
    JsonNode results = doc.path("results");
    assertTrue(results.size() >= 3, doc::toString);
    double best = -1;
    String fastest = null;
    for (JsonNode x : results) {
      if (x.path("opsPerSecond").asDouble() > best) {
        best = x.path("opsPerSecond").asDouble();
        fastest = x.path("engine").asText();
      }
      assertEquals(3_000, x.path("operations").asLong(), x::toString);
    }
    assertEquals(fastest, recommended, doc::toString);
    // And why: the figures, and the engine it left out.
    String reasons = doc.path("reasons").toString();
    assertTrue(reasons.contains(recommended + " replayed the trace fastest"), reasons);
    assertTrue(reasons.contains("ops/s"), reasons);
    assertTrue(reasons.contains("needs a durable engine"), reasons);
    boolean memoryLeftOut = false;
    for (JsonNode x : doc.path("excluded")) {
      memoryLeftOut |=
          x.path("engine").asText().equals("memory")
              && x.path("reason").asText().contains("not durable");
    }
    assertTrue(memoryLeftOut, doc::toString);

    assertTrue(r.out().contains("recommended: " + recommended + "\n"), r.out());
    assertTrue(r.out().contains("trace "), r.out());
    assertTrue(
        Files.readString(chart).startsWith("<?xml") || Files.readString(chart).startsWith("<svg"));
  }

  @Test
  void aTraceThatScansLeavesOutEnginesWithoutKeyOrder() throws Exception {
    Path trace = tmp.resolve("scans.trace");
    try (StorageEngine s =
        Cairn.store(tmp.resolve("lsm"))
            .engine("lsm")
            .defaultDurability(Durability.BUFFERED)
            .operationTrace(trace, 1.0)
            .open()) {
      for (int i = 0; i < 200; i++) {
        s.put(key(i), key(i));
      }
      for (int i = 0; i < 20; i++) {
        try (Cursor c = s.cursor(KeyRange.atLeast(key(i * 5)), dev.cairn.spi.Direction.FORWARD)) {
          for (int n = 0; n < 10 && c.next(); n++) {
            c.value();
          }
        }
      }
    }
    Path json = tmp.resolve("scans.json");
    CliRun r =
        CliRun.run(
            EngineRegistry.discover(),
            "recommend",
            "--trace",
            trace.toString(),
            "--engines",
            "hash,lsm",
            "--passes",
            "1",
            "--no-progress",
            "--json",
            json.toString());
    assertEquals(0, r.exitCode(), r.describe());
    JsonNode doc = new ObjectMapper().readTree(Files.readString(json));
    assertEquals("lsm", doc.path("recommended").asText(), doc::toString);
    assertEquals(20, doc.path("trace").path("mix").path("scan").asLong(), doc::toString);
    assertEquals("hash", doc.path("excluded").path(0).path("engine").asText(), doc::toString);
    assertTrue(
        doc.path("excluded").path(0).path("reason").asText().contains("no key order"),
        doc::toString);
    assertTrue(r.out().contains("ORDERED_SCANS"), r.out());
  }

  @Test
  void aFileThatIsNotATraceIsRefusedByName() throws Exception {
    Path bad = tmp.resolve("bad.trace");
    Files.writeString(bad, "not a trace at all, but long enough to hold a header");
    CliRun r = CliRun.run(EngineRegistry.discover(), "recommend", "--trace", bad.toString());
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("is not an operation trace"), r.describe());
  }
}
