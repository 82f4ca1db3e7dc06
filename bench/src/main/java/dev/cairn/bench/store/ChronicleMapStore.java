package dev.cairn.bench.store;

import dev.cairn.spi.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Chronicle Map (off-heap hash map in a memory-mapped file, segment locks) as a bench-only peer.
 *
 * <p>Durability, stated beside its figures: <em>none promised</em>. Every write lands in a shared
 * memory mapping of the file, so the OS has it at once and a process crash loses nothing, but
 * Chronicle Map never forces the file and orders nothing against a power failure: {@code SYNC}
 * costs nothing here, so its syncput figures are no durability figures. {@link #putAll} is not
 * atomic. It is a hash map: it has no key order, so workloads that scan (seekrandom, ycsb-e) are
 * not run on it.
 *
 * <p>Sizing: Chronicle Map allocates its segments for a declared number of entries and average key
 * and value sizes, taken from the spec (the most records a run may hold); the file is sparse, and
 * its size on disk is the file's length (the address range reserved), not the blocks written.
 *
 * <p>Its library sends usage analytics on first use unless told not to; this class disables that
 * (and the start-up banner) before Chronicle's classes load. Thread-safe (ChronicleMap is
 * concurrent).
 */
final class ChronicleMapStore implements BenchStore {

  static final String DURABILITY =
      "no durability promise: writes land in a memory-mapped file (a process crash loses nothing),"
          + " never fsynced or ordered, so SYNC costs nothing; batches not atomic; a hash map:"
          + " seekrandom and ycsb-e (scans) are not run on it";

  static final String MEMORY =
      "no cache of its own: the whole map lives in a memory-mapped file, whose pages are the OS"
          + " page cache's; the run's cache size does not apply";

  static {
    // Chronicle's libraries phone home with usage analytics unless disabled; this machine and the
    // user's owe it no traffic. Set before any Chronicle class initializes.
    System.setProperty("chronicle.analytics.disable", "true");
    System.setProperty("chronicle.announcer.disable", "true");
    // Chronicle compiles generated classes at run time with javac, which looks for the classes they
    // use (Chronicle's own, its annotations) on java.class.path only. Launched from the module
    // path, that is empty: hand javac the module path's jars too.
    String modulePath = System.getProperty("jdk.module.path", "");
    if (!modulePath.isEmpty()) {
      String classPath = System.getProperty("java.class.path", "");
      System.setProperty(
          "java.class.path",
          classPath.isEmpty() ? modulePath : classPath + java.io.File.pathSeparator + modulePath);
    }
    // Chronicle logs through SLF4J; without a provider SLF4J warns on stderr that it has none.
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
  }

  private final ChronicleMap<byte[], byte[]> map;
  private final Path file;

  ChronicleMapStore(Path directory, StoreSpec spec) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.file = directory.resolve("data.cm3");
    try {
      this.map =
          ChronicleMap.of(byte[].class, byte[].class)
              .name("cairn-bench")
              .entries(Math.max(1_000, spec.maxRecords()))
              .averageKeySize(Math.max(1, spec.keySize()))
              .averageValueSize(Math.max(1, spec.valueSize()))
              .createPersistedTo(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open Chronicle Map in " + file, e);
    }
  }

  @Override
  public byte[] get(byte[] key) {
    return map.get(key);
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    map.put(key, value);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    map.remove(key);
  }

  @Override
  public void putAll(List<byte[]> keys, List<byte[]> values, Durability durability) {
    for (int i = 0; i < keys.size(); i++) {
      map.put(keys.get(i), values.get(i));
    }
  }

  @Override
  public boolean ordered() {
    return false;
  }

  /**
   * @throws UnsupportedOperationException always: a hash map has no key order
   */
  @Override
  public int scan(byte[] start, int count) {
    throw new UnsupportedOperationException("Chronicle Map is a hash map: it cannot scan in order");
  }

  @Override
  public void flush() {
    // Nothing to do: Chronicle Map offers no way to force its mapping to disk.
  }

  @Override
  public long diskBytes() {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public long memoryBytes() {
    return map.offHeapMemoryUsed();
  }

  @Override
  public void close() {
    map.close();
  }
}
