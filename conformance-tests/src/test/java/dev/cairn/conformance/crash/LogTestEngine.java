package dev.cairn.conformance.crash;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The crash suite's correct durable test engine: an append-only checksummed log ({@code LOG}, see
 * {@link StoreFiles}) replayed into an in-memory map.
 *
 * <p>Durability: a {@code SYNC} write appends its record and forces the log; a {@code BUFFERED}
 * write only appends (the operating system has it); a batch is one record. Creating the store
 * forces the new directory's parent, the log's header, and the directory. Recovery replays records
 * while they are whole and their checksums match, and truncates the log after the last good one
 * (the documented policy: a torn or damaged tail is dropped, with everything after it). A failed
 * write or force fail-stops the engine.
 *
 * <p>With a {@link TestEngineProvider.Flaw} it becomes one of the suite's deliberately unsafe
 * engines: {@code NO_FSYNC} never forces, {@code USER_SPACE_BUFFER} keeps {@code BUFFERED} writes
 * in memory until a flush or close, while {@code SYNC} writes go straight to the log; {@code
 * NO_FSYNC_FOR_LARGE_VALUES} does not force a {@code SYNC} write holding a large value, {@code
 * DEFAULT_DURABILITY_IGNORED} makes the writes that name no durability {@code BUFFERED}, and {@code
 * EMPTY_VALUE_REPLAYED_AS_DELETE} loses empty values on every reopen.
 *
 * <p>Thread-safe (see {@link MapBackedEngine}).
 */
final class LogTestEngine extends MapBackedEngine {

  static final int KIND = 1;

  /** The smallest value the {@code NO_FSYNC_FOR_LARGE_VALUES} flaw counts as large: 64 KiB. */
  static final int LARGE_VALUE = 64 * 1024;

  private final Path dir;
  private final TestEngineProvider.Flaw flaw;
  private final StoreFiles.DirectoryLock lock;
  private final FileChannel log;
  private long end;
  private final ByteArrayOutputStream userBuffer = new ByteArrayOutputStream();

  private LogTestEngine(
      String name,
      Set<Capability> caps,
      EngineOptions options,
      Path dir,
      TestEngineProvider.Flaw flaw,
      StoreFiles.DirectoryLock lock,
      FileChannel log,
      long end) {
    super(name, caps, options.defaultDurability(), options.readOnly());
    this.dir = dir;
    this.flaw = flaw;
    this.lock = lock;
    this.log = log;
    this.end = end;
  }

