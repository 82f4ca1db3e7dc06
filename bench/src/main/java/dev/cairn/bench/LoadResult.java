package dev.cairn.bench;

/**
 * Loading the shared store of one target.
 *
 * @param target the engine or peer
 * @param round the round it was loaded in, from 1 (see {@link BenchConfig#repeat})
 * @param records records written
 * @param durationNanos wall time of the load, including the final flush
 * @param opsPerSecond records per second
 * @param diskBytes bytes on disk after the load and a flush; 0 in memory, -1 unknown
 * @param spaceAmplification disk bytes over logical bytes (records × (key + value)); NaN when the
 *     store is in memory or its size unknown
 * @param memoryBytes memory the store reports holding after the load, -1 unknown
 * @param indexBytesPerKey bytes of the store's index per key after the load, as the store reports
 *     it (a Cairn engine's statistics detail {@code index.bytes}); NaN if it reports none
 * @param reopenNanos wall time of opening the loaded store again after every workload ran on it and
 *     it was closed (durable stores only), -1 if not measured
 * @param reopenKeys keys the reopened store reports, -1 if not measured
 * @param endMemoryBytes memory the store reports holding after the last workload ran on it (its
 *     cache filled by the reads), -1 unknown or not measured
 */
public record LoadResult(
    String target,
    int round,
    long records,
    long durationNanos,
    double opsPerSecond,
    long diskBytes,
    double spaceAmplification,
    long memoryBytes,
    double indexBytesPerKey,
    long reopenNanos,
    long reopenKeys,
    long endMemoryBytes) {

  /** This load with the time and key count of reopening its store. */
  LoadResult withReopen(long nanos, long keys) {
    return new LoadResult(
        target,
        round,
        records,
        durationNanos,
        opsPerSecond,
        diskBytes,
        spaceAmplification,
        memoryBytes,
        indexBytesPerKey,
        nanos,
        keys,
        endMemoryBytes);
  }

  /** This load with the memory its store reports after the last workload. */
  LoadResult withEndMemory(long bytes) {
    return new LoadResult(
        target,
        round,
        records,
        durationNanos,
        opsPerSecond,
        diskBytes,
        spaceAmplification,
        memoryBytes,
        indexBytesPerKey,
        reopenNanos,
        reopenKeys,
        bytes);
  }
}
