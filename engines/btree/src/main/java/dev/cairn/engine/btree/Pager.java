package dev.cairn.engine.btree;

import dev.cairn.spi.CorruptionException;

/**
 * Verified reads of pages, nodes and blobs: every read from the file goes through {@link
 * PageFormat#verify} against the id, txid and type its reference expects, and decoded nodes are
 * kept in the {@link PageCache}. The read path of production is the one the crash campaigns run,
 * through the store's file system.
 *
 * <p>Thread-safe.
 */
final class Pager implements Blobs.PageSource {

  private final PageFile file;
  private final PageCache cache;
  private final Layout layout;
  private final String where;

  Pager(PageFile file, PageCache cache, Layout layout) {
    this.file = file;
    this.cache = cache;
    this.layout = layout;
    this.where = file.path().toString();
  }

  Layout layout() {
    return layout;
  }

  PageFile file() {
    return file;
  }

  PageCache cache() {
    return cache;
  }

  String where() {
    return where;
  }

  /**
   * Page {@code pageId} as written by {@code txid}, of {@code type}, verified.
   *
   * @throws CorruptionException if it fails a check
   */
  @Override
  public byte[] page(long pageId, long txid, byte type) {
    if (pageId < Meta.SLOTS) {
      throw new CorruptionException(
          where
              + ": a reference to page "
              + pageId
              + " (a meta slot) where a "
              + PageFormat.typeName(type)
              + " page belongs");
    }
    byte[] page = file.read(layout.offset(pageId), layout.pageSize());
    PageFormat.verify(page, pageId, txid, type, where);
    return page;
  }

  /**
   * The node at {@code pageId} written by {@code txid}, from the cache or the file.
   *
   * @throws CorruptionException if its page or a long key's chain fails a check
   */
  Node node(long pageId, long txid) {
    Node n = cache.get(pageId, txid);
    if (n != null) {
      return n;
    }
    n = readNode(pageId, txid);
    cache.put(n);
    return n;
  }

  /** The node at {@code pageId}, read from the file past the cache (for checks). */
  Node readNode(long pageId, long txid) {
    if (pageId < Meta.SLOTS) {
      throw new CorruptionException(
          where + ": a reference to page " + pageId + " (a meta slot) where a node belongs");
    }
    byte[] page = file.read(layout.offset(pageId), layout.pageSize());
    byte type = PageFormat.type(page);
    PageFormat.verify(
        page, pageId, txid, type == PageFormat.BRANCH ? PageFormat.BRANCH : PageFormat.LEAF, where);
    return Node.decode(page, pageId, txid, this::key, where);
  }

  /** A long key's bytes. */
  byte[] key(BlobRef ref) {
    return Blobs.read(ref, PageFormat.OVERFLOW, this, layout, where);
  }

  /** A value: the bytes themselves, or its overflow chain read. */
  byte[] value(Object v) {
    return v instanceof byte[] b
        ? b
        : Blobs.read((BlobRef) v, PageFormat.OVERFLOW, this, layout, where);
  }

  /** The bytes of the blob {@code ref} of {@code type}. */
  byte[] blob(BlobRef ref, byte type) {
    return Blobs.read(ref, type, this, layout, where);
  }
}
