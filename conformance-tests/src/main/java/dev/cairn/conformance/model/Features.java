package dev.cairn.conformance.model;

import dev.cairn.spi.Capability;
import java.util.Set;

/**
 * Which kinds of step a sequence may hold, from the capabilities of the engines that will run it.
 *
 * @param ordered ranges, reverse scans and seeks ({@link Capability#ORDERED_SCANS})
 * @param snapshots snapshot steps ({@link Capability#SNAPSHOTS})
 * @param batches batch steps ({@link Capability#ATOMIC_BATCHES})
 * @param reopen reopen steps ({@link Capability#DURABLE})
 */
public record Features(boolean ordered, boolean snapshots, boolean batches, boolean reopen) {

  /** The features an engine with {@code capabilities} supports. */
  public static Features of(Set<Capability> capabilities) {
    return new Features(
        capabilities.contains(Capability.ORDERED_SCANS),
        capabilities.contains(Capability.SNAPSHOTS),
        capabilities.contains(Capability.ATOMIC_BATCHES),
        capabilities.contains(Capability.DURABLE));
  }

  /** The features both support. */
  public Features and(Features o) {
    return new Features(
        ordered && o.ordered, snapshots && o.snapshots, batches && o.batches, reopen && o.reopen);
  }
}
