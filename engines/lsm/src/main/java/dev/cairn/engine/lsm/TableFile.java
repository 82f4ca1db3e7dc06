package dev.cairn.engine.lsm;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A live table: what the manifest records of it ({@link FileMeta}), its open {@link Table} (opened
 * on first use), and how many versions hold it.
 *
 * <p><b>Lifetime.</b> Every {@link Version} that lists the table holds one reference. When the last
 * goes (the table was compacted away and no reader holds an old version), the table is closed and
 * handed to {@code onRelease}, which deletes the file on an engine thread unless the table is still
 * live (a version is being built that lists it).
 *
 * <p>Thread-safe.
 */
final class TableFile {

  private final FileMeta meta;
  private final Path directory;
  private final BlockCache cache;
  private final Statistics statistics;
  private final Consumer<TableFile> onRelease;
  private final AtomicInteger refs = new AtomicInteger();
  private final Object openLock = new Object();
  private volatile Table table;
  private volatile boolean closed;

  TableFile(
      FileMeta meta,
      Path directory,
      BlockCache cache,
      Statistics statistics,
      Consumer<TableFile> onRelease) {
    this.meta = meta;
    this.directory = directory;
    this.cache = cache;
    this.statistics = statistics;
    this.onRelease = onRelease;
  }

  /** A table file whose {@link Table} is already open (a flush or compaction output). */
  TableFile(
      FileMeta meta,
      Table table,
      Path directory,
      BlockCache cache,
      Statistics statistics,
      Consumer<TableFile> onRelease) {
    this(meta, directory, cache, statistics, onRelease);
    this.table = table;
  }

  FileMeta meta() {
    return meta;
  }

  long number() {
    return meta.number();
  }

  Path path() {
    return FileNames.table(directory, meta.number());
  }

  /**
   * The open table, opened now if needed.
   *
   * @throws dev.cairn.spi.CorruptionException if the table is damaged
   * @throws dev.cairn.spi.StorageIOException if it cannot be read
   */
  Table table() {
    Table t = table;
    if (t != null) {
      return t;
    }
    synchronized (openLock) {
      if (table == null) {
        if (closed) {
          throw new IllegalStateException(path() + " is closed");
        }
        table = Table.open(directory, meta.number(), meta.size(), cache, statistics);
      }
      return table;
    }
  }

  void acquire() {
    refs.incrementAndGet();
  }

  void release() {
    if (refs.decrementAndGet() == 0) {
      synchronized (openLock) {
        closed = true;
        if (table != null) {
          table.close();
          table = null;
        }
      }
      cache.evict(meta.number());
      onRelease.accept(this);
    }
  }

  int refs() {
    return refs.get();
  }

  @Override
  public String toString() {
    return meta.toString();
  }
}
