package dev.cairn.spi;

import java.util.Map;
import java.util.TreeMap;

/**
 * A point-in-time description of an engine's size and work, for monitoring and tooling.
 *
 * <p>Figures are approximate unless an engine documents otherwise; {@code -1} means unknown.
 *
 * <p>Details named by the constants of this record mean the same on every engine that reports them
 * (SPI 1.1; {@code docs/spi-contract.md}, "Statistics"); an engine reports those it can know and
 * leaves the others out. Any other detail is the engine's own, documented by it.
 *
 * @param approximateKeys live keys, approximately
 * @param diskBytes bytes the store occupies on disk (0 for an in-memory engine)
 * @param memoryBytes bytes of memory the engine holds for the store, heap and off-heap
 * @param details engine-specific counters by dotted name (for example {@code "merge.count"}),
 *     sorted
 */
public record EngineStatistics(
    long approximateKeys, long diskBytes, long memoryBytes, Map<String, Long> details) {

  /**
   * Snapshots (and snapshot-backed cursors) open now.
   *
   * @since 1.1
   */
  public static final String SNAPSHOTS_OPEN = "snapshots.open";

  /**
   * Age of the oldest open snapshot in milliseconds, 0 when none is open.
   *
   * @since 1.1
   */
  public static final String SNAPSHOTS_OLDEST_AGE_MS = "snapshots.oldest.age.ms";

  /**
   * Bytes that background work (merges, compactions, flushes) has yet to process, as the engine
   * estimates it.
   *
   * @since 1.1
   */
  public static final String BACKGROUND_PENDING_BYTES = "background.pending.bytes";

  /**
   * Background errors seen since the store opened (as {@link Health#backgroundErrors()}).
   *
   * @since 1.1
   */
  public static final String BACKGROUND_ERRORS = "background.errors";

  /**
   * Times writers were stalled or slowed by the engine since the store opened.
   *
   * @since 1.1
   */
  public static final String STALLS = "stalls";

  /**
   * Capacity of the engine's cache in bytes, as set by the standard {@link
   * EngineSetting#CACHE_SIZE} setting.
   *
   * @since 1.1
   */
  public static final String CACHE_CAPACITY_BYTES = "cache.capacity.bytes";

  /** Copies {@code details} into an unmodifiable sorted map. */
  public EngineStatistics {
    details =
        details == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(details));
  }
}
