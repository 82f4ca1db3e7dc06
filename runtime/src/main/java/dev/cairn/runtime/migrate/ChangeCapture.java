package dev.cairn.runtime.migrate;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The change log of an online migration: which keys (and, for range deletes, which ranges) were
 * written through the wrapper since the capture began. Thread-safe: writers mark, one replayer
 * drains.
 *
 * <p>Design. The log holds keys, not values: replaying a key reads the source's value for it
 * <em>now</em> and writes that (or a delete) to the target. So replay order does not matter, two
 * writes of one key cost one replay, and the log's memory is bounded by the number of distinct keys
 * written, not by the write rate. It is correct because a writer marks a key only after the source
 * applied its write, and the replayer unmarks a key before it reads the source: a write the
 * replayer's read did not see is applied after that read, so its mark comes after the unmark, and
 * the key is replayed again.
 */
final class ChangeCapture {

  /** A key of one keyspace, with value equality. */
  private record Key(String keyspace, byte[] key) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.keyspace.equals(keyspace) && Arrays.equals(k.key, key);
    }

    @Override
    public int hashCode() {
      return keyspace.hashCode() * 31 + Arrays.hashCode(key);
    }
  }

  /** A range deleted in one keyspace. */
  private record Range(String keyspace, KeyRange range) {}

  private final Set<Key> keys = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Range> ranges = new ConcurrentLinkedQueue<>();
  private final AtomicLong marked = new AtomicLong();

  /** Records that {@code key} of {@code keyspace} was written (after the source applied it). */
  void mark(String keyspace, byte[] key) {
    keys.add(new Key(keyspace, key.clone()));
    marked.incrementAndGet();
  }

  /** Records every key of {@code batch}, and its range deletes. */
  void mark(WriteBatch batch) {
    for (String name : batch.keyspaces()) {
      for (WriteBatch.Operation op : batch.operations(name)) {
        if (op instanceof WriteBatch.DeleteRange d) {
          ranges.add(new Range(name, d.range()));
          marked.incrementAndGet();
        } else {
          mark(name, op.key());
        }
      }
    }
  }

  /** Keys and ranges waiting to be replayed (approximate while writers run). */
  int pending() {
    return keys.size() + ranges.size();
  }

  /** Writes marked since the capture began. */
  long marked() {
    return marked.get();
  }

  /**
   * Replays what is pending now, in batches of at most {@code batchEntries}: each key gets the
   * source's current value, or is deleted from the target if the source has none; each deleted
   * range is made equal to the source's. Returns the keys replayed.
   */
  long drain(StorageEngine source, StorageEngine target, int batchEntries) {
    long replayed = 0;
    for (Range r; (r = ranges.poll()) != null; ) {
      replayed += replayRange(source, target, r, batchEntries);
    }
    Iterator<Key> it = keys.iterator();
    while (it.hasNext()) {
      Map<String, List<byte[]>> byKeyspace = new LinkedHashMap<>();
      int n = 0;
      while (it.hasNext() && n < batchEntries) {
        Key k = it.next();
        it.remove(); // NB: before the source is read (see the class comment)
        byKeyspace.computeIfAbsent(k.keyspace(), x -> new ArrayList<>()).add(k.key());
        n++;
      }
      WriteBatch batch = new WriteBatch();
      for (Map.Entry<String, List<byte[]>> e : byKeyspace.entrySet()) {
        List<byte[]> ks = e.getValue();
        List<byte[]> values = Copier.view(source, e.getKey()).multiGet(ks);
        for (int i = 0; i < ks.size(); i++) {
          if (values.get(i) == null) {
            batch.delete(e.getKey(), ks.get(i));
          } else {
            batch.put(e.getKey(), ks.get(i), values.get(i));
          }
        }
      }
      target.write(batch, Durability.BUFFERED);
      replayed += n;
    }
    return replayed;
  }

  private static long replayRange(
      StorageEngine source, StorageEngine target, Range r, int batchEntries) {
    long n = 0;
    WriteBatch batch = new WriteBatch();
    var targetView = Copier.view(target, r.keyspace());
    var sourceView = Copier.view(source, r.keyspace());
    // the target may be unordered (an ordered source's range into the hash engine): scan it all
    try (Cursor t = targetView.cursor()) {
      while (t.next()) {
        byte[] key = t.key();
        if (r.range().contains(key) && sourceView.get(key) == null) {
          batch.delete(r.keyspace(), key);
          n++;
          if (batch.size() >= batchEntries) {
            target.write(batch, Durability.BUFFERED);
            batch = new WriteBatch();
          }
        }
      }
    }
    try (Cursor s = sourceView.cursor(r.range(), Direction.FORWARD)) {
      while (s.next()) {
        batch.put(r.keyspace(), s.key(), s.value());
        n++;
        if (batch.size() >= batchEntries) {
          target.write(batch, Durability.BUFFERED);
          batch = new WriteBatch();
        }
      }
    }
    if (!batch.isEmpty()) {
      target.write(batch, Durability.BUFFERED);
    }
    return n;
  }
}
