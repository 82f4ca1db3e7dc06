package dev.cairn.engine.memory;

import dev.cairn.engine.toolkit.Bytes;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The write path: every change to the store's data and keyspaces, each one write at the next
 * sequence under the {@link Sequencer}'s write lock, published at once for every keyspace it
 * touches, then pruning what no reader needs any more.
 *
 * <p>Thread-safe: writers are serialized by the lock.
 */
final class Writer {

  // Design. A batch is turned into one change a key per keyspace (a null value deletes), the last
  // operation on a key winning, and staged in every keyspace at one sequence before that sequence
  // is published: readers see all of it or none, whatever keyspaces it spans.
  //
  // What depends on the state the batch finds is done under the lock, before anything is staged,
  // so that it sees the latest state and nothing can come between the check and the write: the
  // keyspaces it names are looked up (a missing one fails the batch), its preconditions checked
  // (a failed one fails it), and its range deletes resolved. A range delete becomes a delete of
  // every key of the range that is live in the keyspace or set earlier in the batch, at the point
  // of the batch where it stands: O(keys in the range) in time and in the batch's change set,
  // which is what an in-memory store holds anyway. Range tombstones would save the change set but
  // make every read look for them. A batch without range deletes is collapsed before taking the
  // lock, to keep the lock short.

  private final Sequencer sequencer;
  private final Catalog catalog;

  /** The horizon at the last sweep; guarded by the write lock. */
  private long sweptAt;

  /**
   * A reader unpinned while a writer held the lock: the writer sweeps as it lets go ({@link
   * #unlock}), so that what the reader held (a dropped keyspace included) is released without
   * waiting for another write.
   */
  private volatile boolean sweepWanted;

  Writer(Sequencer sequencer, Catalog catalog) {
    this.sequencer = sequencer;
    this.catalog = catalog;
  }

  /**
   * Writes one key of {@code keyspace} ({@code value} null deletes it) as one write. The arrays are
   * kept: the caller hands over copies.
   *
   * @throws InvalidStateException if the keyspace was dropped
   */
  void write(VersionedMap keyspace, byte[] key, byte[] value) {
    sequencer.lock();
    try {
      if (!keyspace.isLive()) {
        throw dropped(keyspace.name());
      }
      long seq = sequencer.next();
      boolean touched = keyspace.stage(key, value, seq);
      sequencer.publish(seq);
      long horizon = sequencer.horizon();
      if (touched) {
        keyspace.prune(key, horizon);
      }
      sweep(horizon);
    } finally {
      unlock();
    }
  }

  /**
   * Writes {@code batch}, all of it at one sequence, or nothing of it.
   *
   * @param handle the keyspace the batch must write when it comes from a keyspace handle (it names
   *     that keyspace only), or null when it comes from the store
   * @throws InvalidArgumentException if the batch names a keyspace that does not exist
   * @throws InvalidStateException if {@code handle} was dropped
   * @throws ConflictException if a precondition fails
   */
  void write(WriteBatch batch, VersionedMap handle) {
    List<Part> parts = new ArrayList<>();
    for (String name : batch.keyspaces()) {
      parts.add(new Part(name, batch.operations(name)));
    }
    boolean writes = false;
    for (Part part : parts) {
      writes |= part.writes;
    }
    List<WriteBatch.Precondition> preconditions = batch.preconditions();
    sequencer.lock();
    try {
      Map<String, VersionedMap> keyspaces = new TreeMap<>();
      for (Part part : parts) {
        part.keyspace = resolve(part.name, handle);
        keyspaces.put(part.name, part.keyspace);
      }
      for (WriteBatch.Precondition p : preconditions) {
        byte[] found = keyspaces.get(p.keyspace()).getLatest(p.key());
        if (p.expected() == null ? found != null : !Arrays.equals(found, p.expected())) {
          throw ConflictException.of(p);
        }
      }
      for (Part part : parts) {
        part.resolveRangeDeletes();
      }
      if (!writes) {
        return; // preconditions alone: they hold, and there is nothing to write
      }
      long seq = sequencer.next();
      for (Part part : parts) {
        part.keyspace.stage(part.changes, seq, part.touched);
      }
      sequencer.publish(seq); // the publication point, for every keyspace of the batch at once
      long horizon = sequencer.horizon();
      for (Part part : parts) {
        for (byte[] key : part.touched) {
          part.keyspace.prune(key, horizon);
        }
      }
      sweep(horizon);
    } finally {
      unlock();
    }
  }

