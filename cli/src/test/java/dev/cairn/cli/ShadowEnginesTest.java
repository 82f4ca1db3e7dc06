package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.shadow.ShadowEngine;
import dev.cairn.runtime.shadow.ShadowReport;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shadow engine over the real engines: memory, hash and lsm shadowing one another agree on
 * every compared read of a seeded random workload, and {@code cairn shadow-report} shows a live
 * shadow's report.
 */
class ShadowEnginesTest {

  private static final long SEED = Long.getLong("shadow.seed", 61206L);

  @TempDir Path tmp;

  private StorageEngine open(String engine, String dir) {
    return engine.equals("memory")
        ? Cairn.inMemory("memory").meterRegistry(new SimpleMeterRegistry()).open()
        : Cairn.store(tmp.resolve(dir))
            .engine(engine)
            .defaultDurability(Durability.BUFFERED)
            .meterRegistry(new SimpleMeterRegistry())
            .open();
  }

  private static byte[] key(int i) {
    return String.format("user%06d", i).getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0} shadowed by {1}")
  @CsvSource({"memory, hash", "hash, lsm", "lsm, memory"})
  void correctEnginesAgreeOnEveryComparedRead(String primary, String candidate) {
    System.out.println("seed " + SEED + " (replay: -Dshadow.seed=" + SEED + ")");
    SplittableRandom random = new SplittableRandom(SEED);
    Map<Integer, byte[]> model = new HashMap<>();
    try (ShadowEngine shadow =
        ShadowEngine.builder(open(primary, "p"), open(candidate, "c"))
            .names("engines", primary, candidate)
            .sampleRate(0.5)
            .seed(SEED)
            .meterRegistry(new SimpleMeterRegistry())
            .start()) {
      for (int i = 0; i < 4_000; i++) {
        int k = random.nextInt(500);
        int what = random.nextInt(100);
        byte[] value = new byte[1 + random.nextInt(200)];
        random.nextBytes(value);
        if (what < 30) {
          shadow.put(key(k), value);
          model.put(k, value);
        } else if (what < 35) {
          shadow.delete(key(k));
          model.remove(k);
        } else if (what < 38) {
          WriteBatch b = new WriteBatch().put(key(k), value).delete(key((k + 1) % 500));
          shadow.write(b);
          model.put(k, value);
          model.remove((k + 1) % 500);
        } else {
          assertArrayEquals(model.get(k), shadow.get(key(k)), "key " + k);
        }
      }
      assertTrue(shadow.awaitMirrored(Duration.ofSeconds(60)));
      ShadowReport r = shadow.report();
      assertEquals(0, r.mismatches(), () -> "mismatches " + r.examples());
      assertEquals(r.writes(), r.writesMirrored(), () -> "failures " + r.failures());
      assertTrue(r.readsCompared() > 1_000, () -> "compared " + r.readsCompared());
    }
  }

  @Test
  void shadowReportShowsALiveShadow() throws Exception {
    Path dir = tmp.resolve("p");
    StorageEngine primary = open("hash", "p");
    try (ShadowEngine shadow =
        ShadowEngine.builder(primary, open("lsm", "c"))
            .names("orders", "hash", "lsm")
            .sampleRate(1.0)
            .meterRegistry(new SimpleMeterRegistry())
            .reportFile(dir, Duration.ofMillis(20))
            .start()) {
      for (int i = 0; i < 50; i++) {
        shadow.put(key(i), key(i));
        shadow.get(key(i));
      }
      assertTrue(shadow.awaitMirrored(Duration.ofSeconds(30)));
      CliRun r = null;
      JsonNode report = null;
      long end = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < end) {
        r = CliRun.run(EngineRegistry.discover(), "shadow-report", dir.toString(), "--json");
        if (r.exitCode() == ExitCodes.OK) {
          report = new ObjectMapper().readTree(r.out());
          if (report.path("reads").path("compared").asLong() == 50) {
            break;
          }
        }
        Thread.sleep(20);
      }
      assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
      assertEquals(50, report.path("reads").path("compared").asLong(), r.out());
      assertEquals(50, report.path("writes").path("mirrored").asLong(), r.out());

      r = CliRun.run(EngineRegistry.discover(), "shadow-report", dir.toString());
      assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
      assertTrue(r.out().startsWith("shadow orders: primary hash, candidate lsm"), r.out());
      assertTrue(r.out().contains("\nmismatches         0\n"), r.out());
      assertTrue(r.out().contains("primaryReads"), r.out());
    }
    CliRun gone = CliRun.run(EngineRegistry.discover(), "shadow-report", dir.toString());
    assertEquals(ExitCodes.NOT_FOUND, gone.exitCode(), gone.describe());
    assertTrue(gone.err().contains("no shadow report in"), gone.describe());
  }
}
