package dev.cairn.bench;

/**
 * Loading the shared store of one target.
 *
 * @param target the engine or peer
 * @param records records written
 * @param durationNanos wall time of the load, including the final flush
 * @param opsPerSecond records per second
 * @param diskBytes bytes on disk after the load and a flush; 0 in memory, -1 unknown
 * @param spaceAmplification disk bytes over logical bytes (records × (key + value)); NaN when the
 *     store is in memory or its size unknown
 * @param memoryBytes memory the store reports holding after the load, -1 unknown
 */
public record LoadResult(
    String target,
    long records,
    long durationNanos,
    double opsPerSecond,
    long diskBytes,
    double spaceAmplification,
    long memoryBytes) {}
