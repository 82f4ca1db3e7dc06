package dev.cairn.engine.btree;

import dev.cairn.spi.CorruptionException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Blob chains: bytes too large for a node (overflow values and keys), and the freelist and catalog
 * of a commit, kept in a chain of pages written by one transaction ({@code
 * docs/formats/btree-page.md}, "Blob pages").
 *
 * <pre>
 * | page header (24B; count 0) | next page id (8B; 0 ends the chain) | payload bytes here (4B) |
 * | payload ... |
 * </pre>
 *
 * <p>Every page of a chain carries the chain's txid, checked against the {@link BlobRef} on read,
 * with its id and checksum. A chain is read whole; its length in the reference bounds the pages
 * followed, so a damaged next pointer can neither loop nor run away.
 */
final class Blobs {

  private Blobs() {}

  static final int NEXT_OFFSET = PageFormat.HEADER_SIZE;
  static final int LENGTH_OFFSET = NEXT_OFFSET + 8;
  static final int BODY_OFFSET = LENGTH_OFFSET + 4;

  /** Where the pages of a chain go once written. */
  interface PageSink {
    void write(long pageId, byte[] page);
  }

  /** Reads one verified page. */
  interface PageSource {
    byte[] page(long pageId, long txid, byte type);
  }

  /** The number of pages a blob of {@code length} bytes takes. */
  static int pagesFor(int length, Layout layout) {
    return Math.max(1, (length + layout.blobPayload() - 1) / layout.blobPayload());
  }

  /** Writes {@code data} as a chain of {@code type} pages of {@code txid}, allocating its pages. */
  static BlobRef write(
      byte[] data, byte type, long txid, LongSupplier allocate, PageSink sink, Layout layout) {
    int n = pagesFor(data.length, layout);
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = allocate.getAsLong();
    }
    int per = layout.blobPayload();
    for (int i = 0; i < n; i++) {
      byte[] page = new byte[layout.pageSize()];
      ByteBuffer b = PageFormat.buffer(page);
      PageFormat.header(b, type, 0, ids[i], txid);
      int from = i * per;
      int len = Math.min(per, data.length - from);
      b.putLong(NEXT_OFFSET, i + 1 < n ? ids[i + 1] : 0);
      b.putInt(LENGTH_OFFSET, len);
      System.arraycopy(data, from, page, BODY_OFFSET, len);
      PageFormat.seal(page, page.length);
      sink.write(ids[i], page);
    }
    return new BlobRef(ids[0], txid, data.length);
  }

  /**
   * The bytes of the chain {@code ref} of {@code type}.
   *
   * @throws CorruptionException if a page fails its checks or the chain does not add up
   */
  static byte[] read(BlobRef ref, byte type, PageSource source, Layout layout, String where) {
    byte[] data = new byte[ref.length()];
    walk(ref, type, source, layout, where, data, null);
    return data;
  }

  /** The pages of the chain {@code ref}, in order, each read and verified. */
  static List<Long> pages(BlobRef ref, byte type, PageSource source, Layout layout, String where) {
    List<Long> ids = new ArrayList<>();
    walk(ref, type, source, layout, where, null, ids);
    return ids;
  }

  private static void walk(
      BlobRef ref,
      byte type,
      PageSource source,
      Layout layout,
      String where,
      byte[] data,
      List<Long> ids) {
    if (ref.length() < 0) {
      throw new CorruptionException(where + ": a blob reference has a negative length " + ref);
    }
    int n = pagesFor(ref.length(), layout);
    long id = ref.pageId();
    int at = 0;
    for (int i = 0; i < n; i++) {
      if (id < Meta.SLOTS) {
        throw new CorruptionException(
            where + ": the " + PageFormat.typeName(type) + " chain " + ref + " ends early");
      }
      byte[] page = source.page(id, ref.txid(), type);
      ByteBuffer b = PageFormat.buffer(page);
      int len = b.getInt(LENGTH_OFFSET);
      int expected = Math.min(layout.blobPayload(), ref.length() - at);
      if (len != expected) {
        throw new CorruptionException(
            where
                + ": page "
                + id
                + " of chain "
                + ref
                + " holds "
                + len
                + " bytes, not "
                + expected);
      }
      if (data != null) {
        System.arraycopy(page, BODY_OFFSET, data, at, len);
      }
      if (ids != null) {
        ids.add(id);
      }
      at += len;
      id = b.getLong(NEXT_OFFSET);
    }
    if (id != 0) {
      throw new CorruptionException(
          where + ": chain " + ref + " goes on past its length (next page " + id + ")");
    }
  }
}
