package dev.cairn.engine.hash;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BiConsumer;

/**
 * One segment of the {@link Keydir}: an open-addressing table with linear probing, in off-heap
 * memory of its own {@link Arena}.
 *
 * <pre>
 * slot (32 bytes, two to a 64-byte cache line, in the platform's byte order):
 * | hash (8B) | seq (8B) | file id (4B) | offset (4B, unsigned) | size (31 bits) + tombstone (1 bit) | unused (4B) |
 * </pre>
 *
 * <p>A slot whose size word is zero is empty (no record has size zero). Slots are aligned so that
 * none spans two cache lines: a probe costs one miss, and it compares the hash first. The table
 * grows by half when it would pass three quarters full, so it stays between a half and three
 * quarters full: 43 to 64 bytes a key. Capacity is any number, not a power of two; the home slot of
 * a hash is {@code (hash' * capacity) >>> 64} (Lemire's multiply-shift range reduction) on the hash
 * bits the segment choice did not use. Removal shifts the rest of the probe chain back (Knuth's
 * algorithm R), so the table has no deleted markers and probe chains never lengthen from deletes.
 *
 * <p>Thread safety: writers hold the write lock ({@link #lock()}); readers take an optimistic read
 * and fall back to the read lock. Growth allocates a new arena, rehashes under the write lock, and
 * closes the old arena: an optimistic reader that raced it gets an {@link IllegalStateException}
 * from the closed memory, which it treats as a failed validation. No reader ever sees freed memory.
 */
final class KeydirSegment {

  static final int SLOT = 32;
  private static final int LINE = 64;
  private static final int MIN_CAPACITY = 16;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
  private static final int TOMBSTONE = 0x8000_0000;
  private static final Entry[] NONE = new Entry[0];

  /** What {@link #candidate} returns when several entries have the hash. */
  static final Entry SEVERAL = new Entry(0, 0, 0, 0, false);

  private final StampedLock lock = new StampedLock();
  private final int shift;
  private Arena arena;
  private MemorySegment table;
  private long capacity;
  private long count;
  private long tombstones;
  private boolean closed;

  /**
   * @param shift how many top bits of a hash chose this segment; the home slot uses the rest
   */
  KeydirSegment(int shift) {
    this.shift = shift;
    allocate(MIN_CAPACITY);
  }

  private void allocate(long slots) {
    arena = Arena.ofShared();
    table = arena.allocate(slots * SLOT, LINE);
    capacity = slots;
  }

  /** Takes the write lock; returns the stamp to pass to {@link #unlock(long)}. */
  long lock() {
    return lock.writeLock();
  }

  void unlock(long stamp) {
    lock.unlockWrite(stamp);
  }

  private long home(long hash, long cap) {
    return Math.unsignedMultiplyHigh(hash << shift, cap);
  }

  // ---- reads -----------------------------------------------------------------------------------

