package dev.cairn.runtime.shadow;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * A shadow's counts, latencies and examples: the one place they are kept. The Micrometer meters are
 * views of them ({@link FunctionCounter}, {@link FunctionTimer}), so a report reads the same
 * figures whatever registry the application gave, the no-op global one included.
 *
 * <p>Thread-safe: counters are adders; the example lists are bounded and guarded by this object.
 */
final class ShadowFigures {

  private static final System.Logger LOG = System.getLogger("dev.cairn.runtime.shadow");

  final LongAdder writes = new LongAdder();
  final LongAdder writesMirrored = new LongAdder();
  final LongAdder writesDropped = new LongAdder();
  final LongAdder writesFailed = new LongAdder();
  final LongAdder readsSampled = new LongAdder();
  final LongAdder readsCompared = new LongAdder();
  final LongAdder readsSkipped = new LongAdder();
  final LongAdder readsDropped = new LongAdder();
  final LongAdder readsFailed = new LongAdder();
  final LongAdder mismatches = new LongAdder();
  final LongAdder candidateSlower = new LongAdder();
  final LatencyHistogram primaryReads = new LatencyHistogram();
  final LatencyHistogram candidateReads = new LatencyHistogram();
  final LatencyHistogram primaryWrites = new LatencyHistogram();
  final LatencyHistogram candidateWrites = new LatencyHistogram();

  private final String name;
  private final long slowerByNanos;
  private final List<ShadowReport.Mismatch> examples = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final List<Meter> meters = new ArrayList<>();

  ShadowFigures(String name, long slowerByNanos) {
    this.name = name;
    this.slowerByNanos = slowerByNanos;
  }

  /** Registers the meters (docs/shadow.md lists them); {@link #unbind} removes them. */
  void bind(MeterRegistry registry, Tags tags, Mirror mirror) {
    counter(registry, "cairn.shadow.writes", tags.and("outcome", "mirrored"), writesMirrored);
    counter(registry, "cairn.shadow.writes", tags.and("outcome", "dropped"), writesDropped);
    counter(registry, "cairn.shadow.writes", tags.and("outcome", "failed"), writesFailed);
    counter(registry, "cairn.shadow.reads", tags.and("outcome", "match"), null);
    counter(registry, "cairn.shadow.reads", tags.and("outcome", "mismatch"), mismatches);
    counter(registry, "cairn.shadow.reads", tags.and("outcome", "skipped"), readsSkipped);
    counter(registry, "cairn.shadow.reads", tags.and("outcome", "dropped"), readsDropped);
    counter(registry, "cairn.shadow.reads", tags.and("outcome", "failed"), readsFailed);
    counter(registry, "cairn.shadow.slower", tags, candidateSlower);
    timer(registry, tags.and("side", "primary", "op", "read"), primaryReads);
    timer(registry, tags.and("side", "candidate", "op", "read"), candidateReads);
    timer(registry, tags.and("side", "primary", "op", "write"), primaryWrites);
    timer(registry, tags.and("side", "candidate", "op", "write"), candidateWrites);
    meters.add(
        Gauge.builder("cairn.shadow.queue", mirror, Mirror::queued)
            .tags(tags)
            .description("tasks waiting for the candidate")
            .register(registry));
  }

  private void counter(MeterRegistry registry, String meter, Tags tags, LongAdder adder) {
    ToDoubleFunction<ShadowFigures> f =
        adder == null ? ShadowFigures::matches : x -> (double) adder.sum();
    meters.add(FunctionCounter.builder(meter, this, f).tags(tags).register(registry));
  }

  private void timer(MeterRegistry registry, Tags tags, LatencyHistogram h) {
    meters.add(
        FunctionTimer.builder(
                "cairn.shadow.latency",
                h,
                LatencyHistogram::count,
                x -> (double) x.totalNanos(),
                TimeUnit.NANOSECONDS)
            .tags(tags)
            .register(registry));
  }

  void unbind(MeterRegistry registry) {
    meters.forEach(registry::remove);
    meters.clear();
  }

  private double matches() {
    return readsCompared.sum() - mismatches.sum();
  }

  /** Counts and logs a mismatch, keeping it as an example while there are few. */
  void mismatch(
      String keyspace, byte[] key, ShadowReport.Kind kind, byte[] primary, byte[] candidate) {
    mismatches.increment();
    long n = mismatches.sum();
    ShadowReport.Mismatch m =
        new ShadowReport.Mismatch(
            keyspace,
            keyHex(key),
            key.length,
            kind,
            primary == null ? -1 : primary.length,
            candidate == null ? -1 : candidate.length,
            Instant.now());
    synchronized (this) {
      if (examples.size() < ShadowEngine.MAX_EXAMPLES) {
        examples.add(m);
      }
    }
    // NB: every one of the first few, then at powers of two: a broken candidate must not flood
    // the log
    if (n <= ShadowEngine.MAX_EXAMPLES || Long.bitCount(n) == 1) {
      LOG.log(
          System.Logger.Level.WARNING,
          "shadow {0}: mismatch #{1} on key {2} ({3} bytes): {4}, primary value {5}, candidate {6}",
          name,
          n,
          m.keyHex(),
          m.keyLength(),
          kind,
          describe(m.primaryLength()),
          describe(m.candidateLength()));
    }
  }

  private static String describe(int length) {
    return length < 0 ? "absent" : length + " bytes";
  }

  /** Notes a failure of the candidate; the first few are kept and logged with their stack. */
  void failure(String what, Throwable t) {
    boolean first;
    synchronized (this) {
      first = failures.size() < ShadowEngine.MAX_EXAMPLES;
      if (first) {
        failures.add(what + ": " + t);
      }
    }
    if (first) {
      LOG.log(System.Logger.Level.WARNING, "shadow " + name + ": the candidate failed " + what, t);
    }
  }

  /** Times one operation pair; counts it when the candidate was slower by more than the margin. */
  void compareLatency(long primaryNanos, long candidateNanos) {
    if (candidateNanos - primaryNanos > slowerByNanos) {
      candidateSlower.increment();
    }
  }

  static String keyHex(byte[] key) {
    int n = Math.min(key.length, ShadowEngine.KEY_HEX_BYTES);
    String hex = HexFormat.of().formatHex(key, 0, n);
    return key.length > n ? hex + "..." : hex;
  }

  synchronized List<ShadowReport.Mismatch> examples() {
    return List.copyOf(examples);
  }

  synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  long slowerByNanos() {
    return slowerByNanos;
  }
}
