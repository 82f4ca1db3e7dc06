package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.Crc32c;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads the logical records of a write-ahead log ({@link WalFormat}) from the start, and stops at
 * the first fragment that is incomplete, damaged or out of place.
 *
 * <p>The reader never throws for what follows the last whole record: it stops and says why ({@link
 * #stop()}) and where the first record it could not read begins ({@link #stopOffset()}). Recovery
 * decides what that means: the torn tail of the newest log, or damage ({@link #syncedBeyond}). A
 * fragment's length is trusted only after it is checked against its block, so a hostile length
 * never makes the reader allocate or read more than the file holds; a record grows only by the
 * fragments actually read.
 *
 * <p>Not thread-safe. <b>Must be closed</b>. The file's size is taken when the reader opens.
 */
final class WalReader implements AutoCloseable {

  /** Why a reader stopped. */
  enum Stop {
    /** The last record ends where the file ends (after any block padding). */
    END,
    /** The file ends inside a fragment or a record: a torn write at the tail. */
    TORN,
    /** A fragment fails its checksum, is zeros, has an impossible length or is out of order. */
    BAD
  }

  /**
   * One logical record.
   *
   * @param offset where its first fragment starts in the file
   * @param bytes the record, owned by the caller
   */
  record Record(long offset, byte[] bytes) {}

  private final Path file;
  private final FileChannel channel;
  private final long size;
  private final byte[] block = new byte[WalFormat.BLOCK_SIZE];
  private long blockStart = -WalFormat.BLOCK_SIZE;
  private int blockLength;
  private int pos = WalFormat.BLOCK_SIZE;
  private Stop stop;
  private long stopOffset = -1;
  private String detail = "";
  private long validEnd;

  /** Where the fragment that stopped the reader starts, when one did (BAD), else -1. */
  private long badFragment = -1;

  private WalReader(Path file, FileChannel channel, long size) {
    this.file = file;
    this.channel = channel;
    this.size = size;
  }

  /**
   * Opens a log for reading.
   *
   * @throws StorageIOException if it cannot be opened
   */
  static WalReader open(Path file) {
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot open the write-ahead log", e);
    }
    try {
      return new WalReader(file, ch, ch.size());
    } catch (IOException e) {
      closeQuietly(ch);
      throw new StorageIOException(file + ": cannot read the write-ahead log's size", e);
    }
  }

  /** The file's size when the reader opened. */
  long fileSize() {
    return size;
  }

  /**
   * The next whole record, or null once the reader stopped.
   *
   * @throws StorageIOException if reading fails
   */
  Record next() {
    if (stop != null) {
      return null;
    }
    byte[] assembled = null;
    int assembledLength = 0;
    long recordStart = -1;
    while (true) {
      if (WalFormat.BLOCK_SIZE - pos < WalFormat.HEADER_SIZE || pos >= blockLength) {
        if (pos < blockLength && blockLength < WalFormat.BLOCK_SIZE) {
          // NB: a header cut by the end of the file, in its last block.
          return stopped(
              Stop.TORN,
              recordStart >= 0 ? recordStart : blockStart + pos,
              "the file ends inside a fragment header");
        }
        if (!loadNextBlock()) {
          if (recordStart >= 0) {
            return stopped(Stop.TORN, recordStart, "the file ends inside a record");
          }
          return stopped(Stop.END, blockStart + Math.min(pos, blockLength), "");
        }
      }
      long at = blockStart + pos;
      if (blockLength - pos < WalFormat.HEADER_SIZE) {
        return stopped(
            Stop.TORN,
            recordStart >= 0 ? recordStart : at,
            "the file ends inside a fragment header");
      }
      int stored = getIntLe(block, pos);
      int length = (block[pos + 4] & 0xFF) | (block[pos + 5] & 0xFF) << 8;
      int type = block[pos + 6] & 0xFF;
      if (stored == 0 && length == 0 && type == 0) {
        return stopped(Stop.BAD, recordStart >= 0 ? recordStart : at, "zeros at offset " + at);
      }
      badFragment = at; // until it proves whole
      int end = pos + WalFormat.HEADER_SIZE + length;
      if (end > blockLength) {
        if (blockLength < WalFormat.BLOCK_SIZE && end <= WalFormat.BLOCK_SIZE) {
          return stopped(
              Stop.TORN, recordStart >= 0 ? recordStart : at, "the file ends inside a fragment");
        }
        return stopped(
            Stop.BAD,
            recordStart >= 0 ? recordStart : at,
            "fragment at offset " + at + " claims " + length + " bytes, past its block");
      }
      CRC32C crc = new CRC32C();
      crc.update(block, pos + 4, end - pos - 4);
      if (Crc32c.mask((int) crc.getValue()) != stored) {
        return stopped(
            Stop.BAD,
            recordStart >= 0 ? recordStart : at,
            "fragment at offset " + at + " fails its checksum");
      }
      switch (type) {
        case WalFormat.FULL, WalFormat.FIRST -> {
          if (recordStart >= 0) {
            return stopped(
                Stop.BAD, recordStart, "record at offset " + recordStart + " has no last fragment");
          }
          recordStart = at;
          assembled = Arrays.copyOfRange(block, pos + WalFormat.HEADER_SIZE, end);
          assembledLength = length;
        }
        case WalFormat.MIDDLE, WalFormat.LAST -> {
          if (recordStart < 0) {
            return stopped(Stop.BAD, at, "fragment at offset " + at + " continues no record");
          }
          if (assembled.length - assembledLength < length) {
            assembled =
                Arrays.copyOf(assembled, Math.max(assembledLength + length, assembled.length * 2));
          }
          System.arraycopy(block, pos + WalFormat.HEADER_SIZE, assembled, assembledLength, length);
          assembledLength += length;
        }
        default -> {
          return stopped(
              Stop.BAD,
              recordStart >= 0 ? recordStart : at,
              "fragment at offset " + at + " has type " + type);
        }
      }
      badFragment = -1;
      pos = end;
      if (type == WalFormat.FULL || type == WalFormat.LAST) {
        validEnd = blockStart + pos;
        return new Record(
            recordStart,
            assembled.length == assembledLength
                ? assembled
                : Arrays.copyOf(assembled, assembledLength));
      }
    }
  }

  private Record stopped(Stop why, long offset, String what) {
    stop = why;
    stopOffset = offset;
    detail = what;
    return null;
  }

  /** Why the reader stopped, or null while it reads. */
  Stop stop() {
    return stop;
  }

  /** Where the first record the reader could not read starts (set once it stopped). */
  long stopOffset() {
    return stopOffset;
  }

  /** Where the last whole record read ends. */
  long validEnd() {
    return validEnd;
  }

  /** What stopped the reader, for messages. */
  String stopDetail() {
    return detail;
  }

  /**
   * The largest "synced before" offset recorded by a whole batch or close record after the point
   * where the reader stopped, or -1 if none is found. A value above {@code offset} proves that the
   * bytes at {@code offset} had been forced before a later record was written, so a crash cannot
   * explain their loss: they are damaged.
   *
   * <p>Only fragments known to start where the writer put one are read: the chain of fragments from
   * the start of each later block (every block starts with one), and in the block where the reader
   * stopped, the chain after the bad fragment when its header is plausible (a known type, a length
   * within its block: damage to its payload, a sector lost after its header). A value that happens
   * to hold bytes framed like a record is never read as one.
   *
   * @throws StorageIOException if reading fails
   */
  long syncedBeyond(long offset) {
    long max = -1;
    long firstBlock = (offset / WalFormat.BLOCK_SIZE + 1) * WalFormat.BLOCK_SIZE;
    if (badFragment >= 0) {
      long b = badFragment / WalFormat.BLOCK_SIZE * WalFormat.BLOCK_SIZE;
      int n = read(b);
      int p = (int) (badFragment - b);
      int length = (block[p + 4] & 0xFF) | (block[p + 5] & 0xFF) << 8;
      int type = block[p + 6] & 0xFF;
      if (type >= WalFormat.FULL
          && type <= WalFormat.LAST
          && p + WalFormat.HEADER_SIZE + length <= n) {
        max = Math.max(max, walk(n, p + WalFormat.HEADER_SIZE + length));
      }
      firstBlock = Math.max(firstBlock, b + WalFormat.BLOCK_SIZE);
    }
    for (long b = firstBlock; b < size; b += WalFormat.BLOCK_SIZE) {
      max = Math.max(max, walk(read(b), 0));
    }
    blockStart = -WalFormat.BLOCK_SIZE; // the sequential reading is over
    blockLength = 0;
    return max;
  }

  /** Follows the chain of whole fragments in the block read, from {@code p}; their largest mark. */
  private long walk(int n, int from) {
    long max = -1;
    int p = from;
    while (n - p >= WalFormat.HEADER_SIZE && WalFormat.BLOCK_SIZE - p >= WalFormat.HEADER_SIZE) {
      int stored = getIntLe(block, p);
      int length = (block[p + 4] & 0xFF) | (block[p + 5] & 0xFF) << 8;
      int type = block[p + 6] & 0xFF;
      int end = p + WalFormat.HEADER_SIZE + length;
      if (type < WalFormat.FULL || type > WalFormat.LAST || end > n) {
        break;
      }
      CRC32C crc = new CRC32C();
      crc.update(block, p + 4, end - p - 4);
      if (Crc32c.mask((int) crc.getValue()) != stored) {
        break;
      }
      if (type == WalFormat.FULL || type == WalFormat.FIRST) {
        byte[] head = Arrays.copyOfRange(block, p + WalFormat.HEADER_SIZE, end);
        max = Math.max(max, WalRecord.syncedBefore(head, head.length));
      }
      p = end;
    }
    return max;
  }

  private boolean loadNextBlock() {
    long next = blockStart + WalFormat.BLOCK_SIZE;
    if (next >= size) {
      return false;
    }
    blockStart = next;
    blockLength = read(next);
    pos = 0;
    return blockLength > 0;
  }

  private int read(long at) {
    ByteBuffer b = ByteBuffer.wrap(block, 0, (int) Math.min(WalFormat.BLOCK_SIZE, size - at));
    try {
      while (b.hasRemaining()) {
        if (channel.read(b, at + b.position()) < 0) {
          break;
        }
      }
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot read the write-ahead log at offset " + at, e);
    }
    return b.position();
  }

  private static int getIntLe(byte[] b, int at) {
    return (b[at] & 0xFF)
        | (b[at + 1] & 0xFF) << 8
        | (b[at + 2] & 0xFF) << 16
        | (b[at + 3] & 0xFF) << 24;
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // Read only: nothing is lost.
    }
  }
}