  /** The entries whose hash is {@code hash}, usually none or one. */
  Entry[] candidates(long hash) {
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0) {
      try {
        Entry[] found = scan(hash);
        if (lock.validate(stamp)) {
          return found;
        }
      } catch (IllegalStateException | IndexOutOfBoundsException e) {
        // NB: raced a growth that freed the table; retry under the read lock.
      }
    }
    stamp = lock.readLock();
    try {
      return scan(hash);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * The entry whose hash is {@code hash} when there is exactly one (the common case, without the
   * array of {@link #candidates}), null when there is none, {@link #SEVERAL} when there are more.
   */
  Entry candidate(long hash) {
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0) {
      try {
        Entry found = scanOne(hash);
        if (lock.validate(stamp)) {
          return found;
        }
      } catch (IllegalStateException | IndexOutOfBoundsException e) {
        // NB: raced a growth that freed the table; retry under the read lock.
      }
    }
    stamp = lock.readLock();
    try {
      return scanOne(hash);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private Entry scanOne(long hash) {
    MemorySegment t = table;
    long cap = capacity;
    if (closed) {
      return null;
    }
    long found = -1;
    long i = home(hash, cap);
    for (long n = 0; n < cap; n++) {
      long base = i * SLOT;
      long h = t.get(LONG, base);
      int sizeWord = t.get(INT, base + 24);
      if (sizeWord == 0) {
        break;
      }
      if (h == hash) {
        if (found >= 0) {
          return SEVERAL;
        }
        found = base;
      }
      if (++i == cap) {
        i = 0;
      }
    }
    return found < 0 ? null : read(t, found);
  }

  private Entry[] scan(long hash) {
    MemorySegment t = table;
    long cap = capacity;
    if (closed) {
      return NONE;
    }
    Entry[] found = NONE;
    long i = home(hash, cap);
    for (long n = 0; n < cap; n++) {
      long base = i * SLOT;
      long h = t.get(LONG, base);
      int sizeWord = t.get(INT, base + 24);
      if (sizeWord == 0) {
        break;
      }
      if (h == hash) {
        Entry e = read(t, base);
        Entry[] more = new Entry[found.length + 1];
        System.arraycopy(found, 0, more, 0, found.length);
        more[found.length] = e;
        found = more;
      }
      if (++i == cap) {
        i = 0;
      }
    }
    return found;
  }

  private static Entry read(MemorySegment t, long base) {
    int sizeWord = t.get(INT, base + 24);
    return new Entry(
        t.get(LONG, base + 8),
        t.get(INT, base + 16),
        Integer.toUnsignedLong(t.get(INT, base + 20)),
        sizeWord & ~TOMBSTONE,
        (sizeWord & TOMBSTONE) != 0);
  }

  private static void write(MemorySegment t, long base, long hash, Entry e) {
    t.set(LONG, base, hash);
    t.set(LONG, base + 8, e.seq());
    t.set(INT, base + 16, e.fileId());
    t.set(INT, base + 20, (int) e.offset());
    t.set(INT, base + 24, e.size() | (e.tombstone() ? TOMBSTONE : 0));
  }

  // ---- writes (caller holds the write lock) ----------------------------------------------------

  /** The slot holding the entry of {@code hash} with {@code seq}, or -1. */
  private long find(long hash, long seq) {
    long i = home(hash, capacity);
    for (long n = 0; n < capacity; n++) {
      long base = i * SLOT;
      if (table.get(INT, base + 24) == 0) {
        return -1;
      }
      if (table.get(LONG, base) == hash && table.get(LONG, base + 8) == seq) {
        return i;
      }
      if (++i == capacity) {
        i = 0;
      }
    }
    return -1;
  }

  /** The entry of {@code hash} with sequence {@code seq}, or null. Caller holds a lock. */
  Entry entryLocked(long hash, long seq) {
    long i = find(hash, seq);
    return i < 0 ? null : read(table, i * SLOT);
  }

  /**
   * Replaces the entry of {@code hash} with sequence {@code oldSeq} by {@code e}, or inserts {@code
   * e} when {@code oldSeq} is 0 or not found.
   *
   * @return the replaced entry, or null when inserted
   */
  Entry putLocked(long hash, long oldSeq, Entry e) {
    if (oldSeq != 0) {
      long i = find(hash, oldSeq);
      if (i >= 0) {
        long base = i * SLOT;
        Entry old = read(table, base);
        write(table, base, hash, e);
        tombstones += (e.tombstone() ? 1 : 0) - (old.tombstone() ? 1 : 0);
        return old;
      }
    }
    if ((count + 1) * 4 > capacity * 3) {
      grow(Math.max(MIN_CAPACITY, capacity + capacity / 2));
    }
    insert(table, capacity, hash, e);
    count++;
    tombstones += e.tombstone() ? 1 : 0;
    return null;
  }

  private void insert(MemorySegment t, long cap, long hash, Entry e) {
    long i = home(hash, cap);
    while (t.get(INT, i * SLOT + 24) != 0) {
      if (++i == cap) {
        i = 0;
      }
    }
    write(t, i * SLOT, hash, e);
  }

  private void grow(long newCapacity) {
    Arena oldArena = arena;
    MemorySegment old = table;
    long oldCap = capacity;
    Arena next = Arena.ofShared();
    MemorySegment t = next.allocate(newCapacity * SLOT, LINE);
    for (long i = 0; i < oldCap; i++) {
      long base = i * SLOT;
      if (old.get(INT, base + 24) != 0) {
        long h = old.get(LONG, base);
        insert(t, newCapacity, h, read(old, base));
      }
    }
    arena = next;
    table = t;
    capacity = newCapacity;
    oldArena.close();
  }

  /**
   * Moves the entry of {@code hash} with {@code seq} to {@code e}'s place if it still sits at
   * {@code fromFile}, {@code fromOffset}.
   *
   * @return true when moved
   */
  boolean moveLocked(long hash, long seq, int fromFile, long fromOffset, Entry e) {
    long i = find(hash, seq);
    if (i < 0) {
      return false;
    }
    long base = i * SLOT;
    if (!read(table, base).isAt(fromFile, fromOffset)) {
      return false;
    }
    write(table, base, hash, e);
    return true;
  }

  /**
   * Removes the entry of {@code hash} with {@code seq}.
   *
   * @return the removed entry, or null when there was none
   */
  Entry removeLocked(long hash, long seq) {
    long i = find(hash, seq);
    if (i < 0) {
      return null;
    }
    Entry removed = read(table, i * SLOT);
    // Knuth's algorithm R: shift back every later slot of the chain whose home does not lie
    // cyclically in (i, j], so no chain is broken by the hole.
    long j = i;
    while (true) {
      if (++j == capacity) {
        j = 0;
      }
      long jb = j * SLOT;
      if (table.get(INT, jb + 24) == 0) {
        break;
      }
      long k = home(table.get(LONG, jb), capacity);
      boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (!stays) {
        MemorySegment.copy(table, jb, table, i * SLOT, SLOT);
        i = j;
      }
    }
    table.asSlice(i * SLOT, SLOT).fill((byte) 0);
    count--;
    tombstones -= removed.tombstone() ? 1 : 0;
    return removed;
  }

  // ---- whole-segment views ---------------------------------------------------------------------

  /** Calls {@code visit} with the hash and entry of every slot, from a copy taken under lock. */
  void forEach(BiConsumer<Long, Entry> visit) {
    long[] hashes;
    Entry[] entries;
    int n = 0;
    long stamp = lock.readLock();
    try {
      hashes = new long[(int) count];
      entries = new Entry[(int) count];
      for (long i = 0; !closed && i < capacity && n < hashes.length; i++) {
        long base = i * SLOT;
        if (table.get(INT, base + 24) != 0) {
          hashes[n] = table.get(LONG, base);
          entries[n++] = read(table, base);
        }
      }
    } finally {
      lock.unlockRead(stamp);
    }
    for (int i = 0; i < n; i++) {
      visit.accept(hashes[i], entries[i]);
    }
  }

  /**
   * Problems with the table's own invariants: every entry is reachable from its home slot without
   * crossing an empty slot, and the count matches.
   */
  List<String> check(int segmentNumber) {
    List<String> problems = new ArrayList<>();
    long stamp = lock.readLock();
    try {
      long seen = 0;
      for (long i = 0; !closed && i < capacity; i++) {
        long base = i * SLOT;
        if (table.get(INT, base + 24) == 0) {
          continue;
        }
        seen++;
        long j = home(table.get(LONG, base), capacity);
        while (j != i) {
          if (table.get(INT, j * SLOT + 24) == 0) {
            problems.add(
                "index segment " + segmentNumber + " slot " + i + " is cut off from its home " + j);
            break;
          }
          if (++j == capacity) {
            j = 0;
          }
        }
      }
      if (!closed && seen != count) {
        problems.add(
            "index segment " + segmentNumber + " counts " + count + " entries but holds " + seen);
      }
    } finally {
      lock.unlockRead(stamp);
    }
    return problems;
  }

  long count() {
    long stamp = lock.readLock();
    try {
      return count;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  long tombstones() {
    long stamp = lock.readLock();
    try {
      return tombstones;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Off-heap bytes of the table. */
  long bytes() {
    long stamp = lock.readLock();
    try {
      return closed ? 0 : capacity * SLOT;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Frees the table. Idempotent; later reads find nothing. */
  void close() {
    long stamp = lock.writeLock();
    try {
      if (!closed) {
        closed = true;
        arena.close();
        count = 0;
        tombstones = 0;
      }
    } finally {
      lock.unlockWrite(stamp);
    }
  }
}
