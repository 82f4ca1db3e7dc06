package dev.cairn.bench.store;

import dev.cairn.spi.Durability;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;

/**
 * H2's MVStore (copy-on-write B-tree, append-only chunks) as a bench-only peer.
 *
 * <p>Durability, stated beside its figures: MVStore commits in the background (every second by
 * default), so a {@code BUFFERED} write returns while its bytes are still only in the Java heap: a
 * process crash may lose up to about a second of writes, which is <em>weaker</em> than Cairn's
 * {@code BUFFERED}. A {@code SYNC} write commits and then forces the file ({@code commit()} and
 * {@code sync()}), which matches Cairn's {@code SYNC}. {@link #putAll} is not atomic (MVStore needs
 * its TransactionStore for that). Thread-safe (MVMap is concurrent).
 *
 * <p>Memory: MVStore keeps the pages it read in a cache of its own, sized in whole MiB; a run's
 * cache size is rounded up to the next MiB. Its default is {@value #DEFAULT_CACHE_MIB} MiB.
 */
final class MvStoreStore implements BenchStore {

  static final String DURABILITY =
      "SYNC: commit() + sync() per write; BUFFERED: background commit every 1 s (weaker: a process"
          + " crash can lose ~1 s); batches not atomic";

  /** MVStore's own default cache size, MiB. */
  static final int DEFAULT_CACHE_MIB = 16;

  private final MVStore store;
  private final MVMap<byte[], byte[]> map;
  private final Path file;

  MvStoreStore(Path directory, StoreSpec spec) {
    this.file = directory.resolve("data.mv");
    try {
      java.nio.file.Files.createDirectories(directory);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    this.store = new MVStore.Builder().fileName(file.toString()).cacheSize(cacheMib(spec)).open();
    this.map =
        store.openMap(
            "data",
            new MVMap.Builder<byte[], byte[]>()
                .keyType(ByteArrayDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE));
  }

  /** The cache size the store is opened with, MiB: the spec's, rounded up. */
  static int cacheMib(StoreSpec spec) {
    if (!spec.cacheSet()) {
      return DEFAULT_CACHE_MIB;
    }
    return (int) Math.min(Integer.MAX_VALUE, (spec.cacheBytes() + (1L << 20) - 1) >> 20);
  }

  /** The memory line of this peer under {@code spec}. */
  static String memory(StoreSpec spec) {
    return spec.cacheSet()
        ? "page cache (cacheSize) = "
            + cacheMib(spec)
            + " MiB (the run's cache size, rounded up to whole MiB)"
        : "page cache (cacheSize) at MVStore's default (" + DEFAULT_CACHE_MIB + " MiB)";
  }

  @Override
  public byte[] get(byte[] key) {
    return map.get(key);
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    map.put(key, value);
    sync(durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    map.remove(key);
    sync(durability);
  }

  @Override
  public void putAll(List<byte[]> keys, List<byte[]> values, Durability durability) {
    for (int i = 0; i < keys.size(); i++) {
      map.put(keys.get(i), values.get(i));
    }
    sync(durability);
  }

  private void sync(Durability durability) {
    if (durability == Durability.SYNC) {
      store.commit();
      store.sync();
    }
  }

  @Override
  public int scan(byte[] start, int count) {
    int n = 0;
    Iterator<byte[]> it = map.keyIterator(start);
    while (n < count && it.hasNext()) {
      map.get(it.next());
      n++;
    }
    return n;
  }

  @Override
  public void flush() {
    store.commit();
    store.sync();
  }

  @Override
  public long diskBytes() {
    try {
      return java.nio.file.Files.size(file);
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  @Override
  public long memoryBytes() {
    // Its page cache, which MVStore counts in whole MiB (rounded down): less than one cannot be
    // told from none.
    long used = (long) store.getCacheSizeUsed() << 20;
    return used > 0 ? used : -1;
  }

  @Override
  public void close() {
    store.close();
  }
}
