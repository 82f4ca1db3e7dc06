package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An undeclared capability is refused with {@link UnsupportedCapabilityException} and changes
 * nothing. (A declared capability is verified by the group that covers it.) Each test runs only
 * when the engine lacks the capability.
 */
abstract class CapabilityTests extends ConformanceGroup {

  @Test
  @Tag("refuses:ATOMIC_BATCHES")
  void withoutAtomicBatchesAWriteIsRefused() {
    requiresLack(Capability.ATOMIC_BATCHES);
    StorageEngine e = open();
    assertThrows(
        UnsupportedCapabilityException.class, () -> e.write(new WriteBatch().put(b("a"), b("1"))));
    assertNull(e.get(b("a")), "a refused batch was applied");
  }

  @Test
  @Tag("refuses:SNAPSHOTS")
  void withoutSnapshotsASnapshotIsRefused() {
    requiresLack(Capability.SNAPSHOTS);
    StorageEngine e = open();
    assertThrows(UnsupportedCapabilityException.class, e::snapshot);
  }

  @Test
  @Tag("refuses:CHECKPOINTS")
  void withoutCheckpointsACheckpointIsRefused() {
    requiresLack(Capability.CHECKPOINTS);
    StorageEngine e = open();
    assertThrows(
        UnsupportedCapabilityException.class, () -> e.checkpoint(temp.resolve("checkpoint")));
  }

  @Test
  @Tag("refuses:ORDERED_SCANS")
  void withoutOrderedScansOnlyAForwardFullScanIsOffered() {
    requiresLack(Capability.ORDERED_SCANS);
    StorageEngine e = open();
    e.put(b("a"), b("1"));
    e.put(b("b"), b("2"));
    assertThrows(
        UnsupportedCapabilityException.class,
        () -> e.cursor(KeyRange.all(), Direction.REVERSE).close());
    assertThrows(
        UnsupportedCapabilityException.class,
        () -> e.cursor(KeyRange.atLeast(b("a")), Direction.FORWARD).close());
    try (Cursor c = e.cursor()) {
      assertThrows(UnsupportedCapabilityException.class, () -> c.seek(b("a")));
    }
    assertEquals(
        List.of(new Scans.Entry(b("a"), b("1")), new Scans.Entry(b("b"), b("2"))),
        Scans.allSorted(e));
  }
}
