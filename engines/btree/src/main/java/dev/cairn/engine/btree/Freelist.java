package dev.cairn.engine.btree;

import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pages below the high-water mark that no tree uses: free to reuse now, or pending until it is
 * safe ({@code docs/engines/btree.md}, "The freelist").
 *
 * <p>A page freed by transaction N is still part of every state before N. It becomes reusable only
 * when both hold: no reader remains on a state before N (readers register the txid they read, see
 * {@link Readers}), and a state at or after N is durable (its meta forced), so that neither a
 * reader nor the meta a crash falls back to can reach it. Until then it is pending under N. This is
 * where B+trees break (bbolt's "page already freed", "unreachable unfreed", a page referenced
 * twice): the rule is one method, {@link #release}, and {@link Checker} verifies after every test
 * that every page is reachable once or free once.
 *
 * <p>Persisted with each commit as a blob chain listing every free and pending page, sorted; after
 * a reopen no reader exists and the chosen meta is forced, so every listed page is free.
 *
 * <pre>
 * | runs (8B) | per run of consecutive pages: gap from the previous run's end (varint) |
 * | length (varint) | ... | zeros (padding to the chain's last page) |
 * </pre>
 *
 * <p>Owned by the writer's thread; not thread-safe.
 */
final class Freelist {

  private final TreeSet<Long> free = new TreeSet<>();
  private final TreeMap<Long, List<Long>> pending = new TreeMap<>();
  private long pendingCount;
  private long changes; // counts changes, so that an encoding is reused until the list changes
  private byte[] encoded;
  private long encodedAt = -1;

  /** Reuses the lowest free page, or returns -1 when none is free. */
  long allocate() {
    Long id = free.pollFirst();
    if (id == null) {
      return -1;
    }
    changes++;
    return id;
  }

  /** Frees {@code page}, part of states before {@code txid}, pending until it is safe to reuse. */
  void free(long txid, long page) {
    pending.computeIfAbsent(txid, t -> new ArrayList<>()).add(page);
    pendingCount++;
    changes++;
  }

  /** Makes the pages freed by transactions up to {@code txid} reusable. */
  void release(long txid) {
    release(txid, page -> {});
  }

  /**
   * Makes the pages freed by transactions up to {@code txid} reusable, telling {@code released}
   * each: no reader and no meta a crash may open at reaches it any more.
   */
  void release(long txid, java.util.function.LongConsumer released) {
    while (!pending.isEmpty() && pending.firstKey() <= txid) {
      List<Long> pages = pending.pollFirstEntry().getValue();
      pages.forEach(released::accept);
      free.addAll(pages);
      pendingCount -= pages.size();
      changes++;
    }
  }

  /** The free pages below {@code limit}. */
  long freeBelow(long limit) {
    return free.headSet(limit, false).size();
  }

  /**
   * Gives up the free pages at the top of {@code [2, highWater)}: returns the new high-water mark,
   * the lowest {@code h} such that every page of {@code [h, highWater)} was free, and forgets those
   * pages. Pending pages are never given up: a reader or the durable meta may still use them.
   */
  long trimTop(long highWater) {
    long h = highWater;
    while (h > Meta.SLOTS && free.contains(h - 1)) {
      h--;
    }
    if (h < highWater) {
      free.tailSet(h, true).clear();
      changes++; // NB: the kept encoding lists the pages given back
    }
    return h;
  }

  long freeMax() {
    return free.isEmpty() ? -1 : free.last();
  }

  /** The highest pending page, or -1 when none is pending. */
  long pendingMax() {
    long max = -1;
    for (List<Long> pages : pending.values()) {
      for (long id : pages) {
        max = Math.max(max, id);
      }
    }
    return max;
  }

  int freeCount() {
    return free.size();
  }

  long pendingCount() {
    return pendingCount;
  }

  /** The pages pending that were freed by transactions after {@code txid}. */
  long pendingAfter(long txid) {
    long n = 0;
    for (List<Long> p : pending.tailMap(txid, false).values()) {
      n += p.size();
    }
    return n;
  }

  /** The pages pending by the txid that freed them; a copy. */
  Map<Long, Integer> pendingByTxid() {
    Map<Long, Integer> m = new TreeMap<>();
    pending.forEach((t, p) -> m.put(t, p.size()));
    return m;
  }

  /** Every free and pending page, as runs of consecutive pages, as persisted. */
  byte[] encode() {
    if (encoded != null && encodedAt == changes) {
      return encoded;
    }
    long[] held = new long[Math.toIntExact(pendingCount)];
    int h = 0;
    for (List<Long> pages : pending.values()) {
      for (long id : pages) {
        held[h++] = id;
      }
    }
    java.util.Arrays.sort(held, 0, h);
    // The union of the two sorted sets (disjoint), merged in one pass, as runs.
    List<long[]> runs = new ArrayList<>();
    java.util.Iterator<Long> f = free.iterator();
    long nextFree = f.hasNext() ? f.next() : Long.MAX_VALUE;
    int p = 0;
    while (nextFree != Long.MAX_VALUE || p < h) {
      long id;
      if (p < h && held[p] < nextFree) {
        id = held[p++];
      } else {
        id = nextFree;
        nextFree = f.hasNext() ? f.next() : Long.MAX_VALUE;
      }
      long[] last = runs.isEmpty() ? null : runs.getLast();
      if (last != null && last[0] + last[1] == id) {
        last[1]++;
      } else {
        runs.add(new long[] {id, 1});
      }
    }
    ByteBuffer b =
        ByteBuffer.allocate(8 + runs.size() * 2 * Varints.MAX_LONG_BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(runs.size());
    long end = Meta.SLOTS;
    for (long[] r : runs) {
      Varints.putUnsignedLong(b, r[0] - end);
      Varints.putUnsignedLong(b, r[1]);
      end = r[0] + r[1];
    }
    encoded = java.util.Arrays.copyOf(b.array(), b.position());
    encodedAt = changes;
    return encoded;
  }

  /** The bytes {@link #encode()} writes. */
  int encodedSize() {
    return encode().length;
  }

  /**
   * The pages listed in a persisted freelist.
   *
   * @throws CorruptionException if it does not parse, or lists a page out of {@code [2, highWater)}
   *     or twice
   */
  static long[] decode(byte[] bytes, long highWater, String where) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      long n = b.getLong();
      if (n < 0 || n > bytes.length) {
        throw new CorruptionException(
            where + ": the freelist's run count " + n + " does not add up");
      }
      long total = 0;
      List<long[]> runs = new ArrayList<>();
      long end = Meta.SLOTS;
      for (long i = 0; i < n; i++) {
        long start = end + Varints.getUnsignedLong(b);
        long length = Varints.getUnsignedLong(b);
        if ((i > 0 && start == end)
            || length < 1
            || start < end
            || length > highWater
            || start > highWater - length) {
          throw new CorruptionException(
              where
                  + ": the freelist lists pages ["
                  + start
                  + ", +"
                  + length
                  + ") out of order, twice or out of [2, "
                  + highWater
                  + ")");
        }
        runs.add(new long[] {start, length});
        total += length;
        end = start + length;
      }
      long[] ids = new long[Math.toIntExact(total)];
      int k = 0;
      for (long[] r : runs) {
        for (long id = r[0]; id < r[0] + r[1]; id++) {
          ids[k++] = id;
        }
      }
      return ids;
    } catch (BufferUnderflowException | IllegalArgumentException | ArithmeticException e) {
      throw new CorruptionException(where + ": the freelist is cut short or damaged", e);
    }
  }

  /** A freelist whose every page in {@code ids} is free. */
  static Freelist of(long[] ids) {
    Freelist f = new Freelist();
    for (long id : ids) {
      f.free.add(id);
    }
    return f;
  }
}
