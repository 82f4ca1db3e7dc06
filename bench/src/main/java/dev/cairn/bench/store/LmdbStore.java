package dev.cairn.bench.store;

import dev.cairn.spi.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * LMDB (memory-mapped copy-on-write B+tree, one writer at a time) through lmdbjava, as a bench-only
 * peer.
 *
 * <p>Durability, stated beside its figures: LMDB's sync policy is a flag of the whole environment,
 * chosen when it opens from the run's durability. A {@code BUFFERED} run opens it with {@code
 * MDB_NOSYNC | MDB_NOMETASYNC}: a commit writes its pages to the file with {@code pwrite} (no
 * {@code MDB_WRITEMAP}) and returns without fsync, so the OS has the bytes and a process crash
 * loses nothing, as Cairn's {@code BUFFERED}; a {@code SYNC} write in such a run commits and then
 * forces the environment ({@code mdb_env_sync(force)}). A {@code SYNC} run opens it with LMDB's
 * default flags, which fsync the data pages and the meta page at every commit, so even its {@code
 * BUFFERED} writes (there are none in a SYNC run but deletes' and batches' own) are synced. A batch
 * is one write transaction: atomic.
 *
 * <p>Map size: LMDB maps a fixed address range and fails a write that would grow the file past it
 * ({@code MDB_MAP_FULL}; lmdbjava issue 126). It is sized from the spec: {@link
 * #MAP_BYTES_PER_LOGICAL_BYTE} times the logical bytes of the most records the run may hold, at
 * least {@link #MIN_MAP_BYTES}. The map is address space, not disk: the file grows with the data.
 *
 * <p>Thread-safe: every call runs in its own transaction; writers queue on LMDB's writer lock.
 */
final class LmdbStore implements BenchStore {

  /** Map bytes per byte of keys and values: room for half-full pages and copy-on-write. */
  static final long MAP_BYTES_PER_LOGICAL_BYTE = 8;

  /** The smallest map. */
  static final long MIN_MAP_BYTES = 256L << 20;

  static final String DURABILITY =
      "BUFFERED run: MDB_NOSYNC|MDB_NOMETASYNC, each commit pwrite()s its pages (a process crash"
          + " loses nothing), a SYNC write adds mdb_env_sync(force); SYNC run: LMDB's default,"
          + " fsync of data and meta pages per commit; batches atomic; map size 8 x logical"
          + " bytes (records x (key + value)), at least 256 MiB";

  static final String MEMORY =
      "no cache of its own: reads its memory-mapped file, whose pages are the OS page cache's;"
          + " the run's cache size does not apply";

  private final Env<byte[]> env;
  private final Dbi<byte[]> db;
  private final Path directory;
  private final boolean noSync;

  LmdbStore(Path directory, StoreSpec spec) {
    this.directory = directory;
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.noSync = spec.durability() == Durability.BUFFERED;
    long map = mapBytes(spec);
    EnvFlags[] flags =
        noSync ? new EnvFlags[] {EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOMETASYNC} : new EnvFlags[0];
    this.env =
        Env.create(ByteArrayProxy.PROXY_BA)
            .setMapSize(map)
            .setMaxDbs(1)
            .setMaxReaders(2048)
            .open(directory.toFile(), flags);
    if (spec.keySize() > env.getMaxKeySize()) {
      int max = env.getMaxKeySize();
      env.close();
      throw new IllegalArgumentException(
          "LMDB keys are at most " + max + " bytes, the run's keys are " + spec.keySize());
    }
    this.db = env.openDbi("data", DbiFlags.MDB_CREATE);
  }

  /** The map size for a spec; see the class comment. */
  static long mapBytes(StoreSpec spec) {
    long wanted = Math.multiplyExact(spec.logicalBytes(), MAP_BYTES_PER_LOGICAL_BYTE);
    long pages = (Math.max(wanted, MIN_MAP_BYTES) + 4095) / 4096;
    return pages * 4096;
  }

  @Override
  public byte[] get(byte[] key) {
    try (Txn<byte[]> txn = env.txnRead()) {
      return db.get(txn, key);
    }
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    try (Txn<byte[]> txn = env.txnWrite()) {
      db.put(txn, key, value);
      txn.commit();
    }
    sync(durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    try (Txn<byte[]> txn = env.txnWrite()) {
      db.delete(txn, key);
      txn.commit();
    }
    sync(durability);
  }

  @Override
  public void putAll(List<byte[]> keys, List<byte[]> values, Durability durability) {
    try (Txn<byte[]> txn = env.txnWrite()) {
      for (int i = 0; i < keys.size(); i++) {
        db.put(txn, keys.get(i), values.get(i));
      }
      txn.commit();
    }
    sync(durability);
  }

  private void sync(Durability durability) {
    if (noSync && durability == Durability.SYNC) {
      env.sync(true);
    }
  }

  @Override
  public int scan(byte[] start, int count) {
    int n = 0;
    try (Txn<byte[]> txn = env.txnRead();
        Cursor<byte[]> c = db.openCursor(txn)) {
      // LMDB refuses an empty key, even to seek with; every key is at or after the empty one.
      boolean more = start.length == 0 ? c.first() : c.get(start, GetOp.MDB_SET_RANGE);
      while (more && n < count) {
        c.val();
        n++;
        more = c.next();
      }
    }
    return n;
  }

  @Override
  public void flush() {
    env.sync(true);
  }

  @Override
  public long diskBytes() {
    try {
      return Files.size(directory.resolve("data.mdb"));
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public long memoryBytes() {
    return -1; // the OS page cache holds LMDB's pages: none of it is the store's own memory
  }

  @Override
  public void close() {
    db.close();
    env.close();
  }
}
