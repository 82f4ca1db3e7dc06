package dev.cairn.conformance.reference;

import dev.cairn.spi.CorruptionException;
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
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The reference engine's durable state: one append-only log of records {@code | length (4B) |
 * crc32c (4B) | payload |}, each payload a list of operations {@code | count (4B) | (type (1B) |
 * keyLen (4B) | key | [valueLen (4B) | value]) * |}. A torn tail is dropped on open.
 *
 * <p>Not thread-safe: the engine serialises calls.
 */
final class ReferenceLog implements AutoCloseable {

  static final String LOG = "reference.log";
  private static final String LOCK = "reference.lock";

  private final Path directory;
  private final FileChannel channel;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final NavigableMap<byte[], byte[]> recovered;

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
    try {
      if (!Files.isDirectory(directory)) {
        if (!options.createIfMissing()) {
          throw new StorageIOException("no store at " + directory);
        }
        Files.createDirectories(directory);
      }
      FileChannel lockChannel =
          FileChannel.open(
              directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        lockChannel.close();
        throw new StoreLockedException("store " + directory + " is already open");
      }
      Path log = directory.resolve(LOG);
      NavigableMap<byte[], byte[]> map = replay(log, true);
      FileChannel channel =
          options.readOnly()
              ? null
              : FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (channel != null) {
        channel.position(channel.size());
      }
      return new ReferenceLog(directory, channel, lockChannel, lock, map);
    } catch (IOException e) {
      throw new StorageIOException("cannot open " + directory + ": " + e.getMessage(), e);
    }
  }

  NavigableMap<byte[], byte[]> recovered() {
    return recovered;
  }

  /** Replays the log; with {@code truncateTail} a torn last record is cut off. */
  static NavigableMap<byte[], byte[]> replay(Path log, boolean truncateTail) throws IOException {
    NavigableMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(log);
    } catch (NoSuchFileException e) {
      return map;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    while (in.remaining() > 0) {
      int start = in.position();
      if (in.remaining() < 8) {
        return tail(log, start, truncateTail, map);
      }
      int length = in.getInt();
      int crc = in.getInt();
      if (length < 4 || in.remaining() < length) {
        return tail(log, start, truncateTail, map);
      }
      CRC32C c = new CRC32C();
      c.update(bytes, in.position(), length);
      if ((int) c.getValue() != crc) {
        throw new CorruptionException(log + ": checksum mismatch at offset " + start);
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
    return map;
  }

  private static NavigableMap<byte[], byte[]> tail(
      Path log, int offset, boolean truncate, NavigableMap<byte[], byte[]> map) throws IOException {
    if (truncate) {
      try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
        ch.truncate(offset);
        ch.force(true);
      }
    }
    return map;
  }

  void append(List<WriteBatch.Operation> ops, boolean sync) {
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
      if (sync) {
        channel.force(false);
      }
    } catch (IOException e) {
      throw new StorageIOException("cannot append to " + directory.resolve(LOG), e);
    }
  }

  void sync() {
    if (channel == null) {
      return;
    }
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new StorageIOException("cannot sync " + directory.resolve(LOG), e);
    }
  }

  long size() {
    try {
      return Files.exists(directory.resolve(LOG)) ? Files.size(directory.resolve(LOG)) : 0;
    } catch (IOException e) {
      throw new StorageIOException("cannot stat " + directory.resolve(LOG), e);
    }
  }

  void copyTo(Path target) {
    try {
      sync();
      Files.createDirectory(target);
      if (Files.exists(directory.resolve(LOG))) {
        Files.copy(directory.resolve(LOG), target.resolve(LOG));
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
        channel.force(false);
        channel.close();
      }
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new StorageIOException("cannot close " + directory, e);
    }
  }
}
