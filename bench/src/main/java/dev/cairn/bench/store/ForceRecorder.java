package dev.cairn.bench.store;

import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The forces a Cairn engine reports ({@link EngineEvent.Kind#FSYNC} events) while a workload runs:
 * how many, and how long they took, beside the puts' latency, so that a slow put's tail can be told
 * apart from a slow force (syncput, syncput-concurrent). Events come on the engine's threads; the
 * recorder is wait-free. Thread-safe.
 */
public final class ForceRecorder implements EngineEventListener {

  /** A force at least this long is counted as slow. */
  static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

  private final Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);

  @Override
  public void onEvent(EngineEvent event) {
    if (event.kind() == EngineEvent.Kind.FSYNC) {
      recorder.recordValue(
          Math.min(Math.max(1, event.duration().toNanos()), TimeUnit.SECONDS.toNanos(60)));
    }
  }

  /** Forgets the forces recorded so far: the next {@link #summary} covers those after this call. */
  public void reset() {
    recorder.getIntervalHistogram();
  }

  /**
   * One line on the forces since the last {@link #reset}: their count, per operation, and their
   * latency.
   *
   * @param operations the measured operations they served
   */
  public String summary(long operations) {
    Histogram h = recorder.getIntervalHistogram();
    long n = h.getTotalCount();
    if (n == 0) {
      return "the engine reported no force";
    }
    long slow = h.getCountBetweenValues(SLOW_NANOS, h.getHighestTrackableValue());
    return String.format(
        Locale.ROOT,
        "the engine's forces (FSYNC events): %d, %.2f a put; p50 %s, p99 %s, p99.9 %s, max %s;"
            + " %d of %d ms or more",
        n,
        operations == 0 ? 0.0 : (double) n / operations,
        micros(h.getValueAtPercentile(50)),
        micros(h.getValueAtPercentile(99)),
        micros(h.getValueAtPercentile(99.9)),
        micros(h.getMaxValue()),
        slow,
        SLOW_NANOS / 1_000_000);
  }

  private static String micros(long nanos) {
    return nanos >= 1_000_000
        ? String.format(Locale.ROOT, "%.1f ms", nanos / 1e6)
        : String.format(Locale.ROOT, "%d µs", Math.round(nanos / 1e3));
  }
}
