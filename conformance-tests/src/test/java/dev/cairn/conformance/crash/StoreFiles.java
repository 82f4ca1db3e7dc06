package dev.cairn.conformance.crash;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.StoreLockedException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * File formats and file helpers shared by the crash suite's test engines.
 *
 * <p>Header (20 bytes): {@code | "CAIRNTST" (8B) | format version (4B) | engine kind (4B) | CRC32C
 * of the 16 bytes before (4B) |}. A file shorter than the header, or whose header is all zeros, was
 * being created when the power went: it holds no acknowledged write.
 *
 * <p>Record: {@code | payload length (4B) | CRC32C of length and payload (4B) | payload |};
 * payload: {@code | count (4B) | count x (type (1B: 1 put, 2 delete) | key length (4B) | key |
 * [value length (4B) | value]) |}. A record is one batch: it is applied whole or not at all.
 */
final class StoreFiles {

  static final int HEADER = 20;
  static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC =
      "CAIRNTST".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private StoreFiles() {}

  static byte[] header(int kind) {
    ByteBuffer b = ByteBuffer.allocate(HEADER);
    b.put(MAGIC).putInt(FORMAT_VERSION).putInt(kind);
    b.putInt(crc(b.array(), 0, 16));
    return b.array();
  }

  /** True when {@code file} holds no complete header: its creation never finished. */
  static boolean creationIncomplete(byte[] file) {
    if (file.length < HEADER) {
      return true;
    }
    for (int i = 0; i < HEADER; i++) {
      if (file[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks a header.
   *
   * @throws CorruptionException if it is damaged
   * @throws IncompatibleVersionException if another engine or a newer format wrote it
   */
  static void checkHeader(byte[] file, int kind, Path where) {
    ByteBuffer b = ByteBuffer.wrap(file);
    if (crc(file, 0, 16) != b.getInt(16)) {
      throw new CorruptionException(where + ": header checksum mismatch");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (file[i] != MAGIC[i]) {
        throw new IncompatibleVersionException(where + " is not a test-engine store");
      }
    }
    if (b.getInt(8) > FORMAT_VERSION) {
      throw new IncompatibleVersionException(
          where + ": format version " + b.getInt(8) + " is newer than " + FORMAT_VERSION);
    }
    if (b.getInt(12) != kind) {
      throw new IncompatibleVersionException(
          where + " was written by test engine kind " + b.getInt(12) + ", not " + kind);
    }
  }

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  static byte[] encode(List<WriteBatch.Operation> ops) {
    int size = 4;
    for (WriteBatch.Operation op : ops) {
      size += 1 + 4 + op.key().length;
      if (op instanceof WriteBatch.Put p) {
        size += 4 + p.value().length;
      }
    }
    ByteBuffer b = ByteBuffer.allocate(8 + size);
    b.putInt(size).putInt(0).putInt(ops.size());
    for (WriteBatch.Operation op : ops) {
      b.put((byte) (op instanceof WriteBatch.Put ? 1 : 2)).putInt(op.key().length).put(op.key());
      if (op instanceof WriteBatch.Put p) {
        b.putInt(p.value().length).put(p.value());
      }
    }
    byte[] out = b.array();
    CRC32C c = new CRC32C();
    c.update(out, 0, 4);
    c.update(out, 8, size);
    ByteBuffer.wrap(out).putInt(4, (int) c.getValue());
    return out;
  }

  /**
   * Decodes records from {@code from} while they are whole and their checksums match, handing each
   * batch to {@code sink}; never allocates more than the file holds.
   *
   * @return where the last valid record ends
   */
  static int scan(byte[] file, int from, Consumer<List<WriteBatch.Operation>> sink) {
    return scan(file, from, sink, true);
  }

  /** {@link #scan} without checking checksums: the flaw of an unsafe test engine. */
  static int scanUnchecked(byte[] file, int from, Consumer<List<WriteBatch.Operation>> sink) {
    return scan(file, from, sink, false);
  }

  private static int scan(
      byte[] file, int from, Consumer<List<WriteBatch.Operation>> sink, boolean verify) {
    int at = from;
    while (file.length - at >= 8) {
      ByteBuffer b = ByteBuffer.wrap(file);
      int len = b.getInt(at);
      if (len < 4 || len > file.length - at - 8) {
        break;
      }
      CRC32C c = new CRC32C();
      c.update(file, at, 4);
      c.update(file, at + 8, len);
      if (verify && (int) c.getValue() != b.getInt(at + 4)) {
        break;
      }
      List<WriteBatch.Operation> ops = decode(file, at + 8, len);
      if (ops == null) {
        break;
      }
      sink.accept(ops);
      at += 8 + len;
    }
    return at;
  }

  private static List<WriteBatch.Operation> decode(byte[] file, int off, int len) {
    ByteBuffer b = ByteBuffer.wrap(file, off, len).slice();
    try {
      int count = b.getInt();
      if (count < 0 || count > len) {
        return null;
      }
      List<WriteBatch.Operation> ops = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int type = b.get();
        byte[] key = new byte[checkedLength(b)];
        b.get(key);
        if (type == 1) {
          byte[] value = new byte[checkedLength(b)];
          b.get(value);
          ops.add(new WriteBatch.Put(key, value));
        } else if (type == 2) {
          ops.add(new WriteBatch.Delete(key));
        } else {
          return null;
        }
      }
      return b.hasRemaining() ? null : ops;
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      return null;
    }
  }

  private static int checkedLength(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("length " + n + " beyond the record");
    }
    return n;
  }

  static void writeFully(FileChannel ch, byte[] data, long position) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(data);
    long at = position;
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
  }

  /** Forces a directory, making the entries created, renamed or deleted in it durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** The store's directory lock: the channel and its lock, released together. */
  record DirectoryLock(FileChannel channel, FileLock lock) implements AutoCloseable {
    static DirectoryLock acquire(Path dir) throws IOException {
      FileChannel ch =
          FileChannel.open(
              dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        FileLock l = ch.tryLock();
        if (l == null) {
          throw new StoreLockedException("store " + dir + " is open in another process");
        }
        return new DirectoryLock(ch, l);
      } catch (OverlappingFileLockException e) {
        ch.close();
        throw new StoreLockedException("store " + dir + " is already open", e);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      try {
        lock.release();
      } catch (IOException ignored) {
        // the channel's close releases it too
      }
      channel.close();
    }
  }
}