  /**
   * Creates the keyspace {@code name} (a valid name) as one write.
   *
   * @throws InvalidArgumentException if it exists
   */
  VersionedMap create(String name) {
    sequencer.lock();
    try {
      if (catalog.live(name) != null) {
        throw new InvalidArgumentException("keyspace '" + name + "' exists");
      }
      long seq = sequencer.next();
      VersionedMap keyspace = new VersionedMap(name, seq, sequencer);
      catalog.add(keyspace);
      sequencer.publish(seq);
      sweep(sequencer.horizon());
      return keyspace;
    } finally {
      unlock();
    }
  }

  /**
   * Drops the keyspace {@code name} (a valid name, not the default) as one write. Its data is
   * released at once if no reader sees it, else once the last one that does closes.
   *
   * @throws InvalidArgumentException if it does not exist
   */
  void drop(String name) {
    sequencer.lock();
    try {
      VersionedMap keyspace = catalog.live(name);
      if (keyspace == null) {
        throw new InvalidArgumentException(
            "no keyspace '" + name + "' in this store (it has " + catalog.liveNames() + ")");
      }
      long seq = sequencer.next();
      keyspace.markDropped(seq);
      sequencer.publish(seq);
      sweep(sequencer.horizon());
    } finally {
      unlock();
    }
  }

  /** Releases a reader's pin, and prunes what it held if no writer is busy (else the next will). */
  void unpin(long seq) {
    sequencer.unpin(seq);
    sweepWanted = true;
    trySweep();
  }

  /**
   * Sweeps if a reader asked for it and the lock is free; else whoever holds the lock sees the
   * request as it lets go. (The reader sets the flag before it tries the lock; a holder reads it
   * after it lets go: one of the two sweeps.)
   */
  private void trySweep() {
    while (sweepWanted && sequencer.tryLock()) {
      try {
        sweepWanted = false;
        sweep(sequencer.horizon());
      } finally {
        sequencer.unlock();
      }
    }
  }

  /** Lets go of the write lock, then sweeps for a reader that unpinned meanwhile. */
  private void unlock() {
    sequencer.unlock();
    if (sweepWanted) {
      trySweep();
    }
  }

  /**
   * Verifies the catalog and every keyspace held (see {@link Catalog#check} and {@link
   * VersionedMap#check}). Blocks writers while it runs.
   */
  ConsistencyReport check() {
    return underLock(
        () -> {
          List<String> problems = new ArrayList<>();
          long published = sequencer.published();
          catalog.check(published, problems);
          long versions = 0;
          for (VersionedMap keyspace : catalog.held()) {
            versions += keyspace.check(published, problems);
          }
          return new ConsistencyReport(versions, problems);
        });
  }

  /** Drops every version of every keyspace, for close. Readers still running see them empty. */
  void clear() {
    underLock(
        () -> {
          for (VersionedMap keyspace : catalog.held()) {
            keyspace.clear();
          }
          return null;
        });
  }

  /** Runs {@code work} holding the write lock, and lets go of it as every writer does. */
  <T> T underLock(java.util.function.Supplier<T> work) {
    sequencer.lock();
    try {
      return work.get();
    } finally {
      unlock();
    }
  }

