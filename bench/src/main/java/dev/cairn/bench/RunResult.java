package dev.cairn.bench;

/**
 * The figures of one workload on one target. Latencies are in nanoseconds, measured per operation
 * (per batch for fillbatch) with HdrHistogram at three significant digits.
 *
 * @param workload the workload's id
 * @param target the engine or peer
 * @param round the round it was measured in, from 1 (see {@link BenchConfig#repeat})
 * @param threads client threads
 * @param operations measured operations (puts, for fillbatch)
 * @param durationNanos wall time of the measured phase
 * @param opsPerSecond throughput
 * @param meanNanos mean latency
 * @param p50Nanos median latency
 * @param p99Nanos 99th percentile
 * @param p999Nanos 99.9th percentile
 * @param maxNanos the largest latency
 * @param found reads that found a value, -1 when the workload does not read
 * @param diskBytes bytes on disk after a fresh workload, -1 for loaded ones
 */
public record RunResult(
    String workload,
    String target,
    int round,
    int threads,
    long operations,
    long durationNanos,
    double opsPerSecond,
    double meanNanos,
    long p50Nanos,
    long p99Nanos,
    long p999Nanos,
    long maxNanos,
    long found,
    long diskBytes) {}
