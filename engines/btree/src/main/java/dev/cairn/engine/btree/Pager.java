package dev.cairn.engine.btree;

import dev.cairn.spi.CorruptionException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Verified reads of pages, nodes and blobs: every read from the file goes through {@link
 * PageFormat#verify} against the id, txid and type its reference expects; node pages are read into
 * the {@link PageCache}'s engine-owned memory and read there in place ({@link NodeView}). The read
 * path of production is the one the crash campaigns run, through the store's file system.
 *
 * <p>Thread-safe.
 */
final class Pager implements Blobs.PageSource {

  private final PageFile file;
  private final PageCache cache;
  private final Layout layout;
  private final String where;
  private final PageCache.Loader loader = this::loadNode;

  private static final int WRITTEN_NODES = 64;

  @SuppressWarnings("serial")
  private final java.util.LinkedHashMap<Long, Node> written =
      new java.util.LinkedHashMap<>(WRITTEN_NODES * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Long, Node> eldest) {
          return size() > WRITTEN_NODES;
        }
      };

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
   * The node page {@code pageId} written by {@code txid}, verified, pinned in the cache (or read
   * into a private buffer when the cache has no slot to give): read it in place, then {@link
   * #release} it.
   *
   * @throws CorruptionException if its page fails a check
   */
  NodeView acquire(long pageId, long txid) {
    return cache.acquire(pageId, txid, loader);
  }

  /** Gives back a page {@link #acquire} returned. */
  void release(NodeView v) {
    cache.release(v);
  }

  private void loadNode(long pageId, long txid, MemorySegment target) {
    if (pageId < Meta.SLOTS) {
      throw new CorruptionException(
          where + ": a reference to page " + pageId + " (a meta slot) where a node belongs");
    }
    file.read(layout.offset(pageId), target.asByteBuffer());
    byte type = target.get(ValueLayout.JAVA_BYTE, PageFormat.TYPE_OFFSET);
    PageFormat.verify(
        target,
        pageId,
        txid,
        type == PageFormat.BRANCH ? PageFormat.BRANCH : PageFormat.LEAF,
        where);
  }

  /**
   * The node at {@code pageId} written by {@code txid}, decoded (for the writer, which changes a
   * copy), from the cache's bytes or the file.
   *
   * @throws CorruptionException if its page or a long key's chain fails a check
   */
  Node node(long pageId, long txid) {
    Node kept = kept(pageId, txid);
    if (kept != null) {
      return kept;
    }
    NodeView v = acquire(pageId, txid);
    try {
      return Node.decode(v.bytes(), pageId, txid, this::key, where);
    } finally {
      release(v);
    }
  }

  /**
   * The {@link Node#encodedSize} of the node at {@code pageId} written by {@code txid}: read from
   * its page in place when the page holds compact entries (whose body is exactly that size), else
   * decoded.
   *
   * @throws CorruptionException if its page or a long key's chain fails a check
   */
  int encodedSize(long pageId, long txid) {
    Node kept = kept(pageId, txid);
    if (kept != null) {
      return kept.encodedSize(layout);
    }
    NodeView v = acquire(pageId, txid);
    int size;
    try {
      size = v.encodedSize();
    } finally {
      release(v);
    }
    return size >= 0 ? size : node(pageId, txid).encodedSize(layout);
  }

  /**
   * Whether page {@code pageId}, written by {@code txid}, is a leaf whose keys and values are all
   * in the page: read in place, not decoded.
   *
   * @throws dev.cairn.spi.CorruptionException if the page fails its checks
   */
  boolean inlineLeaf(long pageId, long txid) {
    NodeView v = acquire(pageId, txid);
    try {
      return v.leaf() && !v.holdsChains();
    } finally {
      release(v);
    }
  }

  /**
   * Node {@code pageId}, written by {@code txid}, as a private copy for a transaction to change
   * (copy-on-write): a {@link Node#copy()} of the node kept as written, or else decoded from the
   * page straight into a node of its own, without a second copy. Like a copy, it has no page yet.
   *
   * @throws dev.cairn.spi.CorruptionException if the page fails its checks
   */
  Node nodeToChange(long pageId, long txid) {
    Node kept = kept(pageId, txid);
    if (kept != null) {
      return kept.copy();
    }
    NodeView v = acquire(pageId, txid);
    Node n;
    try {
      n = Node.decode(v.bytes(), pageId, txid, this::key, where, 4);
    } finally {
      release(v);
    }
    n.pageId = 0;
    n.txid = 0;
    return n;
  }

  /**
   * Keeps {@code n}, just written by the writer, decoded for the writer's next transactions: the
   * top of each tree is rewritten by every commit, and decoding it again each time was a third of a
   * small commit's work. Bounded ({@value #WRITTEN_NODES} nodes, the most recent); the nodes are
   * never changed (a transaction changes a copy).
   */
  void written(Node n) {
    synchronized (written) {
      written.put(n.pageId, n);
    }
  }

  /** The node kept as written at {@code pageId} by {@code txid}, or null. */
  private Node kept(long pageId, long txid) {
    synchronized (written) {
      Node n = written.get(pageId);
      return n != null && n.txid == txid ? n : null;
    }
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
