package dev.cairn.engine.btree;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Node pages in engine-owned memory: a fixed number of page-size slots, allocated (in chunks, as
 * first needed) from a shared {@link Arena} the cache owns and frees at {@link #close()}; bounded
 * by {@code cache.size} (decision 0021).
 *
 * <p><b>Slots.</b> {@code capacity / stride} slots (their memory allocated as first needed, in
 * chunks), a stride being a page and its index region (two bytes an entry for up to a sixteenth of
 * the body's bytes, so the offsets of a node's entries need not be recomputed on a hit: {@link
 * NodeView}). A capacity below one stride caches nothing: every read goes to the file, into a
 * private buffer. The cache never allocates past its slots but for the offsets of nodes of many
 * tiny entries (a short array a slot, replaced on refill).
 *
 * <p><b>Lookups.</b> The slots are split into shards (up to 16), each with its own page table (page
 * id to slot, open addressing) and CLOCK hand. A hit takes no lock: it probes the table, pins the
 * slot (a reference count raised by compare-and-set, refused while the slot is being refilled) and
 * then checks that the slot still holds the page id <em>and the txid</em> its reference expects: a
 * slot refilled meanwhile, or a page freed and rewritten by a later transaction, is a miss, never a
 * wrong hit. A miss takes its shard's lock, looks again, and fills a slot (an empty one, or the
 * first the CLOCK hand finds unpinned and not recently used) from the file through the loader,
 * which verifies the page before the slot is published. A slot is pinned while a reader uses it: a
 * get for the length of its descent (one level at a time), a cursor while it stands on a leaf (the
 * views it lends point into the slot). When every slot of the shard is pinned, the page is read
 * into a private heap buffer instead: never a wait, never an unbounded allocation.
 *
 * <p><b>Writes.</b> The writer puts each node page it writes into the cache ({@link #put}), so
 * reads after writes hit.
 *
 * <p>Thread-safe.
 */
final class PageCache implements AutoCloseable {

  /** Reads and verifies page {@code pageId} of {@code txid} into {@code target}. */
  interface Loader {
    void load(long pageId, long txid, MemorySegment target);
  }

  private static final int MAX_SHARDS = 16;
  private static final int SLOTS_PER_SHARD_AT_LEAST = 8;
  private static final long EMPTY = -1;
  private static final int CLOSE_ATTEMPTS = 5000;
  private static final int CHUNK_SLOTS = 128;
  private static final long SLOT_HEAP_BYTES = 192;
  private static final int REFERENCED = 1 << 30;
  private static final int COUNT = REFERENCED - 1;

  private final long capacity;
  private final int pageSize;
  private final long stride;
  private final int slots;
  private final Arena arena; // null when there are no slots
  private final long[]
      slotPage; // EMPTY when the slot holds no page (or a page dropped while pinned)
  private final long[] slotTxid;
  // Per slot: the pins (the low bits) and CLOCK's recently-used bit, set by each pin; -1 while
  // the slot is claimed for a refill.
  private final AtomicIntegerArray refs;
  private final NodeView[] views;
  private final Shard[] shards;
  private final int shardShift;
  private final String where;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder privateReads = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  /**
   * @param capacity bytes of engine-owned memory at most ({@code cache.size})
   * @param pageSize the store's page size
   * @param where names the file, for messages
   */
  PageCache(long capacity, int pageSize, String where) {
    this.capacity = Math.max(0, capacity);
    this.pageSize = pageSize;
    this.where = where;
    int indexEntries = (pageSize - PageFormat.HEADER_SIZE) / 16 + 1;
    this.stride = pageSize + 2L * indexEntries;
    // NB: each slot also costs the heap about SLOT_HEAP_BYTES (its entries in the arrays below,
    // the page table, its view): a cache.size far beyond the heap is clipped to slots whose
    // bookkeeping takes at most an eighth of it, rather than fail the open or exhaust the heap.
    long maxSlots = Math.max(16, Runtime.getRuntime().maxMemory() / 8 / SLOT_HEAP_BYTES);
    this.slots = (int) Math.min(Math.min(Integer.MAX_VALUE / 4, maxSlots), this.capacity / stride);
    this.slotPage = new long[slots];
    this.slotTxid = new long[slots];
    Arrays.fill(slotPage, EMPTY);
    this.refs = new AtomicIntegerArray(slots);
    this.views = new NodeView[slots];
    int shardCount =
        Math.max(1, Math.min(MAX_SHARDS, Integer.highestOneBit(slots / SLOTS_PER_SHARD_AT_LEAST)));
    if (slots == 0) {
      this.arena = null;
      this.shards = new Shard[0];
      this.shardShift = 64;
      return;
    }
    this.arena = Arena.ofShared();
    this.shards = new Shard[shardCount];
    this.shardShift = 64 - Integer.numberOfTrailingZeros(shardCount);
    for (int i = 0; i < shardCount; i++) {
      int from = (int) ((long) slots * i / shardCount);
      int to = (int) ((long) slots * (i + 1) / shardCount);
      shards[i] = new Shard(from, to);
    }
  }

  private static long mix(long pageId) {
    return pageId * 0x9E3779B97F4A7C15L;
  }

  private Shard shard(long h) {
    return shardShift == 64 ? shards[0] : shards[(int) (h >>> shardShift)];
  }

  /**
   * The node page {@code pageId} written by {@code txid}, pinned: from its slot, or loaded into a
   * slot (or, when none is free, into a private buffer) by {@code loader}. Give it back with {@link
   * #release}.
   */
  NodeView acquire(long pageId, long txid, Loader loader) {
    if (slots > 0) {
      long h = mix(pageId);
      Shard sh = shard(h);
      int s = sh.probe(pageId, h);
      if (s >= 0 && pin(s)) {
        NodeView v = views[s];
        if (v != null && v.holds(pageId, txid)) { // null: a torn read of the table
          hits.increment();
          return v;
        }
        unpin(s);
      }
      misses.increment();
      synchronized (sh) {
        s = claim(sh, pageId, txid, h);
        if (s >= 0 && refs.get(s) > 0) {
          return views[s]; // filled by another reader meanwhile, and pinned for us
        }
        if (s >= 0) {
          fill(sh, s, pageId, txid, h, loader);
          return views[s];
        }
      }
    } else {
      misses.increment();
    }
    privateReads.increment();
    NodeView v = NodeView.heap(pageSize);
    loader.load(pageId, txid, v.page);
    v.index(pageId, txid, where);
    return v;
  }

  /** Gives back a view {@link #acquire} returned. */
  void release(NodeView v) {
    if (v.slot >= 0) {
      unpin(v.slot);
    }
  }

  /**
   * Under the shard's lock: the slot holding {@code pageId} of {@code txid}, pinned (refs > 0), or
   * a slot claimed for it (refs -1), or -1 when every slot of the shard is pinned.
   */
  private int claim(Shard sh, long pageId, long txid, long h) {
    int s = sh.probe(pageId, h);
    if (s >= 0) {
      if (slotTxid[s] == txid && pin(s)) {
        return s;
      }
      // An older content of the page: no reader can reach it any more.
      sh.remove(pageId, h);
      int r = refs.get(s);
      if ((r & COUNT) == 0 && refs.compareAndSet(s, r, -1)) {
        slotPage[s] = EMPTY;
        return s;
      }
      // Pinned by a reader about to find it is not the page it wants (or that still reads that
      // older content, rightly): out of the table, the CLOCK reclaims it once unpinned.
      slotPage[s] = EMPTY;
    }
    return sh.evict();
  }

  /** Fills claimed slot {@code s} with the page and publishes it, pinned once. */
  private void fill(Shard sh, int s, long pageId, long txid, long h, Loader loader) {
    NodeView v = views[s];
    try {
      loader.load(pageId, txid, v.page);
      v.index(pageId, txid, where);
    } catch (RuntimeException | Error e) {
      slotPage[s] = EMPTY;
      refs.set(s, 0);
      throw e;
    }
    slotPage[s] = pageId;
    slotTxid[s] = txid;
    sh.insert(pageId, h, s);
    refs.set(s, 1 | REFERENCED);
  }

  /**
   * Puts node page {@code page}, just written at {@code pageId} by {@code txid} and sealed, in the
   * cache, if a slot is free of pins.
   */
  void put(long pageId, long txid, byte[] page) {
    if (slots == 0) {
      return;
    }
    long h = mix(pageId);
    Shard sh = shard(h);
    synchronized (sh) {
      int s = claim(sh, pageId, txid, h);
      if (s < 0) {
        return;
      }
      if (refs.get(s) > 0) {
        unpin(s); // already there
        return;
      }
      fill(sh, s, pageId, txid, h, (id, t, target) -> copy(page, target));
      unpin(s);
    }
  }

  /**
   * Gives up the slot of {@code pageId}, a page the freelist has just made reusable: no reader can
   * reach its content any more, and a later content of the page is another page. Its slot, out of
   * the table and marked not recently used, is the next the CLOCK hand takes, instead of living
   * tree pages (a random load frees about a page a put). A slot still pinned (by a reader about to
   * find it does not hold the page it wants) is left to the CLOCK.
   */
  void drop(long pageId) {
    if (slots == 0) {
      return;
    }
    long h = mix(pageId);
    Shard sh = shard(h);
    synchronized (sh) {
      int s = sh.probe(pageId, h);
      if (s < 0) {
        return;
      }
      sh.remove(pageId, h);
      slotPage[s] = EMPTY;
      int r = refs.get(s);
      if (r > 0 && (r & COUNT) == 0) {
        refs.compareAndSet(s, r, 0);
      }
      dropped.increment();
    }
  }

  /** Slots given up because their page was freed ({@link #drop}). */
  long dropped() {
    return dropped.sum();
  }

  private static void copy(byte[] page, MemorySegment target) {
    MemorySegment.copy(page, 0, target, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, page.length);
  }

  private boolean pin(int s) {
    while (true) {
      int r = refs.get(s);
      if (r < 0) {
        return false;
      }
      if (refs.compareAndSet(s, r, (r + 1) | REFERENCED)) {
        return true;
      }
    }
  }

  private void unpin(int s) {
    refs.decrementAndGet(s);
  }

  /** Bytes of engine-owned memory the cache may use: its slots. */
  long capacity() {
    return slots * stride;
  }

  /** Bytes the cache was asked to stay within ({@code cache.size}). */
  long requested() {
    return capacity;
  }

  /** Bytes of engine-owned memory allocated so far (slots are allocated as first needed). */
  long allocatedBytes() {
    long n = 0;
    for (Shard sh : shards) {
      synchronized (sh) {
        n += sh.chunkEnd;
      }
    }
    return n * stride;
  }

  /** Bytes of slots holding a page. */
  long usedBytes() {
    long n = 0;
    for (int s = 0; s < slots; s++) {
      if (slotPage[s] != EMPTY) {
        n++;
      }
    }
    return n * stride;
  }

  long hits() {
    return hits.sum();
  }

  long misses() {
    return misses.sum();
  }

  /** Misses read into a private buffer, every slot being pinned (or there being none). */
  long privateReads() {
    return privateReads.sum();
  }

  /** Slots pinned now, by readers and cursors. */
  int pinned() {
    int n = 0;
    for (int s = 0; s < slots; s++) {
      if (refs.get(s) > 0 && (refs.get(s) & COUNT) > 0) {
        n++;
      }
    }
    return n;
  }

  /**
   * Frees the memory. Readers still in a page then fail ({@link IllegalStateException} from the
   * memory access), which the engine reports as its store being closed. Idempotent.
   */
  @Override
  public void close() {
    if (arena == null) {
      return;
    }
    for (int attempt = 0; arena.scope().isAlive(); attempt++) {
      try {
        arena.close();
      } catch (IllegalStateException e) {
        // A read into a slot is in flight (the file channel holds the memory): wait for it. After
        // a few seconds, give up and leave the memory allocated rather than fail the close.
        if (attempt >= CLOSE_ATTEMPTS) {
          return;
        }
        try {
          Thread.sleep(1);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * A part of the slots with its page table and CLOCK hand; the table changes under its lock. Its
   * slots' memory is allocated as they are first needed, {@value #CHUNK_SLOTS} at a time, so a
   * store opens without touching all of {@code cache.size} and a small store never does.
   */
  private final class Shard {
    private final int from;
    private final int count;
    private int allocated; // slots [from, from + allocated) have memory
    private int chunkEnd; // slots [from + allocated, from + chunkEnd) have memory, never used yet
    private final long[] table; // [2i] a page id (EMPTY: none), [2i + 1] its slot
    private final int mask;
    private int hand;

    Shard(int from, int to) {
      this.from = from;
      this.count = to - from;
      int tableSize = Integer.highestOneBit(Math.max(4, count * 2 - 1)) << 1;
      this.table = new long[2 * tableSize];
      this.mask = tableSize - 1;
      for (int i = 0; i < tableSize; i++) {
        table[2 * i] = EMPTY;
      }
    }

    /** The slot of {@code pageId}, or -1; without the lock it may miss, or name a stale slot. */
    int probe(long pageId, long h) {
      int i = (int) h & mask;
      for (int n = 0; n <= mask; n++) {
        long k = table[2 * i];
        if (k == pageId) {
          return (int) table[2 * i + 1];
        }
        if (k == EMPTY) {
          return -1;
        }
        i = (i + 1) & mask;
      }
      return -1;
    }

    void insert(long pageId, long h, int slot) {
      int i = (int) h & mask;
      while (table[2 * i] != EMPTY && table[2 * i] != pageId) {
        i = (i + 1) & mask;
      }
      table[2 * i + 1] = slot;
      table[2 * i] = pageId;
    }

    /** Removes {@code pageId}'s entry, shifting back the entries after it (no tombstones). */
    void remove(long pageId, long h) {
      int i = (int) h & mask;
      while (table[2 * i] != pageId) {
        if (table[2 * i] == EMPTY) {
          return;
        }
        i = (i + 1) & mask;
      }
      int j = i;
      while (true) {
        j = (j + 1) & mask;
        long k = table[2 * j];
        if (k == EMPTY) {
          break;
        }
        int home = (int) mix(k) & mask;
        boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
          table[2 * i + 1] = table[2 * j + 1];
          table[2 * i] = k;
          i = j;
        }
      }
      table[2 * i] = EMPTY;
    }

    /**
     * A slot claimed (refs -1) for a new page: the CLOCK hand's first slot that is neither pinned
     * nor recently used, its old page dropped from the table; -1 when every slot is pinned.
     */
    int evict() {
      if (allocated < count) {
        if (allocated == chunkEnd) {
          int n = Math.min(CHUNK_SLOTS, count - chunkEnd);
          MemorySegment chunk = arena.allocate(stride * n, 4096);
          for (int i = 0; i < n; i++) {
            int s = from + chunkEnd + i;
            MemorySegment slot = chunk.asSlice(i * stride, stride);
            views[s] = new NodeView(slot.asSlice(0, pageSize), slot.asSlice(pageSize), s);
          }
          chunkEnd += n;
        }
        int s = from + allocated++;
        refs.set(s, -1);
        return s;
      }
      for (int n = 0; n < 2 * count + 1; n++) {
        int s = from + hand;
        hand = hand + 1 == count ? 0 : hand + 1;
        int r = refs.get(s);
        if (r < 0 || (r & COUNT) != 0) {
          continue;
        }
        if (r != 0) {
          refs.compareAndSet(s, r, 0); // recently used: a second chance
          continue;
        }
        if (refs.compareAndSet(s, 0, -1)) {
          long old = slotPage[s];
          if (old != EMPTY) {
            remove(old, mix(old));
            slotPage[s] = EMPTY;
          }
          return s;
        }
      }
      return -1;
    }
  }
}
