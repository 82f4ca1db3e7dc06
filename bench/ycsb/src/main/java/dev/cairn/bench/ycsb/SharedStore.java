package dev.cairn.bench.ycsb;

import dev.cairn.spi.StorageEngine;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One open store shared by every YCSB client thread that names it: YCSB makes a {@code DB} per
 * thread, and a store opens once. Counted: the last {@link #release} closes it. Also holds the
 * locks that make a read-modify-write update of one record atomic against another. Thread-safe.
 */
final class SharedStore {

  private static final Map<String, SharedStore> OPEN = new HashMap<>();
  private static final int STRIPES = 256;

  final StorageEngine engine;
  private final String id;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  private int users;

  private SharedStore(String id, StorageEngine engine) {
    this.id = id;
    this.engine = engine;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /**
   * The store called {@code id}, opened with {@code opener} if no thread holds it yet.
   *
   * @throws RuntimeException whatever {@code opener} throws; nothing is then held
   */
  static SharedStore acquire(String id, Supplier<StorageEngine> opener) {
    synchronized (OPEN) {
      SharedStore s = OPEN.get(id);
      if (s == null) {
        s = new SharedStore(id, opener.get());
        OPEN.put(id, s);
      }
      s.users++;
      return s;
    }
  }

  /** Gives the store back; the last user closes it. */
  void release() {
    synchronized (OPEN) {
      if (--users == 0) {
        OPEN.remove(id);
        engine.close();
      }
    }
  }

  /** The lock of the records whose Cairn key hashes like {@code key}'s. */
  ReentrantLock lockFor(byte[] key) {
    return locks[Math.floorMod(java.util.Arrays.hashCode(key), STRIPES)];
  }
}
