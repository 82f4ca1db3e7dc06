package dev.cairn.runtime.shadow;

import java.time.Instant;
import java.util.List;

/**
 * What a shadow has seen so far: how many writes it mirrored, dropped or saw fail on the candidate,
 * how many sampled reads it compared and how many differed, examples of the differences, and the
 * latencies of both stores. Immutable; {@link ShadowEngine#report()} takes one.
 *
 * @param name the shadow's name (its meters' {@code shadow} tag)
 * @param primary what the primary is ({@code "hash"}), as the shadow was told
 * @param candidate what the candidate is ({@code "lsm"})
 * @param started when the shadow began
 * @param taken when this report was taken
 * @param sampleRate the fraction of reads compared
 * @param writes writes the primary acknowledged (each batch one write)
 * @param writesMirrored writes the candidate applied
 * @param writesDropped writes not mirrored because the queue was full or the shadow was closing:
 *     the keys they touched are no longer compared until written again
 * @param writesFailed writes the candidate threw on (counted, never seen by the caller)
 * @param readsSampled reads chosen for comparison
 * @param readsCompared sampled reads compared with the candidate
 * @param readsSkipped sampled reads not compared because a write to their key ran beside them, or
 *     their key is uncertain in the candidate (a race or a dropped write)
 * @param readsDropped sampled reads not compared because the queue was full
 * @param readsFailed comparisons in which the candidate threw
 * @param mismatches compared reads where the candidate's value differed from the primary's
 * @param candidateSlower compared operations where the candidate took longer than the primary by
 *     more than {@link #slowerBy}
 * @param slowerByNanos the margin of {@link #candidateSlower}
 * @param queued tasks waiting in the mirror's queue now
 * @param queueCapacity the queue's bound
 * @param mirrorState {@code "running"}, {@code "stopped"} or {@code "failed: ..."}
 * @param examples the first mismatches seen (at most {@link ShadowEngine#MAX_EXAMPLES})
 * @param failures the first candidate failures seen, one line each (at most {@link
 *     ShadowEngine#MAX_EXAMPLES})
 * @param primaryReads latency of the primary's sampled reads
 * @param candidateReads latency of the candidate's reads of the same keys
 * @param primaryWrites latency of the primary's writes
 * @param candidateWrites latency of the candidate's mirrored writes
 * @since 1.2
 */
public record ShadowReport(
    String name,
    String primary,
    String candidate,
    Instant started,
    Instant taken,
    double sampleRate,
    long writes,
    long writesMirrored,
    long writesDropped,
    long writesFailed,
    long readsSampled,
    long readsCompared,
    long readsSkipped,
    long readsDropped,
    long readsFailed,
    long mismatches,
    long candidateSlower,
    long slowerByNanos,
    int queued,
    int queueCapacity,
    String mirrorState,
    List<Mismatch> examples,
    List<String> failures,
    Latency primaryReads,
    Latency candidateReads,
    Latency primaryWrites,
    Latency candidateWrites) {

  /** Copies the lists. */
  public ShadowReport {
    examples = List.copyOf(examples);
    failures = List.copyOf(failures);
  }

  /** Duration of {@link #slowerByNanos}, for reading. */
  public java.time.Duration slowerBy() {
    return java.time.Duration.ofNanos(slowerByNanos);
  }

  /**
   * One read where the stores disagreed. Values are not kept, only their sizes.
   *
   * @param keyspace the keyspace read ({@code "default"} for the store's own reads)
   * @param keyHex the key in hex, its first {@value ShadowEngine#KEY_HEX_BYTES} bytes, with {@code
   *     "..."} when longer
   * @param keyLength the key's length
   * @param kind what differed
   * @param primaryLength the primary's value's length, -1 when absent
   * @param candidateLength the candidate's value's length, -1 when absent
   * @param at when it was seen
   * @since 1.2
   */
  public record Mismatch(
      String keyspace,
      String keyHex,
      int keyLength,
      Kind kind,
      int primaryLength,
      int candidateLength,
      Instant at) {}

  /**
   * How two values of one key differed.
   *
   * @since 1.2
   */
  public enum Kind {
    /** The primary has the key, the candidate does not. */
    MISSING,
    /** The candidate has a key the primary does not. */
    EXTRA,
    /** Both have it, with different values. */
    DIFFERENT
  }

  /**
   * Latency figures in nanoseconds (within about 6%: log-linear buckets).
   *
   * @param count operations measured
   * @param meanNanos mean
   * @param p50Nanos median
   * @param p99Nanos 99th percentile
   * @param p999Nanos 99.9th percentile
   * @param maxNanos the largest
   * @since 1.2
   */
  public record Latency(
      long count, long meanNanos, long p50Nanos, long p99Nanos, long p999Nanos, long maxNanos) {}
}