  /** Prunes retained keys and releases dropped keyspaces if the horizon moved. Holds the lock. */
  private void sweep(long horizon) {
    if (horizon <= sweptAt) {
      return;
    }
    sweptAt = horizon;
    for (VersionedMap keyspace : catalog.held()) {
      if (keyspace.retainsVersions()) {
        keyspace.sweep(horizon);
      }
    }
    catalog.release(horizon);
  }

  private VersionedMap resolve(String name, VersionedMap handle) {
    VersionedMap keyspace =
        name.equals(Keyspace.DEFAULT) ? catalog.defaultKeyspace() : catalog.live(name);
    if (handle != null && keyspace != handle) {
      throw dropped(handle.name());
    }
    if (keyspace == null) {
      throw new InvalidArgumentException(
          "write batch names keyspace '"
              + name
              + "', which does not exist (the store has "
              + catalog.liveNames()
              + "); nothing was written");
    }
    return keyspace;
  }

  static InvalidStateException dropped(String name) {
    return new InvalidStateException(
        "keyspace '" + name + "' was dropped: its handle is no longer valid");
  }

  /** A batch's operations on one keyspace, and the changes they come to. */
  private static final class Part {
    final String name;

    /** Whether the batch has operations on this keyspace, not only preconditions. */
    final boolean writes;

    /** The operations, copied, while range deletes among them are not yet resolved; else null. */
    List<WriteBatch.Operation> pending;

    /** One change a key (null deletes); complete once range deletes are resolved. */
    final TreeMap<byte[], byte[]> changes = new TreeMap<>(Bytes.ORDER);

    /** The keyspace, once looked up under the write lock. */
    VersionedMap keyspace;

    /** The keys staged, to prune once published. */
    final List<byte[]> touched = new ArrayList<>();

    /**
     * Copies the operations: the arrays are copied, as a batch's operations expose them to its
     * owner. Without range deletes they collapse to the changes at once.
     */
    Part(String name, List<WriteBatch.Operation> operations) {
      this.name = name;
      this.writes = !operations.isEmpty();
      boolean rangeDeletes = false;
      for (WriteBatch.Operation op : operations) {
        rangeDeletes |= op instanceof WriteBatch.DeleteRange;
      }
      if (rangeDeletes) {
        pending = new ArrayList<>(operations.size());
        for (WriteBatch.Operation op : operations) {
          pending.add(
              switch (op) {
                case WriteBatch.Put put ->
                    new WriteBatch.Put(put.key().clone(), put.value().clone());
                case WriteBatch.Delete delete -> new WriteBatch.Delete(delete.key().clone());
                case WriteBatch.DeleteRange range -> range; // immutable
              });
        }
      } else {
        for (WriteBatch.Operation op : operations) {
          switch (op) {
            case WriteBatch.Put put -> changes.put(put.key().clone(), put.value().clone());
            case WriteBatch.Delete delete -> changes.put(delete.key().clone(), null);
            case WriteBatch.DeleteRange range -> throw new AssertionError("checked above");
          }
        }
      }
    }

    /**
     * Collapses the pending operations into changes, against the keyspace's latest state. Holds the
     * write lock, with nothing staged yet: each list's head is the latest version.
     */
    void resolveRangeDeletes() {
      if (pending == null) {
        return;
      }
      for (WriteBatch.Operation op : pending) {
        switch (op) {
          case WriteBatch.Put put -> changes.put(put.key(), put.value());
          case WriteBatch.Delete delete -> changes.put(delete.key(), null);
          case WriteBatch.DeleteRange delete -> {
            KeyRange range = delete.range();
            for (Map.Entry<byte[], byte[]> e :
                VersionedMap.slice(changes, range.lower(), range.upper()).entrySet()) {
              e.setValue(null);
            }
            for (Map.Entry<byte[], Version> e : keyspace.slice(range).entrySet()) {
              if (!e.getValue().isTombstone()) {
                changes.put(e.getKey(), null); // the store's own key array, never modified
              }
            }
          }
        }
      }
      pending = null;
    }
  }
}
