package dev.cairn.spi;

import java.util.Map;
import java.util.TreeMap;

/**
 * A point-in-time description of an engine's size and work, for monitoring and tooling.
 *
 * <p>Figures are approximate unless an engine documents otherwise; {@code -1} means unknown.
 *
 * @param approximateKeys live keys, approximately
 * @param diskBytes bytes the store occupies on disk (0 for an in-memory engine)
 * @param memoryBytes bytes of memory the engine holds for the store, heap and off-heap
 * @param details engine-specific counters by dotted name (for example {@code "merge.count"}),
 *     sorted
 */
public record EngineStatistics(
    long approximateKeys, long diskBytes, long memoryBytes, Map<String, Long> details) {

  /** Copies {@code details} into an unmodifiable sorted map. */
  public EngineStatistics {
    details =
        details == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(details));
  }
}
