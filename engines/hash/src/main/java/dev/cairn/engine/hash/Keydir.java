package dev.cairn.engine.hash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The key directory: for every key, where its newest record lives ({@link Entry}), held off-heap.
 *
 * <p>Design (Bitcask's keydir, HaloDB's off-heap segments): the index keeps no keys, only a 64-bit
 * {@linkplain KeyHash hash} and the record's place, 32 bytes a slot, so its memory is a function of
 * the number of keys and not of their length. Keys are verified against the record in the data
 * file: a lookup returns every entry with the key's hash ({@link #candidates}), and the caller
 * reads each to find the one holding the key. Since a sequence number names one record for good,
 * the writer then addresses the key's slot by {@code (hash, seq)}, which no concurrent change can
 * make ambiguous.
 *
 * <p>The table is split into {@value #SEGMENTS} segments by the top bits of the hash, each with its
 * own lock and memory; a segment grows alone, by half, while every other segment keeps serving, so
 * growth never stops the world. Tombstones stay in the index as entries until merge drops their
 * record, so that the index answers "is this record the newest of its key?" exactly.
 *
 * <p>Thread safety: lookups run from any thread; changes come from the engine's writer and merge
 * threads. {@link #lockSegments} lets a batch hold every segment it touches so that no reader sees
 * part of it. Must be {@linkplain #close() closed}, which frees the memory.
 */
final class Keydir implements AutoCloseable {

  static final int SEGMENT_BITS = 6;
  static final int SEGMENTS = 1 << SEGMENT_BITS;

  private final KeydirSegment[] segments = new KeydirSegment[SEGMENTS];

  Keydir() {
    for (int i = 0; i < SEGMENTS; i++) {
      segments[i] = new KeydirSegment(SEGMENT_BITS);
    }
  }

  static int segmentOf(long hash) {
    return (int) (hash >>> (64 - SEGMENT_BITS));
  }

  /** Every entry whose hash is {@code hash}; the caller verifies which one holds its key. */
  Entry[] candidates(long hash) {
    return segments[segmentOf(hash)].candidates(hash);
  }

  /**
   * The entry whose hash is {@code hash} when it is the only one, null when there is none, {@link
   * KeydirSegment#SEVERAL} when there are more (then ask {@link #candidates}).
   */
  Entry candidate(long hash) {
    return segments[segmentOf(hash)].candidate(hash);
  }

  /**
   * Takes the write locks of the segments of {@code hashes}, in ascending order (so two lockers
   * never deadlock).
   *
   * @return the locked segments and stamps, for {@link #unlock(long[][])}
   */
  long[][] lockSegments(long[] hashes) {
    int[] ids = new int[hashes.length];
    for (int i = 0; i < hashes.length; i++) {
      ids[i] = segmentOf(hashes[i]);
    }
    Arrays.sort(ids);
    int distinct = 0;
    for (int i = 0; i < ids.length; i++) {
      if (i == 0 || ids[i] != ids[i - 1]) {
        ids[distinct++] = ids[i];
      }
    }
    ids = Arrays.copyOf(ids, distinct);
    long[][] held = new long[ids.length][];
    for (int i = 0; i < ids.length; i++) {
      held[i] = new long[] {ids[i], segments[ids[i]].lock()};
    }
    return held;
  }

  /** Takes the write lock of the segment of {@code hash}; returns the stamp. */
  long lockSegmentOf(long hash) {
    return segments[segmentOf(hash)].lock();
  }

  /** Releases what {@link #lockSegmentOf} took. */
  void unlockSegmentOf(long hash, long stamp) {
    segments[segmentOf(hash)].unlock(stamp);
  }

  /** Releases what {@link #lockSegments} took. */
  void unlock(long[][] held) {
    for (int i = held.length - 1; i >= 0; i--) {
      segments[(int) held[i][0]].unlock(held[i][1]);
    }
  }

  /**
   * Puts {@code e} for a key whose current entry has sequence {@code oldSeq} (0: the key has none).
   * The caller holds the segment's lock.
   *
   * @return the replaced entry, or null
   */
  Entry putLocked(long hash, long oldSeq, Entry e) {
    return segments[segmentOf(hash)].putLocked(hash, oldSeq, e);
  }

  /** Removes the entry {@code (hash, seq)}; the caller holds the segment's lock. */
  Entry removeLocked(long hash, long seq) {
    return segments[segmentOf(hash)].removeLocked(hash, seq);
  }

  /** {@link #putLocked} under the segment's lock. */
  Entry put(long hash, long oldSeq, Entry e) {
    KeydirSegment s = segments[segmentOf(hash)];
    long stamp = s.lock();
    try {
      return s.putLocked(hash, oldSeq, e);
    } finally {
      s.unlock(stamp);
    }
  }

  /**
   * Removes the entry {@code (hash, seq)} if it still points at {@code fileId}, {@code offset}.
   *
   * @return true when removed
   */
  boolean removeIfAt(long hash, long seq, int fileId, long offset) {
    KeydirSegment s = segments[segmentOf(hash)];
    long stamp = s.lock();
    try {
      Entry e = s.entryLocked(hash, seq);
      if (e == null || !e.isAt(fileId, offset)) {
        return false;
      }
      s.removeLocked(hash, seq);
      return true;
    } finally {
      s.unlock(stamp);
    }
  }

  /**
   * Moves the entry {@code (hash, seq)} from {@code fromFile}, {@code fromOffset} to {@code to}, as
   * merge does, unless a newer write replaced it meanwhile.
   *
   * @return true when moved
   */
  boolean move(long hash, long seq, int fromFile, long fromOffset, Entry to) {
    KeydirSegment s = segments[segmentOf(hash)];
    long stamp = s.lock();
    try {
      return s.moveLocked(hash, seq, fromFile, fromOffset, to);
    } finally {
      s.unlock(stamp);
    }
  }

  /**
   * True when the entry {@code (hash, seq)} exists and points at {@code fileId}, {@code offset}.
   */
  boolean isCurrent(long hash, long seq, int fileId, long offset) {
    for (Entry e : candidates(hash)) {
      if (e.seq() == seq && e.isAt(fileId, offset)) {
        return true;
      }
    }
    return false;
  }

  /** Visits every entry, a segment at a time from a copy (never under a lock). */
  void forEach(BiConsumer<Long, Entry> visit) {
    for (KeydirSegment s : segments) {
      s.forEach(visit);
    }
  }

  /** Entries, tombstones included. */
  long size() {
    long n = 0;
    for (KeydirSegment s : segments) {
      n += s.count();
    }
    return n;
  }

  /** Tombstone entries. */
  long tombstones() {
    long n = 0;
    for (KeydirSegment s : segments) {
      n += s.tombstones();
    }
    return n;
  }

  /** Off-heap bytes held. */
  long bytes() {
    long n = 0;
    for (KeydirSegment s : segments) {
      n += s.bytes();
    }
    return n;
  }

  /** Problems with the table invariants of every segment. */
  List<String> check() {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < SEGMENTS; i++) {
      problems.addAll(segments[i].check(i));
    }
    return problems;
  }

  /** Frees every segment's memory. Idempotent. */
  @Override
  public void close() {
    for (KeydirSegment s : segments) {
      s.close();
    }
  }
}
