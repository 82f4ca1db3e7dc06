package dev.cairn.runtime;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The value of the {@code store} tag of a store's meters: the name the application gave ({@link
 * StoreBuilder#storeName(String)}), else the store's absolute directory, else {@code memory-<n>}
 * for a store without one. Unique among the stores open in this JVM: a second store open under the
 * same name (a read-only open beside another, or two applications' stores given one name) gets
 * {@code <name>#2}, and so on, so that closing one never removes the other's meters. Released when
 * the store closes.
 *
 * <p>Thread-safe.
 */
final class StoreTag {

  private static final Set<String> OPEN = ConcurrentHashMap.newKeySet();
  private static final AtomicLong UNNAMED = new AtomicLong();

  private StoreTag() {}

  /**
   * Claims a tag for a store named {@code name} (may be null) in {@code directory} (may be null).
   */
  static String claim(String name, Path directory) {
    String base =
        name != null
            ? name
            : directory != null
                ? directory.toAbsolutePath().normalize().toString()
                : "memory-" + UNNAMED.incrementAndGet();
    if (OPEN.add(base)) {
      return base;
    }
    for (int n = 2; ; n++) {
      String tag = base + "#" + n;
      if (OPEN.add(tag)) {
        return tag;
      }
    }
  }

  static void release(String tag) {
    OPEN.remove(tag);
  }
}
