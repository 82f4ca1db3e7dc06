package dev.cairn.runtime.shadow;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latencies in nanoseconds, in log-linear buckets: 16 per power of two, so a percentile read from
 * it is within about 6% of the true one. Fixed memory (64 × 16 counters); lock-free and
 * thread-safe. The runtime has no HdrHistogram; this is the small part of it the shadow needs.
 */
final class LatencyHistogram {

  private static final int SUB_BITS = 4;
  private static final int SUB = 1 << SUB_BITS;
  private static final int BUCKETS = 64 * SUB;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAdder total = new LongAdder();
  private final LongAdder count = new LongAdder();
  private volatile long max;

  void record(long nanos) {
    long v = Math.max(0, nanos);
    counts.incrementAndGet(index(v));
    total.add(v);
    count.increment();
    long m = max;
    while (v > m) {
      synchronized (this) {
        if (v > max) {
          max = v;
        }
        m = max;
      }
    }
  }

  static int index(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int exp = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
    int sub = (int) (v >>> (exp - SUB_BITS)) & (SUB - 1);
    return (exp - SUB_BITS + 1) * SUB + sub;
  }

  /** The largest value bucket {@code i} holds. */
  static long upper(int i) {
    if (i < SUB) {
      return i;
    }
    int exp = i / SUB + SUB_BITS - 1;
    long sub = i % SUB;
    long lower = (1L << exp) | (sub << (exp - SUB_BITS));
    return lower + (1L << (exp - SUB_BITS)) - 1;
  }

  long count() {
    return count.sum();
  }

  long totalNanos() {
    return total.sum();
  }

  long maxNanos() {
    return max;
  }

  /** The value at quantile {@code q} in [0, 1] (a bucket's upper bound), 0 when empty. */
  long quantile(double q) {
    long n = 0;
    long[] c = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      c[i] = counts.get(i);
      n += c[i];
    }
    if (n == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * n));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += c[i];
      if (seen >= rank) {
        return Math.min(upper(i), max);
      }
    }
    return max;
  }

  /** The figures of this histogram now. */
  ShadowReport.Latency snapshot() {
    long n = count();
    return new ShadowReport.Latency(
        n,
        n == 0 ? 0 : totalNanos() / n,
        quantile(0.5),
        quantile(0.99),
        quantile(0.999),
        maxNanos());
  }
}
