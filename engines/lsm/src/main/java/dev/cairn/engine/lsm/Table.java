package dev.cairn.engine.lsm;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StorageIOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An open table ({@link TableFormat}): its index block and bloom filter in memory, its data blocks
 * read on demand through the {@link BlockCache}, by positional reads on a {@link ReadChannel} (from
 * callers' threads; interrupts are harmless there). A data block is cached uncompressed, so a cache
 * hit costs no decompression and the cache's budget counts uncompressed bytes.
 *
 * <p>Opening reads and checks the footer, the index and the filter: a table that opens has a sound
 * skeleton, and every data block is checked again when read.
 *
 * <p>Thread-safe. Closed by its {@link TableFile} once no version holds it.
 */
final class Table {

  private final long number;
  private final String name;
  private final ReadChannel channel;
  private final long size;
  private final Block index;
  private final byte[] filter;
  private final BlockCache cache;
  private final Statistics statistics;
  private final RangeTombstones rangeTombstones;
  private final boolean compressed; // whether data blocks may be compressed (format version 2 on)
  private volatile int blockCount = -1; // counted on first need

  private Table(
      long number,
      Path path,
      ReadChannel channel,
      long size,
      Block index,
      byte[] filter,
      RangeTombstones rangeTombstones,
      BlockCache cache,
      Statistics statistics,
      boolean compressed) {
    this.number = number;
    this.rangeTombstones = rangeTombstones;
    this.name = path.toString();
    this.channel = channel;
    this.size = size;
    this.index = index;
    this.filter = filter;
    this.cache = cache;
    this.statistics = statistics;
    this.compressed = compressed;
  }

  /**
   * Opens table {@code number} of {@code directory}, expected to be {@code expectedSize} bytes (-1:
   * any).
   *
   * @throws CorruptionException if it is not a whole table or not of the expected size
   * @throws StorageIOException if it cannot be read (a missing file included)
   */
  static Table open(
      Path directory, long number, long expectedSize, BlockCache cache, Statistics statistics) {
    Path path = FileNames.table(directory, number);
    ReadChannel ch = new ReadChannel(path);
    try {
      long size = ch.size();
      String where = path.toString();
      if (expectedSize >= 0 && size != expectedSize) {
        throw new CorruptionException(
            where + ": " + size + " bytes, but the manifest records " + expectedSize);
      }
      if (size < TableFormat.FOOTER_SIZE) {
        throw new CorruptionException(where + ": " + size + " bytes cannot hold a table's footer");
      }
      TableFormat.Footer footer =
          TableFormat.readFooter(
              ch.read(size - TableFormat.FOOTER_SIZE, TableFormat.FOOTER_SIZE), size, where);
      Block index =
          new Block(readContents(ch, footer.index(), where, false), where + " (index block)");
      byte[] filter = readContents(ch, footer.filter(), where, false);
      RangeTombstones tombstones = RangeTombstones.EMPTY;
      if (footer.rangeDeletions() != null) {
        String block = where + " (range-deletion block)";
        tombstones =
            RangeDeletionBlock.read(
                new Block(readContents(ch, footer.rangeDeletions(), where, false), block), block);
      }
      return new Table(
          number,
          path,
          ch,
          size,
          index,
          filter,
          tombstones,
          cache,
          statistics,
          footer.version().compressesDataBlocks());
    } catch (RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** The contents of the block at {@code h}: checked, then decompressed if it may be compressed. */
  private static byte[] readContents(
      ReadChannel ch, BlockHandle h, String table, boolean mayBeCompressed) {
    String where = table + " at offset " + h.offset();
    byte[] raw = ch.read(h.offset(), (int) h.size() + TableFormat.BLOCK_TRAILER_SIZE);
    return TableFormat.checkBlock(raw, where, mayBeCompressed);
  }

  long number() {
    return number;
  }

  long size() {
    return size;
  }

  String name() {
    return name;
  }

  byte[] filter() {
    return filter;
  }

  Block index() {
    return index;
  }

  /** The table's range tombstones (none in a table of format version 1). */
  RangeTombstones rangeTombstones() {
    return rangeTombstones;
  }

  /** Whether the filter lets {@code storeKey} through (counted). */
  boolean mayContain(byte[] storeKey) {
    return mayContainHash(BloomFilter.hash(storeKey));
  }

  /** Whether the filter lets the key of hash {@code hash} through (counted). */
  private boolean mayContainHash(long hash) {
    statistics.bloomChecks.increment();
    boolean may = BloomFilter.mayContain(filter, hash);
    if (!may) {
      statistics.bloomNegatives.increment();
    }
    return may;
  }

  /**
   * The data block at {@code handle}, from the cache or read and checked.
   *
   * @throws CorruptionException if the handle is outside the table or the block is damaged
   */
  Block block(BlockHandle handle) {
    return block(handle, true);
  }

  /**
   * The data block at {@code handle}, from the cache or read and checked; a block read is cached
   * only if {@code fill} (compaction reads each block once, and would only evict what readers use).
   *
   * @throws CorruptionException if the handle is outside the table or the block is damaged
   */
  Block block(BlockHandle handle, boolean fill) {
    Block b = cache.get(number, handle.offset());
    if (b != null) {
      return b;
    }
    String where = name + " at offset " + handle.offset();
    if (handle.size() > Integer.MAX_VALUE - TableFormat.BLOCK_TRAILER_SIZE
        || handle.offset() < 0
        || handle.offset() + handle.size() + TableFormat.BLOCK_TRAILER_SIZE
            > size - TableFormat.FOOTER_SIZE) {
      throw new CorruptionException(where + ": the index names a block past the table's end");
    }
    b = new Block(readContents(channel, handle, name, compressed), where);
    if (fill) {
      cache.put(number, handle.offset(), b);
    }
    return b;
  }

  /** The handle an index entry holds. */
  BlockHandle handleAt(Block.Cursor indexCursor) {
    return BlockHandle.decode(
        indexCursor.data(),
        indexCursor.valueOffset(),
        indexCursor.valueLength(),
        name + " (index)");
  }

  /**
   * The newest entry of {@code storeKey} at or below {@code sequence}: its trailer and value, or
   * null if the table holds none.
   */
  Found get(byte[] storeKey, long sequence) {
    return get(storeKey, BloomFilter.hash(storeKey), InternalKey.seekTarget(storeKey, sequence));
  }

  /**
   * {@link #get(byte[], long)} with the key's filter hash ({@link BloomFilter#hash}) and seek
   * target ({@link InternalKey#seekTarget}) made once by a lookup that reads several tables.
   */
  Found get(byte[] storeKey, long hash, InternalKey target) {
    if (!mayContainHash(hash)) {
      return null;
    }
    Block.Cursor ic = index.cursor();
    ic.seek(target);
    if (!ic.valid()) {
      return null;
    }
    Block.Cursor c = block(handleAt(ic)).cursor();
    c.seek(target);
    if (!c.valid()) {
      return null;
    }
    int userLength = c.keyLength() - InternalKey.TRAILER_SIZE;
    if (!Arrays.equals(c.keyBuffer(), 0, userLength, storeKey, 0, storeKey.length)) {
      return null;
    }
    return new Found(InternalKey.trailerOf(c.keyBuffer(), 0, c.keyLength()), c.value());
  }

  /**
   * An entry found by {@link #get}.
   *
   * @param trailer its sequence and kind
   * @param value its value (empty for a tombstone)
   */
  record Found(long trailer, byte[] value) {}

  /**
   * About how many of the table's {@code entries} entries have store keys in {@code [lower,
   * upper)}: the blocks at the range's two ends are counted exactly (read through the cache), the
   * blocks between them at the table's average entries per block.
   */
  long approximateEntries(byte[] lower, byte[] upper, long entries) {
    int blocks = blockCount();
    if (blocks == 0) {
      return 0;
    }
    double perBlock = (double) entries / blocks;
    InternalKey start = InternalKey.seekTarget(lower, InternalKey.MAX_SEQUENCE);
    Block.Cursor ic = index.cursor();
    ic.seek(start);
    double n = 0;
    boolean first = true;
    while (ic.valid()) {
      int userLength = ic.keyLength() - InternalKey.TRAILER_SIZE;
      boolean last =
          Arrays.compareUnsigned(ic.keyBuffer(), 0, userLength, upper, 0, upper.length) >= 0;
      if (first || last) {
        Block.Cursor c = block(handleAt(ic)).cursor();
        c.seek(start);
        while (c.valid()) {
          int l = c.keyLength() - InternalKey.TRAILER_SIZE;
          if (Arrays.compareUnsigned(c.keyBuffer(), 0, l, upper, 0, upper.length) >= 0) {
            break;
          }
          n++;
          c.next();
        }
      } else {
        n += perBlock;
      }
      if (last) {
        break;
      }
      first = false;
      ic.next();
    }
    return Math.round(n);
  }

  private int blockCount() {
    int b = blockCount;
    if (b < 0) {
      b = 0;
      Block.Cursor ic = index.cursor();
      for (ic.seekToFirst(); ic.valid(); ic.next()) {
        b++;
      }
      blockCount = b;
    }
    return b;
  }

  TableIterator iterator() {
    return new TableIterator(this, true);
  }

  /** An iterator that caches the blocks it reads only if {@code fillCache}. */
  TableIterator iterator(boolean fillCache) {
    return new TableIterator(this, fillCache);
  }

  void close() {
    channel.close();
  }
}
