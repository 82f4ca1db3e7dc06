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
 * @param keyspaces keyspace steps, and steps and batches in named keyspaces ({@link
 *     Capability#KEYSPACES})
 * @param conditional batches with preconditions ({@link Capability#CONDITIONAL_WRITES}, with
 *     batches)
 * @param rangeDeletes range deletes, alone and in batches ({@link Capability#RANGE_DELETES})
 */
public record Features(
    boolean ordered,
    boolean snapshots,
    boolean batches,
    boolean reopen,
    boolean keyspaces,
    boolean conditional,
    boolean rangeDeletes) {

  /** The features of SPI 1.0: none of keyspaces, conditional writes and range deletes. */
  public Features(boolean ordered, boolean snapshots, boolean batches, boolean reopen) {
    this(ordered, snapshots, batches, reopen, false, false, false);
  }

  /** The features an engine with {@code capabilities} supports. */
  public static Features of(Set<Capability> capabilities) {
    boolean batches = capabilities.contains(Capability.ATOMIC_BATCHES);
    return new Features(
        capabilities.contains(Capability.ORDERED_SCANS),
        capabilities.contains(Capability.SNAPSHOTS),
        batches,
        capabilities.contains(Capability.DURABLE),
        capabilities.contains(Capability.KEYSPACES),
        batches && capabilities.contains(Capability.CONDITIONAL_WRITES),
        batches
            && capabilities.contains(Capability.ORDERED_SCANS)
            && capabilities.contains(Capability.RANGE_DELETES));
  }

  /** The features both support. */
  public Features and(Features o) {
    return new Features(
        ordered && o.ordered,
        snapshots && o.snapshots,
        batches && o.batches,
        reopen && o.reopen,
        keyspaces && o.keyspaces,
        conditional && o.conditional,
        rangeDeletes && o.rangeDeletes);
  }

  /** Whether any step of SPI 1.1 may be generated. */
  boolean anyOf11() {
    return keyspaces || conditional || rangeDeletes;
  }
}
