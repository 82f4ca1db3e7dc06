package dev.cairn.runtime.migrate;

import dev.cairn.runtime.transfer.TransferProgress;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The streaming copy: every keyspace of a source view into the target, in batches, recording the
 * resume point in the progress file as it goes. Not thread-safe; one copy at a time.
 *
 * <p>Design. A batch is written {@link Durability#BUFFERED}; every {@code checkpointBytes} of
 * copied data (and at each keyspace's end) the target is flushed and only then the progress file
 * rewritten, so the file never claims more than the target durably holds. After a crash the copy
 * rewrites what came after the last checkpoint, which is harmless: a copy writes each key the
 * source's value, so writing it twice leaves the same state.
 *
 * <p>Where a copy resumes. An ordered source's resume point is the last key of the last checkpoint:
 * the copy continues with a cursor over the keys after it. An unordered source (the hash engine)
 * has no such point: its cursor's order is that of its data files, which a merge between two runs
 * rewrites, so "the first n entries" is not the same set twice. Its keyspace is therefore rescanned
 * from the start, but a batch is first read back from the target ({@code multiGet}) and only the
 * entries the target lacks or holds with another value are written: a resumed copy costs a read per
 * entry already copied instead of a write.
 */
final class Copier {

  private final StorageEngine target;
  private final boolean orderedSource;
  private final Limits limits;
  private final Path progressPath;
  private final Consumer<MigrationProgress> progress;
  private final Clock clock;
  private final long expectedEntries;

  private ProgressFile record;
  private long entries;
  private long bytes;
  private long sinceCheckpoint;

  /** Batch and checkpoint sizes. */
  record Limits(int batchEntries, long batchBytes, long checkpointBytes) {}

  Copier(
      StorageEngine target,
      boolean orderedSource,
      Limits limits,
      ProgressFile record,
      Path progressPath,
      Consumer<MigrationProgress> progress,
      Clock clock,
      long expectedEntries) {
    this.target = target;
    this.orderedSource = orderedSource;
    this.limits = limits;
    this.record = record;
    this.progressPath = progressPath;
    this.progress = progress;
    this.clock = clock;
    this.expectedEntries = expectedEntries;
    this.entries = record.entries();
    this.bytes = record.bytes();
  }

  /**
   * Copies keyspaces {@code names} (sorted), starting where the record says, reading each through
   * {@code view}; returns the record as it stands at the end, in state {@code VERIFYING}.
   */
  ProgressFile copy(List<String> names, Function<String, ReadView> view) {
    int start = record.keyspaceIndex();
    for (int i = start; i < names.size(); i++) {
      String name = names.get(i);
      boolean resumed =
          i == start
              && record.state() == ProgressFile.State.COPYING
              && record.keyspace().equals(name);
      byte[] after = i == start ? record.resumeKey() : null;
      copyKeyspace(i, name, view.apply(name), resumed, after);
    }
    checkpoint(ProgressFile.State.VERIFYING, names.size(), "", null);
    return record;
  }

  private void copyKeyspace(int index, String name, ReadView view, boolean resumed, byte[] after) {
    KeyRange range = orderedSource && after != null ? KeyRange.greaterThan(after) : KeyRange.all();
    // NB: an unordered source resumed within this keyspace rescans it, writing only what differs
    boolean compare = resumed && !orderedSource;
    WriteBatch batch = new WriteBatch();
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    long batchBytes = 0;
    byte[] last = after;
    try (Cursor c = view.cursor(range, Direction.FORWARD)) {
      while (c.next()) {
        byte[] key = c.key();
        byte[] value = c.value();
        if (!keys.isEmpty()
            && (keys.size() >= limits.batchEntries()
                || batchBytes + key.length + value.length > limits.batchBytes())) {
          write(name, keys, values, compare, batch);
          batch = new WriteBatch();
          keys.clear();
          values.clear();
          batchBytes = 0;
          if (sinceCheckpoint >= limits.checkpointBytes()) {
            checkpoint(ProgressFile.State.COPYING, index, name, orderedSource ? last : null);
          }
        }
        keys.add(key);
        values.add(value);
        batchBytes += key.length + (long) value.length;
        last = key;
      }
    }
    if (!keys.isEmpty()) {
      write(name, keys, values, compare, batch);
    }
    checkpoint(ProgressFile.State.COPYING, index + 1, "", null);
  }

  private void write(
      String name, List<byte[]> keys, List<byte[]> values, boolean compare, WriteBatch batch) {
    List<byte[]> present = compare ? view(target, name).multiGet(keys) : null;
    long written = 0;
    for (int i = 0; i < keys.size(); i++) {
      byte[] key = keys.get(i);
      byte[] value = values.get(i);
      written += key.length + (long) value.length;
      if (present == null || !Arrays.equals(present.get(i), value)) {
        batch.put(name, key, value);
      }
    }
    if (!batch.isEmpty()) {
      target.write(batch, Durability.BUFFERED);
    }
    entries += keys.size();
    bytes += written;
    sinceCheckpoint += written;
    progress.accept(
        new MigrationProgress(
            MigrationProgress.Phase.COPYING,
            new TransferProgress(name, entries, bytes, expectedEntries, -1)));
  }

  /** Makes the target durable, then records the resume point. */
  private void checkpoint(ProgressFile.State state, int index, String name, byte[] resumeKey) {
    target.flush();
    record = record.with(state, index, name, resumeKey, entries, bytes, clock.millis());
    if (progressPath != null) {
      record.writeTo(progressPath);
    }
    sinceCheckpoint = 0;
  }

  static ReadView view(StorageEngine store, String name) {
    return name.equals(Keyspace.DEFAULT) ? store : store.keyspace(name);
  }
}
