package dev.cairn.bench;

import dev.cairn.bench.store.BenchStore;
import dev.cairn.bench.store.StoreSpec;
import dev.cairn.bench.store.Target;
import dev.cairn.spi.Durability;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** A sorted in-memory store for runner tests; counts its syncs. */
class MapStore implements BenchStore {

  final ConcurrentSkipListMap<byte[], byte[]> map =
      new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
  final AtomicLong syncs = new AtomicLong();

  static Target target(String name) {
    return new Target(
        name, "peer", "test", "test store", spec -> "test memory", (dir, spec) -> new MapStore());
  }

  /** A store that adds the spec of every open to {@code specs}. */
  static Target recording(String name, List<StoreSpec> specs) {
    return new Target(
        name,
        "peer",
        "test",
        "test store",
        spec -> "cache of " + spec.cacheBytes(),
        (dir, spec) -> {
          specs.add(spec);
          return new MapStore();
        });
  }

  /** A store like a hash map: it refuses to scan. */
  static Target unorderedTarget(String name) {
    return new Target(
        name,
        "peer",
        "test",
        "unordered test store",
        spec -> "test memory",
        (dir, spec) ->
            new MapStore() {
              @Override
              public boolean ordered() {
                return false;
              }

              @Override
              public int scan(byte[] start, int count) {
                throw new UnsupportedOperationException("unordered");
              }
            });
  }

  @Override
  public byte[] get(byte[] key) {
    return map.get(key);
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    map.put(key, value);
    count(durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    map.remove(key);
    count(durability);
  }

  @Override
  public void putAll(List<byte[]> keys, List<byte[]> values, Durability durability) {
    for (int i = 0; i < keys.size(); i++) {
      map.put(keys.get(i), values.get(i));
    }
    count(durability);
  }

  private void count(Durability d) {
    if (d == Durability.SYNC) {
      syncs.incrementAndGet();
    }
  }

  @Override
  public int scan(byte[] start, int count) {
    return (int) map.tailMap(start, true).keySet().stream().limit(count).count();
  }

  @Override
  public void flush() {}

  @Override
  public long diskBytes() {
    return map.size() * 200L;
  }

  @Override
  public long memoryBytes() {
    return -1;
  }

  @Override
  public void close() {}
}
