package dev.cairn.runtime.migrate;

import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.transfer.TransferProgress;
import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** The steps offline and online migrations share: preparing, recording, verifying. */
final class Steps {

  /** At most this many mismatched ranges are named in a message. */
  static final int MISMATCHES_NAMED = 10;

  private Steps() {}

  /** The source's keyspaces, sorted: the order they are copied in and the progress file counts. */
  static List<String> keyspaces(StorageEngine source) {
    return source.keyspaces().stream().sorted().toList();
  }

  /**
   * Refuses a target that cannot take the source's keyspaces, or that holds entries no progress
   * file accounts for; creates the keyspaces it lacks.
   */
  static void prepareTarget(
      StorageEngine target, EngineInfo targetInfo, List<String> names, boolean resuming) {
    boolean others = names.stream().anyMatch(n -> !n.equals(Keyspace.DEFAULT));
    if (others && !targetInfo.has(Capability.KEYSPACES)) {
      throw new UnsupportedCapabilityException(
          "the source has keyspaces "
              + names
              + ", and engine '"
              + targetInfo.name()
              + "' has no "
              + Capability.KEYSPACES
              + "; migrate to an engine with keyspaces");
    }
    List<String> present = target.keyspaces();
    if (!resuming) {
      List<String> notEmpty = new ArrayList<>();
      for (String name : names) {
        if (present.contains(name)) {
          try (Cursor c = Copier.view(target, name).cursor()) {
            if (c.next()) {
              notEmpty.add(name);
            }
          }
        }
      }
      if (!notEmpty.isEmpty()) {
        throw new InvalidArgumentException(
            "the target's keyspaces "
                + notEmpty
                + " already hold entries, and no migration progress file says a migration put"
                + " them there; migrate into a new store");
      }
    }
    for (String name : names) {
      if (!present.contains(name)) {
        target.createKeyspace(name);
      }
    }
  }

  /**
   * The record to continue from, or null to start afresh: {@code file}'s, checked against this
   * migration.
   */
  static ProgressFile existing(
      Path file, ProgressFile.Mode mode, EngineInfo source, EngineInfo target) {
    if (file == null) {
      return null;
    }
    ProgressFile p = ProgressFile.read(file);
    if (p == null) {
      return null;
    }
    if (!p.sourceEngine().equals(source.name()) || !p.targetEngine().equals(target.name())) {
      throw new InvalidArgumentException(
          file
              + " records a migration from '"
              + p.sourceEngine()
              + "' to '"
              + p.targetEngine()
              + "', not from '"
              + source.name()
              + "' to '"
              + target.name()
              + "'; migrate into a new store, or remove the target to start again");
    }
    if (p.mode() != mode) {
      throw new InvalidArgumentException(
          file
              + " records an "
              + p.mode().name().toLowerCase(java.util.Locale.ROOT)
              + " migration; continue it as one, or remove the target to start again");
    }
    if (p.mode() == ProgressFile.Mode.ONLINE && p.state() == ProgressFile.State.COMPLETE) {
      throw new InvalidStateException(
          file + " records an online migration that cut over: the target is the store to use");
    }
    return p;
  }

  /** What the source's statistics estimate; -1 when they cannot say. */
  static long expectedEntries(StorageEngine store, List<String> names) {
    try {
      long n = 0;
      for (String name : names) {
        n +=
            name.equals(Keyspace.DEFAULT)
                ? store.statistics().approximateKeys()
                : store.keyspace(name).statistics().approximateKeys();
      }
      return n;
    } catch (ClosedHandleException e) {
      throw e;
    } catch (StorageException | UnsupportedOperationException e) {
      return -1; // an estimate only
    }
  }

  /** Totals of one verification. */
  record Verified(long ranges, long entries, List<RangeChecksums.Mismatch> mismatches) {}

  /** Compares every keyspace of the two sides, range by range. */
  static Verified verify(
      List<String> names,
      Function<String, ReadView> source,
      Function<String, ReadView> target,
      boolean ordered,
      int rangeEntries,
      int buckets,
      Consumer<MigrationProgress> progress,
      long expected) {
    long ranges = 0;
    long entries = 0;
    List<RangeChecksums.Mismatch> mismatches = new ArrayList<>();
    for (String name : names) {
      long before = entries;
      RangeChecksums.Result r =
          RangeChecksums.compare(
              name,
              source.apply(name),
              target.apply(name),
              ordered,
              rangeEntries,
              buckets,
              n -> {
                if ((n & 0xFFFF) == 0) {
                  progress.accept(
                      new MigrationProgress(
                          MigrationProgress.Phase.VERIFYING,
                          new TransferProgress(name, before + n, 0, expected, -1)));
                }
              });
      ranges += r.ranges();
      entries += r.entries();
      mismatches.addAll(r.mismatches());
      progress.accept(
          new MigrationProgress(
              MigrationProgress.Phase.VERIFYING,
              new TransferProgress(name, entries, 0, expected, -1)));
    }
    return new Verified(ranges, entries, mismatches);
  }

  /** The exception for a verification that found differences, naming the first ranges. */
  static CorruptionException mismatch(List<RangeChecksums.Mismatch> mismatches, String where) {
    StringBuilder b =
        new StringBuilder("verification failed: ")
            .append(mismatches.size())
            .append(mismatches.size() == 1 ? " range differs" : " ranges differ")
            .append(" between source and target; ")
            .append(where)
            .append(':');
    for (int i = 0; i < Math.min(MISMATCHES_NAMED, mismatches.size()); i++) {
      b.append("\n  ").append(mismatches.get(i));
    }
    if (mismatches.size() > MISMATCHES_NAMED) {
      b.append("\n  and ").append(mismatches.size() - MISMATCHES_NAMED).append(" more");
    }
    return new CorruptionException(b.toString());
  }

  static void checkLimits(int entries, long bytes) {
    if (entries < 1
        || entries > dev.cairn.spi.Limits.MAX_BATCH_OPERATIONS
        || bytes < 1
        || bytes > dev.cairn.spi.Limits.MAX_BATCH_BYTES / 2) {
      throw new InvalidArgumentException(
          "batch limits must be 1 to "
              + dev.cairn.spi.Limits.MAX_BATCH_OPERATIONS
              + " entries and 1 to "
              + dev.cairn.spi.Limits.MAX_BATCH_BYTES / 2
              + " bytes, got "
              + entries
              + " and "
              + bytes);
    }
  }
}
