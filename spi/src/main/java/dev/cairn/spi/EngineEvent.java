package dev.cairn.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * Slow or risky work an engine did: an fsync, a log roll, a flush, a compaction or merge, a write
 * stall, a checkpoint, a recovery. An engine reports each to the {@link EngineEventListener} its
 * {@link EngineOptions#eventListener() options} carry, after the work ends (failed or not); the
 * runtime turns them into JDK Flight Recorder events and forwards those over its threshold to a
 * listener of the application's.
 *
 * @param kind what kind of work
 * @param duration how long it took
 * @param bytes the bytes it wrote (read, for a recovery), or -1 when that means nothing for it
 * @param detail one line for people: which file or level, why ("memtable full"), how it ended
 * @param requestId the request that caused it, when one did ({@link RequestContext#current()} on
 *     the thread that did the work: engines bind the causing request's context there)
 * @since 1.2
 */
public record EngineEvent(
    Kind kind, Duration duration, long bytes, String detail, Optional<String> requestId) {

  /**
   * Kinds of engine work reported as events.
   *
   * @since 1.2
   */
  public enum Kind {
    /** A forced write of a log or data file. */
    FSYNC,
    /** A log or data file was closed and a new one started. */
    ROLL,
    /** A memtable or buffer written out as a file. */
    FLUSH,
    /** Files merged into new ones: an LSM compaction, a hash engine's merge. */
    COMPACTION,
    /** Writes waited for background work, or were refused as busy. */
    STALL,
    /** A checkpoint was written. */
    CHECKPOINT,
    /** The store was recovered at open. */
    RECOVERY
  }

  /**
   * @throws InvalidArgumentException if a component is null or {@code duration} is negative
   */
  public EngineEvent {
    if (kind == null || duration == null || detail == null || requestId == null) {
      throw new InvalidArgumentException("an engine event's components must not be null");
    }
    if (duration.isNegative()) {
      throw new InvalidArgumentException("an engine event's duration is negative: " + duration);
    }
  }

  /**
   * An event of work that took {@code nanos}, caused by the request current on this thread (if
   * any).
   */
  public static EngineEvent of(Kind kind, long nanos, long bytes, String detail) {
    RequestContext c = RequestContext.currentOrNull();
    return new EngineEvent(
        kind,
        Duration.ofNanos(Math.max(0, nanos)),
        bytes,
        detail,
        c == null ? Optional.empty() : Optional.of(c.requestId()));
  }
}
