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
 * | page size (4B) | high-water mark (8B) | synced through (8B) | catalog ref (20B) |
 * | freelist ref (20B) | tree nodes (8B) | tree bytes (8B) | inline catalog length (4B) |
 * | inline freelist length (4B) | log generation (8B) | log records held (8B) |
 * | zeros to byte 160 | inline catalog | inline freelist |
 * </pre>
 *
 * The catalog and the freelist are kept in the meta's own page when they fit there together (their
 * references then name page 0), else each in a blob chain: a small store's commit writes its
 * changed nodes and the meta, nothing more. The checksum covers bytes {@code [4, 160 + inline
 * lengths)}; the rest of the slot is zeros.
 *
 * @param txid the transaction that committed this state
 * @param formatVersion the format the file is written in
 * @param pageSize bytes of every page
 * @param highWater the first page never allocated: the file's logical size in pages
 * @param syncedThrough every page written by a transaction up to this one had been forced when this
 *     meta was written; newer pages it references may have been lost in a power cut
 * @param catalog the keyspaces and their roots: a chain, or page 0 when inline
 * @param freelist every page below the high-water mark that no tree, chain or meta uses: a chain,
 *     or page 0 when inline
 * @param treeNodes the branch and leaf pages of every keyspace's tree, for statistics
 * @param treeBytes the bytes those pages use, for the fill factor
 * @param inlineCatalog the catalog's bytes when inline, else null
 * @param inlineFreelist the freelist's bytes when inline, else null
 * @param logGeneration the generation of the log of {@code BUFFERED} writes whose first {@code
 *     logRecords} records this state holds (format version 4): a commit made durable in the
 *     background while writers logged on leaves the log uncut; 0 (every older meta, and a commit
 *     after which the log is cut) means the log's generation is this meta's txid and the state
 *     holds none of its records
 * @param logRecords records of generation {@code logGeneration} this state holds
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
    long treeBytes,
    byte[] inlineCatalog,
    byte[] inlineFreelist,
    long logGeneration,
    long logRecords) {

  /** A meta after which the log starts anew: its generation is this meta's txid. */
  Meta(
      long txid,
      int formatVersion,
      int pageSize,
      long highWater,
      long syncedThrough,
      BlobRef catalog,
      BlobRef freelist,
      long treeNodes,
      long treeBytes,
      byte[] inlineCatalog,
      byte[] inlineFreelist) {
    this(
        txid,
        formatVersion,
        pageSize,
        highWater,
        syncedThrough,
        catalog,
        freelist,
        treeNodes,
        treeBytes,
        inlineCatalog,
        inlineFreelist,
        0,
        0);
  }

  /** The generation of the log records that follow this state: its own txid unless recorded. */
  long logFollows() {
    return logGeneration == 0 ? txid : logGeneration;
  }

  static final byte[] MAGIC = "CAIRNBT1".getBytes(StandardCharsets.US_ASCII);

  /** Bytes of a meta's fixed part, checksum included; inline catalog and freelist follow. */
  static final int LENGTH = 160;

  /** The number of meta slots: pages 0 and 1. Tree pages start after them. */
  static final int SLOTS = 2;

  /** The reference a meta holds for an inline catalog or freelist. */
  static final BlobRef INLINE = new BlobRef(0, 0, 0);

  /** True when {@code catalog} and {@code freelist} bytes fit in a meta of {@code pageSize}. */
  static boolean fitsInline(int catalog, int freelist, int pageSize) {
    return LENGTH + (long) catalog + freelist <= pageSize;
  }

  /** The meta's bytes for slot {@code slot}, sealed: its fixed part and inline parts. */
  byte[] encode(int slot) {
    int cat = inlineCatalog == null ? 0 : inlineCatalog.length;
    int free = inlineFreelist == null ? 0 : inlineFreelist.length;
    byte[] page = new byte[LENGTH + cat + free];
    ByteBuffer b = PageFormat.buffer(page);
    PageFormat.header(b, PageFormat.META, 0, slot, txid);
    b.position(PageFormat.HEADER_SIZE);
    b.put(MAGIC);
    b.putInt(formatVersion).putInt(pageSize);
    b.putLong(highWater).putLong(syncedThrough);
    catalog.write(b);
    freelist.write(b);
    b.putLong(treeNodes).putLong(treeBytes);
    b.putInt(cat).putInt(free);
    b.putLong(logGeneration).putLong(logRecords);
    b.position(LENGTH);
    if (cat > 0) {
      b.put(inlineCatalog);
    }
    if (free > 0) {
      b.put(inlineFreelist);
    }
    PageFormat.seal(page, page.length);
    return page;
  }

  /**
   * The meta in {@code bytes} read from slot {@code slot}, or null with the reason in {@code why}
   * when it is not a valid meta of that slot.
   */
  static Meta decode(byte[] bytes, int slot, StringBuilder why) {
    if (bytes.length < LENGTH) {
      why.append("slot ").append(slot).append(" is cut short");
      return null;
    }
    ByteBuffer b = PageFormat.buffer(bytes);
    int cat = b.getInt(112);
    int free = b.getInt(116);
    if (cat < 0 || free < 0 || (long) LENGTH + cat + free > bytes.length) {
      why.append("slot ").append(slot).append(" fails its checksum (torn, unwritten or damaged)");
      return null;
    }
    byte[] page = java.util.Arrays.copyOf(bytes, LENGTH + cat + free);
    if (!PageFormat.checksumMatches(page, page.length)) {
      why.append("slot ").append(slot).append(" fails its checksum (torn, unwritten or damaged)");
      return null;
    }
    b = PageFormat.buffer(page);
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
    int formatVersion = b.getInt();
    int pageSize = b.getInt();
    if (LENGTH + cat + free > pageSize) {
      why.append("slot ").append(slot).append(" has inline parts larger than its page");
      return null;
    }
    long highWater = b.getLong();
    long synced = b.getLong();
    BlobRef catalog = BlobRef.read(b);
    BlobRef freelist = BlobRef.read(b);
    long nodes = b.getLong();
    long bytesUsed = b.getLong();
    b.getInt();
    b.getInt();
    long logGeneration = b.getLong();
    long logRecords = b.getLong();
    if (logGeneration < 0 || logRecords < 0 || (logGeneration == 0 && logRecords != 0)) {
      why.append("slot ")
          .append(slot)
          .append(" names log generation ")
          .append(logGeneration)
          .append(" and ")
          .append(logRecords)
          .append(" records of it (damaged)");
      return null;
    }
    byte[] inlineCatalog =
        catalog.pageId() == 0 ? java.util.Arrays.copyOfRange(page, LENGTH, LENGTH + cat) : null;
    byte[] inlineFreelist =
        freelist.pageId() == 0
            ? java.util.Arrays.copyOfRange(page, LENGTH + cat, LENGTH + cat + free)
            : null;
    return new Meta(
        txid,
        formatVersion,
        pageSize,
        highWater,
        synced,
        catalog,
        freelist,
        nodes,
        bytesUsed,
        inlineCatalog,
        inlineFreelist,
        logGeneration,
        logRecords);
  }

  /** The catalog's bytes: inline, or read from its chain. */
  byte[] catalogBytes(Pager pager) {
    return inlineCatalog != null ? inlineCatalog : pager.blob(catalog, PageFormat.CATALOG);
  }

  /** The freelist's bytes: inline, or read from its chain. */
  byte[] freelistBytes(Pager pager) {
    return inlineFreelist != null ? inlineFreelist : pager.blob(freelist, PageFormat.FREELIST);
  }

  /** The pages of the catalog and freelist chains (none when inline), each read and verified. */
  java.util.List<Long> chainPages(Pager pager) {
    java.util.List<Long> ids = new java.util.ArrayList<>();
    if (inlineCatalog == null) {
      ids.addAll(Blobs.pages(catalog, PageFormat.CATALOG, pager, pager.layout(), pager.where()));
    }
    if (inlineFreelist == null) {
      ids.addAll(Blobs.pages(freelist, PageFormat.FREELIST, pager, pager.layout(), pager.where()));
    }
    return ids;
  }
}
