package dev.cairn.engine.btree;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A meta page: the root of one committed state of the store ({@code docs/formats/btree-meta.md}).
 *
 * <p>The data file starts with two meta slots, page 0 and page 1. A commit writes its meta into the
 * slot that does not hold the last meta known to be on disk (forced), so a torn or lost meta write
 * leaves the other, durable one; open takes the valid meta with the highest txid, and falls back to
 * the other when the first fails its checksum or its newest pages fail theirs ({@link Recovery}).
 *
 * <pre>
 * | page header (24B, type META, page id 0 or 1) | magic "CAIRNBT1" (8B) | format version (4B) |
 * | page size (4B) | high-water mark (8B) | pages synced through (8B) | catalog ref (20B) |
 * | freelist ref (20B) | tree nodes (8B) | tree bytes (8B) | zeros to 160B |
 * </pre>
 *
 * The checksum covers bytes {@code [4, 160)}; the rest of the slot is zeros.
 *
 * @param txid the transaction that committed this state
 * @param formatVersion the format the file is written in
 * @param pageSize bytes of every page
 * @param highWater the first page never allocated: the file's logical size in pages
 * @param syncedThrough every page written by a transaction up to this one had been forced when this
 *     meta was written; newer pages it references may have been lost in a power cut
 * @param catalog the keyspaces and their roots
 * @param freelist every page below the high-water mark that no tree, chain or meta uses
 * @param treeNodes the branch and leaf pages of every keyspace's tree, for statistics
 * @param treeBytes the bytes those pages use, for the fill factor
 */
record Meta(
    long txid,
    int formatVersion,
    int pageSize,
    long highWater,
    long syncedThrough,
    BlobRef catalog,
    BlobRef freelist,
    long treeNodes,
    long treeBytes) {

  static final byte[] MAGIC = "CAIRNBT1".getBytes(StandardCharsets.US_ASCII);

  /** Bytes of a meta, checksum included; the rest of its slot is zeros. */
  static final int LENGTH = 160;

  /** The number of meta slots: pages 0 and 1. Tree pages start after them. */
  static final int SLOTS = 2;

  /** The meta's bytes for slot {@code slot}, sealed. */
  byte[] encode(int slot) {
    byte[] page = new byte[LENGTH];
    ByteBuffer b = PageFormat.buffer(page);
    PageFormat.header(b, PageFormat.META, 0, slot, txid);
    b.position(PageFormat.HEADER_SIZE);
    b.put(MAGIC);
    b.putInt(formatVersion).putInt(pageSize);
    b.putLong(highWater).putLong(syncedThrough);
    catalog.write(b);
    freelist.write(b);
    b.putLong(treeNodes).putLong(treeBytes);
    PageFormat.seal(page, LENGTH);
    return page;
  }

  /**
   * The meta in {@code bytes} (at least {@link #LENGTH} of them) read from slot {@code slot}, or
   * null with the reason in {@code why} when it is not a valid meta of that slot.
   */
  static Meta decode(byte[] bytes, int slot, StringBuilder why) {
    if (bytes.length < LENGTH) {
      why.append("slot ").append(slot).append(" is cut short");
      return null;
    }
    byte[] page = java.util.Arrays.copyOf(bytes, LENGTH);
    if (!PageFormat.checksumMatches(page, LENGTH)) {
      why.append("slot ").append(slot).append(" fails its checksum (torn, unwritten or damaged)");
      return null;
    }
    ByteBuffer b = PageFormat.buffer(page);
    if (b.get(PageFormat.TYPE_OFFSET) != PageFormat.META
        || b.getLong(PageFormat.ID_OFFSET) != slot) {
      why.append("slot ").append(slot).append(" holds no meta of that slot (misdirected)");
      return null;
    }
    long txid = b.getLong(PageFormat.TXID_OFFSET);
    b.position(PageFormat.HEADER_SIZE);
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      why.append("slot ").append(slot).append(" has no B+tree magic");
      return null;
    }
    return new Meta(
        txid,
        b.getInt(),
        b.getInt(),
        b.getLong(),
        b.getLong(),
        BlobRef.read(b),
        BlobRef.read(b),
        b.getLong(),
        b.getLong());
  }
}
