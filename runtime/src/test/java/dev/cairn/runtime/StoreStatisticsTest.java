package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's statistics as gauges, its invariant counters, and its statistics file. */
class StoreStatisticsTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TinyProvider provider = TinyProvider.inMemory("tiny");
  private final TinyProvider durable = TinyProvider.durable("tinyd");
  private final EngineRegistry registry = EngineRegistry.of(List.of(provider, durable));

  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private StoreBuilder builder(String name) {
    return registry.store().engine("tiny").meterRegistry(meters).storeName(name);
  }

  private Gauge gauge(String name, String store) {
    return meters.find(name).tags("engine", "tiny", "store", store).gauge();
  }

  private double failures(String store, String reason) {
    Counter c =
        meters
            .find(StoreStatisticsBinder.FAILURES)
            .tags("store", store, "reason", reason)
            .counter();
    return c == null ? -1 : c.count();
  }

  /** Reads every meter, as a registry's scrape does. */
  private double scrape() {
    double sum = 0;
    for (Meter m : meters.getMeters()) {
      for (io.micrometer.core.instrument.Measurement v : m.measure()) {
        sum += v.getValue();
      }
    }
    return sum;
  }

  @Test
  void statisticsAndEveryDetailArePublishedAsGaugesTaggedByEngineAndStore() {
    try (StorageEngine store = builder("orders").statisticsInterval(Duration.ZERO).open()) {
      store.put(b("a"), b("1"));
      store.put(b("b"), b("2"));
      TinyEngine engine = provider.last();
      engine.details =
          Map.of(EngineStatistics.SNAPSHOTS_OPEN, 3L, EngineStatistics.BACKGROUND_ERRORS, 0L);

      assertEquals(2, gauge(StoreStatisticsBinder.KEYS, "orders").value());
      assertEquals(4096, gauge(StoreStatisticsBinder.DISK_BYTES, "orders").value());
      assertEquals(128, gauge(StoreStatisticsBinder.MEMORY_BYTES, "orders").value());
      // The details were seen by the refresh the read above made: registered then.
      assertEquals(3, gauge("cairn.store.snapshots.open", "orders").value());
      assertEquals(0, gauge("cairn.store.background.errors", "orders").value());

      engine.details = Map.of(EngineStatistics.SNAPSHOTS_OPEN, 1L, "merge.count", 7L);
      assertEquals(2, gauge(StoreStatisticsBinder.KEYS, "orders").value()); // refreshes
      assertEquals(7, gauge("cairn.store.merge.count", "orders").value(), "engine-specific");
      assertEquals(1, gauge("cairn.store.snapshots.open", "orders").value());
      assertTrue(
          Double.isNaN(gauge("cairn.store.background.errors", "orders").value()),
          "a detail the engine no longer reports reads NaN");
    }
  }

  @Test
  void detailsTheEngineReportsAtOpenHaveGaugesBeforeTheFirstRead() {
    provider.details(Map.of("merge.count", 1L));
    try (StorageEngine store = builder("early").open()) {
      store.put(b("a"), b("1"));
      assertNotNull(gauge("cairn.store.merge.count", "early"));
      assertEquals(1, provider.last().statisticsCalls.get(), "one snapshot, taken at open");
    }
  }

  @Test
  void gaugesReadACachedSnapshotAndNeverAskTheEngineWithinTheInterval() {
    try (StorageEngine store = builder("cached").statisticsInterval(Duration.ofHours(1)).open()) {
      TinyEngine engine = provider.last();
      store.put(b("a"), b("1"));
      store.get(b("a"));
      for (int i = 0; i < 100; i++) {
        gauge(StoreStatisticsBinder.KEYS, "cached").value();
        scrape();
      }
      assertEquals(1, engine.statisticsCalls.get(), "only the snapshot taken at open");
      assertEquals(0, gauge(StoreStatisticsBinder.KEYS, "cached").value(), "as it was at open");
    }
  }

  @Test
  void anEngineWhoseStatisticsThrowDoesNotBreakTheScrape() {
    try (StorageEngine store = builder("broken").statisticsInterval(Duration.ZERO).open()) {
      store.put(b("a"), b("1"));
      TinyEngine engine = provider.last();
      engine.faultOp = "statistics";
      engine.fault = new IllegalStateException("statistics are broken");

      scrape(); // nothing throws
      assertTrue(Double.isNaN(gauge(StoreStatisticsBinder.KEYS, "broken").value()));
      assertTrue(failures("broken", "error") >= 2, "each failed refresh is counted");
      assertEquals(
          0,
          meters.find(Meters.OPERATION).tags("op", "statistics").timers().stream()
              .mapToLong(t -> t.count())
              .sum(),
          "the gauges' reads are not the application's operations");

      engine.faultOp = null;
      assertEquals(1, gauge(StoreStatisticsBinder.KEYS, "broken").value(), "recovers");
    }
  }

  @Test
  void aSlowEngineDelaysOneReaderWhileTheOthersGetTheCachedFigures() throws Exception {
    try (StorageEngine store = builder("slow").statisticsInterval(Duration.ZERO).open()) {
      TinyEngine engine = provider.last();
      store.put(b("a"), b("1"));
      assertEquals(1, gauge(StoreStatisticsBinder.KEYS, "slow").value());
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      engine.statisticsGate = new CountDownLatch[] {entered, release};
      CompletableFuture<Double> stuck =
          CompletableFuture.supplyAsync(() -> gauge(StoreStatisticsBinder.KEYS, "slow").value());
      assertTrue(entered.await(30, TimeUnit.SECONDS));
      store.put(b("b"), b("2"));
      // NB: would wait on the gate if this read asked the engine too.
      assertEquals(1, gauge(StoreStatisticsBinder.KEYS, "slow").value(), "the cached figure");
      assertFalse(stuck.isDone());
      engine.statisticsGate = null;
      release.countDown();
      assertEquals(2, stuck.get(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void aClosedStoresMetersAreRemoved() {
    StorageEngine store = builder("gone").open();
    provider.last().details = Map.of("merge.count", 1L);
    store.put(b("a"), b("1"));
    assertFalse(storeMeters("gone").isEmpty());
    closeIt(store);
    assertEquals(List.of(), storeMeters("gone"));
    assertNotNull(
        meters.find(Meters.OPERATION).tags("engine", "tiny").timer(),
        "the engine's own meters stay");
  }

  private static void closeIt(AutoCloseable store) {
    try (AutoCloseable s = store) {
      assertNotNull(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<Meter.Id> storeMeters(String store) {
    return meters.getMeters().stream()
        .map(Meter::getId)
        .filter(id -> store.equals(id.getTag("store")))
        .toList();
  }

  @Test
  void theStoreTagIsTheDirectoryByDefaultAndUniqueAmongOpenStores() {
    Path path = dir.resolve("s");
    try (StorageEngine first = registry.store(path).engine("tinyd").meterRegistry(meters).open()) {
      first.put(b("a"), b("1"));
      String tag = path.toAbsolutePath().normalize().toString();
      assertNotNull(meters.find(StoreStatisticsBinder.KEYS).tags("store", tag).gauge());
      StorageEngine second = builder("twin").open();
      try (StorageEngine third = builder("twin").open()) {
        third.put(b("a"), b("1"));
        assertNotNull(gauge(StoreStatisticsBinder.KEYS, "twin"));
        assertNotNull(gauge(StoreStatisticsBinder.KEYS, "twin#2"));
        closeIt(second);
        assertNull(gauge(StoreStatisticsBinder.KEYS, "twin"));
        assertNotNull(gauge(StoreStatisticsBinder.KEYS, "twin#2"), "the other store's stay");
      }
    }
    assertThrows(InvalidArgumentException.class, () -> builder(" "));
  }

  @Test
  void checksumFailuresAreCountedPerStore() {
    try (StorageEngine store = builder("damaged").open()) {
      TinyEngine engine = provider.last();
      engine.faultOp = "get";
      engine.faultMaker = () -> new CorruptionException("bad checksum in tiny.db at 12");
      assertThrows(CorruptionException.class, () -> store.get(b("k")));
      assertThrows(CorruptionException.class, () -> store.get(b("k")));
      engine.faultMaker = () -> new StorageIOException("disk went away");
      assertThrows(StorageIOException.class, () -> store.get(b("k")));
      assertEquals(2, counter(Meters.CHECKSUM_FAILURES, "damaged"));
      assertEquals(0, counter(Meters.FAIL_STOPS, "damaged"));
    }
  }

  @Test
  void aFailStopIsCountedOnceWhetherAnExceptionOrTheHealthSaysSo() {
    try (StorageEngine store = builder("failing").open()) {
      TinyEngine engine = provider.last();
      engine.faultOp = "put";
      engine.faultMaker = () -> new EngineFailedException("log write failed; store is read-only");
      assertThrows(EngineFailedException.class, () -> store.put(b("k"), b("v")));
      assertThrows(EngineFailedException.class, () -> store.put(b("k"), b("v")));
      store.health();
      assertEquals(1, counter(Meters.FAIL_STOPS, "failing"));
    }
    try (StorageEngine store = builder("unwell").open()) {
      assertEquals(0, counter(Meters.FAIL_STOPS, "unwell"));
      provider.last().health = new Health(Health.Status.FAILED, 0, List.of("fail-stopped"));
      store.health();
      store.health();
      assertEquals(1, counter(Meters.FAIL_STOPS, "unwell"));
    }
  }

  private double counter(String name, String store) {
    return meters.find(name).tags("engine", "tiny", "store", store).counter().count();
  }

  @Test
  void theStatisticsFileIsWrittenEveryIntervalAndRemovedAtClose() throws Exception {
    Path path = dir.resolve("published");
    Path file = path.resolve(StatisticsFile.FILE_NAME);
    try (StorageEngine store =
        registry
            .store(path)
            .engine("tinyd")
            .meterRegistry(meters)
            .storeName("published")
            .statisticsInterval(Duration.ZERO)
            .statisticsFile(Duration.ofMillis(10))
            .open()) {
      durable.last().details = Map.of("merge.count", 5L);
      store.put(b("a"), b("1"));
      store.put(b("b"), b("2"));
      String json = awaitFileWith(file, "\"approximateKeys\": 2");
      assertTrue(json.contains("\"format\": \"cairn-store-statistics\""), json);
      assertTrue(json.contains("\"version\": 1"), json);
      assertTrue(json.contains("\"engine\": \"tinyd\""), json);
      assertTrue(json.contains("\"store\": \"published\""), json);
      assertTrue(json.contains("\"pid\": " + ProcessHandle.current().pid()), json);
      assertTrue(json.contains("\"merge.count\": 5"), json);
      assertTrue(
          json.contains(
              "{\"name\": \"cairn.operation\", \"type\": \"timer\", \"tags\": {\"op\":"
                  + " \"put\", \"outcome\": \"success\"}, \"values\": {\"count\": 2,"),
          json);
    }
    assertFalse(Files.exists(file), "removed at close");
    assertEquals(List.of(), storeMeters("published"), "the application's registry keeps none");
    assertFalse(Files.exists(path.resolve(StatisticsFile.FILE_NAME + ".tmp")));
  }

  /** Reads {@code file} until it holds {@code text}; fails after a minute. */
  private static String awaitFileWith(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    String last = "(no file)";
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        try {
          last = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
          continue; // replaced between the check and the read
        }
        if (last.contains(text)) {
          return last;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no " + text + " in " + file + ":\n" + last);
  }

  @Test
  void aStatisticsFileIsRefusedWhereItCannotBeWritten() {
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class,
            () -> builder("mem").statisticsFile(Duration.ofSeconds(1)).open());
    assertTrue(e.getMessage().contains("needs a store directory"), e.getMessage());
    Path path = dir.resolve("ro");
    registry.store(path).engine("tinyd").meterRegistry(meters).open().close();
    e =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                registry
                    .store(path)
                    .readOnly(true)
                    .meterRegistry(meters)
                    .statisticsFile(Duration.ofSeconds(1))
                    .open());
    assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    assertThrows(
        InvalidArgumentException.class, () -> builder("x").statisticsFile(Duration.ofMillis(1)));
    assertThrows(
        InvalidArgumentException.class,
        () -> builder("x").statisticsInterval(Duration.ofSeconds(-1)));
    assertNotEquals(0, StoreBuilder.DEFAULT_STATISTICS_INTERVAL.toMillis());
  }
}
