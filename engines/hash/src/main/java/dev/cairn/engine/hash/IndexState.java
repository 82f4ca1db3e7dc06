package dev.cairn.engine.hash;

import dev.cairn.spi.CorruptionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The state an open hash store shares between its writer, merge thread and readers: the key
 * directory, the live data files, the sequence readers may see, and the history snapshots need.
 * Holds the read path (verify a key against its record) and the index side of the write path.
 *
 * <p><b>The publish lock</b> orders a writer applying a group to the index and publishing its last
 * sequence with a snapshot choosing its sequence: a snapshot sees whole groups. <b>The merge
 * lock</b> orders merge moving entries to its output and swapping files with a snapshot or
 * checkpoint choosing its files: their file set holds every record at or below their sequence
 * exactly once. Snapshots and checkpoints take the merge lock, then the publish lock; writers take
 * only the publish lock and merge only the merge lock, so a merge moving hundreds of thousands of
 * entries never holds a writer up (per-key order between them comes from the index segments'
 * locks).
 *
 * <p>Thread-safe.
 */
final class IndexState {

  /** How often a read retries after the file its entry named was merged away. */
  private static final int MOVE_RETRIES = 1000;

  final Path directory;
  final KeyHash keyHash;
  final Keydir keydir = new Keydir();
  final History history = new History();
  final Object publishLock = new Object();
  final Object mergeLock = new Object();
  final AtomicInteger nextFileId = new AtomicInteger(1);
  final ConcurrentLinkedQueue<DataFile> graveyard = new ConcurrentLinkedQueue<>();
  final LongAdder merges = new LongAdder();
  final LongAdder mergedBytes = new LongAdder();
  final LongAdder droppedTombstones = new LongAdder();
  final LongAdder groups = new LongAdder();
  final LongAdder syncs = new LongAdder();
  final LongAdder hintsWritten = new LongAdder();
  private final Map<Integer, DataFile> files = new ConcurrentHashMap<>();

  /**
   * The live files again, for reads: an open-addressing table by id (a power of two long, at most
   * half full), replaced whole whenever {@link #files} changes, so a lookup neither boxes the id
   * nor takes a lock.
   */
  private volatile DataFile[] filesById = new DataFile[1];

  private final Object filesIndexLock = new Object();
  private volatile DataFile active;
  private volatile long visibleSeq;

  /**
   * Opened with {@code recovery=salvage} (read-only): readers read past damage, as recovery did.
   * Set once, before the state is shared.
   */
  volatile boolean salvage;

  /**
   * Where the engine reports its events ({@link dev.cairn.spi.EngineOptions#eventListener()}). Set
   * once, before the state is shared and the engine's threads start.
   */
  dev.cairn.spi.EngineEventListener events = dev.cairn.spi.EngineEventListener.NONE;

  IndexState(Path directory, long seed) {
    this.directory = directory;
    this.keyHash = new KeyHash(seed);
  }

  /** A data file that became unreferenced: retired ones go to the graveyard for deletion. */
  void onLastRelease(DataFile f) {
    if (f.isRetired()) {
      graveyard.add(f);
    }
  }

  // ---- files -----------------------------------------------------------------------------------

  /** The live file {@code id}, or null. */
  DataFile file(int id) {
    DataFile[] t = filesById;
    int mask = t.length - 1;
    for (int i = id & mask; ; i = (i + 1) & mask) {
      DataFile f = t[i];
      if (f == null || f.id() == id) {
        return f;
      }
    }
  }

  /** Rebuilds {@link #filesById} after a change of {@link #files}, before the change is used. */
  private void indexFiles() {
    synchronized (filesIndexLock) {
      List<DataFile> live = new ArrayList<>(files.values());
      DataFile[] t = new DataFile[Integer.highestOneBit(Math.max(1, live.size()) * 2) * 2];
      int mask = t.length - 1;
      for (DataFile f : live) {
        int i = f.id() & mask;
        while (t[i] != null) {
          i = (i + 1) & mask;
        }
        t[i] = f;
      }
      filesById = t;
    }
  }

  Collection<DataFile> files() {
    return files.values();
  }

  DataFile active() {
    return active;
  }

  /** Adds a file found at recovery. */
  void addRecovered(DataFile f) {
    files.put(f.id(), f);
    indexFiles();
  }

  /** Forgets a file found at recovery that holds nothing. */
  void removeRecovered(DataFile f) {
    files.remove(f.id());
    indexFiles();
  }

  /** Makes {@code next} the active file (the old one was sealed). Under the publish lock. */
  void activate(DataFile next) {
    synchronized (publishLock) {
      files.put(next.id(), next);
      indexFiles();
      active = next;
    }
  }

  /** Makes a committed merge output live; the caller holds the merge lock. */
  void addLocked(DataFile output) {
    files.put(output.id(), output);
    indexFiles();
  }

  /**
   * Replaces merge inputs by their output: caller holds the merge lock and has moved every live
   * entry.
   */
  void swapLocked(List<DataFile> inputs, DataFile output) {
    files.put(output.id(), output);
    for (DataFile f : inputs) {
      files.remove(f.id());
    }
    indexFiles();
  }