  static LogTestEngine open(
      String name, Set<Capability> caps, EngineOptions options, TestEngineProvider.Flaw flaw) {
    Path dir = options.requireDirectory(name);
    StoreFiles.DirectoryLock lock = null;
    FileChannel log = null;
    try {
      TestEngineProvider.createDirectory(dir, options, flaw != TestEngineProvider.Flaw.NO_FSYNC);
      lock = StoreFiles.DirectoryLock.acquire(dir);
      Path file = dir.resolve("LOG");
      byte[] content = Files.exists(file) ? Files.readAllBytes(file) : null;
      NavigableMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
      long end;
      if (content == null || StoreFiles.creationIncomplete(content)) {
        if (options.readOnly()) {
          throw new StorageIOException("no store in " + dir);
        }
        log =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        StoreFiles.writeFully(log, StoreFiles.header(KIND), 0);
        if (flaw != TestEngineProvider.Flaw.NO_FSYNC) {
          log.force(true);
          StoreFiles.syncDirectory(dir);
        }
        end = StoreFiles.HEADER;
      } else {
        StoreFiles.checkHeader(content, KIND, file);
        end =
            flaw == TestEngineProvider.Flaw.SKIP_CHECKSUMS
                ? StoreFiles.scanUnchecked(content, StoreFiles.HEADER, ops -> apply(map, ops))
                : StoreFiles.scan(content, StoreFiles.HEADER, ops -> replay(map, ops, flaw));
        log =
            FileChannel.open(
                file,
                options.readOnly()
                    ? Set.of(StandardOpenOption.READ)
                    : Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        if (end < content.length && !options.readOnly()) {
          log.truncate(end);
          log.force(true);
        }
      }
      LogTestEngine e = new LogTestEngine(name, caps, options, dir, flaw, lock, log, end);
      e.map.putAll(map);
      return e;
    } catch (IOException ex) {
      closeQuietly(log);
      closeQuietly(lock);
      throw new StorageIOException("cannot open store in " + dir + ": " + ex, ex);
    } catch (RuntimeException ex) {
      closeQuietly(log);
      closeQuietly(lock);
      throw ex;
    }
  }

  /** Applies a replayed record: as written, but for the flaw that loses empty values. */
  private static void replay(
      NavigableMap<byte[], byte[]> map,
      List<WriteBatch.Operation> ops,
      TestEngineProvider.Flaw flaw) {
    if (flaw != TestEngineProvider.Flaw.EMPTY_VALUE_REPLAYED_AS_DELETE) {
      apply(map, ops);
      return;
    }
    apply(
        map,
        ops.stream()
            .map(
                o ->
                    o instanceof WriteBatch.Put p && p.value().length == 0
                        ? new WriteBatch.Delete(p.key())
                        : o)
            .toList());
  }

  @Override
  public void put(byte[] key, byte[] value) {
    put(key, value, defaultForm());
  }

  @Override
  public void delete(byte[] key) {
    delete(key, defaultForm());
  }

  @Override
  public void write(WriteBatch batch) {
    write(batch, defaultForm());
  }

  /** The durability of a write that names none. */
  private Durability defaultForm() {
    return flaw == TestEngineProvider.Flaw.DEFAULT_DURABILITY_IGNORED
        ? Durability.BUFFERED
        : defaultDurability();
  }

  static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // already failing
      }
    }
  }

  @Override
  protected void persist(List<WriteBatch.Operation> ops, Durability durability) throws IOException {
    byte[] record = StoreFiles.encode(ops);
    if (flaw == TestEngineProvider.Flaw.USER_SPACE_BUFFER && durability == Durability.BUFFERED) {
      userBuffer.write(record);
      return;
    }
    if (flaw != TestEngineProvider.Flaw.USER_SPACE_BUFFER) {
      drainUserBuffer();
    }
    StoreFiles.writeFully(log, record, end);
    end += record.length;
    if (durability == Durability.SYNC
        && flaw != TestEngineProvider.Flaw.NO_FSYNC
        && !(flaw == TestEngineProvider.Flaw.NO_FSYNC_FOR_LARGE_VALUES && holdsLargeValue(ops))) {
      forceLog();
    }
  }

  private static boolean holdsLargeValue(List<WriteBatch.Operation> ops) {
    return ops.stream()
        .anyMatch(o -> o instanceof WriteBatch.Put p && p.value().length >= LARGE_VALUE);
  }

  private void forceLog() throws IOException {
    if (flaw == TestEngineProvider.Flaw.RETRY_FAILED_FSYNC) {
      try {
        log.force(false);
      } catch (IOException e) {
        log.force(false); // the bug: the retry "succeeds" over pages the kernel dropped
      }
      return;
    }
    force(log);
  }

  private void drainUserBuffer() throws IOException {
    if (userBuffer.size() > 0) {
      byte[] pending = userBuffer.toByteArray();
      userBuffer.reset();
      StoreFiles.writeFully(log, pending, end);
      end += pending.length;
    }
  }

  @Override
  protected void sync() throws IOException {
    drainUserBuffer();
    if (flaw != TestEngineProvider.Flaw.NO_FSYNC) {
      forceLog();
    }
  }

  @Override
  protected void checkpointTo(Path target) throws IOException {
    drainUserBuffer();
    boolean durable = flaw != TestEngineProvider.Flaw.NO_FSYNC;
    Files.createDirectory(target);
    byte[] content = new byte[(int) end];
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
    while (b.hasRemaining()) {
      if (log.read(b, b.position()) < 0) {
        throw new IOException("log shorter than " + end);
      }
    }
    try (FileChannel out =
        FileChannel.open(
            target.resolve("LOG"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      StoreFiles.writeFully(out, content, 0);
      if (durable) {
        out.force(true);
      }
    }
    if (durable) {
      StoreFiles.syncDirectory(target);
      StoreFiles.syncDirectory(target.toAbsolutePath().getParent());
    }
  }

  @Override
  protected ConsistencyReport check() throws IOException {
    byte[] content = Files.readAllBytes(dir.resolve("LOG"));
    List<String> problems = new ArrayList<>();
    NavigableMap<byte[], byte[]> replay = new TreeMap<>(Arrays::compareUnsigned);
    int[] records = {0};
    int valid =
        StoreFiles.scan(
            content,
            StoreFiles.HEADER,
            ops -> {
              replay(replay, ops, flaw);
              records[0]++;
            });
    if (valid != end) {
      problems.add("LOG: records valid to " + valid + " but written to " + end);
    }
    if (flaw != TestEngineProvider.Flaw.USER_SPACE_BUFFER && !sameContent(replay, map)) {
      problems.add("LOG: replaying the log does not give the engine's content");
    }
    return new ConsistencyReport(records[0], problems);
  }

  @Override
  protected void closeFiles() throws IOException {
    try {
      if (!readOnly) {
        drainUserBuffer();
      }
    } finally {
      closeQuietly(log);
      lock.close();
    }
  }
}
