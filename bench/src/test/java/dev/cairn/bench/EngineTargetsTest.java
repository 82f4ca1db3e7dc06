package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real engines found on the module path, measured by a tiny run. */
class EngineTargetsTest {

  @TempDir Path tmp;

  @Test
  void anUnorderedDurableEngineSkipsScansReportsItsIndexAndIsReopened() {
    BenchConfig config =
        BenchConfig.builder()
            .targets(List.of("hash", "memory"))
            .workloads(List.of(Workload.READRANDOM, Workload.SEEKRANDOM))
            .records(400)
            .operations(100)
            .directory(tmp)
            .build();
    BenchReport r = new BenchRunner(config).run((phase, done, total) -> {});

    Set<String> ran =
        r.runs().stream().map(x -> x.workload() + "/" + x.target()).collect(Collectors.toSet());
    assertEquals(
        Set.of("readrandom/hash", "readrandom/memory", "seekrandom/memory"),
        ran,
        "hash declares no ORDERED_SCANS: no seekrandom for it");
    Map<String, LoadResult> loads =
        r.loads().stream().collect(Collectors.toMap(LoadResult::target, Function.identity()));
    LoadResult hash = loads.get("hash");
    assertTrue(
        hash.indexBytesPerKey() > 0 && hash.indexBytesPerKey() < 1e6,
        "index bytes per key from index.bytes: " + hash.indexBytesPerKey());
    assertTrue(hash.reopenNanos() > 0, "a durable engine's store is reopened and timed");
    assertEquals(400, hash.reopenKeys(), "the reopened store holds every loaded record");
    LoadResult memory = loads.get("memory");
    assertEquals(-1, memory.reopenNanos(), "a store in memory is not reopened");
    assertEquals(-1, memory.reopenKeys());

    String json = ResultJson.toJson(r);
    assertTrue(json.contains("\"reopenNanos\": " + hash.reopenNanos()), json);
    assertTrue(json.contains("\"reopenNanos\": null"), json);
    String table = ResultTable.format(r);
    assertTrue(table.contains("index/key") && table.contains("reopen"), table);
    assertTrue(
        r.targets().stream()
            .filter(t -> t.name().equals("hash"))
            .allMatch(t -> t.durability().contains("no ordered scans")),
        "the hash target says beside its durability why scans have no row");
  }

  @Test
  void aSyncputRunSaysHowManyForcesTheEngineReportedForItsMeasuredPutsAlone() {
    BenchConfig config =
        BenchConfig.builder()
            .targets(List.of("lsm"))
            .workloads(List.of(Workload.SYNCPUT))
            .records(100)
            .operations(100)
            .syncOperations(30)
            .warmupOperations(25)
            .directory(tmp)
            .build();
    BenchReport r = new BenchRunner(config).run((phase, done, total) -> {});

    RunResult run = r.runs().getFirst();
    String note = run.note();
    assertTrue(note != null && note.startsWith("the engine's forces (FSYNC events): "), note);
    long forces =
        Long.parseLong(
            note.substring("the engine's forces (FSYNC events): ".length()).split(",")[0]);
    assertTrue(
        forces >= 30 && forces < 55,
        "one writer's 30 SYNC puts need a force each; the 25 warm-up puts' are not counted: "
            + note);
    assertTrue(ResultTable.format(r).contains(note), "the table shows it beside the run");
  }

  @Test
  void rocksdbTakesTheRunsCacheSizeAndTheHashEngineSaysItHasNone() {
    BenchConfig config =
        BenchConfig.builder()
            .targets(List.of("rocksdb", "hash"))
            .workloads(List.of(Workload.READRANDOM))
            .records(300)
            .operations(100)
            .cacheBytes(24L << 20)
            .directory(tmp)
            .build();
    BenchReport r = new BenchRunner(config).run((phase, done, total) -> {});

    Map<String, TargetInfo> targets =
        r.targets().stream().collect(Collectors.toMap(TargetInfo::name, Function.identity()));
    assertEquals("cache.size = 24 MiB (the run's cache size)", targets.get("rocksdb").memory());
    assertTrue(
        targets.get("hash").memory().contains("no cache setting"), targets.get("hash").memory());
    LoadResult rocksdb =
        r.loads().stream().filter(l -> l.target().equals("rocksdb")).findFirst().orElseThrow();
    assertTrue(rocksdb.endMemoryBytes() > 0, "rocksdb reports its memory after the reads");
  }
}
