package dev.cairn.conformance.reference;

import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The reference engine's durable state: one append-only log of records {@code | length (4B) |
 * crc32c (4B) | payload |}, each payload a list of operations {@code | count (4B) | (type (1B) |
 * keyLen (4B) | key | [valueLen (4B) | value]) * |}.
 *
 * <p>Crash safety, in the order a new store is made durable: the store directory is created and its
 * parent forced; the log is created, forced, and the store directory forced; a {@code SYNC} write
 * appends its record and forces the log. Recovery replays records while they are whole and their
 * checksums match, and truncates the log after the last good one (the policy: a torn or damaged
 * tail is dropped, with everything after it; unsynced appends can only damage the tail). A failed
 * write or force fail-stops the log: every later write throws {@link EngineFailedException} until
 * the store is reopened, since the operating system may have dropped the pages a retried fsync
 * would claim to have written.
 *
 * <p>Not thread-safe: the engine serialises calls.
 */
final class ReferenceLog implements AutoCloseable {

  static final String LOG = "reference.log";
  private static final String LOCK = "reference.lock";

  /** What a replay found: the content and where the valid records end. */
  record Replayed(NavigableMap<byte[], byte[]> map, long validLength, long fileLength) {}

  private final Path directory;
  private final FileChannel channel;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final NavigableMap<byte[], byte[]> recovered;
  private IOException failure;

  private ReferenceLog(
      Path directory,
      FileChannel channel,
      FileChannel lockChannel,
      FileLock lock,
      NavigableMap<byte[], byte[]> recovered) {
    this.directory = directory;
    this.channel = channel;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.recovered = recovered;
  }

  static ReferenceLog open(EngineOptions options, Path directory, int bufferSize) {
    FileChannel lockChannel = null;
    FileChannel channel = null;
    try {
      if (!Files.isDirectory(directory)) {
        if (!options.createIfMissing()) {
          throw new StorageIOException("no store at " + directory);
        }
        createDirectories(directory);
      }
      lockChannel =
          FileChannel.open(
              directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new StoreLockedException("store " + directory + " is already open");
      }
      Path log = directory.resolve(LOG);
      if (!options.readOnly() && !Files.exists(log)) {
        try (FileChannel created =
            FileChannel.open(log, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          created.force(true);
        }
        syncDirectory(directory);
      }
      Replayed r = replay(log);
      if (!options.readOnly()) {
        channel = FileChannel.open(log, StandardOpenOption.WRITE);
        if (r.validLength() < r.fileLength()) {
          channel.truncate(r.validLength());
          channel.force(true);
        }
        channel.position(r.validLength());
      }
      return new ReferenceLog(directory, channel, lockChannel, lock, r.map());
    } catch (IOException e) {
      closeQuietly(channel);
      closeQuietly(lockChannel);
      throw new StorageIOException("cannot open " + directory + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      closeQuietly(lockChannel);
      throw e;
    }
  }

  /** Creates {@code dir} and any missing parents, forcing the parent of each one created. */
  private static void createDirectories(Path dir) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    for (Path p : missing) {
      Files.createDirectory(p);
      syncDirectory(p.getParent());
    }
  }

  /** Forces a directory, making the entries created or renamed in it durable. */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void closeQuietly(FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }

  NavigableMap<byte[], byte[]> recovered() {
    return recovered;
  }

  /** Replays the log's whole, checksummed records; a missing log is empty. */
  static Replayed replay(Path log) throws IOException {
    NavigableMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(log);
    } catch (NoSuchFileException e) {
      return new Replayed(map, 0, 0);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    while (in.remaining() >= 8) {
      int start = in.position();
      int length = in.getInt();
      int crc = in.getInt();
      if (length < 4 || in.remaining() < length) {
        return new Replayed(map, start, bytes.length);
      }
      CRC32C c = new CRC32C();
      c.update(bytes, in.position(), length);
      if ((int) c.getValue() != crc) {
        return new Replayed(map, start, bytes.length);
      }
      int count = in.getInt();
      for (int i = 0; i < count; i++) {
        byte type = in.get();
        byte[] key = new byte[in.getInt()];
        in.get(key);
        if (type == 'P') {
          byte[] value = new byte[in.getInt()];
          in.get(value);
          map.put(key, value);
        } else {
          map.remove(key);
        }
      }
    }
    return new Replayed(map, in.position(), bytes.length);
  }

  private void checkNotFailed() {
    if (failure != null) {
      throw new EngineFailedException(
          "the log of " + directory + " fail-stopped after an I/O error; reopen the store",
          failure);
    }
  }

  private EngineFailedException failStop(String what, IOException e) {
    failure = e;
    return new EngineFailedException(
        what + " " + directory.resolve(LOG) + " failed; the store refuses writes until reopened",
        e);
  }

  void append(List<WriteBatch.Operation> ops, boolean sync) {
    checkNotFailed();
    int size = 4;
    for (WriteBatch.Operation op : ops) {
      size += 5 + op.key().length + (op instanceof WriteBatch.Put p ? 4 + p.value().length : 0);
    }
    ByteBuffer out = ByteBuffer.allocate(8 + size);
    out.putInt(size).putInt(0).putInt(ops.size());
    for (WriteBatch.Operation op : ops) {
      out.put((byte) (op instanceof WriteBatch.Put ? 'P' : 'D'));
      out.putInt(op.key().length).put(op.key());
      if (op instanceof WriteBatch.Put p) {
        out.putInt(p.value().length).put(p.value());
      }
    }
    CRC32C c = new CRC32C();
    c.update(out.array(), 8, size);
    out.putInt(4, (int) c.getValue());
    out.flip();
    try {
      while (out.hasRemaining()) {
        channel.write(out);
      }
    } catch (IOException e) {
      // NB: part of the record may be in the file; appending after it would hide later records
      // behind a damaged one, so the log stops here.
      throw failStop("appending to", e);
    }
    if (sync) {
      force();
    }
  }

  private void force() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw failStop("forcing", e);
    }
  }

  void sync() {
    if (channel == null) {
      return;
    }
    checkNotFailed();
    force();
  }

  long size() {
    try {
      return Files.exists(directory.resolve(LOG)) ? Files.size(directory.resolve(LOG)) : 0;
    } catch (IOException e) {
      throw new StorageIOException("cannot stat " + directory.resolve(LOG), e);
    }
  }

  /**
   * Writes an openable copy of the store to {@code target}, durably: the log forced, then the copy
   * written and forced, then the new directory and its parent forced.
   */
  void copyTo(Path target) {
    sync();
    try {
      byte[] content =
          Files.exists(directory.resolve(LOG))
              ? Files.readAllBytes(directory.resolve(LOG))
              : new byte[0];
      Files.createDirectory(target);
      try (FileChannel out =
          FileChannel.open(
              target.resolve(LOG), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(content);
        while (b.hasRemaining()) {
          out.write(b);
        }
        out.force(true);
      }
      syncDirectory(target);
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null) {
        syncDirectory(parent);
      }
    } catch (IOException e) {
      throw new StorageIOException("cannot checkpoint to " + target, e);
    }
  }

  Path file() {
    return directory.resolve(LOG);
  }

  @Override
  public void close() {
    try {
      if (channel != null) {
        try {
          if (failure == null) {
            channel.force(false);
          }
        } finally {
          channel.close();
        }
      }
    } catch (IOException e) {
      throw new StorageIOException("cannot close " + directory, e);
    } finally {
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing the channel releases it too
      }
      closeQuietly(lockChannel);
    }
  }
}
