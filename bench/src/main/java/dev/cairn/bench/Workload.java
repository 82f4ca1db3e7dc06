package dev.cairn.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The workloads {@code cairn bench} runs: YCSB's core workloads A–F and db_bench-style ones.
 *
 * <p>{@link Kind#FRESH} workloads start from an empty store of their own; {@link Kind#LOADED} ones
 * run on the store loaded once per target with the configured record count, in the order of this
 * enum: read-only workloads first, then updates, inserts, and deletes last, so each finds the
 * records it expects (as YCSB runs A, B, C, F, D, E on one load).
 */
public enum Workload {
  FILLSEQ("fillseq", Kind.FRESH, "puts of every record in key order into an empty store"),
  FILLRANDOM("fillrandom", Kind.FRESH, "puts of uniformly random records into an empty store"),
  FILLBATCH(
      "fillbatch",
      Kind.FRESH,
      "fillseq in atomic batches of 1,000 puts; latency is per batch, throughput per put"),
  SYNCPUT("syncput", Kind.FRESH, "one writer, every put SYNC (fsync), into an empty store"),
  SYNCPUT_CONCURRENT(
      "syncput-concurrent",
      Kind.FRESH,
      "many writers, every put SYNC: shows group commit (writers share fsyncs)"),
  READZIPFIANLARGE(
      "readzipfianlarge",
      Kind.FRESH,
      "zipfian gets over values of mixed sizes, 2% of them large (1-64 KiB), in a store of its own"),
  READRANDOM("readrandom", Kind.LOADED, "gets of uniformly random loaded records (all found)"),
  READMISSING("readmissing", Kind.LOADED, "gets of keys never written (none found)"),
  SEEKRANDOM("seekrandom", Kind.LOADED, "a cursor seek to a uniformly random key, then 10 entries"),
  YCSB_C("ycsb-c", Kind.LOADED, "YCSB C: 100% reads, zipfian"),
  YCSB_B("ycsb-b", Kind.LOADED, "YCSB B: 95% reads, 5% updates, zipfian"),
  YCSB_A("ycsb-a", Kind.LOADED, "YCSB A: 50% reads, 50% updates, zipfian"),
  YCSB_F("ycsb-f", Kind.LOADED, "YCSB F: 50% reads, 50% read-modify-writes, zipfian"),
  READWHILEBURSTING(
      "readwhilebursting",
      Kind.LOADED,
      "gets at a fixed rate while a writer overwrites all out in bursts (1 s every 4 s)"),
  OVERWRITE("overwrite", Kind.LOADED, "puts over uniformly random loaded records"),
  READWHILECOMPACTING(
      "readwhilecompacting",
      Kind.LOADED,
      "an overwrite storm, then gets while the store's background work (merge, compaction) runs"),
  YCSB_D("ycsb-d", Kind.LOADED, "YCSB D: 95% reads, 5% inserts, latest"),
  YCSB_E("ycsb-e", Kind.LOADED, "YCSB E: 95% short scans (1-100 entries), 5% inserts, zipfian"),
  DELETERANDOM("deleterandom", Kind.LOADED, "deletes of uniformly random loaded records");

  /** Where a workload's store comes from. */
  public enum Kind {
    /** An empty store of its own, deleted after the run. */
    FRESH,
    /** The store loaded once per target and shared by every loaded workload. */
    LOADED
  }

  private final String id;
  private final Kind kind;
  private final String description;

  Workload(String id, Kind kind, String description) {
    this.id = id;
    this.kind = kind;
    this.description = description;
  }

  /** The name used on the command line and in results ({@code "ycsb-a"}). */
  public String id() {
    return id;
  }

  /** Where the workload's store comes from. */
  public Kind kind() {
    return kind;
  }

  /** One line on what the workload does. */
  public String description() {
    return description;
  }

  /** True for workloads that read ranges in key order: they need an ordered store. */
  public boolean scans() {
    return this == SEEKRANDOM || this == YCSB_E;
  }

  /** True for workloads whose every write is SYNC whatever the configured durability. */
  public boolean alwaysSync() {
    return this == SYNCPUT || this == SYNCPUT_CONCURRENT;
  }

  /**
   * True for the workloads about latency over time: they always record a {@linkplain Timeline
   * timeline} and report their reads in phases (during and between bursts, during and after
   * background work, small and large values).
   */
  public boolean tails() {
    return this == READWHILEBURSTING || this == READWHILECOMPACTING || this == READZIPFIANLARGE;
  }

  /**
   * True for the workloads that run an unmeasured warm-up first: the loaded ones but deleterandom
   * (it would delete what it then measures) and the tail workloads (a warm-up would be a burst or a
   * storm of its own); and the syncput ones, whose warm-up writes other keys into their fresh store
   * first, so that a few thousand fsyncs are not measured while the code that issues them is still
   * being compiled.
   */
  public boolean warmsUp() {
    return (kind == Kind.LOADED && this != DELETERANDOM && !tails())
        || this == SYNCPUT
        || this == SYNCPUT_CONCURRENT;
  }

  /**
   * The workload called {@code id} (case-insensitive).
   *
   * @throws IllegalArgumentException listing the known names when none matches
   */
  public static Workload byId(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    for (Workload w : values()) {
      if (w.id.equals(wanted)) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "unknown workload '" + id + "'; known: " + ids() + ", or 'all', 'ycsb', 'dbbench'");
  }

  /** Every workload name, comma-separated. */
  public static String ids() {
    return Arrays.stream(values()).map(Workload::id).collect(Collectors.joining(", "));
  }
}