  /** Every live file but the active one, each acquired: the caller releases them. */
  List<DataFile> acquireSealedLocked() {
    List<DataFile> out = new ArrayList<>();
    for (DataFile f : files.values()) {
      if (f != active && f.acquire()) {
        out.add(f);
      }
    }
    return out;
  }

  long visibleSeq() {
    return visibleSeq;
  }

  void setVisibleSeq(long seq) {
    visibleSeq = seq;
  }

  // ---- read path -------------------------------------------------------------------------------

  /** The value of {@code key}, or null. */
  byte[] get(byte[] key) {
    long h = keyHash.hash(key);
    for (int attempt = 0; attempt < MOVE_RETRIES; attempt++) {
      Entry one = keydir.candidate(h);
      if (one == null) {
        return null;
      }
      if (one != KeydirSegment.SEVERAL) {
        if (one.tombstone()) {
          return null;
        }
        DataFile f = file(one.fileId());
        if (f == null) {
          continue; // moved by merge: look again
        }
        DataFile.RecordBytes r;
        try {
          r = f.readMappedRecord(one.offset(), one.size());
        } catch (IllegalStateException gone) {
          continue; // unmapped with its last reference: merged away meanwhile
        }
        if (r != null) {
          return valueIfKey(f, one, key, r);
        }
        if (!f.acquire()) {
          continue;
        }
        try {
          return valueIfKey(f, one, key);
        } finally {
          f.release();
        }
      }
      boolean moved = false;
      for (Entry e : keydir.candidates(h)) {
        if (e.tombstone()) {
          continue; // whether or not it is this key's, the key has no value there
        }
        DataFile f = file(e.fileId());
        if (f == null || !f.acquire()) {
          moved = true;
          break;
        }
        try {
          byte[] v = valueIfKey(f, e, key);
          if (v != null) {
            return v;
          }
        } finally {
          f.release();
        }
      }
      if (!moved) {
        return null;
      }
    }
    throw new CorruptionException(
        directory + ": the index keeps naming data files that are gone for a key");
  }

  /** The value in the record {@code e} names if it holds {@code key}, else null. */
  static byte[] valueIfKey(DataFile f, Entry e, byte[] key) {
    return valueIfKey(f, e, key, f.readRecord(e.offset(), e.size()));
  }

  /** {@link #valueIfKey(DataFile, Entry, byte[])} of the record {@code r} read at {@code e}. */
  private static byte[] valueIfKey(DataFile f, Entry e, byte[] key, DataFile.RecordBytes r) {
    if (!DataRecord.hasKey(r.bytes(), r.payloadOffset(), r.payloadLength(), key, f.pathName())) {
      return null;
    }
    if (DataRecord.isDelete(r.type())
        || DataRecord.seqOf(r.bytes(), r.payloadOffset()) != e.seq()) {
      throw new CorruptionException(
          f.where(e.offset())
              + ": the record does not match its index entry (sequence "
              + e.seq()
              + ")");
    }
    return DataRecord.valueOf(r.bytes(), r.payloadOffset(), r.payloadLength(), key.length);
  }

  /**
   * The index entry of {@code key}, tombstones included, or null. A candidate whose sequence is
   * {@code knownSeq} is the key's without a read (a sequence names one record); pass 0 when
   * unknown. Never call while holding a segment lock.
   */
  Entry resolve(long h, byte[] key, long knownSeq) {
    for (int attempt = 0; attempt < MOVE_RETRIES; attempt++) {
      Entry one = keydir.candidate(h);
      if (one == null) {
        return null;
      }
      if (one != KeydirSegment.SEVERAL) {
        if (knownSeq != 0 && one.seq() == knownSeq) {
          return one;
        }
        int holds = holdsKey(one, key);
        if (holds >= 0) {
          return holds > 0 ? one : null;
        }
        continue; // its file was merged away: look again
      }
      Entry[] candidates = keydir.candidates(h);
      boolean moved = false;
      for (Entry e : candidates) {
        if (knownSeq != 0 && e.seq() == knownSeq) {
          return e;
        }
      }
      for (Entry e : candidates) {
        int holds = holdsKey(e, key);
        if (holds > 0) {
          return e;
        }
        if (holds < 0) {
          moved = true;
          break;
        }
      }
      if (!moved) {
        return null;
      }
    }
    throw new CorruptionException(
        directory
            + ": the index keeps naming data files that are gone for a key: "
            + java.util.Arrays.toString(keydir.candidates(h))
            + " live files "
            + new java.util.TreeSet<>(files.keySet()));
  }

