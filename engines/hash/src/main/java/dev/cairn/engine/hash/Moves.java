package dev.cairn.engine.hash;

import java.util.Arrays;

/**
 * The index changes a merge collects while it copies, to apply once its output is committed: for
 * each record, where it was ({@code hash}, {@code seq}, file, offset) and, for a copied one, where
 * it went in the output.
 *
 * <p>Design: a merge of a few full files collects hundreds of thousands of these and keeps them
 * until it publishes, long enough to survive several young collections. Held as objects (an entry
 * and a record each), they would be copied by every young collection meanwhile, which stalls every
 * thread of the process for tens of milliseconds; held in a few primitive arrays they cost the
 * collector nothing.
 *
 * <p>Not thread-safe: the merge thread's own.
 */
final class Moves {

  private long[] hashes = new long[1024];
  private long[] seqs = new long[1024];
  private int[] fromFiles = new int[1024];
  private long[] fromOffsets = new long[1024];
  private long[] toOffsets = new long[1024];
  private int[] toSizes = new int[1024];
  private boolean[] tombstones = new boolean[1024];
  private int size;

  /** Adds a record at {@code fromFile}, {@code fromOffset}; copied to {@code toOffset}, or not. */
  void add(
      long hash,
      long seq,
      int fromFile,
      long fromOffset,
      long toOffset,
      int toSize,
      boolean tombstone) {
    if (size == hashes.length) {
      int n = size * 2;
      hashes = Arrays.copyOf(hashes, n);
      seqs = Arrays.copyOf(seqs, n);
      fromFiles = Arrays.copyOf(fromFiles, n);
      fromOffsets = Arrays.copyOf(fromOffsets, n);
      toOffsets = Arrays.copyOf(toOffsets, n);
      toSizes = Arrays.copyOf(toSizes, n);
      tombstones = Arrays.copyOf(tombstones, n);
    }
    hashes[size] = hash;
    seqs[size] = seq;
    fromFiles[size] = fromFile;
    fromOffsets[size] = fromOffset;
    toOffsets[size] = toOffset;
    toSizes[size] = toSize;
    tombstones[size] = tombstone;
    size++;
  }

  int size() {
    return size;
  }

  long hash(int i) {
    return hashes[i];
  }

  long seq(int i) {
    return seqs[i];
  }

  int fromFile(int i) {
    return fromFiles[i];
  }

  long fromOffset(int i) {
    return fromOffsets[i];
  }

  int toSize(int i) {
    return toSizes[i];
  }

  /** The index entry of record {@code i} in the output file {@code outId}. */
  Entry to(int i, int outId) {
    return new Entry(seqs[i], outId, toOffsets[i], toSizes[i], tombstones[i]);
  }
}
