package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.bench.store.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BenchRunner#stop}: what a shutdown hook calls when Ctrl-C interrupts a run. */
class StopTest {

  @TempDir Path tmp;

  private static BenchConfig config(Path dir) {
    return BenchConfig.builder()
        .targets(List.of("a", "b"))
        .workloads(List.of(Workload.FILLSEQ, Workload.READRANDOM, Workload.YCSB_A))
        .records(500)
        // NB: enough operations that readrandom cannot finish before the stop reaches it.
        .operations(2_000_000_000L)
        .warmupOperations(0)
        .directory(dir)
        .build();
  }

  @Test
  void stopEndsTheRunReportsWhatFinishedAndDeletesOnlyTheStoresItCreated() throws Exception {
    Path dir = tmp.resolve("mine");
    Files.createDirectories(dir);
    Path users = Files.writeString(dir.resolve("keep.txt"), "not the bench's");
    Targets targets = Targets.of(List.of(), List.of(MapStore.target("a"), MapStore.target("b")));
    BenchRunner runner = new BenchRunner(config(dir), targets);
    CountDownLatch reading = new CountDownLatch(1);
    CompletableFuture<BenchReport> run =
        CompletableFuture.supplyAsync(
            () ->
                runner.run(
                    (phase, done, total) -> {
                      if (phase.startsWith("readrandom")) {
                        reading.countDown();
                      }
                    }));
    assertTrue(reading.await(60, TimeUnit.SECONDS), "the run reaches readrandom");
    Path stores = runner.directory();
    assertNotNull(stores);
    assertTrue(Files.isDirectory(stores), "the run keeps its stores in " + stores);

    BenchReport partial = runner.stop(Duration.ofSeconds(30));
    BenchReport returned = run.get(30, TimeUnit.SECONDS);

    for (BenchReport r : List.of(partial, returned)) {
      assertTrue(r.interrupted());
      assertEquals(List.of("fillseq", "readrandom", "ycsb-a"), r.workloads());
      assertEquals(
          List.of(Cell.Status.MEASURED, Cell.Status.MEASURED),
          r.cells().subList(0, 2).stream().map(Cell::status).toList(),
          "fillseq finished on both targets");
      assertEquals(
          List.of(Cell.Status.NOT_RUN, Cell.Status.NOT_RUN),
          r.cells().subList(4, 6).stream().map(Cell::status).toList(),
          "ycsb-a never started");
      assertEquals(
          List.of("a -1", "b -1"),
          r.loads().stream().map(l -> l.target() + " " + l.reopenNanos()).toList(),
          "the loads that finished are reported, without the reopen that never came");
    }
    String table = ResultTable.format(partial);
    assertTrue(table.startsWith("INTERRUPTED after "), table);
    assertTrue(table.contains("not run (interrupted)"), table);
    assertFalse(Files.exists(stores), "the run's stores are deleted");
    assertEquals(List.of(users), Files.list(dir).toList(), "the user's directory keeps its file");
  }

  @Test
  void aDirectoryTheRunCreatedIsRemovedWithItsStores() {
    Path dir = tmp.resolve("new/sub");
    Targets targets = Targets.of(List.of(), List.of(MapStore.target("a"), MapStore.target("b")));
    BenchConfig config =
        BenchConfig.builder()
            .targets(List.of("a"))
            .workloads(List.of(Workload.FILLSEQ))
            .records(50)
            .directory(dir)
            .build();
    BenchReport r = new BenchRunner(config, targets).run(ProgressListener.NONE);
    assertFalse(r.interrupted());
    assertFalse(Files.exists(tmp.resolve("new")), "both levels the run created are gone");
  }

  @Test
  void stopBeforeOrAfterTheRunDoesNotWait() {
    Targets targets = Targets.of(List.of(), List.of(MapStore.target("a"), MapStore.target("b")));
    BenchConfig config =
        BenchConfig.builder()
            .targets(List.of("a"))
            .workloads(List.of(Workload.FILLSEQ))
            .records(50)
            .directory(tmp)
            .build();
    BenchRunner done = new BenchRunner(config, targets);
    BenchReport r = done.run(ProgressListener.NONE);
    assertFalse(r.interrupted());
    BenchReport again = done.stop(Duration.ofDays(1));
    assertFalse(again.interrupted(), "a run that finished was not interrupted");
    assertEquals(r.runs(), again.runs());

    BenchReport never = new BenchRunner(config, targets).stop(Duration.ofDays(1));
    assertTrue(never.interrupted());
    assertTrue(never.runs().isEmpty());
  }
}
