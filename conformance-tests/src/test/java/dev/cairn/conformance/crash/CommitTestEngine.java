package dev.cairn.conformance.crash;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * A test engine with a data log ({@code DATA}: header and checksummed records) and a commit file
 * ({@code COMMIT}: {@code | committed length (8B) | CRC32C (4B) |}). A {@code SYNC} write appends
 * its record, forces {@code DATA}, then writes and forces the new committed length; a {@code
 * BUFFERED} write only appends. Recovery replays valid records (committed or not, so a process
 * crash keeps BUFFERED writes) and refuses to open, with a corruption error, when the valid records
 * end before the committed length: committed data is gone.
 *
 * <p>Flaw {@code COMMIT_BEFORE_DATA}: the commit record is written and forced before the data it
 * commits, so a power cut between the two leaves a commit pointing past the durable data.
 *
 * <p>Thread-safe (see {@link MapBackedEngine}).
 */
final class CommitTestEngine extends MapBackedEngine {

  static final int KIND = 3;

  private final Path dir;
  private final TestEngineProvider.Flaw flaw;
  private final StoreFiles.DirectoryLock lock;
  private final FileChannel data;
  private final FileChannel commit;
  private long end;

  private CommitTestEngine(
      String name,
      Set<Capability> caps,
      EngineOptions options,
      Path dir,
      TestEngineProvider.Flaw flaw,
      StoreFiles.DirectoryLock lock,
      FileChannel data,
      FileChannel commit,
      long end) {
    super(name, caps, options.defaultDurability(), options.readOnly());
    this.dir = dir;
    this.flaw = flaw;
    this.lock = lock;
    this.data = data;
    this.commit = commit;
    this.end = end;
  }

  static CommitTestEngine open(
      String name, Set<Capability> caps, EngineOptions options, TestEngineProvider.Flaw flaw) {
    Path dir = options.requireDirectory(name);
    StoreFiles.DirectoryLock lock = null;
    FileChannel data = null;
    FileChannel commit = null;
    Set<StandardOpenOption> rw =
        options.readOnly()
            ? Set.of(StandardOpenOption.READ)
            : Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
    try {
      TestEngineProvider.createDirectory(dir, options, true);
      lock = StoreFiles.DirectoryLock.acquire(dir);
      Path dataFile = dir.resolve("DATA");
      Path commitFile = dir.resolve("COMMIT");
      byte[] content = Files.exists(dataFile) ? Files.readAllBytes(dataFile) : null;
      NavigableMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
      long end;
      if (content == null || StoreFiles.creationIncomplete(content)) {
        if (options.readOnly()) {
          throw new StorageIOException("no store in " + dir);
        }
        data = FileChannel.open(dataFile, rw);
        data.truncate(0);
        StoreFiles.writeFully(data, StoreFiles.header(KIND), 0);
        data.force(true);
        commit = FileChannel.open(commitFile, rw);
        writeCommit(commit, StoreFiles.HEADER);
        commit.force(true);
        StoreFiles.syncDirectory(dir);
        end = StoreFiles.HEADER;
      } else {
        StoreFiles.checkHeader(content, KIND, dataFile);
        long committed = readCommit(commitFile);
        end = StoreFiles.scan(content, StoreFiles.HEADER, ops -> apply(map, ops));
        if (end < committed) {
          throw new CorruptionException(
              dataFile + ": committed to " + committed + " but valid records end at " + end);
        }
        data = FileChannel.open(dataFile, rw);
        commit = FileChannel.open(commitFile, rw);
        if (end < content.length && !options.readOnly()) {
          data.truncate(end);
          data.force(true);
        }
      }
      CommitTestEngine e =
          new CommitTestEngine(name, caps, options, dir, flaw, lock, data, commit, end);
      e.map.putAll(map);
      return e;
    } catch (IOException ex) {
      LogTestEngine.closeQuietly(data);
      LogTestEngine.closeQuietly(commit);
      LogTestEngine.closeQuietly(lock);
      throw new StorageIOException("cannot open store in " + dir + ": " + ex, ex);
    } catch (RuntimeException ex) {
      LogTestEngine.closeQuietly(data);
      LogTestEngine.closeQuietly(commit);
      LogTestEngine.closeQuietly(lock);
      throw ex;
    }
  }

  private static long readCommit(Path file) throws IOException {
    if (!Files.exists(file)) {
      return StoreFiles.HEADER;
    }
    byte[] b = Files.readAllBytes(file);
    if (b.length < 12) {
      return StoreFiles.HEADER; // creation never finished
    }
    if (StoreFiles.crc(b, 0, 8) != ByteBuffer.wrap(b).getInt(8)) {
      throw new CorruptionException(file + ": checksum mismatch");
    }
    return ByteBuffer.wrap(b).getLong(0);
  }

  private static void writeCommit(FileChannel ch, long length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(12);
    b.putLong(length);
    b.putInt(StoreFiles.crc(b.array(), 0, 8));
    StoreFiles.writeFully(ch, b.array(), 0);
  }

  @Override
  protected void persist(List<WriteBatch.Operation> ops, Durability durability) throws IOException {
    byte[] record = StoreFiles.encode(ops);
    StoreFiles.writeFully(data, record, end);
    end += record.length;
    if (durability == Durability.SYNC) {
      sync();
    }
  }

  @Override
  protected void sync() throws IOException {
    if (flaw == TestEngineProvider.Flaw.COMMIT_BEFORE_DATA) {
      writeCommit(commit, end);
      force(commit);
      force(data);
    } else {
      force(data);
      writeCommit(commit, end);
      force(commit);
    }
  }

  @Override
  protected ConsistencyReport check() throws IOException {
    byte[] content = Files.readAllBytes(dir.resolve("DATA"));
    NavigableMap<byte[], byte[]> replay = new TreeMap<>(Arrays::compareUnsigned);
    int valid = StoreFiles.scan(content, StoreFiles.HEADER, ops -> apply(replay, ops));
    if (valid != end || !sameContent(replay, map)) {
      return new ConsistencyReport(
          replay.size(), List.of("DATA: replay gives other content or ends at " + valid));
    }
    return ConsistencyReport.ok(replay.size());
  }

  @Override
  protected void closeFiles() throws IOException {
    try {
      LogTestEngine.closeQuietly(data);
      LogTestEngine.closeQuietly(commit);
    } finally {
      lock.close();
    }
  }
}