  /** 1 when {@code e}'s record holds {@code key}, 0 when not, -1 when its file is gone. */
  private int holdsKey(Entry e, byte[] key) {
    DataFile f = file(e.fileId());
    if (f == null) {
      return -1;
    }
    DataFile.RecordBytes mapped;
    try {
      mapped = f.readMappedRecord(e.offset(), e.size());
    } catch (IllegalStateException gone) {
      return -1; // unmapped with its last reference: merged away meanwhile
    }
    if (mapped != null) {
      return DataRecord.hasKey(
              mapped.bytes(), mapped.payloadOffset(), mapped.payloadLength(), key, f.pathName())
          ? 1
          : 0;
    }
    if (!f.acquire()) {
      return -1;
    }
    try {
      DataFile.RecordBytes r = f.readRecord(e.offset(), e.size());
      return DataRecord.hasKey(r.bytes(), r.payloadOffset(), r.payloadLength(), key, f.pathName())
          ? 1
          : 0;
    } finally {
      f.release();
    }
  }

  /**
   * Where the version of {@code key} current at sequence {@code seq} lives.
   *
   * @return the version (its entry null when the key was absent), or null when absent
   */
  History.Version resolveAt(byte[] key, long seq, long knownSeq) {
    long h = keyHash.hash(key);
    Entry e = resolve(h, key, knownSeq);
    if (e != null && e.seq() <= seq) {
      return new History.Version(e.seq(), Long.MAX_VALUE, e, null);
    }
    History.Version v = history.at(key, seq);
    return v == null || v.entry() == null ? null : v;
  }

  /** The value of version {@code v} of {@code key} (from the index or history), or null. */
  byte[] read(History.Version v, byte[] key) {
    Entry e = v.entry();
    if (e.tombstone()) {
      return null;
    }
    DataFile f = v.file() != null ? v.file() : file(e.fileId());
    if (f == null || !f.acquire()) {
      return null; // moved: the caller resolves again
    }
    try {
      byte[] value = valueIfKey(f, e, key);
      if (value == null) {
        throw new CorruptionException(f.where(e.offset()) + ": record does not hold its key");
      }
      return value;
    } finally {
      f.release();
    }
  }

  /** The value of {@code key} at sequence {@code seq}, or null. */
  byte[] getAt(byte[] key, long seq) {
    for (int attempt = 0; attempt < MOVE_RETRIES; attempt++) {
      History.Version v = resolveAt(key, seq, 0);
      if (v == null || v.entry().tombstone()) {
        return null;
      }
      byte[] value = read(v, key);
      if (value != null) {
        return value;
      }
    }
    throw new CorruptionException(directory + ": a snapshot read keeps missing its data file");
  }

  // ---- write path (index side; the leading writer)
  // -----------------------------------------------

  /**
   * One operation written to the log, to apply to the index.
   *
   * @param key the key
   * @param entry where its record went
   */
  record Written(byte[] key, Entry entry) {}

  /**
   * Applies a written group to the index and publishes its last sequence: no reader sees part of
   * it. Runs on the thread leading the group, one at a time.
   */
  void apply(List<Written> group, long lastSeq) {
    int n = group.size();
    if (n == 1) {
      applyOne(group.get(0), lastSeq);
      return;
    }
    long[] hashes = new long[n];
    long[] oldSeqs = new long[n];
    Map<KeyRef, Entry> inGroup = n > 1 ? new HashMap<>() : null;
    for (int i = 0; i < n; i++) {
      Written w = group.get(i);
      hashes[i] = keyHash.hash(w.key());
      Entry old = null;
      if (inGroup != null) {
        old = inGroup.get(new KeyRef(w.key()));
      }
      if (old == null) {
        old = resolve(hashes[i], w.key(), 0);
      }
      oldSeqs[i] = old == null ? 0 : old.seq();
      if (inGroup != null) {
        inGroup.put(new KeyRef(w.key()), w.entry());
      }
    }
    synchronized (publishLock) {
      long[][] held = keydir.lockSegments(hashes);
      try {
        for (int i = 0; i < n; i++) {
          Written w = group.get(i);
          replace(hashes[i], oldSeqs[i], w);
        }
        visibleSeq = lastSeq;
      } finally {
        keydir.unlock(held);
      }
    }
  }

  /** {@link #apply} of a group of one write, the common case, without the group's arrays. */
  private void applyOne(Written w, long lastSeq) {
    long hash = keyHash.hash(w.key());
    Entry old = resolve(hash, w.key(), 0);
    long oldSeq = old == null ? 0 : old.seq();
    synchronized (publishLock) {
      long stamp = keydir.lockSegmentOf(hash);
      try {
        replace(hash, oldSeq, w);
        visibleSeq = lastSeq;
      } finally {
        keydir.unlockSegmentOf(hash, stamp);
      }
    }
  }

  /** Puts {@code w}'s entry over the key's entry of sequence {@code oldSeq}; under the locks. */
  private void replace(long hash, long oldSeq, Written w) {
    Entry replaced = keydir.putLocked(hash, oldSeq, w.entry());
    DataFile oldFile = replaced == null ? null : file(replaced.fileId());
    if (oldFile != null) {
      oldFile.addStale(replaced.size());
    }
    history.record(w.key(), replaced, oldFile, w.entry().seq());
  }

  private record KeyRef(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof KeyRef k && java.util.Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }
  }
}
