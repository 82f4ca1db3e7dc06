package dev.cairn.conformance.crash;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * A test engine that rewrites the whole store on every write: header and one record holding every
 * entry go to {@code DATA.tmp}, which is forced and renamed over {@code DATA}. A {@code SYNC} write
 * then forces the directory, making the rename durable; a {@code BUFFERED} one does not (the rename
 * is already visible to other processes).
 *
 * <p>Flaw {@code NO_DIR_SYNC}: the directory is never forced, so after a power cut the rename may
 * be gone and {@code DATA} an older version, losing {@code SYNC}-acknowledged writes (LevelDB
 * #195's kind of bug).
 *
 * <p>Thread-safe (see {@link MapBackedEngine}).
 */
final class SnapshotTestEngine extends MapBackedEngine {

  static final int KIND = 2;

  private final Path dir;
  private final TestEngineProvider.Flaw flaw;
  private final StoreFiles.DirectoryLock lock;

  private SnapshotTestEngine(
      String name,
      Set<Capability> caps,
      EngineOptions options,
      Path dir,
      TestEngineProvider.Flaw flaw,
      StoreFiles.DirectoryLock lock) {
    super(name, caps, options.defaultDurability(), options.readOnly());
    this.dir = dir;
    this.flaw = flaw;
    this.lock = lock;
  }

  static SnapshotTestEngine open(
      String name, Set<Capability> caps, EngineOptions options, TestEngineProvider.Flaw flaw) {
    Path dir = options.requireDirectory(name);
    StoreFiles.DirectoryLock lock = null;
    try {
      TestEngineProvider.createDirectory(dir, options, true);
      lock = StoreFiles.DirectoryLock.acquire(dir);
      if (!options.readOnly()) {
        Files.deleteIfExists(dir.resolve("DATA.tmp"));
      }
      SnapshotTestEngine e = new SnapshotTestEngine(name, caps, options, dir, flaw, lock);
      Path data = dir.resolve("DATA");
      if (Files.exists(data)) {
        e.map.putAll(read(Files.readAllBytes(data), data));
      }
      return e;
    } catch (IOException ex) {
      LogTestEngine.closeQuietly(lock);
      throw new StorageIOException("cannot open store in " + dir + ": " + ex, ex);
    } catch (RuntimeException ex) {
      LogTestEngine.closeQuietly(lock);
      throw ex;
    }
  }

  private static NavigableMap<byte[], byte[]> read(byte[] content, Path where) {
    if (content.length < StoreFiles.HEADER) {
      throw new CorruptionException(where + " is shorter than its header");
    }
    StoreFiles.checkHeader(content, KIND, where);
    NavigableMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
    int end = StoreFiles.scan(content, StoreFiles.HEADER, ops -> apply(map, ops));
    if (end != content.length) {
      throw new CorruptionException(where + ": damaged at offset " + end);
    }
    return map;
  }

  @Override
  protected void persist(List<WriteBatch.Operation> ops, Durability durability) throws IOException {
    NavigableMap<byte[], byte[]> next = new TreeMap<>(Arrays::compareUnsigned);
    next.putAll(map);
    apply(next, ops);
    List<WriteBatch.Operation> all = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : next.entrySet()) {
      all.add(new WriteBatch.Put(e.getKey(), e.getValue()));
    }
    byte[] record = StoreFiles.encode(all);
    byte[] content = Arrays.copyOf(StoreFiles.header(KIND), StoreFiles.HEADER + record.length);
    System.arraycopy(record, 0, content, StoreFiles.HEADER, record.length);
    Path tmp = dir.resolve("DATA.tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      StoreFiles.writeFully(ch, content, 0);
      force(ch);
    }
    Files.move(
        tmp,
        dir.resolve("DATA"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    if (durability == Durability.SYNC) {
      sync();
    }
  }

  @Override
  protected void sync() throws IOException {
    if (flaw != TestEngineProvider.Flaw.NO_DIR_SYNC) {
      try {
        StoreFiles.syncDirectory(dir);
      } catch (IOException e) {
        throw new ForceFailed(e);
      }
    }
  }

  @Override
  protected ConsistencyReport check() throws IOException {
    Path data = dir.resolve("DATA");
    if (!Files.exists(data)) {
      return map.isEmpty()
          ? ConsistencyReport.ok(0)
          : new ConsistencyReport(0, List.of("DATA is missing but the store holds entries"));
    }
    try {
      NavigableMap<byte[], byte[]> onDisk = read(Files.readAllBytes(data), data);
      return sameContent(onDisk, map)
          ? ConsistencyReport.ok(onDisk.size())
          : new ConsistencyReport(onDisk.size(), List.of("DATA differs from the engine's content"));
    } catch (CorruptionException e) {
      return new ConsistencyReport(0, List.of(e.getMessage()));
    }
  }

  @Override
  protected void closeFiles() throws IOException {
    lock.close();
  }
}
