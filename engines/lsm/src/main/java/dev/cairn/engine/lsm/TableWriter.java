package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes a table ({@link TableFormat}) from entries given in internal key order: data blocks of
 * about {@code blockSize} bytes, then the bloom filter of the store keys, the index, and the
 * footer; then forces the file. Data blocks are compressed with the store's {@code compression}
 * setting; index and filter blocks never are. Used by flushes and compactions on their engine
 * threads.
 *
 * <p>The table is complete only once {@link #finish()} returns: a crash before leaves a file the
 * manifest never names, which the next open deletes.
 *
 * <p>Not thread-safe.
 */
final class TableWriter implements AutoCloseable {

  private static final int RESTART_INTERVAL = 16;
  private static final int WRITE_BUFFER = 256 * 1024;

  private final long number;
  private final Path path;
  private final FileChannel channel;
  private final int blockSize;
  private final int bitsPerKey;
  private final Compression compression;
  private final Statistics statistics;
  private byte[] scratch = new byte[0]; // a compressed block being written
  private final BlockBuilder data = new BlockBuilder(RESTART_INTERVAL);
  private final BlockBuilder index = new BlockBuilder(1);
  private final ByteBuffer out = ByteBuffer.allocate(WRITE_BUFFER);
  private long offset;
  private long[] hashes = new long[1024];
  private int hashCount;
  private byte[] lastUserKey;
  private byte[] smallest;
  private byte[] largest;
  private long smallestSeq = Long.MAX_VALUE;
  private long largestSeq;
  private long entries;
  private RangeTombstones tombstones = RangeTombstones.EMPTY;
  private boolean done;
  private FsyncGuard syncGuard; // forces the table as it grows, when set
  private long syncedTo;

  /**
   * How many bytes a table being written may hold unforced before it is forced: RocksDB's {@code
   * bytes_per_sync}. The table is forced as it grows so that its last force, and each one before
   * it, covers at most this much: every force is a step of the {@link FsyncGuard}, which writers
   * wait for before a {@code BUFFERED} write is acknowledged, and one force of a whole 64 MiB table
   * held them for over 100 ms.
   */
  static final long SYNC_BYTES = 1 << 20;

  /**
   * Creates table {@code number} in {@code directory}, its data blocks compressed with {@code
   * compression} (each one it shrinks by more than an eighth), counted in {@code statistics}.
   *
   * @throws StorageIOException if the file cannot be created
   */
  TableWriter(
      Path directory,
      long number,
      int blockSize,
      int bitsPerKey,
      Compression compression,
      Statistics statistics) {
    this.number = number;
    this.path = FileNames.table(directory, number);
    this.blockSize = blockSize;
    this.bitsPerKey = bitsPerKey;
    this.compression = compression;
    this.statistics = statistics;
    try {
      this.channel =
          FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot create the table", e);
    }
  }

  long number() {
    return number;
  }

  /**
   * Forces the table every {@link #SYNC_BYTES} written, each force a step of {@code guard}.
   *
   * @return this
   */
  TableWriter syncingAsItGrows(FsyncGuard guard) {
    this.syncGuard = guard;
    return this;
  }

  Path path() {
    return path;
  }

  long entries() {
    return entries;
  }

  /** About the bytes written so far, the block being built included. */
  long estimatedSize() {
    return offset + out.position() + data.sizeEstimate();
  }

  /**
   * Sets the table's range tombstones, written in its range-deletion block; its first and last keys
   * include their extent ({@link TableBounds}).
   */
  void rangeTombstones(RangeTombstones t) {
    this.tombstones = t;
  }

  /** The store key of the last entry added, or null. */
  byte[] lastUserKey() {
    return lastUserKey;
  }

  /** Adds an entry; {@code encodedKey} must order after the previous entry's. */
  void add(byte[] encodedKey, byte[] value) {
    add(encodedKey, encodedKey.length, value, 0, value.length);
  }

  void add(byte[] encodedKey, int keyLength, byte[] value, int valueOffset, int valueLength) {
    int userLength = keyLength - InternalKey.TRAILER_SIZE;
    if (lastUserKey == null
        || !Arrays.equals(lastUserKey, 0, lastUserKey.length, encodedKey, 0, userLength)) {
      lastUserKey = Arrays.copyOf(encodedKey, userLength);
      if (hashCount == hashes.length) {
        hashes = Arrays.copyOf(hashes, hashCount * 2);
      }
      hashes[hashCount++] = BloomFilter.hash(encodedKey, 0, userLength);
    }
    long seq = InternalKey.sequenceOf(InternalKey.trailerOf(encodedKey, 0, keyLength));
    smallestSeq = Math.min(smallestSeq, seq);
    largestSeq = Math.max(largestSeq, seq);
    if (smallest == null) {
      smallest = Arrays.copyOf(encodedKey, keyLength);
    }
    data.add(encodedKey, 0, keyLength, value, valueOffset, valueLength);
    entries++;
    if (data.sizeEstimate() >= blockSize) {
      flushDataBlock();
    }
  }

  private void flushDataBlock() {
    if (data.isEmpty()) {
      return;
    }
    byte[] last = data.lastKey();
    largest = last;
    BlockHandle h = writeDataBlock(data.finish());
    data.reset();
    index.add(last, h.encode());
  }

  /**
   * Writes a data block: compressed (its uncompressed length, then the codec's output) if that
   * saves more than an eighth of its size (LevelDB's rule: less is not worth a decompression on
   * every read), else as it is.
   */
  private BlockHandle writeDataBlock(byte[] contents) {
    int raw = contents.length;
    statistics.compressionRawBytes.add(raw);
    if (compression != Compression.NONE && raw <= Compression.MAX_UNCOMPRESSED) {
      int room = Varints.MAX_INT_BYTES + compression.maxCompressedLength(raw);
      if (scratch.length < room) {
        scratch = new byte[room];
      }
      int at = Varints.putUnsignedLong(scratch, 0, raw);
      int n = at + compression.compress(contents, raw, scratch, at);
      if (n < raw - raw / 8) {
        statistics.compressionStoredBytes.add(n);
        return writeBlock(scratch, n, compression.id());
      }
      statistics.compressionSkippedBlocks.increment();
    }
    statistics.compressionStoredBytes.add(raw);
    return writeBlock(contents, raw, TableFormat.NO_COMPRESSION);
  }

  /** Writes an uncompressed block: the index and filter blocks are always stored so. */
  private BlockHandle writeBlock(byte[] contents) {
    return writeBlock(contents, contents.length, TableFormat.NO_COMPRESSION);
  }

  private BlockHandle writeBlock(byte[] stored, int length, byte type) {
    BlockHandle h = new BlockHandle(offset + out.position(), length);
    put(stored, length);
    byte[] trailer = TableFormat.trailer(stored, 0, length, type);
    put(trailer, trailer.length);
    return h;
  }

  private void put(byte[] bytes) {
    put(bytes, bytes.length);
  }

  private void put(byte[] bytes, int length) {
    int at = 0;
    while (at < length) {
      if (!out.hasRemaining()) {
        drain();
      }
      int n = Math.min(out.remaining(), length - at);
      out.put(bytes, at, n);
      at += n;
    }
  }

  private void drain() {
    out.flip();
    try {
      while (out.hasRemaining()) {
        offset += channel.write(out, offset);
      }
    } catch (IOException e) {
      throw new StorageIOException(path + ": write at offset " + offset + " failed", e);
    }
    out.clear();
    if (syncGuard != null && offset - syncedTo >= SYNC_BYTES) {
      long at = offset;
      syncGuard.sync(
          "forcing table " + path + " as it grows",
          () -> {
            try {
              channel.force(false);
            } catch (IOException e) {
              throw new StorageIOException(
                  path + ": fsync of the table at offset " + at + " failed", e);
            }
          });
      syncedTo = at;
      statistics.tableGrowthSyncs.increment();
    }
  }

  /**
   * Writes the filter, index and footer, and forces the file: the force as a step of {@code guard}
   * (a failure stops the store before any write is acknowledged after it).
   *
   * @return what the manifest records of the table
   * @throws StorageIOException if a write fails
   * @throws dev.cairn.spi.EngineFailedException if the force fails
   */
  FileMeta finish(FsyncGuard guard) {
    if (entries == 0 && tombstones.isEmpty()) {
      throw new IllegalStateException(path + ": a table needs at least one entry");
    }
    flushDataBlock();
    BlockHandle filter = writeBlock(BloomFilter.build(hashes, hashCount, bitsPerKey));
    BlockHandle rangeDeletions =
        tombstones.isEmpty() ? null : writeBlock(RangeDeletionBlock.build(tombstones));
    BlockHandle idx = writeBlock(index.finish());
    put(TableFormat.footer(filter, idx, rangeDeletions));
    drain();
    guard.sync(
        "forcing table " + path,
        () -> {
          try {
            channel.force(true);
          } catch (IOException e) {
            throw new StorageIOException(path + ": fsync of the table failed", e);
          }
        });
    try {
      channel.close();
    } catch (IOException e) {
      throw new StorageIOException(path + ": closing the table failed", e);
    }
    done = true;
    TableBounds bounds =
        TableBounds.of(
            smallest == null ? null : InternalKey.decode(smallest),
            largest == null ? null : InternalKey.decode(largest),
            smallestSeq,
            largestSeq,
            tombstones);
    return new FileMeta(
        number,
        offset,
        bounds.smallest(),
        bounds.largest(),
        bounds.smallestSequence(),
        bounds.largestSequence(),
        entries,
        tombstones.size());
  }

  /** Closes the file, and deletes it unless it was finished. */
  @Override
  public void close() {
    if (done) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // The file is abandoned.
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // An unfinished table the manifest never names: the next open deletes it.
    }
    done = true;
  }
}
